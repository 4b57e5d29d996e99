import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA, column, run, tmpDir } from './helpers.js';

const T = Date.parse('2024-09-01T00:00:00Z');

/**
 * Rewrites every data row stamped at or after T: prices ×1.2 (LST oracle prices ×1.2 × 1.01, so their ETH exchange
 * rates move too), funding sign flipped, AAVE rates doubled, indices +0.5 % (within the plausibility bounds of
 * configs/default.json, so the altered data still loads).
 */
function perturbAfter(dir: string): number {
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
      if (/_1h_/.test(f)) edit(file, { open: (v) => v * 1.2, high: (v) => v * 1.2, low: (v) => v * 1.2, close: (v) => v * 1.2 });
      if (/_funding_/.test(f)) edit(file, { funding_rate: (v) => -v });
    }
  }
  for (const f of readdirSync(path.join(dir, 'aave_v3_ethereum/rates')).filter((n) => n.includes('_1d_'))) {
    const lst = /_(weETH|wstETH)_reserve_/.test(f);
    edit(path.join(dir, 'aave_v3_ethereum/rates', f), { liquidityIndex: (v) => v * 1.005, variableBorrowIndex: (v) => v * 1.005, currentLiquidityRate: (v) => v * 2, currentVariableBorrowRate: (v) => v * 2, price: (v) => v * 1.2 * (lst ? 1.01 : 1) });
  }
  return changed;
}

let perturbed: string | undefined;
/** One altered copy of the shared data for every mode. */
function perturbedData(): string {
  if (perturbed === undefined) {
    const dir = tmpDir('lookahead');
    cpSync(SHARED_DATA, dir, { recursive: true });
    expect(perturbAfter(dir)).toBeGreaterThan(10_000);
    perturbed = dir;
  }
  return perturbed;
}

/** Each mode with the number of events it records before T (its entry, and its rebalances or reward credits). */
const MODES = [
  ['usdt_market_neutral', 100],
  ['pure_lending_eth', 2],
  ['eth_staking_only', 1],
] as const;

describe('no look-ahead in the engine', () => {
  it.each(MODES)('%s: rewriting every market value from T on changes nothing the engine did before T', async (mode, minEventsBefore) => {
    const dir = perturbedData();
    const window = { mode, start: '2024-06-01', end: '2024-12-31' } as const;
    const real = await run({ ...window });
    const altered = await run({ ...window, dataDir: dir });
    const before = (o: typeof real): unknown[] => o.events.filter((e) => e.timestampMs < T);
    expect(before(real).length).toBeGreaterThan(minEventsBefore);
    expect(before(altered)).toEqual(before(real));
    const eqReal = column(real, 'equity') as Float64Array;
    const eqAltered = column(altered, 'equity') as Float64Array;
    const ts = real.frame.timestampsMs;
    let compared = 0;
    for (let i = 0; i < ts.length && (ts[i] as number) < T; i++, compared++) expect(eqAltered[i]).toBe(eqReal[i]);
    expect(compared).toBeGreaterThan(2_000);
    // …and the alteration is visible from T on.
    const at = Array.from(ts).findIndex((t) => t >= T + 86_400_000);
    expect(eqAltered[at]).not.toBe(eqReal[at]);
  });
});
