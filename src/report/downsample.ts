/**
 * Chart downsampling for the HTML report: at most `maxPoints` points per series, NaN becomes `null` (a gap).
 *
 * - {@link downsampleMinMax} (equity, drawdown): the series is cut into ⌊maxPoints/2⌋ buckets of consecutive steps
 *   and each bucket keeps its minimum and its maximum at their own timestamps, in time order. Peaks and troughs
 *   survive, so the chart's deepest drawdown is the computed max drawdown.
 * - {@link downsampleBuckets} (several series sharing one x axis): ≤ maxPoints buckets, x = the bucket's last
 *   timestamp, y = one reducer per series: `last` value, `min`, `max`, or `absMax` (largest |value|, sign kept).
 *   The report uses the risk-relevant extreme (max LTV, min health factor, min margin ratio, largest |net delta|).
 * - {@link sparsePoints} (funding rates): only the non-NaN entries (settlements), then bucketed with `last`.
 * Series that already fit are passed through unchanged (apart from NaN → null).
 */

export type Reducer = 'last' | 'min' | 'max' | 'absMax';

export interface XY {
  readonly x: number[];
  readonly y: Array<number | null>;
}

/** Significant digits kept in the page data (display only; the CSV keeps full precision). */
const DIGITS = 10;

export function roundForChart(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  return Number(v.toPrecision(DIGITS));
}

export function downsampleMinMax(ts: Float64Array, values: Float64Array, maxPoints: number): XY {
  const n = ts.length;
  const x: number[] = [];
  const y: Array<number | null> = [];
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) {
      x.push(ts[i]!);
      y.push(roundForChart(values[i]!));
    }
    return { x, y };
  }
  const buckets = Math.max(1, Math.floor(maxPoints / 2));
  const size = Math.ceil(n / buckets);
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    let iMin = -1;
    let iMax = -1;
    for (let i = start; i < end; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      if (iMin < 0 || v < values[iMin]!) iMin = i;
      if (iMax < 0 || v > values[iMax]!) iMax = i;
    }
    if (iMin < 0) {
      x.push(ts[end - 1]!);
      y.push(null);
      continue;
    }
    const a = Math.min(iMin, iMax);
    const b = Math.max(iMin, iMax);
    x.push(ts[a]!);
    y.push(roundForChart(values[a]!));
    if (b !== a) {
      x.push(ts[b]!);
      y.push(roundForChart(values[b]!));
    }
  }
  return { x, y };
}

export interface MultiXY {
  readonly x: number[];
  readonly ys: Array<Array<number | null>>;
}

export function downsampleBuckets(
  ts: Float64Array,
  series: ReadonlyArray<{ readonly values: Float64Array; readonly reducer: Reducer }>,
  maxPoints: number,
): MultiXY {
  const n = ts.length;
  const size = n <= maxPoints ? 1 : Math.ceil(n / Math.max(1, maxPoints));
  const x: number[] = [];
  const ys: Array<Array<number | null>> = series.map(() => []);
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    x.push(ts[end - 1]!);
    for (let s = 0; s < series.length; s++) {
      ys[s]!.push(roundForChart(reduce(series[s]!.values, start, end, series[s]!.reducer)));
    }
  }
  return { x, ys };
}

function reduce(v: Float64Array, start: number, end: number, how: Reducer): number {
  let out = NaN;
  for (let i = start; i < end; i++) {
    const x = v[i]!;
    if (x !== x) continue;
    if (out !== out) {
      out = x;
      continue;
    }
    switch (how) {
      case 'last':
        out = x;
        break;
      case 'min':
        if (x < out) out = x;
        break;
      case 'max':
        if (x > out) out = x;
        break;
      case 'absMax':
        if (Math.abs(x) > Math.abs(out)) out = x;
        break;
    }
  }
  return out;
}

/**
 * Several sparse series (NaN between events) on one x axis made of the union of their defined timestamps; a
 * series is `null` where another one has a point. Plot with gaps spanned. Bucketed (last value) above maxPoints.
 */
export function sparsePoints(ts: Float64Array, series: ReadonlyArray<Float64Array>, maxPoints: number): MultiXY {
  const idx: number[] = [];
  for (let i = 0; i < ts.length; i++) {
    for (const v of series) {
      if (v[i] === v[i]) {
        idx.push(i);
        break;
      }
    }
  }
  const sub = Float64Array.from(idx, (i) => ts[i]!);
  const cols = series.map((v) => Float64Array.from(idx, (i) => v[i]!));
  return downsampleBuckets(
    sub,
    cols.map((values) => ({ values, reducer: 'last' as const })),
    maxPoints,
  );
}

/**
 * The rows to keep when several columns share one x axis and no extreme may be lost: the steps are cut into
 * ⌊maxPoints/4⌋ buckets and each keeps its first and last row and, for every column, the rows of its minimum and
 * maximum (NaN ignored), in time order. One column gives at most maxPoints rows; each further column can add two
 * per bucket. All rows when they already fit.
 */
export function extremeRows(n: number, columns: ReadonlyArray<ArrayLike<number>>, maxPoints: number): number[] {
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const size = Math.ceil(n / buckets);
  const out: number[] = [];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    const keep = new Set<number>([start, end - 1]);
    for (const v of columns) {
      let iMin = -1;
      let iMax = -1;
      for (let i = start; i < end; i++) {
        const x = v[i]!;
        if (x !== x) continue;
        if (iMin < 0 || x < v[iMin]!) iMin = i;
        if (iMax < 0 || x > v[iMax]!) iMax = i;
      }
      if (iMin >= 0) keep.add(iMin).add(iMax);
    }
    out.push(...[...keep].sort((a, b) => a - b));
  }
  return out;
}

/** Columns on one time axis as the API and the report hand them to the dashboard (null = no value). */
export interface SeriesPayload {
  readonly timestampsMs: number[];
  readonly columns: Record<string, Array<number | null>>;
}

/**
 * Every column of a frame on one shared axis of at most `maxPoints` points (M4 aggregation): the steps are cut into
 * ⌊maxPoints/4⌋ buckets and each bucket gives four points, at its first step, a third and two thirds in, and its last
 * step; each column puts there its first value, its minimum and maximum (in the order they occurred) and its last
 * value. No extreme of any column is lost, so a drawn peak, trough or limit breach is the real one. A frame that
 * already fits passes through (NaN → null).
 */
export function downsampleFrame(frame: { readonly timestampsMs: Float64Array; readonly columns: ReadonlyArray<{ readonly name: string; readonly values: Float64Array }> }, maxPoints: number): SeriesPayload {
  const ts = frame.timestampsMs;
  const n = ts.length;
  const columns: Record<string, Array<number | null>> = {};
  if (n <= maxPoints) {
    for (const c of frame.columns) columns[c.name] = Array.from(c.values, roundForChart);
    return { timestampsMs: Array.from(ts), columns };
  }
  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const size = Math.ceil(n / buckets);
  const x: number[] = [];
  const starts: number[] = [];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    const len = end - start;
    starts.push(start);
    if (len < 4) for (let i = start; i < end; i++) x.push(ts[i]!);
    else x.push(ts[start]!, ts[start + Math.floor(len / 3)]!, ts[start + Math.floor((2 * len) / 3)]!, ts[end - 1]!);
  }
  for (const c of frame.columns) {
    const v = c.values;
    const out: Array<number | null> = [];
    for (const start of starts) {
      const end = Math.min(n, start + size);
      if (end - start < 4) {
        for (let i = start; i < end; i++) out.push(roundForChart(v[i]!));
        continue;
      }
      let iMin = -1;
      let iMax = -1;
      for (let i = start; i < end; i++) {
        const y = v[i]!;
        if (y !== y) continue;
        if (iMin < 0 || y < v[iMin]!) iMin = i;
        if (iMax < 0 || y > v[iMax]!) iMax = i;
      }
      const a = Math.min(iMin, iMax);
      const b = Math.max(iMin, iMax);
      out.push(roundForChart(v[start]!), a < 0 ? null : roundForChart(v[a]!), b < 0 ? null : roundForChart(v[b]!), roundForChart(v[end - 1]!));
    }
    columns[c.name] = out;
  }
  return { timestampsMs: x, columns };
}
