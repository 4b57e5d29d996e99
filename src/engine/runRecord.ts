import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { basisConfigSchema, internStrings, type BasisConfig } from '../config/index.js';
import { BasisError } from '../errors/base.js';
import type { DataInput, Timeline } from '../data/series.js';
import { gitCommit, packageVersion } from '../packageInfo.js';
import type { FlowRecord } from '../flows/schedule.js';

/**
 * What a run was made from, recorded in config.json under `run` so that `basis backtest --from-run DIR`
 * can repeat it and a reader can tell what produced the numbers.
 */
export interface RunRecord {
  readonly version: string;
  /** Commit of the package checkout, or 'unknown' outside a git checkout. */
  readonly commit: string;
  readonly env: string;
  /** false: --no-costs (fees, slippage and gas off). */
  readonly costs: boolean;
  readonly capital: number;
  readonly shareClass: string;
  /** First and last step actually run (the end is inclusive: it is the last step). */
  readonly window: { readonly start: string; readonly end: string; readonly endInclusive: true };
  /** --start / --end as given (null: the mode file's window or the data's coverage). */
  readonly request: { readonly start: string | null; readonly end: string | null; readonly set: readonly string[]; readonly flows?: readonly string[]; readonly flowsFile?: string };
  /** The deposits (+) and withdrawals (−) the run applied, in time order, each with where it was given. */
  readonly flows?: readonly FlowRecord[];
  readonly dataDir: string;
  readonly synthetic: boolean;
  readonly data: DataFingerprint;
}

export interface DataFingerprint {
  /** sha256 over every input file's path and sha256, in path order. */
  readonly fingerprint: string;
  readonly files: readonly DataInput[];
}

/**
 * The fingerprint of every file a run read: the timeline's inputs plus `extra` (reward schedule, benchmark), with
 * the content hashes their loaders already took, so no file is read again here.
 */
export function dataFingerprint(timeline: Timeline, extra: readonly DataInput[] = []): DataFingerprint {
  const byPath = new Map<string, DataInput>();
  for (const f of [...timeline.inputs, ...extra]) byPath.set(f.path, { path: f.path, sha256: f.sha256 });
  const files = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const h = createHash('sha256');
  for (const f of files) h.update(`${f.path}\n${f.sha256}\n`);
  return { fingerprint: h.digest('hex'), files };
}

export function currentBuild(): { version: string; commit: string } {
  return { version: packageVersion(), commit: gitCommit() };
}

/** Label/value rows for the report's "Run" table. */
export function runInfoRows(r: RunRecord): [string, string][] {
  return [
    ['Costs', r.costs ? 'on (fees, slippage, gas)' : 'off (--no-costs)'],
    ['Capital', `${r.capital} ${r.shareClass}`],
    ['Window (UTC)', `${r.window.start} → ${r.window.end} (end inclusive: last step)`],
    ['Requested', `--start ${r.request.start ?? '(mode/data default)'} --end ${r.request.end ?? '(mode/data default)'}`],
    ['Overrides', r.request.set.length > 0 ? r.request.set.join(' ') : 'none'],
    ...(r.flows !== undefined && r.flows.length > 0 ? [['Capital flows', r.flows.map((f) => `${f.at} ${f.amount > 0 ? '+' : ''}${f.amount}`).join(', ')] as [string, string]] : []),
    ['Environment', r.env],
    ['Data', `${r.dataDir}${r.synthetic ? ' (synthetic)' : ''}`],
    ['Data fingerprint', `${r.data.fingerprint.slice(0, 16)}… (${r.data.files.length} files)`],
    ['Basis version', r.version],
    ['Commit', r.commit],
  ];
}

/** A run directory's config.json, checked enough to re-run it. */
export interface RecordedRun {
  readonly mode: string;
  readonly run: RunRecord;
  readonly config: BasisConfig;
}

function notARun(file: string, message: string, received: string): BasisError {
  return new BasisError('BT-001', `--from-run: ${message}`, {
    problems: [{ code: 'BT-001', file, message, expected: 'a run directory written by basis backtest (config.json with "run" and "config")', received }],
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads DIR/config.json of an earlier run. Anything missing or malformed: BT-001 naming the file. */
export function readRecordedRun(dir: string): RecordedRun {
  const file = path.join(path.resolve(dir), 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw notARun(file, code === 'ENOENT' ? 'no config.json in this directory' : 'config.json could not be read', typeof code === 'string' ? code : 'unreadable');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text, (k, v: unknown) => (k === '__proto__' ? undefined : v));
  } catch {
    throw notARun(file, 'config.json is not valid JSON', 'malformed JSON');
  }
  if (!isObject(doc) || typeof doc.mode !== 'string' || !isObject(doc.run) || !isObject(doc.config)) {
    throw notARun(file, 'config.json does not record how the run was made', isObject(doc) ? `keys ${Object.keys(doc).join(', ') || '(none)'}` : typeof doc);
  }
  const run = doc.run;
  const window = run.window;
  const request = run.request;
  const data = run.data;
  if (
    typeof run.costs !== 'boolean' ||
    typeof run.dataDir !== 'string' ||
    typeof run.version !== 'string' ||
    typeof run.env !== 'string' ||
    !isObject(window) ||
    !isObject(request) ||
    !Array.isArray(request.set) ||
    !request.set.every((s) => typeof s === 'string') ||
    !(request.start === null || typeof request.start === 'string') ||
    !(request.end === null || typeof request.end === 'string') ||
    !(request.flows === undefined || (Array.isArray(request.flows) && request.flows.every((f) => typeof f === 'string'))) ||
    !(request.flowsFile === undefined || typeof request.flowsFile === 'string') ||
    !(run.flows === undefined || (Array.isArray(run.flows) && run.flows.every((f) => isObject(f) && typeof f.at === 'string' && typeof f.amount === 'number' && typeof f.source === 'string'))) ||
    !isObject(data) ||
    typeof data.fingerprint !== 'string'
  ) {
    throw notARun(file, 'config.json has an incomplete "run" section', 'a "run" section without costs, window, request, dataDir or data fingerprint');
  }
  const parsed = basisConfigSchema.safeParse(doc.config);
  if (!parsed.success) {
    throw new BasisError('CFG-005', '--from-run: the recorded config is not a valid configuration', {
      problems: parsed.error.issues.slice(0, 10).map((i) => ({ code: 'CFG-005' as const, file, path: ['config', ...i.path.map(String)].join('.'), message: i.message })),
    });
  }
  return { mode: doc.mode, run: run as unknown as RunRecord, config: internStrings(parsed.data) };
}
