import { describe, expect, it } from 'vitest';
import { downsampleBuckets, downsampleMinMax, extremeRows, roundForChart, sparsePoints } from '../../src/report/downsample.js';

const f64 = (xs: number[]): Float64Array => Float64Array.from(xs);
const idx = (n: number): Float64Array => Float64Array.from({ length: n }, (_, i) => i);

describe('downsampling', () => {
  it('passes short series through, NaN → null', () => {
    expect(downsampleMinMax(idx(3), f64([1, NaN, 3]), 10)).toEqual({ x: [0, 1, 2], y: [1, null, 3] });
  });

  it('min/max keeps each bucket’s extremes in time order', () => {
    // 12 points, maxPoints 6 → 3 buckets of 4
    const v = f64([5, 9, 1, 4, /**/ 2, 2, 2, 2, /**/ 0, 7, 3, -8]);
    const d = downsampleMinMax(idx(12), v, 6);
    expect(d.x).toEqual([1, 2, 4, 9, 11]);
    expect(d.y).toEqual([9, 1, 2, 7, -8]);
  });

  it('min/max of a long series stays within the limit and has the global extremes', () => {
    const n = 100_003;
    const v = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 1000) + (i === 77_777 ? 5 : 0));
    const d = downsampleMinMax(idx(n), v, 5000);
    expect(d.x.length).toBeLessThanOrEqual(5000);
    expect(Math.max(...(d.y as number[]))).toBeCloseTo(Math.max(...v), 9);
    expect(d.x).toContain(77_777);
  });

  it('bucket reducers: last, min, max, absMax; all-NaN bucket → null; x = last timestamp of the bucket', () => {
    const v = f64([1, -5, 3, NaN, NaN, NaN, 2, 4, NaN]);
    const d = downsampleBuckets(
      idx(9),
      [
        { values: v, reducer: 'last' },
        { values: v, reducer: 'min' },
        { values: v, reducer: 'max' },
        { values: v, reducer: 'absMax' },
      ],
      3,
    );
    expect(d.x).toEqual([2, 5, 8]);
    expect(d.ys).toEqual([
      [3, null, 4],
      [-5, null, 2],
      [3, null, 4],
      [-5, null, 4],
    ]);
  });

  it('sparse points keep only defined entries on a union axis', () => {
    const a = f64([NaN, 1, NaN, NaN, 2, NaN]);
    const b = f64([NaN, NaN, 7, NaN, 8, NaN]);
    expect(sparsePoints(f64([10, 20, 30, 40, 50, 60]), [a, b], 100)).toEqual({
      x: [20, 30, 50],
      ys: [
        [1, null, 2],
        [null, 7, 8],
      ],
    });
  });

  it('rounds chart values to 10 significant digits', () => {
    expect(roundForChart(100000.123456789012)).toBe(100000.1235);
    expect(roundForChart(Infinity)).toBeNull();
  });

  it('extremeRows keeps every row that fits, else each bucket’s first, last and every column’s min and max, in order', () => {
    expect(extremeRows(3, [f64([1, 2, 3])], 10)).toEqual([0, 1, 2]);
    // 12 rows, maxPoints 11 → 2 buckets of 6
    const a = f64([5, 9, 1, 4, 2, 2, /**/ 2, 2, 0, 7, NaN, -8]);
    const b = f64([0, 0, 0, 0, 0, 3, /**/ -3, 0, 1, 1, 1, 1]);
    expect(extremeRows(12, [a], 11)).toEqual([0, 1, 2, 5, 6, 9, 11]);
    expect(extremeRows(12, [a, b], 11)).toEqual([0, 1, 2, 5, 6, 8, 9, 11]);
  });
});
