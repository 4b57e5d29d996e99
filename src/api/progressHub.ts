import type { RunStatus } from '../store/types.js';

export type HubEvent =
  | { readonly kind: 'progress'; readonly done: number; readonly total: number; readonly fraction: number }
  | { readonly kind: 'status'; readonly status: RunStatus; readonly error?: { readonly code: string; readonly message: string } };

type Listener = (e: HubEvent) => void;

/** Progress and status changes of the runs this server executes, fanned out to every SSE subscriber of a run. */
export class ProgressHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly latest = new Map<string, HubEvent & { kind: 'progress' }>();

  subscribe(id: string, fn: Listener): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  /** The last progress seen for a run still executing here. */
  lastProgress(id: string): (HubEvent & { kind: 'progress' }) | undefined {
    return this.latest.get(id);
  }

  progress(id: string, done: number, total: number): void {
    const e = { kind: 'progress' as const, done, total, fraction: total > 0 ? done / total : 0 };
    this.latest.set(id, e);
    this.emit(id, e);
  }

  status(id: string, status: RunStatus, error?: { code: string; message: string } | null): void {
    if (status !== 'queued' && status !== 'running') this.latest.delete(id);
    this.emit(id, { kind: 'status', status, ...(error ? { error } : {}) });
  }

  private emit(id: string, e: HubEvent): void {
    for (const fn of [...(this.listeners.get(id) ?? [])]) fn(e);
  }
}
