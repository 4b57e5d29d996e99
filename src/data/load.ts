import { CATALOG } from './catalog.js';
import type { DataPolicy } from './policy.js';
import { policyFor } from './policy.js';
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
} from './raw.js';

/** OKX funding before this date is stamped one settlement late (data/README.md, okx quirk 3). */
const OKX_LAG_UNTIL_MS = Date.UTC(2025, 2, 29);

const AAVE_COLUMNS = {
  liquidityIndex: { rate: 'currentLiquidityRate', accrual: 'linear' },
  variableBorrowIndex: { rate: 'currentVariableBorrowRate', accrual: 'compound' },
  currentLiquidityRate: { rate: null, accrual: 'hold' },
  currentVariableBorrowRate: { rate: null, accrual: 'hold' },
} as const;

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
  const pol = policyFor(policy, key);
  const jumpHandled: boolean | 'window' = pol.onMissing === 'fail' ? 'window' : true;

  switch (e.shape) {
    case 'hourly_bar': {
      let norm = normalize(times, [p.numbers('open'), p.numbers('close')], ctx, issues);
      norm = dropBadValues(norm, [{ col: 0, domain: 'positive', name: 'open' }, { col: 1, domain: 'positive', name: 'close' }], ctx, issues);
      const interval = minSpacing(norm.times, HOUR_MS);
      checkGaps(norm.times, interval, ctx, 'bars', issues);
      checkJumps(norm.times, norm.cols[0]!, policy.maxJumpFraction, jumpHandled, ctx, issues);
      checkFlat(norm.times, norm.cols[0]!, ctx, issues);
      return { key, shape: e.shape, file, rows: p.rowCount, times: norm.times, values: norm.cols[0]!, close: norm.cols[1]!, intervalMs: interval };
    }
    case 'funding': {
      const isOkx = key.startsWith('funding:okx:');
      const useRule = isOkx && policy.conflictingFundingRule === 'okx_prefer_non_default';
      const norm = normalize(times, [p.numbers(e.column)], { ...ctx, resolve: useRule ? okxPreferNonDefault : undefined, resolveName: 'okx_prefer_non_default' }, issues);
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
      const checks = [{ col: 0, domain: e.domain, name: e.column }];
      if (spec.rate) checks.push({ col: 1, domain: 'nonnegative', name: spec.rate });
      norm = dropBadValues(norm, checks, ctx, issues);
      checkGaps(norm.times, DAY_MS, ctx, 'daily snapshots', issues);
      const v = norm.cols[0]!;
      if (spec.rate) {
        // Indices never fall; an unchanged index while the rate is positive is a stale snapshot.
        let stale = 0;
        let sFirst = NaN;
        let sLast = NaN;
        let falls = 0;
        let fFirst = NaN;
        let fLast = NaN;
        const r = norm.cols[1]!;
        for (let i = 1; i < v.length; i++) {
          if (v[i]! < v[i - 1]!) {
            falls++;
            if (falls === 1) fFirst = norm.times[i]!;
            fLast = norm.times[i]!;
          } else if (v[i] === v[i - 1] && r[i - 1]! > 0) {
            stale++;
            if (stale === 1) sFirst = norm.times[i - 1]!;
            sLast = norm.times[i]!;
          }
        }
        if (stale > 0) {
          issues.push({ series: key, file, kind: 'stale', handled: true, count: stale, firstMs: sFirst, lastMs: sLast, message: `${stale} day(s) with an unchanged ${e.column} while the rate is positive (stale snapshot; the hourly accrual restarts from the real index at the next snapshot)` });
        }
        if (falls > 0) {
          issues.push({ series: key, file, kind: 'bad_value', handled: 'window', count: falls, firstMs: fFirst, lastMs: fLast, message: `${falls} snapshots where ${e.column} falls (an AAVE index never decreases)` });
        }
      }
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
      norm = dropBadValues(norm, [{ col: 0, domain: 'positive', name: e.column }], ctx, issues);
      let t = norm.times;
      let v = norm.cols[0]!;
      if (e.denominator && files.denominator) {
        const dp = csv(files.denominator);
        const dctx = { key, file: files.denominator };
        let dn = normalize(dp.timestamps(e.timeColumn ?? 'timestamp'), [dp.numbers(e.denominator.column)], dctx, issues);
        dn = dropBadValues(dn, [{ col: 0, domain: 'positive', name: e.denominator.column }], dctx, issues);
        const outT: number[] = [];
        const outV: number[] = [];
        let j = 0;
        let unmatched = 0;
        for (let i = 0; i < t.length; i++) {
          while (j < dn.times.length && dn.times[j]! < t[i]!) j++;
          if (j < dn.times.length && dn.times[j] === t[i]) {
            outT.push(t[i]!);
            outV.push(v[i]! / dn.cols[0]![j]!);
          } else unmatched++;
        }
        if (unmatched > 0) {
          issues.push({ series: key, file, kind: 'gap', handled: true, count: unmatched, message: `${unmatched} snapshots without a WETH price at the same time (skipped)` });
        }
        t = Float64Array.from(outT);
        v = Float64Array.from(outV);
      }
      checkGaps(t, DAY_MS, ctx, 'daily snapshots', issues);
      checkJumps(t, v, policy.maxJumpFraction, jumpHandled, ctx, issues);
      return { key, shape: e.shape, file, rows: p.rowCount, times: t, values: v, intervalMs: DAY_MS };
    }
    case 'daily_step': {
      let norm = normalize(times, [p.numbers(e.column)], ctx, issues);
      norm = dropBadValues(norm, [{ col: 0, domain: e.domain, name: e.column }], ctx, issues);
      checkGaps(norm.times, DAY_MS, ctx, 'days', issues);
      if (e.isPrice) checkJumps(norm.times, norm.cols[0]!, policy.maxJumpFraction, jumpHandled, ctx, issues);
      return { key, shape: e.shape, file, rows: p.rowCount, times: norm.times, values: norm.cols[0]!, intervalMs: DAY_MS };
    }
    case 'hourly_value': {
      const cols = [p.numbers(e.column)];
      const hasBlock = p.hasColumn('block_timestamp');
      if (hasBlock) cols.push(p.numbers('block_timestamp'));
      let norm = normalize(times, cols, ctx, issues);
      norm = dropBadValues(norm, [{ col: 0, domain: e.domain, name: e.column }], ctx, issues);
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
