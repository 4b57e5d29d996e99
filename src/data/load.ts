import { CATALOG } from './catalog.js';
import type { DataPolicy } from './policy.js';
import type { SeriesKey } from './series.js';
import {
  DAY_MS,
  HOUR_MS,
  checkGaps,
  checkJumps,
  dropBadValues,
  iso,
  minSpacing,
  normalize,
  okxPreferNonDefault,
  type CsvSource,
  type PendingIssue,
  type RawSeries,
  type Normalized,
  type RowLocator,
  type ValueCheck,
} from './raw.js';

/** OKX funding before this date is stamped one settlement late (data/README.md, okx quirk 3). */
const OKX_LAG_UNTIL_MS = Date.UTC(2025, 2, 29);

const AAVE_COLUMNS = {
  liquidityIndex: { rate: 'currentLiquidityRate', accrual: 'linear' },
  variableBorrowIndex: { rate: 'currentVariableBorrowRate', accrual: 'compound' },
  currentLiquidityRate: { rate: null, accrual: 'hold' },
  currentVariableBorrowRate: { rate: null, accrual: 'hold' },
} as const;

/** The plausibility check of one series' value column (`col` 0): > 0, or its configured range. */
function valueCheck(key: SeriesKey, policy: DataPolicy): ValueCheck {
  const e = CATALOG[key];
  if (e.domain === 'positive') return { col: 0, name: e.column, positive: true };
  const b = policy.bounds;
  const r = e.shape === 'funding' ? b.fundingRatePer8h : e.shape === 'hourly_value' ? b.gasPriceGwei : e.shape === 'aave_daily' ? b.aaveRate : b.benchmarkApr;
  return { col: 0, name: e.column, min: r.min, max: r.max };
}

/**
 * Reads one series' file(s) into sorted, unique, validated observations. Throws DPR-002 for a malformed file;
 * data-quality findings go to `issues` (their handling is decided once the window is known).
 */
export function loadRaw(key: SeriesKey, files: { main: string; denominator: string | null }, csv: CsvSource, policy: DataPolicy, issues: PendingIssue[]): RawSeries {
  const e = CATALOG[key];
  const file = files.main;
  const ctx = { key, file };
  const p = csv(file);
  const times = p.timestamps(e.timeColumn ?? 'timestamp');
  const check = valueCheck(key, policy);
  const jumps = (norm: { times: Float64Array; cols: Float64Array[]; rows: Int32Array }, column: string): void =>
    checkJumps(norm.times, norm.cols[0]!, policy.maxJumpFraction, { ...ctx, rows: norm.rows, loc: p, column }, issues);

  switch (e.shape) {
    case 'hourly_bar': {
      let norm = normalize(times, [p.numbers('open'), p.numbers('close')], ctx, issues);
      norm = dropBadValues(norm, [{ col: 0, name: 'open', positive: true }, { col: 1, name: 'close', positive: true }], ctx, p, issues);
      const interval = minSpacing(norm.times, HOUR_MS);
      checkGaps(norm.times, interval, ctx, 'bars', issues);
      jumps(norm, 'open');
      checkFlat(norm.times, norm.cols[0]!, ctx, issues);
      return { key, shape: e.shape, file, rows: p.rowCount, times: norm.times, values: norm.cols[0]!, close: norm.cols[1]!, intervalMs: interval };
    }
    case 'funding': {
      const isOkx = key.startsWith('funding:okx:');
      const useRule = isOkx && policy.conflictingFundingRule === 'okx_prefer_non_default';
      let norm = normalize(times, [p.numbers(e.column)], { ...ctx, resolve: useRule ? okxPreferNonDefault : undefined, resolveName: 'okx_prefer_non_default' }, issues);
      norm = dropBadValues(norm, [check], ctx, p, issues);
      checkGaps(norm.times, 8 * HOUR_MS, ctx, 'settlements', issues);
      if (isOkx) {
        let lagged = 0;
        let last = NaN;
        for (let i = 0; i < norm.times.length && norm.times[i]! < OKX_LAG_UNTIL_MS; i++) {
          lagged++;
          last = norm.times[i]!;
        }
        if (lagged > 0) {
          issues.push({
            series: key,
            file,
            kind: 'lagged',
            handled: true,
            count: lagged,
            firstMs: norm.times[0]!,
            lastMs: last,
            message: `${lagged} settlements before 2025-03-29 carry OKX's realised rate of the previous settlement (one settlement late: earlier information, not look-ahead)`,
          });
        }
      }
      return { key, shape: e.shape, file, rows: p.rowCount, times: norm.times, values: norm.cols[0]!, intervalMs: 8 * HOUR_MS };
    }
    case 'aave_daily': {
      const spec = AAVE_COLUMNS[e.column as keyof typeof AAVE_COLUMNS];
      const cols = [p.numbers(e.column)];
      if (spec.rate) cols.push(p.numbers(spec.rate));
      let norm = normalize(times, cols, ctx, issues);
      const checks: ValueCheck[] = [check];
      if (spec.rate) checks.push({ col: 1, name: spec.rate, min: policy.bounds.aaveRate.min, max: policy.bounds.aaveRate.max });
      norm = dropBadValues(norm, checks, ctx, p, issues);
      checkGaps(norm.times, DAY_MS, ctx, 'daily snapshots', issues);
      const v = norm.cols[0]!;
      if (spec.rate) checkIndex(norm, e.column, policy.bounds.aaveIndexGrowthPerDay, { ...ctx, loc: p }, issues);
      return {
        key,
        shape: e.shape,
        file,
        rows: p.rowCount,
        times: norm.times,
        values: v,
        ...(spec.rate ? { rates: norm.cols[1]! } : {}),
        accrual: spec.accrual,
        intervalMs: DAY_MS,
      };
    }
    case 'oracle_interpolated': {
      let norm = normalize(times, [p.numbers(e.column)], ctx, issues);
      norm = dropBadValues(norm, [check], ctx, p, issues);
      let t = norm.times;
      let v = norm.cols[0]!;
      let rows = norm.rows;
      if (e.denominator && files.denominator) {
        const dp = csv(files.denominator);
        const dctx = { key, file: files.denominator };
        let dn = normalize(dp.timestamps(e.timeColumn ?? 'timestamp'), [dp.numbers(e.denominator.column)], dctx, issues);
        dn = dropBadValues(dn, [{ col: 0, name: e.denominator.column, positive: true }], dctx, dp, issues);
        const outT: number[] = [];
        const outV: number[] = [];
        const outR: number[] = [];
        let j = 0;
        let unmatched = 0;
        for (let i = 0; i < t.length; i++) {
          while (j < dn.times.length && dn.times[j]! < t[i]!) j++;
          if (j < dn.times.length && dn.times[j] === t[i]) {
            outT.push(t[i]!);
            outV.push(v[i]! / dn.cols[0]![j]!);
            outR.push(rows[i]!);
          } else unmatched++;
        }
        if (unmatched > 0) {
          issues.push({ series: key, file, kind: 'gap', handled: true, count: unmatched, message: `${unmatched} snapshots without a WETH price at the same time (skipped)` });
        }
        t = Float64Array.from(outT);
        v = Float64Array.from(outV);
        rows = Int32Array.from(outR);
      }
      checkGaps(t, DAY_MS, ctx, 'daily snapshots', issues);
      jumps({ times: t, cols: [v], rows }, e.column);
      return { key, shape: e.shape, file, rows: p.rowCount, times: t, values: v, intervalMs: DAY_MS };
    }
    case 'daily_step': {
      let norm = normalize(times, [p.numbers(e.column)], ctx, issues);
      norm = dropBadValues(norm, [check], ctx, p, issues);
      checkGaps(norm.times, DAY_MS, ctx, 'days', issues);
      if (e.isPrice) jumps(norm, e.column);
      return { key, shape: e.shape, file, rows: p.rowCount, times: norm.times, values: norm.cols[0]!, intervalMs: DAY_MS };
    }
    case 'hourly_value': {
      const cols = [p.numbers(e.column)];
      const hasBlock = p.hasColumn('block_timestamp');
      if (hasBlock) cols.push(p.numbers('block_timestamp'));
      let norm = normalize(times, cols, ctx, issues);
      norm = dropBadValues(norm, [check], ctx, p, issues);
      const interval = minSpacing(norm.times, HOUR_MS);
      checkGaps(norm.times, interval, ctx, 'rows', issues);
      let obsTimes: Float64Array | undefined;
      if (hasBlock) {
        const bt = norm.cols[1]!;
        obsTimes = new Float64Array(bt.length);
        let late = 0;
        let worst = 0;
        for (let i = 0; i < bt.length; i++) {
          const sampled = bt[i]! * 1000;
          const label = norm.times[i]!;
          obsTimes[i] = sampled > label ? sampled : label;
          if (sampled > label) {
            late++;
            if (sampled - label > worst) worst = sampled - label;
          }
        }
        if (late > 0) {
          issues.push({
            series: key,
            file,
            kind: 'lagged',
            handled: true,
            count: late,
            firstMs: norm.times[0]!,
            lastMs: norm.times[norm.times.length - 1]!,
            message: `${late} rows were sampled after their hour label (up to ${Math.round(worst / 1000)} s); each is used only from the first step after its block time, the previous sample is held until then`,
          });
        }
      }
      return { key, shape: e.shape, file, rows: p.rowCount, times: norm.times, values: norm.cols[0]!, ...(obsTimes ? { obsTimes } : {}), intervalMs: interval };
    }
  }
}

/**
 * AAVE indices never fall and grow at most `maxGrowthPerDay` per day between snapshots (the configured rate bound,
 * compounded); an index unchanged while the rate is positive is a stale snapshot (handled: accrual restarts at the
 * next one). Falls and excess growth are unhandled in the window, with the first offending row's line.
 */
function checkIndex(norm: Normalized, column: string, maxGrowthPerDay: number, ctx: { key: SeriesKey; file: string; loc: RowLocator }, issues: PendingIssue[]): void {
  const v = norm.cols[0]!;
  const r = norm.cols[1]!;
  const t = norm.times;
  let stale = 0;
  let sFirst = NaN;
  let sLast = NaN;
  const bad = { falls: { n: 0, first: NaN, last: NaN, row: -1 }, grows: { n: 0, first: NaN, last: NaN, row: -1, worst: 0 } };
  for (let i = 1; i < v.length; i++) {
    const growth = v[i]! / v[i - 1]! - 1;
    const allowed = maxGrowthPerDay * Math.max((t[i]! - t[i - 1]!) / DAY_MS, 1);
    const b = growth < 0 ? bad.falls : growth > allowed ? bad.grows : null;
    if (b) {
      b.n++;
      if (b.n === 1) {
        b.first = t[i]!;
        b.row = norm.rows[i]!;
      }
      b.last = t[i]!;
      if (b === bad.grows && growth > bad.grows.worst) bad.grows.worst = growth;
    } else if (growth === 0 && r[i - 1]! > 0) {
      stale++;
      if (stale === 1) sFirst = t[i - 1]!;
      sLast = t[i]!;
    }
  }
  if (stale > 0) {
    issues.push({ series: ctx.key, file: ctx.file, kind: 'stale', handled: true, count: stale, firstMs: sFirst, lastMs: sLast, message: `${stale} day(s) with an unchanged ${column} while the rate is positive (stale snapshot; the hourly accrual restarts from the real index at the next snapshot)` });
  }
  const col = ctx.loc.columnIndex(column) + 1;
  if (bad.falls.n > 0) {
    const f = bad.falls;
    issues.push({ series: ctx.key, file: ctx.file, kind: 'bad_value', handled: 'window', count: f.n, firstMs: f.first, lastMs: f.last, line: ctx.loc.lineOf(f.row), column: col, message: `${f.n} snapshots where ${column} falls (an AAVE index never decreases)` });
  }
  if (bad.grows.n > 0) {
    const g = bad.grows;
    issues.push({
      series: ctx.key,
      file: ctx.file,
      kind: 'bad_value',
      handled: 'window',
      count: g.n,
      firstMs: g.first,
      lastMs: g.last,
      line: ctx.loc.lineOf(g.row),
      column: col,
      message: `${g.n} snapshots where ${column} grows more than ${maxGrowthPerDay} per day (largest ${g.worst.toPrecision(3)}; data.bounds.aaveIndexGrowthPerDay)`,
    });
  }
}

/** Runs of ≥ 24 identical consecutive bar opens: a frozen feed. */
function checkFlat(times: Float64Array, v: Float64Array, ctx: { key: SeriesKey; file: string }, issues: PendingIssue[]): void {
  let runs = 0;
  let bars = 0;
  let first = NaN;
  let last = NaN;
  let start = 0;
  for (let i = 1; i <= v.length; i++) {
    if (i < v.length && v[i] === v[start]) continue;
    const len = i - start;
    if (len >= 24) {
      runs++;
      bars += len;
      if (runs === 1) first = times[start]!;
      last = times[i - 1]!;
    }
    start = i;
  }
  if (runs > 0) issues.push({ series: ctx.key, file: ctx.file, kind: 'stale', handled: true, count: bars, firstMs: first, lastMs: last, message: `${runs} runs of ≥ 24 identical opens (${bars} bars)` });
}

/**
 * Cross-checks an upstream "1h_interpolated" oracle file against the observed daily series: its 00:00 rows must
 * equal the daily snapshots (relative 1e-9). The file itself is never used (its in-between hours use the next
 * day's value).
 */
export function checkUpstreamInterpolated(key: SeriesKey, upstreamFile: string, daily: RawSeries, csv: CsvSource, issues: PendingIssue[]): void {
  const e = CATALOG[key];
  if (!e.upstream) return;
  const p = csv(upstreamFile);
  const t = p.timestamps('timestamp');
  const v = p.numbers(e.upstream.column);
  let checked = 0;
  let mismatched = 0;
  let example = '';
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i]! % DAY_MS !== 0) continue;
    while (j < daily.times.length && daily.times[j]! < t[i]!) j++;
    if (j >= daily.times.length || daily.times[j] !== t[i]) continue;
    checked++;
    const d = daily.values[j]!;
    if (Math.abs(v[i]! / d - 1) > 1e-9) {
      mismatched++;
      if (!example) example = ` (e.g. ${iso(t[i]!)}: ${v[i]} vs ${d})`;
    }
  }
  issues.push({
    series: key,
    file: upstreamFile,
    kind: 'interpolated_upstream',
    handled: mismatched === 0,
    count: p.rowCount,
    firstMs: t[0]!,
    lastMs: t[t.length - 1]!,
    message:
      `${p.rowCount} hourly rows are straight-line fills between daily snapshots (they use the next day's value); not used — ` +
      `the daily snapshots from ${daily.file} are held instead. ${checked} 00:00 rows cross-checked: ` +
      (mismatched === 0 ? 'all match within 1e-9' : `${mismatched} differ by more than 1e-9${example}`),
  });
}
