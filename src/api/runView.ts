import { BasisError } from '../errors/base.js';
import type { z } from 'zod';
import type { RunStore, StoredRun } from '../store/types.js';
import type { runListItemSchema } from './schemas.js';

export type RunListItem = z.infer<typeof runListItemSchema>;

/** A run as the list shows it (docs/api.md RunListItem). */
export function runListItem(r: StoredRun): RunListItem {
  return {
    id: r.id,
    status: r.status,
    source: r.source,
    label: r.label,
    mode: r.mode,
    shareClass: r.shareClass,
    start: r.start,
    end: r.end,
    capital: r.capital,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    progress: r.progress,
    apy: r.summary?.apy ?? null,
    finalEquity: r.summary?.finalEquity ?? null,
    maxDrawdown: r.summary?.maxDrawdown ?? null,
  };
}

const ms = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));
const between = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : b - a);

/** Everything about one run (docs/api.md RunDetail). */
export function runDetail(r: StoredRun): Record<string, unknown> {
  const created = ms(r.createdAt);
  const started = ms(r.startedAt);
  const finished = ms(r.finishedAt);
  return {
    ...runListItem(r),
    startedAt: r.startedAt,
    version: r.version,
    commit: r.commit,
    configHash: r.configHash,
    dataFingerprint: r.data?.fingerprint ?? null,
    costs: r.costs,
    flows: r.flows,
    request: r.request,
    timings: { queuedMs: between(created, started), runMs: between(started, finished), totalMs: between(created, finished) },
    error: r.error,
    auditHash: r.auditHash,
    runDir: r.runDir,
    summary: r.summary,
  };
}

/** The run, or STORE-003 naming the id. */
export async function findRun(store: RunStore, id: string): Promise<StoredRun> {
  const run = await store.getRun(id);
  if (run === null) {
    throw new BasisError('STORE-003', `no run ${id}`, { problems: [{ code: 'STORE-003', path: 'params.id', message: 'no such run', expected: 'the id of a stored run (GET /api/v1/backtests)', received: id }] });
  }
  return run;
}
