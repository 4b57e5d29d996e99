import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api } from './api/client';
import { followServerEvents } from './api/sse';
import type { RunStatus } from './api/types';

export type Loaded<T> = { readonly state: 'loading' } | { readonly state: 'error'; readonly error: ApiError | Error } | { readonly state: 'ok'; readonly data: T };

/** GET a path and re-fetch when it changes; `reload` re-reads it (after a delete, say). A stale answer never overwrites a newer one. */
export function useApi<T>(path: string | null): [Loaded<T>, () => void] {
  const [result, setResult] = useState<Loaded<T>>({ state: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) return;
    const ctl = new AbortController();
    setResult((r) => (r.state === 'ok' ? r : { state: 'loading' }));
    api<T>(path, { signal: ctl.signal }).then(
      (data) => setResult({ state: 'ok', data }),
      (error: unknown) => {
        if (ctl.signal.aborted) return;
        setResult({ state: 'error', error: error instanceof Error ? error : new Error(String(error)) });
      },
    );
    return () => ctl.abort();
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return [result, reload];
}

/** The value once it has stopped changing for `delayMs`. */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(t);
  }, [value, delayMs]);
  return settled;
}

export interface RunProgress {
  readonly status: RunStatus | null;
  readonly fraction: number;
  readonly done: number;
  readonly total: number;
  readonly error: { code: string; message: string } | null;
}

const FINAL: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

/** Follows GET /backtests/:id/progress (server-sent events, with the token when one is set) until the run reaches a final status. */
export function useRunProgress(id: string | null, initial: RunStatus | null): RunProgress {
  const [progress, setProgress] = useState<RunProgress>({ status: initial, fraction: 0, done: 0, total: 0, error: null });
  const finished = useRef(false);
  useEffect(() => {
    finished.current = initial !== null && FINAL.includes(initial);
    setProgress({ status: initial, fraction: initial === 'completed' ? 1 : 0, done: 0, total: 0, error: null });
    if (id === null || finished.current) return;
    const ctl = new AbortController();
    void followServerEvents(
      `backtests/${encodeURIComponent(id)}/progress`,
      (e) => {
        if (e.type === 'progress') {
          const p = JSON.parse(e.data) as { done: number; total: number; fraction: number };
          setProgress((prev) => ({ ...prev, status: prev.status === 'queued' || prev.status === null ? 'running' : prev.status, ...p }));
          return false;
        }
        if (e.type !== 'status') return false;
        const s = JSON.parse(e.data) as { status: RunStatus; error?: { code: string; message: string } };
        setProgress((prev) => ({ ...prev, status: s.status, error: s.error ?? null, fraction: s.status === 'completed' ? 1 : prev.fraction }));
        finished.current = FINAL.includes(s.status);
        return finished.current;
      },
      ctl.signal,
    ).catch((err: unknown) => {
      if (!ctl.signal.aborted) setProgress((prev) => ({ ...prev, error: { code: 'API-009', message: err instanceof Error ? err.message : String(err) } }));
    });
    return () => ctl.abort();
  }, [id, initial]);
  return progress;
}

/** The message of an API error with its code, for an inline error box. */
export function errorText(error: Error): string {
  if (!(error instanceof ApiError)) return error.message;
  const hint = error.body.code === 'API-002' || error.body.code === 'API-003' ? ' — set the server\'s token with the Token button at the top.' : '';
  return `${error.body.code}: ${error.body.message}${hint}`;
}
