import type { MessagePort } from 'node:worker_threads';
import { BasisError } from '../errors/base.js';
import type { BacktestRequest } from '../engine/backtest.js';
import type { RunStore } from '../store/types.js';
import { openStore, type StoreOptions } from '../store/open.js';
import { runStoredBacktest } from '../jobs/backtestJob.js';

/** One backtest for a worker thread of the pool (plain data: it is structured-cloned to the thread). */
export interface JobTask {
  readonly id: string;
  readonly request: BacktestRequest;
  /** How to open the store the server uses: its PostgreSQL URL or SQLite file. */
  readonly store: StoreOptions;
  /** host:pid of the server: the run is owned by the process, which outlives its threads. */
  readonly owner: string;
  /** Where the thread posts `JobMessage`s. */
  readonly port: MessagePort;
}

export type JobMessage = { readonly type: 'started' } | { readonly type: 'progress'; readonly done: number; readonly total: number };

/** What a task resolves to. Errors are returned as data: a structured clone of an Error loses its code. */
export type JobOutcome = { readonly ok: true; readonly finalEquity: number } | { readonly ok: false; readonly code: string; readonly message: string };

/** Fraction of a run between two progress writes to the store. */
const STORED_PROGRESS_STEP = 0.05;

let store: Promise<RunStore> | undefined;
let storeKey: string | undefined;

/** One store connection per thread, opened on its first task. */
function storeFor(opts: JobTask['store']): Promise<RunStore> {
  const key = JSON.stringify(opts);
  if (store === undefined || storeKey !== key) {
    storeKey = key;
    store = openStore(opts);
  }
  return store;
}

export default async function runJob(task: JobTask): Promise<JobOutcome> {
  const post = (m: JobMessage): void => task.port.postMessage(m);
  try {
    post({ type: 'started' });
    const s = await storeFor(task.store);
    let stored = 0;
    const onProgress = (done: number, total: number): void => {
      post({ type: 'progress', done, total });
      const fraction = total > 0 ? done / total : 0;
      // The store's copy is for readers without the stream (run lists, other processes): a few writes a run suffice.
      if (fraction - stored >= STORED_PROGRESS_STEP && fraction < 1) {
        stored = fraction;
        s.setProgress(task.id, fraction).catch(() => undefined);
      }
    };
    const { out } = await runStoredBacktest(s, task.request, { id: task.id, source: 'api', owner: task.owner, onProgress });
    return { ok: true, finalEquity: out.summary.finalEquity };
  } catch (err) {
    if (err instanceof BasisError) return { ok: false, code: err.code, message: err.message };
    return { ok: false, code: 'API-010', message: `backtest worker failed: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    task.port.close();
  }
}
