import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as mathUtils from '@aave/math-utils';
import { HALF_RAY, RAY, SECONDS_PER_YEAR, fromRay, rayDiv, rayMul, toRay } from '../../src/protocols/aave/rayMath.js';
import { calculateCompoundedInterest, calculateLinearInterest, compoundedInterestFactor, linearInterestFactor } from '../../src/protocols/aave/interest.js';
import { healthFactor } from '../../src/protocols/aave/health.js';
import { loadConfig, resolveRunParams } from '../../src/config/index.js';
import { openHistoricalData } from '../../src/data/index.js';

const SHARED = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../shared/data');

/** A deterministic stream of bigints and floats for property checks. */
function* samples(n: number): Generator<{ a: bigint; b: bigint; rate: bigint; dt: bigint }> {
  let x = 0x9e3779b97f4a7c15n;
  const next = (): bigint => {
    x ^= (x << 13n) & 0xffffffffffffffffn;
    x ^= x >> 7n;
    x ^= (x << 17n) & 0xffffffffffffffffn;
    return x;
  };
  for (let i = 0; i < n; i++) {
    yield {
      a: next() * 10n ** 9n,
      b: (next() % (10n ** 10n)) * 10n ** 18n + 1n,
      rate: (next() % (RAY / 2n)) + 1n, // up to 50 % APR
      dt: next() % (3n * 86_400n),
    };
  }
}

const bn = (x: bigint): string => x.toString();
const fromBn = (x: { toFixed: (dp: number) => string }): bigint => BigInt(x.toFixed(0));

describe('AAVE ray maths (bigint) against @aave/math-utils', () => {
  it('rayMul and rayDiv round half up exactly like WadRayMath', () => {
    for (const { a, b } of samples(300)) {
      expect(rayMul(a, b)).toBe(fromBn(mathUtils.rayMul(bn(a), bn(b))));
      expect(rayDiv(a, b)).toBe(fromBn(mathUtils.rayDiv(bn(a), bn(b))));
    }
    expect(rayMul(HALF_RAY, 1n)).toBe(1n);
  });

  it('linear (supply) and compounded (borrow) interest match to the last few wei of a ray', () => {
    for (const { rate, dt } of samples(300)) {
      const lin = calculateLinearInterest(rate, dt);
      const theirsLin = fromBn(mathUtils.calculateLinearInterest({ rate: bn(rate), currentTimestamp: Number(dt), lastUpdateTimestamp: 0 }));
      expect(lin - theirsLin <= 1n && theirsLin - lin <= 1n).toBe(true);
      const comp = calculateCompoundedInterest(rate, dt);
      const theirsComp = fromBn(mathUtils.calculateCompoundedInterest({ rate: bn(rate), currentTimestamp: Number(dt), lastUpdateTimestamp: 0 }));
      // The contract divides by the year after multiplying; math-utils divides the rate first: a few wei apart.
      const diff = comp > theirsComp ? comp - theirsComp : theirsComp - comp;
      expect(diff <= 10n ** 9n).toBe(true);
    }
  });

  it('the float mirrors the engine uses agree with the bigint maths to float precision', () => {
    for (const { rate, dt } of samples(300)) {
      const r = fromRay(rate);
      expect(Math.abs(linearInterestFactor(r, Number(dt)) / fromRay(calculateLinearInterest(rate, dt)) - 1)).toBeLessThan(1e-14);
      expect(Math.abs(compoundedInterestFactor(r, Number(dt)) / fromRay(calculateCompoundedInterest(rate, dt)) - 1)).toBeLessThan(1e-14);
    }
    expect(linearInterestFactor(0.05, Number(SECONDS_PER_YEAR))).toBeCloseTo(1.05, 15);
    // Compounding beats linear accrual over a day at 5 % APR, by about r²/2 of a day.
    expect(compoundedInterestFactor(0.05, 86_400)).toBeGreaterThan(linearInterestFactor(0.05, 86_400));
  });

  it('health factor matches calculateHealthFactorFromBalancesBigUnits', () => {
    for (const [coll, lt, debt] of [[1100, 0.95, 1000], [105.3, 0.83, 80.5], [2, 0.8, 3]] as const) {
      const theirs = Number(mathUtils.calculateHealthFactorFromBalancesBigUnits({ collateralBalanceMarketReferenceCurrency: coll, borrowBalanceMarketReferenceCurrency: debt, currentLiquidationThreshold: lt }).toFixed(18));
      expect(healthFactor(coll, lt, debt)).toBeCloseTo(theirs, 12);
    }
    expect(healthFactor(100, 0.95, 0)).toBe(Infinity);
  });
});

describe('the data provider accrues AAVE indices between daily snapshots as the contracts do', () => {
  it('USDT liquidity and WETH borrow indices at every hour of a day equal the ray maths from that morning\'s snapshot', async () => {
    const file = (asset: string): string => {
      const dir = path.join(SHARED, 'aave_v3_ethereum/rates');
      return path.join(dir, readdirSync(dir).find((f) => f.startsWith(`aave_v3_ethereum_${asset}_reserve_1d_`)) as string);
    };
    const row = (asset: string, date: string): Record<string, string> => {
      const lines = readFileSync(file(asset), 'utf8').trim().split('\n');
      const header = (lines[0] as string).split(',');
      const cells = (lines.find((l) => l.startsWith(date)) as string).split(',');
      return Object.fromEntries(header.map((h, i) => [h, cells[i] as string]));
    };
    const { config } = loadConfig({ dataDir: SHARED });
    const params = resolveRunParams(config, 'usdt_market_neutral');
    const day = '2024-07-05';
    const t0 = Date.parse(`${day}T00:00:00Z`);
    const tl = await openHistoricalData({ dataDir: SHARED, requirements: [...params.mode.dataRequirements, 'aave:USDT:liquidityIndex', 'aave:USDT:liquidityRate'], policy: config.data, stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir: null, startMs: t0, endMs: t0 + 86_400_000 });
    const usdt = row('USDT', day);
    const weth = row('WETH', day);
    for (let h = 1; h < 24; h++) {
      const i = tl.indexOf(t0 + h * 3_600_000);
      const dt = BigInt(h * 3600);
      const liq = fromRay(rayMul(toRay(Number(usdt['liquidityIndex'])), calculateLinearInterest(toRay(Number(usdt['currentLiquidityRate'])), dt)));
      const bor = fromRay(rayMul(toRay(Number(weth['variableBorrowIndex'])), calculateCompoundedInterest(toRay(Number(weth['currentVariableBorrowRate'])), dt)));
      expect(Math.abs((tl.series('aave:USDT:liquidityIndex').values[i] as number) / liq - 1)).toBeLessThan(1e-13);
      expect(Math.abs((tl.series('aave:WETH:borrowIndex').values[i] as number) / bor - 1)).toBeLessThan(1e-13);
    }
    // At the next real snapshot the real index, whatever the accrual projected.
    const next = row('USDT', '2024-07-06');
    expect(tl.series('aave:USDT:liquidityIndex').values[tl.indexOf(t0 + 86_400_000)]).toBe(Number(next['liquidityIndex']));
  });
});
