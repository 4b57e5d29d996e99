import { describe, expect, it } from 'vitest';
import { computeMetrics, drawdownSeries } from '../../src/report/metrics.js';

const HOUR = 3_600_000;
const HOURS_PER_YEAR = 365.25 * 24; // 8766
const hourly = (n: number, t0 = 0): Float64Array => Float64Array.from({ length: n }, (_, i) => t0 + i * HOUR);
const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);

describe('computeMetrics: hand-computed cases', () => {
  it('100 → 110 → 99 → 108.9 hourly', () => {
    const m = computeMetrics(f64([100, 110, 99, 108.9]), hourly(4), 100);
    // r = [+0.1, −0.1, +0.1]; mean = 1/30; sample variance = (2·(1/15)² + (2/15)²)/2 = 1/75
    const mean = 1 / 30;
    const sd = Math.sqrt(1 / 75);
    const S = HOURS_PER_YEAR;
    expect(m.totalReturn).toBeCloseTo(0.089, 12);
    expect(m.apy).toBeCloseTo(Math.pow(1.089, S / 3) - 1, 0); // years = 3 h / 8766 h
    expect(m.apy / (Math.pow(1.089, S / 3) - 1)).toBeCloseTo(1, 9);
    expect(m.maxDrawdown).toBeCloseTo(-0.1, 12); // 99 / 110 − 1
    expect(m.volatility).toBeCloseTo(sd * Math.sqrt(S), 9);
    expect(m.volatility).toBeCloseTo(10.81112, 4);
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(S), 9); // 27.0285…
    expect(m.sharpe).toBeCloseTo(27.0278, 3);
    // downside deviation = √(0.01 / 3); sortino = mean·S / (dd·√S)
    expect(m.sortino).toBeCloseTo((mean / Math.sqrt(0.01 / 3)) * Math.sqrt(S), 9); // 54.0555…
    expect(m.sortino).toBeCloseTo(54.0555, 3);
  });

  it('a loss: 100 → 90 → 80 over two days, daily steps', () => {
    const DAY = 86_400_000;
    const m = computeMetrics(f64([100, 90, 80]), f64([0, DAY, 2 * DAY]), 100);
    expect(m.totalReturn).toBeCloseTo(-0.2, 12);
    expect(m.apy).toBeCloseTo(Math.pow(0.8, 365.25 / 2) - 1, 12);
    expect(m.maxDrawdown).toBeCloseTo(-0.2, 12);
    const r1 = -0.1;
    const r2 = 80 / 90 - 1;
    const mean = (r1 + r2) / 2;
    const sd = Math.sqrt(((r1 - mean) ** 2 + (r2 - mean) ** 2) / 1);
    expect(m.volatility).toBeCloseTo(sd * Math.sqrt(365.25), 10); // steps/year inferred from the 1-day step
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(365.25), 8);
    expect(m.sharpe).toBeLessThan(0);
    const dd = Math.sqrt((r1 * r1 + r2 * r2) / 2);
    expect(m.sortino).toBeCloseTo((mean / dd) * Math.sqrt(365.25), 10);
  });

  it('irregular steps use the median step for annualization', () => {
    // steps: 1h, 1h, 3h, 1h → median 1h
    const ts = f64([0, HOUR, 2 * HOUR, 5 * HOUR, 6 * HOUR]);
    const eq = f64([100, 101, 100, 102, 101]);
    const m = computeMetrics(eq, ts, 100);
    const r = [0.01, 100 / 101 - 1, 0.02, 101 / 102 - 1];
    const mean = r.reduce((a, b) => a + b) / 4;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    expect(m.volatility).toBeCloseTo(sd * Math.sqrt(HOURS_PER_YEAR), 10);
    // even count of steps: median of 1h,1h,1h,3h = 1h; with two 3h steps the median is (1h+3h)/2 = 2h
    const ts2 = f64([0, HOUR, 4 * HOUR, 7 * HOUR, 8 * HOUR]);
    const m2 = computeMetrics(eq, ts2, 100);
    expect(m2.volatility).toBeCloseTo(sd * Math.sqrt(HOURS_PER_YEAR / 2), 10);
  });

  it('no drawdown when equity only rises; drawdown is relative to the running peak', () => {
    expect(computeMetrics(f64([100, 101, 102, 103]), hourly(4), 100).maxDrawdown).toBe(0);
    // peak 120 then 60 (−50 %), later peak 200 then 150 (−25 %): the worst is −50 %
    expect(computeMetrics(f64([100, 120, 60, 200, 150]), hourly(5), 100).maxDrawdown).toBeCloseTo(-0.5, 12);
  });

  it('degenerate inputs: empty, one point, flat, wiped out', () => {
    const zero = { totalReturn: 0, apy: 0, maxDrawdown: 0, volatility: 0, sharpe: 0, sortino: 0 };
    expect(computeMetrics(f64([]), f64([]), 100)).toEqual(zero);
    expect(computeMetrics(f64([105]), f64([0]), 100)).toEqual({ ...zero, totalReturn: expect.closeTo(0.05, 12) });
    const flat = computeMetrics(f64([100, 100, 100]), hourly(3), 100);
    expect(flat).toEqual(zero);
    const wiped = computeMetrics(f64([100, 50, 0]), hourly(3), 100);
    expect(wiped.totalReturn).toBe(-1);
    expect(wiped.apy).toBe(-1);
    expect(wiped.maxDrawdown).toBe(-1);
    expect(() => computeMetrics(f64([1, 2]), f64([0]), 1)).toThrow(RangeError);
  });
});

describe('computeMetrics: closed form', () => {
  it('a series growing at exactly 5 %/yr has apy 0.05, no drawdown and zero volatility', () => {
    const years = 2;
    const n = years * HOURS_PER_YEAR + 1; // 17,533 hourly points spanning exactly two years
    const ts = hourly(n, Date.UTC(2024, 0, 1));
    const eq = Float64Array.from({ length: n }, (_, i) => 1000 * Math.pow(1.05, i / HOURS_PER_YEAR));
    const m = computeMetrics(eq, ts, 1000);
    expect(Math.abs(m.apy - 0.05)).toBeLessThan(1e-12);
    expect(Math.abs(m.totalReturn - (1.05 ** 2 - 1))).toBeLessThan(1e-12);
    expect(m.maxDrawdown).toBe(0);
    expect(m.volatility).toBe(0);
    expect(m.sharpe).toBe(0);
    expect(m.sortino).toBe(0);
  });

  it('constant growth at 5 %/yr with daily steps over 3 years', () => {
    const DAY = 86_400_000;
    const n = 3 * 365 + 1;
    const ts = Float64Array.from({ length: n }, (_, i) => i * DAY);
    const eq = Float64Array.from({ length: n }, (_, i) => 50 * Math.pow(1.05, i / 365.25));
    const m = computeMetrics(eq, ts, 50);
    expect(Math.abs(m.apy - 0.05)).toBeLessThan(1e-12);
    expect(m.volatility).toBe(0);
  });
});

describe('drawdownSeries', () => {
  it('is e / running peak − 1', () => {
    const dd = drawdownSeries(f64([100, 120, 90, 120, 130, 65]));
    expect(Array.from(dd)).toEqual([0, 0, -0.25, 0, 0, -0.5]);
  });
  it('keeps NaN as a gap and ignores it for the peak', () => {
    const dd = drawdownSeries(f64([100, NaN, 80]));
    expect(dd[0]).toBe(0);
    expect(Number.isNaN(dd[1])).toBe(true);
    expect(dd[2]).toBeCloseTo(-0.2, 12);
  });
  it('agrees with computeMetrics.maxDrawdown on a random walk', () => {
    let e = 100;
    const eq = Float64Array.from({ length: 5000 }, (_, i) => (e *= 1 + Math.sin(i * 12.9898) * 0.01));
    const dd = drawdownSeries(eq);
    expect(Math.min(...dd)).toBeCloseTo(computeMetrics(eq, hourly(5000), 100).maxDrawdown, 14);
  });
});
