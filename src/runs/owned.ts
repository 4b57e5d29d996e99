import { lstatSync, readFileSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';

/** What Basis writes: a backtest run directory, a synthetic data set, a downloaded data set. */
export type OutputKind = 'backtest' | 'synth' | 'download';

/** Marks a directory as a Basis run and lists every file Basis wrote into it. */
export const RUN_MARKER = '.basis-run.json';
/** The result files of a run directory written before RUN_MARKER existed. */
const LEGACY_RUN_FILES = ['summary.json', 'config.json', 'timeseries.csv', 'events.jsonl', 'report.html'];

/** A directory Basis wrote: its marker file and every file it lists, as `/`-separated relative paths. */
export interface OwnedSet {
  readonly marker: string;
  readonly files: readonly string[];
}

const DATA_MARKERS: Record<Exclude<OutputKind, 'backtest'>, { file: string; generator: string }> = {
  synth: { file: 'SYNTHETIC.json', generator: 'basis-synth' },
  download: { file: 'DOWNLOAD.json', generator: 'basis-download' },
};

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A listed path Basis could have written: relative, `/`-separated, no empty, `.` or `..` segment. */
function safeRel(p: unknown): p is string {
  return typeof p === 'string' && p.length > 0 && !p.includes('\0') && !p.includes('\\') && !path.isAbsolute(p) && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

function isFile(p: string): boolean {
  try {
    return lstatSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The set Basis wrote into `dir` for this kind of output, from its marker; null when `dir` holds no valid marker of
 * that kind. A run directory from before RUN_MARKER is recognised by its five result files and a summary.json that
 * names a mode and a step count.
 */
export function readOwnedSet(dir: string, kind: OutputKind): OwnedSet | null {
  if (kind === 'backtest') {
    const m = readJson(path.join(dir, RUN_MARKER));
    if (isRecord(m) && m['basisRun'] === 1 && Array.isArray(m['files']) && m['files'].every(safeRel)) {
      return { marker: RUN_MARKER, files: m['files'] as string[] };
    }
    if (isFile(path.join(dir, RUN_MARKER))) return null;
    const s = readJson(path.join(dir, 'summary.json'));
    if (isRecord(s) && typeof s['mode'] === 'string' && typeof s['steps'] === 'number') {
      return { marker: 'summary.json', files: LEGACY_RUN_FILES.filter((f) => f !== 'summary.json') };
    }
    return null;
  }
  const spec = DATA_MARKERS[kind];
  const m = readJson(path.join(dir, spec.file));
  if (!isRecord(m) || m['generator'] !== spec.generator || !Array.isArray(m['files'])) return null;
  const files: string[] = [];
  for (const f of m['files']) {
    if (!isRecord(f) || !safeRel(f['path'])) return null;
    files.push(f['path']);
  }
  return { marker: spec.file, files };
}

/**
 * Entries under `dir` that are not in the owned set (relative paths, at most `limit`): files not listed, symbolic
 * links, and directories that hold no listed file. Missing listed files are not foreign.
 */
export function foreignEntries(dir: string, owned: OwnedSet, limit = 20): string[] {
  const files = new Set([owned.marker, ...owned.files]);
  const dirs = new Set<string>();
  for (const f of files) for (let d = path.posix.dirname(f); d !== '.'; d = path.posix.dirname(d)) dirs.add(d);
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(rel === '' ? dir : path.join(dir, rel)).sort()) {
      if (found.length >= limit) return;
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(path.join(dir, r));
      if (st.isDirectory() && dirs.has(r)) walk(r);
      else if (!(st.isFile() && files.has(r))) found.push(st.isDirectory() ? `${r}/` : r);
    }
  };
  walk('');
  return found;
}

/**
 * Removes exactly the owned files, then their directories and `dir` itself if that leaves them empty. Never
 * recursive: anything else found in `dir` stays, and the result says whether `dir` is gone.
 */
export function removeOwnedSet(dir: string, owned: OwnedSet): boolean {
  const dirs = new Set<string>();
  for (const f of [owned.marker, ...owned.files]) {
    try {
      unlinkSync(path.join(dir, f));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (let d = path.posix.dirname(f); d !== '.'; d = path.posix.dirname(d)) dirs.add(d);
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    try {
      rmdirSync(path.join(dir, d));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    }
  }
  try {
    rmdirSync(dir);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
    throw err;
  }
}
