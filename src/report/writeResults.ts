import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, lstat } from 'node:fs/promises';
import path from 'node:path';
import { BasisError } from '../errors/base.js';

export interface ResultFile {
  /** Path relative to the results directory; `/`-separated sub-folders are allowed, `..` and absolute paths are not. */
  readonly name: string;
  /** A function is called only when this file is written, so large outputs need not all be in memory at once;
   * it may return chunks, written one after another. */
  readonly content: string | Uint8Array | (() => string | Uint8Array | Iterable<string>);
}

/**
 * Writes a complete results directory or nothing.
 *
 * 1. Every file goes into a temp sibling `<outDir>.tmp-<pid>-<random>` and is fsynced, then the temp dir is fsynced.
 * 2. If `outDir` exists it is renamed aside to `<outDir>.old-<pid>-<random>`, the temp dir is renamed to `outDir`
 *    (if that fails the old one is renamed back), the parent is fsynced, and the old copy is removed.
 * 3. On any failure before the swap completes the temp dir is removed and a previous `outDir` is left untouched.
 *
 * Failures throw `BasisError('BT-005')` naming the path. Removing the old copy after a successful swap is best
 * effort (the new results are already in place; a leftover `.old-*` directory is reported nowhere).
 */
export async function writeResultsAtomically(outDir: string, files: ReadonlyArray<ResultFile>): Promise<void> {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  const suffix = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const tmp = `${target}.tmp-${suffix}`;

  const relNames = files.map((f) => checkName(target, f.name));
  const seen = new Set<string>();
  for (const n of relNames) {
    if (seen.has(n)) throw fail(target, `duplicate result file name ${JSON.stringify(n)}`, n);
    seen.add(n);
  }

  try {
    await mkdir(parent, { recursive: true });
    await mkdir(tmp);
    const dirs = new Set<string>([tmp]);
    for (let i = 0; i < files.length; i++) {
      const file = path.join(tmp, relNames[i]!);
      const dir = path.dirname(file);
      if (!dirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        for (let d = dir; d !== tmp && !dirs.has(d); d = path.dirname(d)) dirs.add(d);
      }
      const content = files[i]!.content;
      await writeSynced(file, typeof content === 'function' ? content() : content);
    }
    // Deepest directories first so each entry is durable in its parent.
    for (const d of [...dirs].sort((a, b) => b.length - a.length)) await fsyncDir(d);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw fail(target, `could not write results into temp directory ${tmp}: ${messageOf(err)}`, undefined, err);
  }

  let old: string | undefined;
  try {
    if (await exists(target)) {
      old = `${target}.old-${suffix}`;
      await rename(target, old);
    }
    try {
      await rename(tmp, target);
    } catch (err) {
      if (old !== undefined) {
        const aside = old;
        await rename(aside, target).catch((restoreErr: unknown) => {
          throw new Error(`${messageOf(err)}; restoring the previous results failed, they are at ${aside}: ${messageOf(restoreErr)}`);
        });
      }
      old = undefined;
      throw err;
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw fail(target, `could not move results into place at ${target}: ${messageOf(err)}`, undefined, err);
  }
  try {
    await fsyncDir(parent);
  } catch (err) {
    throw fail(target, `results moved into place but ${parent} could not be synced: ${messageOf(err)}`, undefined, err);
  } finally {
    if (old !== undefined) await rm(old, { recursive: true, force: true }).catch(() => undefined);
  }
}


function checkName(target: string, name: string): string {
  const bad = (why: string): BasisError => fail(target, `invalid result file name ${JSON.stringify(name)}: ${why}`, name);
  if (typeof name !== 'string' || name.length === 0) throw bad('empty');
  if (name.includes('\0')) throw bad('contains a NUL byte');
  if (name.includes('\\') || path.isAbsolute(name)) throw bad('must be a relative path with / separators');
  const parts = name.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw bad('empty, "." or ".." path segment');
  return parts.join(path.sep);
}

async function writeSynced(file: string, content: string | Uint8Array | Iterable<string>): Promise<void> {
  const fh = await open(file, 'wx');
  try {
    if (typeof content === 'string' || content instanceof Uint8Array) await fh.writeFile(content);
    else for (const chunk of content) await fh.write(chunk);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync a directory so renames/creates in it are durable; platforms that cannot open directories skip it. */
async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    await fh.close();
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function fail(target: string, message: string, file?: string, cause?: unknown): BasisError {
  return new BasisError('BT-005', message, {
    problems: [{ code: 'BT-005', message, file: file === undefined ? target : path.join(target, file) }],
    cause,
  });
}
