import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { dataPolicySchema, openHistoricalData, type DataPolicy, type SeriesKey } from '../src/data/index.js';

/** usdt_market_neutral's data requirements (copied here so the bench does not depend on the config loader). */
export const USDT_MN_REQUIREMENTS: readonly SeriesKey[] = [
  'spot:bybit:ETHUSDT',
  'perp:binance:ETHUSDT',
  'perp:bybit:ETHUSDT',
  'perp:okx:ETHUSDT',
  'funding:binance:ETHUSDT',
  'funding:bybit:ETHUSDT',
  'funding:okx:ETHUSDT',
  'aave:weETH:liquidityIndex',
  'aave:weETH:borrowIndex',
  'aave:weETH:liquidityRate',
  'aave:weETH:borrowRate',
  'aave:WETH:liquidityIndex',
  'aave:WETH:borrowIndex',
  'aave:WETH:liquidityRate',
  'aave:WETH:borrowRate',
  'aave:wstETH:liquidityIndex',
  'aave:wstETH:borrowIndex',
  'aave:wstETH:liquidityRate',
  'aave:wstETH:borrowRate',
  'oracle:weETH:ETH',
  'oracle:wstETH:ETH',
  'gas:ethereum:gwei',
];

/** The shipped plausibility bounds and cache size (configs/default.json), so the bench and tests use real values. */
const shipped = (JSON.parse(readFileSync(new URL('../configs/default.json', import.meta.url), 'utf8')) as { data: Pick<DataPolicy, 'bounds' | 'cache'> }).data;

/**
 * A simple policy that handles every quirk of the shipped data: Binance holes and OKX's missing months fall back
 * to Bybit, OKX funding gaps to Bybit funding, daily series held up to two days. Bounds and cache as shipped.
 */
export function simplePolicy(overrides: Partial<DataPolicy['series']> = {}): DataPolicy {
  return dataPolicySchema.parse({
    maxJumpFraction: 0.3,
    conflictingFundingRule: 'okx_prefer_non_default',
    defaults: {
      hourly_bar: { onMissing: 'forward_fill', maxStaleHours: 3, fallback: null },
      funding: { onMissing: 'fail', maxStaleHours: 0, fallback: null },
      aave_daily: { onMissing: 'forward_fill', maxStaleHours: 48, fallback: null },
      daily_step: { onMissing: 'forward_fill', maxStaleHours: 48, fallback: null },
      oracle_interpolated: { onMissing: 'forward_fill', maxStaleHours: 48, fallback: null },
      hourly_value: { onMissing: 'forward_fill', maxStaleHours: 6, fallback: null },
    },
    series: {
      'perp:binance:ETHUSDT': { onMissing: 'fallback', maxStaleHours: 1, fallback: 'perp:bybit:ETHUSDT' },
      'perp:binance:BTCUSDT': { onMissing: 'fallback', maxStaleHours: 1, fallback: 'perp:bybit:BTCUSDT' },
      'spot:binance:BTCUSDT': { onMissing: 'fallback', maxStaleHours: 1, fallback: 'spot:bybit:BTCUSDT' },
      'perp:okx:ETHUSDT': { onMissing: 'fallback', maxStaleHours: 1, fallback: 'perp:bybit:ETHUSDT' },
      'funding:okx:ETHUSDT': { onMissing: 'fallback', maxStaleHours: 0, fallback: 'funding:bybit:ETHUSDT' },
      'funding:okx:BTCUSDT': { onMissing: 'fallback', maxStaleHours: 0, fallback: 'funding:bybit:BTCUSDT' },
      ...overrides,
    },
    bounds: shipped.bounds,
    cache: shipped.cache,
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Times usdt_market_neutral's data load: cold = parse + validate + align every file (no cache); warm = the same
 * call answered from the binary cache (a fresh temp dir, primed once). Median of `runs` runs each.
 */
export async function benchDataLoad(dataDir: string, runs = 5): Promise<{ coldMs: number; warmMs: number; files: number; rows: number; steps: number }> {
  const base = { dataDir, requirements: USDT_MN_REQUIREMENTS, policy: simplePolicy(), stepMinutes: 60, fundingHoursUtc: [0, 8, 16] };
  const cold: number[] = [];
  let files = 0;
  let rows = 0;
  let steps = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const tl = await openHistoricalData({ ...base, cacheDir: null });
    cold.push(performance.now() - t0);
    const uniq = new Map(tl.coverage.map((c) => [c.file, c.rows]));
    files = uniq.size;
    rows = [...uniq.values()].reduce((a, b) => a + b, 0);
    steps = tl.length;
  }
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'basis-bench-cache-'));
  const warm: number[] = [];
  try {
    await openHistoricalData({ ...base, cacheDir });
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const tl = await openHistoricalData({ ...base, cacheDir });
      warm.push(performance.now() - t0);
      if (tl.origin !== 'cache') throw new Error('warm run did not hit the cache');
    }
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  return { coldMs: median(cold), warmMs: median(warm), files, rows, steps };
}
