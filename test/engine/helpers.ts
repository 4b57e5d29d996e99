import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBacktest, type BacktestOutput, type BacktestRequest } from '../../src/engine/backtest.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DATA = path.resolve(REPO_ROOT, '../shared/data');

export function tmpDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `basis-${prefix}-`));
}

const cache = new Map<string, Promise<BacktestOutput>>();
/** Full-history runs are deterministic: share one per request across the tests of a file. */
export function run(req: BacktestRequest): Promise<BacktestOutput> {
  const key = JSON.stringify(req);
  let p = cache.get(key);
  if (!p) {
    p = runBacktest({ dataDir: SHARED_DATA, progress: false, ...req });
    cache.set(key, p);
  }
  return p;
}

export function column(out: BacktestOutput, name: string): Float64Array | undefined {
  return out.frame.columns.find((c) => c.name === name)?.values;
}

/** Parses a simple CSV file we only read in tests, independently of the provider's parser. */
export function readCsvColumns(text: string): { header: string[]; rows: string[][] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l.length > 0 && !l.startsWith('#'));
  const header = (lines[0] ?? '').split(',');
  return { header, rows: lines.slice(1).map((l) => l.split(',')) };
}
