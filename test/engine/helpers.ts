import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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

/**
 * Rewrites every data row of the copy in `dir` stamped at or after T: CEX and oracle USD prices × priceFactor, funding
 * sign flipped, AAVE rates doubled, indices +0.5 %. The default factor stays within the plausibility bounds of
 * configs/default.json, so the altered data still loads. Returns the number of rows changed.
 */
export function perturbAfter(dir: string, T: number, priceFactor = 1.2): number {
  let changed = 0;
  const edit = (file: string, cols: Record<string, (v: number) => number>): void => {
    const text = readFileSync(file, 'utf8');
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const lines = text.split(eol);
    const h = lines.findIndex((l) => l.length > 0 && !l.startsWith('#'));
    const header = (lines[h] as string).split(',');
    const idx = Object.entries(cols).map(([name, f]) => [header.indexOf(name), f] as const).filter(([i]) => i >= 0);
    for (let k = h + 1; k < lines.length; k++) {
      const cells = (lines[k] as string).split(',');
      const ts = Date.parse(cells[0] as string);
      if (!(ts >= T)) continue;
      for (const [i, f] of idx) cells[i] = String(f(Number(cells[i])));
      lines[k] = cells.join(',');
      changed++;
    }
    writeFileSync(file, lines.join(eol));
  };
  for (const venue of ['binance', 'bybit', 'okx']) {
    for (const f of readdirSync(path.join(dir, venue))) {
      const file = path.join(dir, venue, f);
      if (/_1h_/.test(f)) edit(file, { open: (v) => v * priceFactor, high: (v) => v * priceFactor, low: (v) => v * priceFactor, close: (v) => v * priceFactor });
      if (/_funding_/.test(f)) edit(file, { funding_rate: (v) => -v });
    }
  }
  for (const f of readdirSync(path.join(dir, 'aave_v3_ethereum/rates')).filter((n) => n.includes('_1d_'))) {
    edit(path.join(dir, 'aave_v3_ethereum/rates', f), { liquidityIndex: (v) => v * 1.005, variableBorrowIndex: (v) => v * 1.005, currentLiquidityRate: (v) => v * 2, currentVariableBorrowRate: (v) => v * 2, price: (v) => v * priceFactor });
  }
  return changed;
}
