/**
 * Chart downsampling for the report, the API and the web app: every column of a frame on one shared time axis of at
 * most `maxPoints` points, with no extreme of any column lost (see {@link downsampleFrame}). NaN becomes `null`.
 */

/** Significant digits kept in the page data (display only; the CSV keeps full precision). */
const DIGITS = 10;

export function roundForChart(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  return Number(v.toPrecision(DIGITS));
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
