import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { runBacktest, type BacktestOutput, type BacktestRequest } from '../../src/engine/backtest.js';
import type { BasisEvent } from '../../src/events/types.js';

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
    // LST oracle prices move 1 % more than ETH, so their ETH exchange rates change too (a staking-only book sees it).
    const lst = /_(weETH|wstETH)_reserve_/.test(f) ? 1.01 : 1;
    edit(path.join(dir, 'aave_v3_ethereum/rates', f), { liquidityIndex: (v) => v * 1.005, variableBorrowIndex: (v) => v * 1.005, currentLiquidityRate: (v) => v * 2, currentVariableBorrowRate: (v) => v * 2, price: (v) => v * priceFactor * lst });
  }
  return changed;
}

export const CEX_VENUES = ['binance', 'bybit', 'okx'] as const;
/** Perp sizes per CEX (negative: short) in a balances snapshot. */
export const perpSizes = (b: Readonly<Record<string, number>>, sym: 'BTCUSDT' | 'ETHUSDT'): number[] => CEX_VENUES.map((v) => b[`${v}:Perp:${sym}`] ?? 0);
export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Balances after the last event stamped at the same step as `e`. */
export function balancesAfterStep(out: BacktestOutput, e: BasisEvent): Readonly<Record<string, number>> {
  return out.events.filter((x) => x.timestampMs === e.timestampMs).at(-1)?.balances ?? {};
}

/** Over the steps with an ETH hedge open: how many, and the worst |net ETH delta| / hedge. */
export function ethHedgeStats(out: BacktestOutput): { hedged: number; worst: number; steps: number } {
  const short = CEX_VENUES.map((v) => column(out, `pos:${v}:Perp:ETHUSDT`) as Float64Array);
  const net = column(out, 'netDelta:ETH') as Float64Array;
  let hedged = 0;
  let worst = 0;
  for (let i = 0; i < net.length; i++) {
    const gross = -sum(short.map((p) => p[i] as number));
    if (!(gross > 0)) continue;
    hedged++;
    worst = Math.max(worst, Math.abs(net[i] as number) / gross);
  }
  return { hedged, worst, steps: net.length };
}

/**
 * A 20-day window around a jump of every CEX price by half at T (2024-09-01) on a copy of the data, with the mode's
 * margin bands raised so that the jump lands between its emergency band and the venues' maintenance margin.
 */
export async function runThroughPriceJump(mode: string): Promise<{ out: BacktestOutput; T: number }> {
  const dir = tmpDir(`${mode}-jump`);
  cpSync(SHARED_DATA, dir, { recursive: true });
  const T = Date.parse('2024-09-01T00:00:00Z');
  perturbAfter(dir, T, 1.5);
  const m = `modes.${mode}`;
  const set = ['data.maxJumpFraction=0.6', `${m}.risk.marginRatioEmergency=0.5`, `${m}.risk.marginRatioWarn=0.55`, `${m}.risk.marginRatioRebalance=0.6`];
  return { out: await run({ mode, dataDir: dir, start: '2024-08-20', end: '2024-09-10', set }), T };
}

/** The run's one emergency stop, which must be at T. */
export function onlyEmergencyAt(out: BacktestOutput, T: number): BasisEvent {
  const stops = out.events.filter((e) => e.type === 'EMERGENCY_STOP');
  expect(stops).toHaveLength(1);
  expect(stops[0]?.timestampMs).toBe(T);
  return stops[0] as BasisEvent;
}

/** After an emergency: no perp and none of `longKeys` left, one stop, no liquidation, and the money adds up. */
export function expectUnwound(out: BacktestOutput, longKeys: readonly string[]): void {
  const last = out.events.at(-1)?.balances ?? {};
  expect(perpSizes(last, 'ETHUSDT')).toEqual([0, 0, 0]);
  for (const k of longKeys) expect(last[k] ?? 0, k).toBe(0);
  expect(out.summary.emergencyStops).toBe(1);
  expect(out.summary.liquidations).toBe(0);
  expect(Math.abs(out.summary.reconciliation.residual)).toBeLessThan(1e-6 * out.summary.initialCapital);
}
