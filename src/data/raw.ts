import { readdirSync } from 'node:fs';
import path from 'node:path';
import { BasisError } from '../errors/base.js';
import type { ErrorCode } from '../errors/codes.js';
import { CATALOG, type SeriesShape } from './catalog.js';
import type { ParsedCsv } from './csv.js';
import type { DataIssueKind, SeriesKey } from './series.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * An issue found in a raw file before the run window is known. `handled: 'window'` means: unhandled when
 * [firstMs, lastMs] overlaps the run window, a handled warning otherwise.
 */
export interface PendingIssue {
  readonly series?: SeriesKey;
  readonly file?: string;
  readonly kind: DataIssueKind;
  readonly handled: boolean | 'window';
  readonly count: number;
  readonly firstMs?: number;
  readonly lastMs?: number;
  /** Where the first offending row is: 1-based line and column of `file`. */
  readonly line?: number;
  readonly column?: number;
  /** The offending rows were removed, so a series loaded only as a fallback never uses them. */
  readonly dropped?: boolean;
  /** Set when the issue stands for a load error (DPR-001/DPR-002) rather than a data-quality finding (DPR-005). */
  readonly code?: ErrorCode;
  readonly message: string;
}

/** One series' observations, sorted by time, unique, bad rows removed. */
export interface RawSeries {
  readonly key: SeriesKey;
  readonly shape: SeriesShape;
  /** Path relative to the data directory. */
  readonly file: string;
  readonly rows: number;
  readonly times: Float64Array;
  /** open (bars), rate (funding), index/rate (AAVE), price/value otherwise. */
  readonly values: Float64Array;
  /** Bars: close, observable at times + barMs. */
  readonly close?: Float64Array;
  /** Gas: when each row became observable (max(label, sampled block time)). */
  readonly obsTimes?: Float64Array;
  /** AAVE indices: the APR to accrue with between snapshots. */
  readonly rates?: Float64Array;
  readonly accrual?: 'linear' | 'compound' | 'hold';
  /** Nominal spacing of the rows (bar length, 8 h funding, 1 day). */
  readonly intervalMs: number;
}

/** Resolves a catalog pattern to one file under dataDir; null when absent. Picks the latest-ending name if several. */
export function findFile(dataDir: string, dir: string, pattern: RegExp): string | null {
  let names: string[];
  try {
    names = readdirSync(path.join(dataDir, dir));
  } catch {
    return null;
  }
  const hits = names.filter((n) => pattern.test(n)).sort();
  const last = hits[hits.length - 1];
  return last === undefined ? null : path.join(dir, last);
}

export function fileForKey(dataDir: string, key: SeriesKey): string | null {
  const e = CATALOG[key];
  return findFile(dataDir, e.dir, e.pattern);
}

/** Every file a key needs (the oracle LST/ETH ratio needs the WETH reserve file too). */
export function filesForKey(dataDir: string, key: SeriesKey): { main: string | null; denominator: string | null } {
  const e = CATALOG[key];
  return {
    main: findFile(dataDir, e.dir, e.pattern),
    denominator: e.denominator ? findFile(dataDir, e.denominator.dir, e.denominator.pattern) : null,
  };
}

export function missingFileError(dataDir: string, key: SeriesKey, entry: { dir: string; pattern: RegExp }): BasisError {
  return new BasisError('DPR-001', `no file for series ${key} in ${path.join(dataDir, entry.dir)}`, {
    problems: [{ code: 'DPR-001', message: `series ${key} has no file`, file: path.join(dataDir, entry.dir), expected: `a file matching ${entry.pattern.source}`, received: 'none' }],
  });
}

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString().replace(':00.000Z', 'Z') : String(ms));
export { iso };

// --- sort, dedupe, resolve conflicts --------------------------------------------------------------------

export type ConflictResolver = (values: readonly number[]) => number;

/** OKX quirk 2 (data/README.md): if one row is 0.0001 and the other ≥ 0 keep the other, else keep the larger. */
export const okxPreferNonDefault: ConflictResolver = (values) => {
  const DEFAULT = 0.0001;
  const hasDefault = values.some((v) => v === DEFAULT);
  let best = -1;
  values.forEach((v, i) => {
    if (hasDefault && v === DEFAULT && values.some((w) => w !== DEFAULT && w >= 0)) return;
    if (best < 0 || v > values[best]!) best = i;
  });
  return best < 0 ? 0 : best;
};

export interface Normalized {
  times: Float64Array;
  cols: Float64Array[];
  /** 0-based data row of the file each kept observation came from (for line numbers). */
  rows: Int32Array;
}

/**
 * Sorts (stable) when out of order, drops exact duplicate rows, resolves conflicting rows at one timestamp with
 * `resolve` (on column 0) or keeps the first and reports it unhandled in the window.
 */
export function normalize(
  times: Float64Array,
  cols: Float64Array[],
  ctx: { key: SeriesKey; file: string; resolve?: ConflictResolver | undefined; resolveName?: string | undefined },
  issues: PendingIssue[],
): Normalized {
  const n = times.length;
  let outOfOrder = 0;
  let firstOoo = NaN;
  let lastOoo = NaN;
  let hasEqual = false;
  for (let i = 1; i < n; i++) {
    const d = times[i]! - times[i - 1]!;
    if (d < 0) {
      outOfOrder++;
      if (outOfOrder === 1) firstOoo = times[i]!;
      lastOoo = times[i]!;
    } else if (d === 0) hasEqual = true;
  }
  if (outOfOrder === 0 && !hasEqual) return { times, cols, rows: Int32Array.from({ length: n }, (_, i) => i) };
  let order: Int32Array;
  if (outOfOrder > 0) {
    order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => times[a]! - times[b]! || a - b);
    issues.push({ series: ctx.key, file: ctx.file, kind: 'non_monotonic', handled: true, count: outOfOrder, firstMs: firstOoo, lastMs: lastOoo, message: `${outOfOrder} rows out of time order; sorted` });
  } else {
    order = Int32Array.from({ length: n }, (_, i) => i);
  }
  const keep: number[] = [];
  let dups = 0;
  let dupFirst = NaN;
  let dupLast = NaN;
  let conflicts = 0;
  let cFirst = NaN;
  let cLast = NaN;
  for (let g = 0; g < n; ) {
    const t = times[order[g]!]!;
    let h = g + 1;
    while (h < n && times[order[h]!] === t) h++;
    if (h - g === 1) {
      keep.push(order[g]!);
    } else {
      const rows = Array.from(order.subarray(g, h));
      const identical = rows.every((r) => cols.every((c) => Object.is(c[r], c[rows[0]!])));
      if (identical) {
        dups += h - g - 1;
        if (dups === h - g - 1) dupFirst = t;
        dupLast = t;
        keep.push(rows[0]!);
      } else {
        conflicts++;
        if (conflicts === 1) cFirst = t;
        cLast = t;
        if (ctx.resolve) {
          keep.push(rows[ctx.resolve(rows.map((r) => cols[0]![r]!))]!);
        } else {
          keep.push(rows[0]!);
        }
      }
    }
    g = h;
  }
  if (dups > 0) {
    issues.push({ series: ctx.key, file: ctx.file, kind: 'duplicate', handled: true, count: dups, firstMs: dupFirst, lastMs: dupLast, message: `${dups} exact duplicate rows removed (distinct by timestamp)` });
  }
  if (conflicts > 0) {
    issues.push({
      series: ctx.key,
      file: ctx.file,
      kind: 'conflicting_duplicates',
      handled: ctx.resolve ? true : 'window',
      count: conflicts,
      firstMs: cFirst,
      lastMs: cLast,
      message: ctx.resolve
        ? `${conflicts} timestamps with two different rows; resolved by rule ${ctx.resolveName ?? 'configured'}`
        : `${conflicts} timestamps with different rows and no rule to choose (first row kept)`,
    });
  }
  const m = keep.length;
  const outTimes = new Float64Array(m);
  const outCols = cols.map(() => new Float64Array(m));
  for (let i = 0; i < m; i++) {
    const r = keep[i]!;
    outTimes[i] = times[r]!;
    for (let c = 0; c < cols.length; c++) outCols[c]![i] = cols[c]![r]!;
  }
  return { times: outTimes, cols: outCols, rows: Int32Array.from(keep) };
}

/** One value check: `positive` (> 0), or the closed range [min, max]; NaN always fails. */
export interface ValueCheck {
  readonly col: number;
  /** CSV column name (for the message and the column number). */
  readonly name: string;
  readonly positive?: boolean;
  readonly min?: number;
  readonly max?: number;
}

/** Where a normalized row sits in its file. */
export interface RowLocator {
  lineOf(row: number): number;
  columnIndex(name: string): number;
}

const describeCheck = (ch: ValueCheck): string =>
  [ch.positive ? '> 0' : '', ch.min !== undefined ? `>= ${ch.min}` : '', ch.max !== undefined ? `<= ${ch.max}` : ''].filter(Boolean).join(' and ');

/**
 * Drops rows whose values break their check (a price ≤ 0, a rate outside its configured bounds, a NaN); reports
 * them with the first offending row's line and column, unhandled inside the run window.
 */
export function dropBadValues(norm: Normalized, checks: readonly ValueCheck[], ctx: { key: SeriesKey; file: string }, loc: RowLocator, issues: PendingIssue[]): Normalized {
  const n = norm.times.length;
  let bad = 0;
  let first = NaN;
  let last = NaN;
  let example = '';
  let line: number | undefined;
  let column: number | undefined;
  const ok = new Uint8Array(n).fill(1);
  for (const ch of checks) {
    const v = norm.cols[ch.col]!;
    const lo = ch.min ?? -Infinity;
    const hi = ch.max ?? Infinity;
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      if (x >= lo && x <= hi && (!ch.positive || x > 0)) continue;
      if (!ok[i]) continue;
      bad++;
      ok[i] = 0;
      const t = norm.times[i]!;
      if (!(first <= t)) first = t;
      if (!(last >= t)) last = t;
      if (line === undefined || loc.lineOf(norm.rows[i]!) < line) {
        line = loc.lineOf(norm.rows[i]!);
        column = loc.columnIndex(ch.name) + 1;
        example = `${ch.name}=${x} at ${iso(t)}, expected ${describeCheck(ch)}`;
      }
    }
  }
  if (bad === 0) return norm;
  issues.push({
    series: ctx.key,
    file: ctx.file,
    kind: 'bad_value',
    handled: 'window',
    dropped: true,
    count: bad,
    firstMs: first,
    lastMs: last,
    ...(line !== undefined ? { line, column } : {}),
    message: `${bad} rows with an implausible value (e.g. ${example}); dropped`,
  });
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (ok[i]) idx.push(i);
  return {
    times: Float64Array.from(idx, (i) => norm.times[i]!),
    cols: norm.cols.map((c) => Float64Array.from(idx, (i) => c[i]!)),
    rows: Int32Array.from(idx, (i) => norm.rows[i]!),
  };
}

/** Reports one-step relative moves above maxJump between consecutive observations, with the first one's line. */
export function checkJumps(
  times: Float64Array,
  values: Float64Array,
  maxJump: number,
  ctx: { key: SeriesKey; file: string; rows: Int32Array; loc: RowLocator; column: string },
  issues: PendingIssue[],
): void {
  let count = 0;
  let first = NaN;
  let last = NaN;
  let worst = 0;
  let worstAt = NaN;
  let firstRow = -1;
  for (let i = 1; i < values.length; i++) {
    const r = Math.abs(values[i]! / values[i - 1]! - 1);
    if (r > maxJump) {
      count++;
      if (count === 1) {
        first = times[i]!;
        firstRow = ctx.rows[i]!;
      }
      last = times[i]!;
      if (r > worst) {
        worst = r;
        worstAt = times[i]!;
      }
    }
  }
  if (count > 0) {
    issues.push({
      series: ctx.key,
      file: ctx.file,
      kind: 'jump',
      handled: 'window',
      count,
      firstMs: first,
      lastMs: last,
      line: ctx.loc.lineOf(firstRow),
      column: ctx.loc.columnIndex(ctx.column) + 1,
      message: `${count} one-step moves above ${(maxJump * 100).toFixed(0)}% (largest ${(worst * 100).toFixed(1)}% at ${iso(worstAt)})`,
    });
  }
}

/** Reports holes: consecutive observations more than `interval` apart. */
export function checkGaps(times: Float64Array, intervalMs: number, ctx: { key: SeriesKey; file: string }, what: string, issues: PendingIssue[]): void {
  let holes = 0;
  let missing = 0;
  let first = NaN;
  let last = NaN;
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    if (d > intervalMs * 1.5) {
      holes++;
      missing += Math.round(d / intervalMs) - 1;
      if (holes === 1) first = times[i - 1]! + intervalMs;
      last = times[i]! - intervalMs;
    }
  }
  if (holes > 0) {
    issues.push({ series: ctx.key, file: ctx.file, kind: 'gap', handled: true, count: missing, firstMs: first, lastMs: last, message: `${missing} missing ${what} in ${holes} holes` });
  }
}

/** Smallest positive spacing of sorted times (the nominal bar length). */
export function minSpacing(times: Float64Array, fallback: number): number {
  let best = Infinity;
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    if (d > 0 && d < best) best = d;
  }
  return Number.isFinite(best) ? best : fallback;
}

export type CsvSource = (relPath: string) => ParsedCsv;
