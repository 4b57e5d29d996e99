import { describe, expect, it } from 'vitest';
import { downsampleFrame, roundForChart } from '../../src/report/downsample.js';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);
const idx = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => i);
const frame = (n: number, ...cols: Array<[string, Float64Array]>) => ({ timestampsMs: idx(n), columns: cols.map(([name, values]) => ({ name, values })) });

describe('downsampleFrame: every column on one shared axis, no extreme lost', () => {
  it('passes a frame that fits through, NaN → null', () => {
    expect(downsampleFrame(frame(3, ['a', f64([1, NaN, 3])]), 10)).toEqual({ timestampsMs: [0, 1, 2], columns: { a: [1, null, 3] } });
  });

  it('gives each bucket its first, minimum, maximum (in the order they occurred) and last value per column', () => {
    // 12 rows, maxPoints 8 → 2 buckets of 6 → 4 points each, at the first step, a third in, two thirds in, the last.
    const a = f64([5, 9, 1, 4, 2, 2, /**/ 2, 2, 0, 7, NaN, -8]);
    const b = f64([0, 0, 0, 0, 0, 3, /**/ -3, 0, 1, 1, 1, 1]);
    const d = downsampleFrame(frame(12, ['a', a], ['b', b]), 8);
    expect(d.timestampsMs).toEqual([0, 2, 4, 5, 6, 8, 10, 11]);
    expect(d.columns['a']).toEqual([5, 9, 1, 2, 2, 7, -8, -8]);
    expect(d.columns['b']).toEqual([0, 0, 3, 3, -3, -3, 1, 1]);
  });

  it('keeps a long series within the limit with its global extremes', () => {
    const n = 100_003;
    const v = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 1000) + (i === 77_777 ? 5 : 0) - (i === 12_345 ? 7 : 0));
    const d = downsampleFrame(frame(n, ['v', v]), 5000);
    expect(d.timestampsMs.length).toBeLessThanOrEqual(5000);
    const ys = d.columns['v'] as number[];
    expect(Math.max(...ys)).toBe(roundForChart(Math.max(...v)));
    expect(Math.min(...ys)).toBe(roundForChart(Math.min(...v)));
  });

  it('rounds chart values to 10 significant digits', () => {
    expect(roundForChart(100000.123456789012)).toBe(100000.1235);
    expect(roundForChart(Infinity)).toBeNull();
  });
});
