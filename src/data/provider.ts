import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256Hex } from '../contentHash.js';
import { BasisError, type Problem } from '../errors/base.js';
import type { ErrorCode } from '../errors/codes.js';
import { alignAave, alignBars, alignDaily, alignFunding, alignHourlyValue, type Aligned, type Grid } from './align.js';
import { loadBenchmark } from './benchmark.js';
import { CACHE_FORMAT_VERSION, CorruptCacheError, InputHashes, cacheFile, evictCache, readCache, warnCache, writeCache } from './cache.js';
import { CATALOG } from './catalog.js';
import { parseCsv, type ParsedCsv } from './csv.js';
import { SYNTHETIC_MARKER } from './dataDir.js';
import { checkUpstreamInterpolated, loadRaw } from './load.js';
import { loadRewardSchedule } from './rewards.js';
import { policyFor, type DataPolicy } from './policy.js';
import { DAY_MS, HOUR_MS, filesForKey, findFile, iso, type PendingIssue, type RawSeries } from './raw.js';
import type { DataCheckReport, DataFileReport } from './report.js';
import type { DataInput, DataIssue, SeriesColumn, SeriesCoverage, SeriesKey } from './series.js';
import { HistoricalTimeline } from './timeline.js';

export interface OpenOptions {
  dataDir: string;
  requirements: readonly SeriesKey[];
  policy: DataPolicy;
  stepMinutes: number;
  fundingHoursUtc: readonly number[];
  startMs?: number;
  endMs?: number;
  /** Directory of the binary timeline cache (e.g. var/cache); null or absent disables it. */
  cacheDir?: string | null;
}

export interface CheckOptions extends OpenOptions {
  /** Also parse every CSV/JSON file in the data directory and report any that cannot be read. */
  allFiles?: boolean;
  /** Also validate what a run of the mode reads besides the timeline: the EtherFi reward schedule, the Ethena benchmark. */
  rewards?: boolean;
  benchmark?: boolean;
}

interface Built {
  dataDir: string;
  synthetic: boolean;
  grid: Grid | null;
  columns: SeriesColumn[];
  coverage: SeriesCoverage[];
  issues: DataIssue[];
  files: DataFileReport[];
}

/** Every key to load: the requirements plus the fallback series their policies name (transitively). */
function withFallbacks(reqs: readonly SeriesKey[], policy: DataPolicy): SeriesKey[] {
  const out: SeriesKey[] = [];
  const seen = new Set<SeriesKey>();
  const visit = (k: SeriesKey): void => {
    if (seen.has(k)) return;
    if (!Object.hasOwn(CATALOG, k)) {
      throw new BasisError('DPR-007', `unknown series ${String(k)}`, { problems: [{ code: 'DPR-007', message: 'unknown series key', received: String(k), expected: 'a key of the data catalog' }] });
    }
    seen.add(k);
    out.push(k);
    const p = policyFor(policy, k);
    if (p.onMissing === 'fallback' && p.fallback) {
      if (CATALOG[p.fallback].shape !== CATALOG[k].shape) {
        throw new BasisError('DPR-003', `series ${k} falls back to ${p.fallback}, a series of another shape`, {
          problems: [{ code: 'DPR-003', message: 'fallback series must have the same shape', path: `data.series.${k}.fallback`, expected: `a ${CATALOG[k].shape} series`, received: `${p.fallback} (${CATALOG[p.fallback].shape})` }],
        });
      }
      visit(p.fallback);
    }
  };
  reqs.forEach(visit);
  return out;
}

/** The timeline's inputs in path order ('/'-separated), the synthetic marker included when there is one. */
function inputsOf(digests: ReadonlyMap<string, string>, marker: Buffer | null): DataInput[] {
  const out = [...digests].map(([rel, sha]) => ({ path: rel.split(path.sep).join('/'), sha256: sha }));
  if (marker) out.push({ path: SYNTHETIC_MARKER, sha256: sha256Hex(marker) });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Resolves each key's files (relative paths). Missing files: DPR-001 (open) or an issue (check). */
function resolveFiles(dataDir: string, keys: readonly SeriesKey[]): Map<SeriesKey, { main: string | null; denominator: string | null }> {
  const m = new Map<SeriesKey, { main: string | null; denominator: string | null }>();
  for (const k of keys) m.set(k, filesForKey(dataDir, k));
  return m;
}

function computeWindow(raws: readonly RawSeries[], policy: DataPolicy, stepMs: number, opts: OpenOptions): Grid {
  let first = -Infinity;
  let last = Infinity;
  let constraining = raws.filter((r) => {
    const p = policyFor(policy, r.key).onMissing;
    return p !== 'fallback' && p !== 'zero';
  });
  if (constraining.length === 0) constraining = [...raws];
  const why: string[] = [];
  for (const r of constraining) {
    if (r.times.length === 0) continue;
    const f = r.obsTimes ? r.obsTimes[0]! : r.times[0]!;
    let l = r.times[r.times.length - 1]!;
    if (r.shape === 'funding' || r.shape === 'daily_step' || r.shape === 'oracle_interpolated') l += Math.max(r.intervalMs - stepMs, 0);
    if (f > first) first = f;
    if (l < last) last = l;
    why.push(`${r.key} ${iso(f)} … ${iso(l)}`);
  }
  const start = Math.ceil(first / stepMs) * stepMs;
  const end = Math.floor(last / stepMs) * stepMs;
  const problem = (message: string, received: string): BasisError =>
    new BasisError('DPR-006', message, {
      problems: [{ code: 'DPR-006', message, expected: Number.isFinite(start) && Number.isFinite(end) ? `${iso(start)} … ${iso(end)} (common coverage of ${constraining.map((r) => r.key).join(', ')})` : 'series with data', received }],
    });
  if (!(Number.isFinite(start) && Number.isFinite(end)) || start > end) {
    throw problem(`the required series have no common coverage (${why.join('; ')})`, 'no overlap');
  }
  let s = start;
  let e = end;
  if (opts.startMs !== undefined) {
    const g = Math.ceil(opts.startMs / stepMs) * stepMs;
    if (!Number.isFinite(opts.startMs) || g < start || g > end) throw problem(`start ${Number.isFinite(opts.startMs) ? iso(opts.startMs) : String(opts.startMs)} is outside the data`, Number.isFinite(opts.startMs) ? iso(opts.startMs) : String(opts.startMs));
    s = g;
  }
  if (opts.endMs !== undefined) {
    const g = Math.floor(opts.endMs / stepMs) * stepMs;
    if (!Number.isFinite(opts.endMs) || g > end || g < s) throw problem(`end ${Number.isFinite(opts.endMs) ? iso(opts.endMs) : String(opts.endMs)} is outside the data (or before the start)`, Number.isFinite(opts.endMs) ? iso(opts.endMs) : String(opts.endMs));
    e = g;
  }
  return { startMs: s, stepMs, length: Math.round((e - s) / stepMs) + 1 };
}

function resolvePending(p: PendingIssue, grid: Grid | null): DataIssue {
  let handled: boolean;
  let message = p.message;
  if (p.handled === 'window') {
    if (grid === null) handled = false;
    else {
      const ws = grid.startMs;
      const we = grid.startMs + (grid.length - 1) * grid.stepMs;
      const f = p.firstMs ?? -Infinity;
      const l = p.lastMs ?? Infinity;
      handled = l < ws || f > we;
      if (handled) message += ' (outside the run window)';
    }
  } else handled = p.handled;
  return {
    ...(p.series ? { series: p.series } : {}),
    ...(p.file ? { file: p.file } : {}),
    kind: p.kind,
    handled,
    count: p.count,
    ...(p.firstMs !== undefined && Number.isFinite(p.firstMs) ? { firstMs: p.firstMs } : {}),
    ...(p.lastMs !== undefined && Number.isFinite(p.lastMs) ? { lastMs: p.lastMs } : {}),
    ...(p.line !== undefined ? { line: p.line } : {}),
    ...(p.column !== undefined ? { column: p.column } : {}),
    ...(p.code !== undefined ? { code: p.code } : {}),
    message,
  };
}

function alignmentIssues(key: SeriesKey, file: string, a: Aligned, policy: DataPolicy, fallbackOnly: boolean, dailySeen: Set<string>, out: PendingIssue[]): void {
  const s = a.stats;
  const pol = policyFor(policy, key);
  const shape = CATALOG[key].shape;
  if (s.fallback > 0) {
    const what = pol.onMissing === 'zero' ? 'set to 0 (policy zero)' : `taken from ${a.column.fallbackKey}`;
    out.push({ series: key, file, kind: 'fallback_used', handled: true, count: s.fallback, firstMs: s.fallbackFirst, lastMs: s.fallbackLast, message: `${s.fallback} steps without an own value ${what}` });
  }
  if (s.policyFilled > 0) {
    out.push({ series: key, file, kind: 'forward_filled', handled: true, count: s.policyFilled, message: `${s.policyFilled} steps held from the last observation (at most ${(s.maxStaleMs / HOUR_MS).toFixed(0)} h old; maxStaleHours ${pol.maxStaleHours})` });
  }
  if (s.missing > 0) {
    out.push({
      series: key,
      file,
      kind: 'gap',
      handled: fallbackOnly,
      count: s.missing,
      firstMs: s.missingFirst,
      lastMs: s.missingLast,
      message:
        `${s.missing} steps in the run window have no value (policy onMissing=${pol.onMissing}, maxStaleHours=${pol.maxStaleHours}${pol.fallback ? `, fallback=${pol.fallback}` : ''})` +
        (fallbackOnly ? '; loaded only as a fallback, so this matters only where the primary needs it (reported there)' : ''),
    });
  }
  if ((shape === 'aave_daily' || shape === 'oracle_interpolated' || shape === 'daily_step') && dailySeen.has(file)) return;
  dailySeen.add(file);
  if (shape === 'aave_daily') {
    out.push({ series: key, file, kind: 'daily_only', handled: true, count: s.observed, message: `daily snapshots (${s.observed} in the window; all aave:${key.split(':')[1]}:* series); hours between accrued from the last snapshot (liquidity index linear, borrow index compounded per second, rates held)` });
  } else if (shape === 'oracle_interpolated' || shape === 'daily_step') {
    out.push({ series: key, file, kind: 'daily_only', handled: true, count: s.observed, message: `daily observations (${s.observed} in the window), each held until the next` });
  }
}

async function build(opts: CheckOptions, mode: 'open' | 'check'): Promise<Built | HistoricalTimeline> {
  const dataDir = path.resolve(opts.dataDir);
  const stepMs = opts.stepMinutes * 60_000;
  if (!(Number.isInteger(opts.stepMinutes) && opts.stepMinutes > 0 && DAY_MS % stepMs === 0)) {
    throw new BasisError('DPR-003', `step of ${opts.stepMinutes} min does not divide a day`, { problems: [{ code: 'DPR-003', message: 'bad step', expected: 'a positive number of minutes dividing 1440', received: String(opts.stepMinutes) }] });
  }
  const policy = opts.policy;
  const keys = withFallbacks(opts.requirements, policy);
  const markerPath = path.join(dataDir, SYNTHETIC_MARKER);
  const synthetic = existsSync(markerPath);
  const pending: PendingIssue[] = [];
  const files: DataFileReport[] = [];
  const fileMap = resolveFiles(dataDir, keys);
  const loadable: SeriesKey[] = [];
  const absent: SeriesKey[] = [];
  for (const k of keys) {
    const f = fileMap.get(k)!;
    const e = CATALOG[k];
    const miss = f.main === null ? e : e.denominator && f.denominator === null ? e.denominator : null;
    const pol = policyFor(policy, k);
    if (miss && ((pol.onMissing === 'fallback' && pol.fallback) || (pol.onMissing === 'zero' && e.shape === 'funding'))) {
      // No file at all (e.g. OKX BTC bars never existed): an empty series, every step from the policy.
      absent.push(k);
      pending.push({ series: k, kind: 'gap', handled: true, count: 1, message: `no file matching ${miss.pattern.source} in ${miss.dir}/; every step comes from the policy (${pol.onMissing === 'zero' ? 'zero' : `fallback ${pol.fallback}`})` });
      continue;
    }
    if (miss) {
      if (mode === 'open') {
        throw new BasisError('DPR-001', `no file for series ${k} in ${path.join(dataDir, miss.dir)}`, {
          problems: [{ code: 'DPR-001', message: `series ${k} has no file`, file: path.join(dataDir, miss.dir), expected: `a file matching ${miss.pattern.source}`, received: 'none' }],
        });
      }
      pending.push({ series: k, kind: 'unreadable', handled: false, count: 1, code: 'DPR-001', message: `no file matching ${miss.pattern.source} in ${miss.dir}/` });
      continue;
    }
    loadable.push(k);
  }

  const rels = [...new Set(loadable.flatMap((k) => { const f = fileMap.get(k)!; return f.denominator ? [f.main!, f.denominator] : [f.main!]; }))].sort();
  const cannotRead = (rel: string, err: unknown): BasisError =>
    new BasisError('DPR-001', `cannot read ${rel}`, { cause: err, problems: [{ code: 'DPR-001', message: String((err as Error).message), file: path.join(dataDir, rel) }] });
  const bytes = new Map<string, Buffer>();

  let cachePath: string | null = null;
  let cacheKey = '';
  // Content hashes of the inputs, by relative path: the cache key's when there is a cache, else taken from the
  // bytes parsed (the run record's data fingerprint is made of them, so no file is read twice).
  const digests = new Map<string, string>();
  const marker = mode === 'open' && synthetic ? readFileSync(markerPath) : null;
  if (mode === 'open' && opts.cacheDir) {
    // Key: every input's content hash (reused unread while its size and mtime are unchanged: see InputHashes),
    // plus the requirements, window, step, funding hours, policy (not its cache size) and format version.
    const hashes = new InputHashes(opts.cacheDir);
    if (hashes.problem !== null) {
      warnCache(`input manifest ${path.join(opts.cacheDir, 'inputs.json')} is unreadable (${hashes.problem}): a cache problem, not a market-data problem; every input is hashed again and the manifest rewritten`);
    }
    const h = createHash('sha256');
    h.update(JSON.stringify({ v: CACHE_FORMAT_VERSION, code: 1, reqs: opts.requirements, start: opts.startMs ?? null, end: opts.endMs ?? null, step: stepMs, funding: opts.fundingHoursUtc, policy: { ...policy, cache: null } }));
    for (const rel of rels) {
      let digest: string;
      try {
        digest = hashes.hash(path.join(dataDir, rel));
      } catch (err) {
        throw cannotRead(rel, err);
      }
      h.update(`\n${rel}\n${digest}`);
      digests.set(rel, digest);
      const read = hashes.bytes.get(path.join(dataDir, rel));
      if (read) bytes.set(rel, read);
    }
    h.update(marker ? sha256Hex(marker) : 'real');
    cacheKey = h.digest('hex');
    cachePath = cacheFile(opts.cacheDir, cacheKey);
    try {
      hashes.save();
    } catch (err) {
      warnCache(`input manifest in ${opts.cacheDir} could not be written (${(err as Error).message}); inputs will be hashed again next time`, `manifest:${opts.cacheDir}`);
    }
    try {
      const hit = readCache(cachePath, cacheKey);
      if (hit) {
        return new HistoricalTimeline({ ...hit, dataDir, inputs: inputsOf(digests, marker), origin: 'cache' });
      }
    } catch (err) {
      if (!(err instanceof CorruptCacheError)) throw err;
      warnCache(`data cache ${err.file} is unreadable (${err.reason}): a cache problem, not a market-data problem; rebuilding it from the CSVs`);
    }
  }

  // Read every input not read for the key yet (in parallel); the same bytes feed the parser.
  await Promise.all(
    rels
      .filter((rel) => !bytes.has(rel))
      .map(async (rel) => {
        try {
          bytes.set(rel, await readFile(path.join(dataDir, rel)));
        } catch (err) {
          if (mode === 'open') throw cannotRead(rel, err);
        }
      }),
  );

  const parsed = new Map<string, ParsedCsv>();
  const csv = (rel: string): ParsedCsv => {
    let p = parsed.get(rel);
    if (!p) {
      let buf = bytes.get(rel);
      if (!buf) buf = readFileSync(path.join(dataDir, rel));
      p = parseCsv(buf.toString('utf8'), path.join(dataDir, rel));
      parsed.set(rel, p);
    }
    return p;
  };

  const raws = new Map<SeriesKey, RawSeries>();
  for (const k of loadable) {
    const f = fileMap.get(k)!;
    try {
      raws.set(k, loadRaw(k, { main: f.main!, denominator: f.denominator }, csv, policy, pending));
    } catch (err) {
      if (mode === 'open' || !(err instanceof BasisError)) throw err;
      pending.push({ series: k, file: f.main!, kind: 'unreadable', handled: false, count: 1, ...located(err), message: describe(err) });
    }
  }

  for (const k of absent) {
    const e = CATALOG[k];
    raws.set(k, { key: k, shape: e.shape, file: `${e.dir}/(none)`, rows: 0, times: new Float64Array(0), values: new Float64Array(0), close: new Float64Array(0), intervalMs: e.shape === 'funding' ? 8 * HOUR_MS : e.shape === 'hourly_bar' || e.shape === 'hourly_value' ? HOUR_MS : DAY_MS });
  }

  if (mode === 'check') {
    for (const k of loadable) {
      const up = CATALOG[k].upstream;
      const raw = raws.get(k);
      if (!up || !raw) continue;
      const rel = findFile(dataDir, up.dir, up.pattern);
      if (!rel) continue;
      try {
        checkUpstreamInterpolated(k, rel, raw, csv, pending);
      } catch (err) {
        if (!(err instanceof BasisError)) throw err;
        pending.push({ series: k, file: rel, kind: 'unreadable', handled: false, count: 1, ...located(err), message: describe(err) });
      }
    }
  }

  let grid: Grid | null = null;
  try {
    // Only required series constrain the window; a series loaded only as a fallback is used where it has data.
    const required = new Set(opts.requirements);
    grid = computeWindow([...raws.values()].filter((r) => required.has(r.key)), policy, stepMs, opts);
  } catch (err) {
    // A requested start/end outside the data is a request error (DPR-006) in both modes; series without
    // any common coverage are a data problem, which a check reports.
    if (mode === 'open' || !(err instanceof BasisError) || opts.startMs !== undefined || opts.endMs !== undefined) throw err;
    pending.push({ kind: 'gap', handled: false, count: 1, message: describe(err) });
  }

  const columns: SeriesColumn[] = [];
  const coverage: SeriesCoverage[] = [];
  if (grid) {
    const aligned = new Map<SeriesKey, Aligned>();
    const visiting = new Set<SeriesKey>();
    const align = (k: SeriesKey): Aligned | null => {
      const done = aligned.get(k);
      if (done) return done;
      const raw = raws.get(k);
      if (!raw) return null;
      if (visiting.has(k)) {
        throw new BasisError('DPR-003', `fallback cycle through ${k}`, { problems: [{ code: 'DPR-003', message: 'fallback series form a cycle', path: `data.series.${k}.fallback`, received: [...visiting, k].join(' → ') }] });
      }
      visiting.add(k);
      const pol = policyFor(policy, k);
      const fb = pol.onMissing === 'fallback' && pol.fallback ? (align(pol.fallback)?.column ?? null) : null;
      const g = grid!;
      let a: Aligned;
      switch (raw.shape) {
        case 'hourly_bar':
          a = alignBars(raw, g, pol, fb);
          break;
        case 'funding':
          a = alignFunding(raw, g, pol, fb, opts.fundingHoursUtc);
          break;
        case 'aave_daily':
          a = alignAave(raw, g, pol, fb);
          break;
        case 'oracle_interpolated':
        case 'daily_step':
          a = alignDaily(raw, g, pol, fb);
          break;
        case 'hourly_value':
          a = alignHourlyValue(raw, g, pol, fb);
          break;
      }
      visiting.delete(k);
      aligned.set(k, a);
      return a;
    };
    const required = new Set(opts.requirements);
    const dailySeen = new Set<string>();
    for (const k of keys) {
      const a = align(k);
      const raw = raws.get(k);
      if (!a || !raw) continue;
      columns.push(a.column);
      alignmentIssues(k, raw.file, a, policy, !required.has(k), dailySeen, pending);
      const s = a.stats;
      coverage.push({ key: k, file: raw.file, firstMs: raw.times[0] ?? NaN, lastMs: raw.times[raw.times.length - 1] ?? NaN, rows: raw.rows, observedSteps: s.observed, filledSteps: s.filled, fallbackSteps: s.fallback, missingSteps: s.missing });
    }
  }

  const requiredSet = new Set(opts.requirements);
  const issues = pending.map((p) =>
    // Rows dropped from a series loaded only as a fallback are never used; anything kept (a jump, a falling
    // index) may be, so it counts like a required series' problem.
    p.handled === 'window' && p.dropped === true && p.series !== undefined && !requiredSet.has(p.series) && raws.has(p.series)
      ? resolvePending({ ...p, handled: true, message: `${p.message}; loaded only as a fallback (bad rows are dropped, never used)` }, grid)
      : resolvePending(p, grid),
  );
  for (const [rel, p] of parsed) files.push({ file: rel, rows: p.rowCount });

  if (mode === 'open') {
    const bad = issues.filter((i) => !i.handled);
    if (bad.length > 0) {
      throw new BasisError('DPR-005', `${bad.length} unhandled data problem(s) in ${dataDir}; run \`basis data check\` for the full report`, {
        problems: bad.map((i): Problem => ({
          code: 'DPR-005',
          message: `${i.series ?? ''} ${i.kind}: ${i.message}${i.firstMs !== undefined ? ` [${iso(i.firstMs)} … ${iso(i.lastMs ?? i.firstMs)}]` : ''}`.trim(),
          ...(i.file ? { file: i.file } : {}),
          ...(i.line !== undefined ? { line: i.line } : {}),
          ...(i.column !== undefined ? { column: i.column } : {}),
        })),
      });
    }
    const g = grid!;
    for (const rel of rels) if (!digests.has(rel)) digests.set(rel, sha256Hex(bytes.get(rel) ?? readFileSync(path.join(dataDir, rel))));
    const tl = new HistoricalTimeline({ startMs: g.startMs, stepMs: g.stepMs, length: g.length, synthetic, dataDir, columns, coverage, issues, inputs: inputsOf(digests, marker), origin: 'parsed' });
    if (cachePath && opts.cacheDir) {
      try {
        writeCache(cachePath, cacheKey, { startMs: g.startMs, stepMs: g.stepMs, length: g.length, synthetic, columns, coverage, issues });
        evictCache(opts.cacheDir, policy.cache.maxBytes, cachePath);
      } catch (err) {
        warnCache(`data cache ${cachePath} could not be written (${(err as Error).message})`, `write:${cachePath}`);
      }
    }
    return tl;
  }
  return { dataDir, synthetic, grid, columns, coverage, issues, files };
}

/** The code and, when one row is to blame, the line and column of a load error. */
function located(err: BasisError): { code: ErrorCode; line?: number; column?: number } {
  const p = err.problems[0];
  return { code: err.code, ...(p?.line !== undefined ? { line: p.line } : {}), ...(p?.column !== undefined ? { column: p.column } : {}) };
}

function describe(err: BasisError): string {
  const p = err.problems[0];
  if (!p) return `${err.code} ${err.message}`;
  const where = [p.file, p.line !== undefined ? `line ${p.line}` : '', p.column !== undefined ? `column ${p.column}` : ''].filter(Boolean).join(', ');
  const detail = [p.expected !== undefined ? `expected ${p.expected}` : '', p.received !== undefined ? `found ${p.received}` : ''].filter(Boolean).join(', ');
  return `${err.code} ${p.message}${where ? ` (${where})` : ''}${detail ? `: ${detail}` : ''}`;
}

/**
 * Loads, validates and aligns the required series (or reads them from the binary cache). Throws DPR-004-style
 * errors for a missing directory (see resolveDataDir), DPR-001 for a missing file, DPR-002 for a malformed one,
 * DPR-006 for a window outside the data, DPR-005 listing every unhandled data problem.
 */
export async function openHistoricalData(opts: OpenOptions): Promise<HistoricalTimeline> {
  return (await build(opts, 'open')) as HistoricalTimeline;
}

/** Every data file (CSV and JSON) under dataDir, relative paths, sorted. */
export function listDataFiles(dataDir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const ent of readdirSync(path.join(dataDir, rel), { withFileTypes: true })) {
      const r = rel ? path.join(rel, ent.name) : ent.name;
      if (ent.isDirectory()) walk(r);
      else if (/\.(csv|json)$/i.test(ent.name)) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** Parses one data file (CSV: shape and header; JSON: syntax). Returns its data-row count (JSON: 1). */
export function parseDataFile(abs: string): number {
  const text = readFileSync(abs, 'utf8');
  if (/\.json$/i.test(abs)) {
    try {
      JSON.parse(text);
    } catch (err) {
      throw new BasisError('DPR-002', `${abs}: invalid JSON`, { problems: [{ code: 'DPR-002', message: (err as Error).message, file: abs, expected: 'valid JSON' }] });
    }
    return 1;
  }
  return parseCsv(text, abs).rowCount;
}

/**
 * The data-quality report for one requirement set: coverage per series, every issue (handled warnings and
 * unhandled problems). Never throws for data problems (they are issues); with `allFiles` also parses every
 * other CSV/JSON in the directory.
 */
export async function checkData(opts: CheckOptions): Promise<DataCheckReport> {
  const b = (await build(opts, 'check')) as Built;
  const issues = [...b.issues];
  const files = [...b.files];
  if (opts.allFiles) {
    const seen = new Set(files.map((f) => f.file));
    for (const rel of listDataFiles(b.dataDir)) {
      if (seen.has(rel)) continue;
      try {
        files.push({ file: rel, rows: parseDataFile(path.join(b.dataDir, rel)) });
      } catch (err) {
        if (!(err instanceof BasisError)) throw err;
        files.push({ file: rel, rows: null, error: describe(err) });
        issues.push({ file: rel, kind: 'unreadable', handled: false, count: 1, ...located(err), message: describe(err) });
      }
    }
    files.sort((x, y) => x.file.localeCompare(y.file));
  }
  // The same loaders a run uses, so the check fails exactly where the run would.
  const extra: [boolean | undefined, () => unknown][] = [
    [opts.rewards, () => loadRewardSchedule(b.dataDir, opts.policy)],
    [opts.benchmark, () => loadBenchmark(b.dataDir, opts.policy)],
  ];
  for (const [wanted, load] of extra) {
    if (!wanted) continue;
    try {
      load();
    } catch (err) {
      if (!(err instanceof BasisError)) throw err;
      const abs = err.problems[0]?.file;
      issues.push({
        ...(abs ? { file: path.relative(b.dataDir, abs) } : {}),
        kind: err.code === 'DPR-005' ? 'bad_value' : 'unreadable',
        handled: false,
        count: 1,
        ...located(err),
        message: describe(err),
      });
    }
  }
  const g = b.grid;
  return {
    dataDir: b.dataDir,
    synthetic: b.synthetic,
    requirements: [...opts.requirements],
    window: g ? { startMs: g.startMs, endMs: g.startMs + (g.length - 1) * g.stepMs, stepMs: g.stepMs, steps: g.length } : null,
    coverage: b.coverage,
    issues,
    files,
    ok: issues.every((i) => i.handled),
  };
}
