import { randomBytes } from 'node:crypto';
import { lstatSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { faultPoint } from '../runs/fault.js';
import { standardProtectedDirs, type ProtectedDir, type TargetRules } from '../runs/guard.js';
import { RUN_MARKER } from '../runs/owned.js';
import { publishOutput, type OutputFile } from '../runs/publish.js';
import { fsyncDir, tempLinkName } from '../runs/temp.js';

export type ResultFile = OutputFile;

export interface WriteResultsOptions {
  /** Replace `outDir` when it is an earlier Basis run holding nothing else (--force); the old run stays until the new one is in place. */
  readonly force?: boolean;
  /** Run id recorded in the run marker; default a new random one. */
  readonly runId?: string;
  /** Directories the run may not be written over, into or above, besides the package, config dir, cwd and home (e.g. the data directory). */
  readonly protectedDirs?: readonly ProtectedDir[];
  /** Notes (leftovers cleaned, a run replaced, `latest` left alone); default stderr. */
  readonly notice?: (line: string) => void;
}

export interface WrittenRun {
  readonly dir: string;
  readonly id: string;
  readonly replaced: boolean;
}

/** Eight hex digits: short enough to type, random enough that two runs in one second never collide in practice. */
export const newRunId = (): string => randomBytes(4).toString('hex');

/** The rules for a backtest output at `--out` or in the results directory. */
export function runTargetRules(options: Pick<WriteResultsOptions, 'force' | 'protectedDirs'> & { flag?: string }): TargetRules {
  return {
    kind: 'backtest',
    replace: options.force === true,
    protectedDirs: [...standardProtectedDirs(), ...(options.protectedDirs ?? [])],
    codes: { notAllowed: 'RUN-002', notEmpty: 'RUN-001', foreign: 'RUN-003' },
    hint: 'choose a new or empty directory, or leave out --out (each run then gets its own directory under the results directory)',
    flag: options.flag ?? '--out',
  };
}

/**
 * Writes a complete run directory or nothing (see publishOutput): `outDir` must be new or empty, or with `force` an
 * earlier Basis run. A `.basis-run.json` marker (run id, time, the files written) makes it recognisable as a run.
 * Failures to write are BT-005 naming the path; refusals are RUN-001/002/003.
 */
export function writeResultsAtomically(outDir: string, files: ReadonlyArray<ResultFile>, options: WriteResultsOptions = {}): Promise<WrittenRun> {
  try {
    const id = options.runId ?? newRunId();
    const marker = { basisRun: 1, id, createdAt: new Date().toISOString(), files: files.map((f) => f.name) };
    const published = publishOutput(outDir, [...files, { name: RUN_MARKER, content: JSON.stringify(marker, null, 2) + '\n' }], {
      rules: runTargetRules(options),
      failCode: 'BT-005',
      ...(options.notice ? { notice: options.notice } : {}),
    });
    return Promise.resolve({ dir: published.dir, id, replaced: published.replaced });
  } catch (err) {
    return Promise.reject(err as Error);
  }
}

/** `20261129T154012.345Z`: sorts by time (two runs in one second included), and is a valid file name everywhere. */
export function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '');
}

export const LATEST_LINK = 'latest';

/**
 * Writes a run into a new directory `<resultsDir>/<mode>/<UTC stamp>-<id>/`, then points `<resultsDir>/<mode>/latest`
 * at it: a link under a temp name renamed over the old one, so `latest` always names a complete run. A `latest`
 * that is not a symbolic link is the user's and is left alone (with a note).
 */
export async function writeRunToResults(resultsDir: string, mode: string, files: ReadonlyArray<ResultFile>, options: Omit<WriteResultsOptions, 'force'> = {}): Promise<WrittenRun & { latest: string | null }> {
  const notice = options.notice ?? ((line: string): void => void process.stderr.write(`${line}\n`));
  const id = options.runId ?? newRunId();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new Error(`run id ${JSON.stringify(id)} cannot name a directory`);
  const modeDir = path.resolve(resultsDir, mode);
  const written = await writeResultsAtomically(path.join(modeDir, `${utcStamp(Date.now())}-${id}`), files, { ...options, runId: id, notice });
  faultPoint('before-latest-link');
  const latest = path.join(modeDir, LATEST_LINK);
  let current;
  try {
    current = lstatSync(latest);
  } catch {
    current = undefined;
  }
  if (current !== undefined && !current.isSymbolicLink()) {
    notice(`kept ${latest}: it is not a link Basis made, so it was not pointed at the new run`);
    return { ...written, latest: null };
  }
  const tmp = path.join(modeDir, tempLinkName());
  try {
    symlinkSync(path.basename(written.dir), tmp);
    faultPoint('latest-temp-link');
    renameSync(tmp, latest);
    fsyncDir(modeDir);
  } catch (err) {
    // The run itself is complete; only the convenience link is missing.
    try {
      unlinkSync(tmp);
    } catch {
      // Never created, or already renamed.
    }
    notice(`could not point ${latest} at the new run: ${err instanceof Error ? err.message : String(err)}`);
    return { ...written, latest: null };
  }
  return { ...written, latest };
}
