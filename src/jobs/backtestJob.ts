import { BasisError } from '../errors/base.js';
import { eachEvent } from '../events/store.js';
import { redactOverride, runBacktest, runConfigDocument, writeBacktestResults, writeBacktestRun, type BacktestOutput, type BacktestRequest, type BacktestWriteOptions, type WrittenBacktest } from '../engine/backtest.js';
import type { RunParams } from '../domain/params.js';
import { currentBuild } from '../engine/runRecord.js';
import { flowRecords, parseFlowSpec } from '../flows/schedule.js';
import { processOwner } from '../store/sqlStore.js';
import { faultPoint } from '../runs/fault.js';
import type { NewRun, RunError, RunSource, RunStore } from '../store/types.js';

export interface StoredBacktestOptions {
  /** The stored run to carry out (queued by the API); without it the run is recorded when its config is resolved (the CLI). */
  readonly id?: string;
  readonly source?: RunSource;
  readonly label?: string | null;
  /** host:pid of the process running it; default this process. */
  readonly owner?: string;
  readonly onProgress?: (done: number, total: number) => void;
  /** Export directory given by the user (--out); default a new directory under the results directory. */
  readonly outDir?: string;
  readonly write?: Omit<BacktestWriteOptions, 'runId'>;
  /** Called with the id as soon as the run is on record (the CLI prints it). */
  readonly onRecorded?: (id: string) => void;
}

export interface StoredBacktest {
  readonly id: string;
  readonly out: BacktestOutput;
  readonly written: WrittenBacktest & { latest?: string | null };
}

/** The stored record of a request, once its config is resolved (mode, share class and capital come from the merged config). */
export function newRunFor(req: BacktestRequest, params: RunParams, source: RunSource, label: string | null = null): NewRun {
  return {
    source,
    label,
    mode: params.mode.mode,
    shareClass: params.mode.shareClass,
    start: req.start ?? null,
    end: req.end ?? null,
    capital: params.mode.initialCapital,
    costs: req.costs !== false,
    ...currentBuild(),
    request: {
      mode: req.mode,
      ...(req.start !== undefined ? { start: req.start } : {}),
      ...(req.end !== undefined ? { end: req.end } : {}),
      ...(req.capital !== undefined ? { capital: req.capital } : {}),
      costs: req.costs !== false,
      // Recorded as config.json records them: a secret-named override keeps its path, not its value.
      ...(req.set !== undefined && req.set.length > 0 ? { set: req.set.map(redactOverride) } : {}),
      ...(req.flows !== undefined && req.flows.length > 0 ? { flows: [...req.flows] } : {}),
      ...(req.env !== undefined ? { env: req.env } : {}),
    },
    // What --flow gave, read as the run reads it; flows from a file or the mode config are added when the run completes.
    flows: flowRecords((req.flows ?? []).map((spec, i) => parseFlowSpec(spec, i + 1))).map(({ at, amount }) => ({ at, amount })),
  };
}

export function runError(err: unknown): RunError {
  if (err instanceof BasisError) return { code: err.code, message: err.message };
  return { code: 'BT-004', message: err instanceof Error ? err.message : String(err) };
}

/**
 * One backtest on record: the run is stored as running once its config is resolved, runs, is exported as a run
 * directory, and is completed in the store in one transaction (summary, timeseries, events, audit hash). A failure
 * at any point after it is on record leaves it `failed` with its code; a killed process leaves it `running` for the
 * next open of the store to mark failed.
 */
export async function runStoredBacktest(store: RunStore, req: BacktestRequest, opts: StoredBacktestOptions = {}): Promise<StoredBacktest> {
  const owner = opts.owner ?? processOwner();
  let id = opts.id;
  try {
    const out = await runBacktest({
      ...req,
      ...(opts.onProgress !== undefined ? { onProgress: opts.onProgress } : {}),
      onResolved: async (resolved) => {
        await req.onResolved?.(resolved);
        id ??= (await store.createRun(newRunFor(req, resolved.params, opts.source ?? 'cli', opts.label ?? null))).id;
        await store.startRun(id, owner);
        faultPoint('run-started');
        opts.onRecorded?.(id);
      },
    });
    const runId = id as string;
    const written = opts.outDir !== undefined ? await writeBacktestResults(opts.outDir, out, { ...opts.write, runId }) : await writeBacktestRun(out, { ...opts.write, runId });
    await store.completeRun(runId, {
      flows: (out.run.flows ?? []).map((f) => ({ at: f.at, amount: f.amount })),
      // The config.json document itself, so an export from the store writes the same bytes and `audit verify` passes.
      config: runConfigDocument(out) as unknown as Record<string, unknown>,
      configHash: written.integrity.configSha256,
      data: { fingerprint: out.run.data.fingerprint, files: out.run.data.files, window: { start: out.summary.start, end: out.summary.end } },
      summary: { ...out.summary, integrity: written.integrity },
      frame: out.frame,
      // Built one at a time as the store writes them, not the array of every event object that out.events keeps.
      events: eachEvent(out.engine.events),
      auditHash: written.integrity.eventsFinalHash,
      runDir: written.dir,
    });
    return { id: runId, out, written };
  } catch (err) {
    if (id !== undefined) await store.failRun(id, runError(err));
    throw err;
  }
}
