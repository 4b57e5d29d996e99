import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { BasisError } from '../errors/base.js';
import type { BacktestRequest } from '../engine/backtest.js';
import type { RunStore } from '../store/types.js';
import type { JobMessage, JobOutcome, JobTask } from './worker.js';
import type { ProgressHub } from './progressHub.js';

export interface JobPoolOptions {
  readonly store: RunStore;
  /** How a worker thread opens the same store. */
  readonly storeAccess: JobTask['store'];
  readonly owner: string;
  readonly hub: ProgressHub;
  /** Worker threads (default: the machine's cores). */
  readonly threads?: number;
  /** Backtests that may wait for a thread; one more is a 429 API-006. */
  readonly maxQueue?: number;
  /** Engine steps done since the last report of a run. */
  readonly onSteps?: (steps: number) => void;
  /** A run reached a final status: its duration in seconds. */
  readonly onFinished?: (mode: string, status: 'completed' | 'failed' | 'cancelled', seconds: number, errorCode: string | null) => void;
}

interface Job {
  readonly id: string;
  readonly mode: string;
  readonly abort: AbortController;
  running: boolean;
  stepsDone: number;
  readonly startedAt: number;
}

/** A job not yet handed to a thread, and what settles its submit(). */
interface Waiting {
  readonly job: Job;
  readonly request: BacktestRequest;
  readonly done: () => void;
}

/**
 * The worker module: compiled JS next to this file when running from dist/, the TypeScript source under tsx or
 * vitest (the threads then load tsx themselves through --import).
 */
function workerModule(): { filename: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return { filename: here.replace(/jobPool\.js$/, 'worker.js'), execArgv: [] };
  // tsx resolved from this package, not from the working directory the server was started in.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { filename: here.replace(/jobPool\.ts$/, 'worker.ts'), execArgv: ['--import', tsx] };
}

/**
 * Backtests off the request thread: a piscina pool of worker threads with a bounded queue. Each task opens its
 * thread's own store connection and runs runStoredBacktest; progress comes back over a MessagePort and is fanned
 * out through the hub (SSE, metrics). Cancelling aborts the task (the thread is ended if it is running) and marks
 * the run cancelled. Runs start in the order they were posted: the pool keeps the waiting ones itself and hands
 * piscina one only when a thread is free (piscina's own queue started a later run first after a cancellation).
 */
export class JobPool {
  readonly threads: number;
  readonly maxQueue: number;
  private readonly pool: Piscina<JobTask, JobOutcome>;
  private readonly jobs = new Map<string, Job>();
  /** Jobs waiting for a thread, oldest first. */
  private readonly waiting: Waiting[] = [];
  /** Jobs handed to piscina and not yet settled (at most `threads`). */
  private inPool = 0;

  constructor(private readonly opts: JobPoolOptions) {
    this.threads = Math.max(1, opts.threads ?? availableParallelism());
    this.maxQueue = Math.max(0, opts.maxQueue ?? 16);
    const mod = workerModule();
    // One thread is kept alive: cancelling a running job terminates its thread, and piscina replaces a terminated
    // thread only up to minThreads, so with none kept the jobs waiting behind a cancelled one never started.
    this.pool = new Piscina<JobTask, JobOutcome>({ filename: mod.filename, execArgv: mod.execArgv, minThreads: 1, maxThreads: this.threads, idleTimeout: 60_000, maxQueue: this.maxQueue + this.threads });
  }

  get queued(): number {
    let n = 0;
    for (const j of this.jobs.values()) if (!j.running) n++;
    return n;
  }

  get running(): number {
    return this.jobs.size - this.queued;
  }

  /** Live worker threads (one is always kept; the others start on demand and stop when idle). */
  get liveThreads(): number {
    return this.pool.threads.length;
  }

  has(id: string): boolean {
    return this.jobs.has(id);
  }

  /** Throws API-006 when the queue is full; call before the run is stored so a refused request stores nothing. */
  assertRoom(): void {
    if (this.jobs.size >= this.threads + this.maxQueue) {
      throw new BasisError('API-006', `backtest queue full: ${this.running} running and ${this.queued} waiting (at most ${this.maxQueue}); retry later`, {
        problems: [{ code: 'API-006', path: 'queue', message: 'queue full', expected: `fewer than ${this.maxQueue} waiting backtests`, received: String(this.queued) }],
      });
    }
  }

  /** Queues a stored run; resolves when it reaches a final status (the HTTP request does not wait for it). */
  submit(id: string, mode: string, request: BacktestRequest): Promise<void> {
    this.assertRoom();
    const job: Job = { id, mode, abort: new AbortController(), running: false, stepsDone: 0, startedAt: performance.now() };
    this.jobs.set(id, job);
    return new Promise<void>((done) => {
      this.waiting.push({ job, request, done });
      this.pump();
    });
  }

  /** Hands waiting jobs to the pool, oldest first, while a thread is free. */
  private pump(): void {
    while (this.inPool < this.threads) {
      const next = this.waiting.shift();
      if (next === undefined) return;
      this.inPool++;
      void this.execute(next.job, next.request).finally(() => {
        this.inPool--;
        next.done();
        this.pump();
      });
    }
  }

  private execute(job: Job, request: BacktestRequest): Promise<void> {
    const id = job.id;
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m: JobMessage) => {
      if (m.type === 'started') {
        job.running = true;
        this.opts.hub.status(id, 'running');
      } else {
        if (m.done > job.stepsDone) this.opts.onSteps?.(m.done - job.stepsDone);
        job.stepsDone = m.done;
        this.opts.hub.progress(id, m.done, m.total);
      }
    });
    const task: JobTask = { id, request, store: this.opts.storeAccess, owner: this.opts.owner, port: port2 };
    return this.pool
      .run(task, { transferList: [port2], signal: job.abort.signal })
      .then(
        async (out) => {
          if (out.ok) return this.finish(job, 'completed', null);
          await this.recordFailure(id, out);
          return this.finish(job, 'failed', { code: out.code, message: out.message });
        },
        async (err: unknown) => {
          if (job.abort.signal.aborted) return this.finish(job, 'cancelled', null);
          const error = { code: 'API-010', message: `backtest worker failed: ${err instanceof Error ? err.message : String(err)}` };
          await this.recordFailure(id, error);
          return this.finish(job, 'failed', error);
        },
      )
      .finally(() => port1.close());
  }

  /**
   * A failure the run's own code did not record (the thread could not open the store, or died): the run must not
   * stay queued or running.
   */
  private async recordFailure(id: string, error: { code: string; message: string }): Promise<void> {
    const run = await this.opts.store.getRun(id);
    if (run !== null && (run.status === 'queued' || run.status === 'running')) await this.opts.store.failRun(id, error);
  }

  private finish(job: Job, status: 'completed' | 'failed' | 'cancelled', error: { code: string; message: string } | null): void {
    this.jobs.delete(job.id);
    // The engine reports about a hundred times a run, not necessarily at its last step: a completed run is whole.
    if (status === 'completed') {
      const total = this.opts.hub.lastProgress(job.id)?.total ?? 1;
      this.opts.hub.progress(job.id, total, total);
    }
    this.opts.onFinished?.(job.mode, status, (performance.now() - job.startedAt) / 1000, error?.code ?? null);
    this.opts.hub.status(job.id, status, error);
  }

  /**
   * Cancels a queued or running run of this pool or of any other process (the store decides): true when it was
   * cancelled, false when it had already finished.
   */
  async cancel(id: string): Promise<boolean> {
    const cancelled = await this.opts.store.cancelRun(id);
    const job = this.jobs.get(id);
    const k = this.waiting.findIndex((w) => w.job.id === id);
    if (k >= 0) {
      // Not handed to a thread yet: it ends here.
      const [w] = this.waiting.splice(k, 1) as [Waiting];
      this.finish(w.job, 'cancelled', null);
      w.done();
    } else if (job) job.abort.abort();
    else if (cancelled) this.opts.hub.status(id, 'cancelled');
    return cancelled;
  }

  /** Stops every thread; runs still queued or running are recorded as failed (the server is going away). */
  async close(): Promise<void> {
    const waiting = this.waiting.splice(0);
    for (const j of [...this.jobs.values()]) {
      await this.opts.store.failRun(j.id, { code: 'API-010', message: 'the server stopped before the run finished' }).catch(() => undefined);
      j.abort.abort();
    }
    for (const w of waiting) w.done();
    await this.pool.destroy();
  }
}
