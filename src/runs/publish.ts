import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { BasisError } from '../errors/base.js';
import type { ErrorCode } from '../errors/codes.js';
import { faultPoint } from './fault.js';
import { checkTarget, type TargetRules } from './guard.js';
import { removeOwnedSet } from './owned.js';
import { TEMP_MARKER, cleanLeftovers, createTempDir, formatLeftover, fsyncDir } from './temp.js';

export interface OutputFile {
  /** Path relative to the output directory; `/`-separated sub-folders are allowed, `..` and absolute paths are not. */
  readonly name: string;
  /** A function is called only when this file is written, so large outputs need not all be in memory at once;
   * it may return chunks, written one after another. */
  readonly content: string | Uint8Array | (() => string | Uint8Array | Iterable<string | Uint8Array>);
}

export interface PublishOptions {
  readonly rules: TargetRules;
  /** Code for an I/O failure (the output could not be written or moved into place). */
  readonly failCode: ErrorCode;
  /** Where notes go (leftovers cleaned, an earlier output replaced); default stderr. */
  readonly notice?: (line: string) => void;
}

export interface Published {
  readonly dir: string;
  /** An earlier output of the same kind was replaced (and removed once the new one was in place). */
  readonly replaced: boolean;
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Writes a complete output directory at `target`, or nothing; never replaces or removes anything the user owns.
 *
 * 1. `target` must be absent, an empty directory, or (when the rules allow) an earlier output of the same kind that
 *    holds nothing Basis did not write; anything else is refused with a coded error before a byte is written.
 * 2. Leftovers of killed writers beside the target are settled first (see cleanLeftovers).
 * 3. Every file is written and fsynced into `payload/` of a marked temp dir beside the target.
 * 4. An earlier output is renamed into the temp dir (`old/`), the payload is renamed onto the target (rename(2)
 *    replaces an empty directory and fails on a non-empty one), and only then is the old output removed, file by
 *    file as its marker lists them. A failed rename puts the old output back.
 *
 * A kill at any point leaves the target absent, the previous output, or the complete new one, plus a temp dir that
 * the next publish beside it (or `basis runs gc`) settles: an old output whose replacement never arrived goes back.
 */
export function publishOutput(rawTarget: string, files: readonly OutputFile[], options: PublishOptions): Published {
  const { rules, failCode } = options;
  const notice = options.notice ?? ((line: string): void => void process.stderr.write(`${line}\n`));
  const fail = (message: string, file: string, cause?: unknown): BasisError =>
    new BasisError(failCode, message, { problems: [{ code: failCode, message, file }], ...(cause !== undefined ? { cause } : {}) });

  checkTarget(rawTarget, rules);
  const target = path.resolve(rawTarget);
  const parent = path.dirname(target);
  const relNames = files.map((f) => checkName(f.name, (why) => fail(`invalid output file name ${JSON.stringify(f.name)}: ${why}`, path.join(target, String(f.name)))));
  const seen = new Set<string>();
  for (const n of relNames) {
    if (seen.has(n)) throw fail(`duplicate output file name ${JSON.stringify(n)}`, path.join(target, n));
    seen.add(n);
  }
  try {
    mkdirSync(parent, { recursive: true });
  } catch (err) {
    throw fail(`could not create ${parent}: ${messageOf(err)}`, target, err);
  }
  // Another run still writing beside this one is normal, not news; what was removed or put back is.
  for (const l of cleanLeftovers(parent)) if (l.owner !== 'alive') notice(formatLeftover(l, false));
  // A settled leftover may have put an earlier output back at the target.
  checkTarget(target, rules);

  let temp;
  try {
    temp = createTempDir(rules.kind, target);
  } catch (err) {
    throw fail(`could not create a temporary directory in ${parent}: ${messageOf(err)}`, target, err);
  }
  try {
    faultPoint('temp-created');
    const dirs = new Set<string>([temp.payload]);
    for (let i = 0; i < files.length; i++) {
      const file = path.join(temp.payload, relNames[i]!);
      const dir = path.dirname(file);
      if (!dirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        for (let d = dir; d !== temp.payload && !dirs.has(d); d = path.dirname(d)) dirs.add(d);
      }
      const content = files[i]!.content;
      writeSynced(file, typeof content === 'function' ? content() : content);
      if (i === 0) faultPoint('temp-partial');
    }
    // Deepest directories first so each entry is durable in its parent.
    for (const d of [...dirs].sort((a, b) => b.length - a.length)) fsyncDir(d);
    fsyncDir(temp.dir);
    faultPoint('temp-written');
  } catch (err) {
    discard(temp.dir);
    throw fail(`could not write the output into temporary directory ${temp.dir}: ${messageOf(err)}`, target, err);
  }

  // The target may have changed while the files were written: decide again, just before moving anything.
  let state;
  try {
    state = checkTarget(target, rules);
  } catch (err) {
    discard(temp.dir);
    throw err;
  }
  try {
    if (state.state === 'own') {
      renameSync(target, temp.old);
      fsyncDir(parent);
      faultPoint('old-moved-aside');
    }
    try {
      renameSync(temp.payload, target);
    } catch (err) {
      if (state.state === 'own') renameSync(temp.old, target);
      throw err;
    }
    fsyncDir(parent);
  } catch (err) {
    discard(temp.dir);
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      throw new BasisError(rules.codes.notEmpty, `${rules.flag} became a non-empty directory while the output was written: ${target}`, {
        problems: [{ code: rules.codes.notEmpty, file: target, message: 'appeared while writing', expected: 'a new or empty directory', received: 'a non-empty directory' }],
      });
    }
    throw fail(`could not move the output into place at ${target}: ${messageOf(err)}`, target, err);
  }
  faultPoint('new-in-place');

  // The new output is complete and in place: failing to tidy up now must not fail the command. What is left is a
  // marked temp dir that the next publish or `basis runs gc` settles.
  try {
    let settled = true;
    if (state.state === 'own') {
      settled = removeOwnedSet(temp.old, state.owned);
      notice(settled ? `replaced the earlier output at ${target}` : `kept ${temp.old}: the replaced output now holds files Basis did not write`);
    }
    if (settled) {
      unlinkSync(path.join(temp.dir, TEMP_MARKER));
      rmdirSync(temp.dir);
      fsyncDir(parent);
    }
  } catch (err) {
    notice(`the output is in place at ${target}, but ${temp.dir} could not be removed (basis runs gc will): ${messageOf(err)}`);
  }
  return { dir: target, replaced: state.state === 'own' };
}

/** Removes our own unfinished temp dir after a failure; a failure to do so leaves it for `basis runs gc`. */
function discard(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // The marked temp dir stays; the error being reported is the one that matters.
  }
}

function checkName(name: string, bad: (why: string) => BasisError): string {
  if (typeof name !== 'string' || name.length === 0) throw bad('empty');
  if (name.includes('\0')) throw bad('contains a NUL byte');
  if (name.includes('\\') || path.isAbsolute(name)) throw bad('must be a relative path with / separators');
  const parts = name.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw bad('empty, "." or ".." path segment');
  return parts.join(path.sep);
}

function writeAll(fd: number, chunk: string | Uint8Array): void {
  const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
}

function writeSynced(file: string, content: string | Uint8Array | Iterable<string | Uint8Array>): void {
  const fd = openSync(file, 'wx');
  try {
    if (typeof content === 'string' || content instanceof Uint8Array) writeAll(fd, content);
    else for (const chunk of content) writeAll(fd, chunk);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
