import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { currentOwner, ownerLiveness, type Liveness, type Owner } from './owner.js';
import { foreignEntries, readOwnedSet, removeOwnedSet, type OutputKind } from './owned.js';

/**
 * Every output is built in a temporary directory beside its target, named `.basis-tmp-<pid>-<hex>`:
 *
 *   .basis-tmp.json   marker: kind, target, owner (pid, process start time, boot id, host), creation time
 *   payload/          the new output, renamed onto the target once complete
 *   old/              an earlier run or data set being replaced, moved aside until the new one is in place
 *
 * The owner's pid is in the name too, so a directory killed before its marker was written is still recognisable.
 * Temporary `latest` links are `.basis-link-<pid>-<hex>`.
 */
export const TEMP_MARKER = '.basis-tmp.json';
const TEMP_DIR = /^\.basis-tmp-(\d+)-[0-9a-f]+$/;
const TEMP_LINK = /^\.basis-link-(\d+)-[0-9a-f]+$/;

export interface TempMarker {
  readonly basisTemp: 1;
  readonly kind: OutputKind;
  /** Absolute path the payload is published to; always in the same parent directory as the temp dir. */
  readonly target: string;
  readonly owner: Owner;
  readonly createdAt: string;
}

export interface TempDir {
  readonly dir: string;
  readonly payload: string;
  readonly old: string;
}

const suffix = (): string => `${process.pid}-${randomBytes(6).toString('hex')}`;

export function tempLinkName(): string {
  return `.basis-link-${suffix()}`;
}

/** Writes a small file in one call and syncs it. */
export function writeFileSynced(file: string, text: string): void {
  const fd = openSync(file, 'wx');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsync a directory so entries created or renamed in it are durable; platforms that cannot skip it. */
export function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    closeSync(fd);
  }
}

/** Creates the marked temp dir for `target` (an absolute path) in the target's parent, which must exist. */
export function createTempDir(kind: OutputKind, target: string): TempDir {
  const dir = path.join(path.dirname(target), `.basis-tmp-${suffix()}`);
  mkdirSync(dir);
  const marker: TempMarker = { basisTemp: 1, kind, target, owner: currentOwner(), createdAt: new Date().toISOString() };
  writeFileSynced(path.join(dir, TEMP_MARKER), JSON.stringify(marker, null, 2) + '\n');
  const payload = path.join(dir, 'payload');
  mkdirSync(payload);
  return { dir, payload, old: path.join(dir, 'old') };
}

const KINDS: readonly OutputKind[] = ['backtest', 'synth', 'download'];

/** The marker of temp dir `dir`, or null unless it is well-formed and agrees with the directory's name and place. */
export function readTempMarker(dir: string): TempMarker | null {
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(path.join(dir, TEMP_MARKER), 'utf8')) as unknown;
  } catch {
    return null;
  }
  if (typeof m !== 'object' || m === null) return null;
  const r = m as Partial<Record<keyof TempMarker, unknown>>;
  const o = r.owner as Partial<Record<keyof Owner, unknown>> | undefined;
  const namePid = TEMP_DIR.exec(path.basename(dir))?.[1];
  if (
    r.basisTemp !== 1 ||
    !KINDS.includes(r.kind as OutputKind) ||
    typeof r.target !== 'string' ||
    !path.isAbsolute(r.target) ||
    // A marker copied into another directory must not steer a restore or a removal elsewhere.
    path.dirname(r.target) !== path.dirname(dir) ||
    typeof o !== 'object' ||
    o === null ||
    typeof o.pid !== 'number' ||
    String(o.pid) !== namePid ||
    typeof o.host !== 'string' ||
    (o.procStart !== null && typeof o.procStart !== 'string') ||
    (o.bootId !== null && typeof o.bootId !== 'string') ||
    typeof r.createdAt !== 'string'
  ) {
    return null;
  }
  return m as TempMarker;
}

export interface Leftover {
  readonly path: string;
  readonly type: 'temp-dir' | 'temp-link';
  readonly kind: OutputKind | null;
  readonly target: string | null;
  readonly pid: number;
  readonly owner: Liveness;
  /** removed | restored (the previous output put back at its target) | kept (with the reason) */
  readonly action: 'removed' | 'restored' | 'kept';
  readonly reason?: string;
}

const exists = (p: string): boolean => {
  try {
    lstatSync(p);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
};

/**
 * Finishes what a killed writer left in temp dir `dir` (owner dead): an earlier output moved aside goes back to its
 * target when the target is absent (the new one never arrived), or is removed file by file when the new one is in
 * place; the unfinished payload and the marker are removed. With `dryRun` only the action is reported.
 */
function settleTempDir(dir: string, marker: TempMarker, dryRun: boolean): { action: 'removed' | 'restored' | 'kept'; reason?: string } {
  const old = path.join(dir, 'old');
  let restored = false;
  if (exists(old)) {
    if (!exists(marker.target)) {
      if (!dryRun) renameSync(old, marker.target);
      restored = true;
    } else if (readOwnedSet(marker.target, marker.kind) === null) {
      return { action: 'kept', reason: `${marker.target} is not a complete ${marker.kind} output, so the previous one in ${old} is kept` };
    } else {
      const owned = readOwnedSet(old, marker.kind);
      if (owned === null) return { action: 'kept', reason: `${old} holds no valid ${marker.kind} marker` };
      const foreign = foreignEntries(old, owned);
      if (foreign.length > 0) return { action: 'kept', reason: `${old} holds files Basis did not write: ${foreign.join(', ')}` };
      if (!dryRun && !removeOwnedSet(old, owned)) return { action: 'kept', reason: `${old} could not be emptied` };
    }
  }
  const extra = readdirSync(dir).filter((n) => n !== TEMP_MARKER && n !== 'payload' && n !== 'old');
  if (extra.length > 0) return { action: 'kept', reason: `it holds entries Basis did not create: ${extra.join(', ')}` };
  if (!dryRun) {
    rmSync(path.join(dir, 'payload'), { recursive: true, force: true });
    unlinkSync(path.join(dir, TEMP_MARKER));
    rmdirSync(dir);
  }
  return { action: restored ? 'restored' : 'removed' };
}

/** A temp dir killed between mkdir and its marker: nothing in it but, at most, a marker file that never got its content. */
function settleUnmarked(dir: string, dryRun: boolean): boolean {
  const entries = readdirSync(dir);
  if (entries.some((n) => n !== TEMP_MARKER)) return false;
  if (entries.length > 0 && lstatSync(path.join(dir, TEMP_MARKER)).size > 4096) return false;
  if (!dryRun) {
    if (entries.length > 0) unlinkSync(path.join(dir, TEMP_MARKER));
    rmdirSync(dir);
  }
  return true;
}

/**
 * Leftovers of killed writers directly inside `parent`: temp dirs and temp links whose owner is no longer running.
 * Each is settled (see settleTempDir) unless `dryRun`; one whose owner is alive or unknown is reported and kept.
 * Nothing without our temp name is ever touched, and a temp dir without a valid marker only if it is empty.
 */
export function cleanLeftovers(parent: string, options: { dryRun?: boolean } = {}): Leftover[] {
  const dryRun = options.dryRun === true;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const out: Leftover[] = [];
  for (const name of names.sort()) {
    const full = path.join(parent, name);
    try {
      settleEntry(full, name, dryRun, out);
    } catch (err) {
      // An entry that cannot be read or removed (permissions, a race with another process) is reported, not fatal.
      const pid = Number((TEMP_DIR.exec(name) ?? TEMP_LINK.exec(name))?.[1] ?? 0);
      if (pid > 0) out.push({ path: full, type: TEMP_LINK.test(name) ? 'temp-link' : 'temp-dir', kind: null, target: null, pid, owner: 'unknown', action: 'kept', reason: err instanceof Error ? err.message : String(err) });
    }
  }
  if (!dryRun && out.some((l) => l.action !== 'kept')) fsyncDir(parent);
  return out;
}

/** Settles one entry of a scanned directory if it has a temp name (see cleanLeftovers), appending what was done. */
function settleEntry(full: string, name: string, dryRun: boolean, out: Leftover[]): void {
  const dirPid = TEMP_DIR.exec(name)?.[1];
  const linkPid = TEMP_LINK.exec(name)?.[1];
  if (dirPid === undefined && linkPid === undefined) return;
  let st;
  try {
    st = lstatSync(full);
  } catch {
    return;
  }
  if (linkPid !== undefined) {
    if (!st.isSymbolicLink()) return;
    const pid = Number(linkPid);
    const owner = ownerLiveness({ pid });
    if (owner === 'dead' && !dryRun) unlinkSync(full);
    out.push({ path: full, type: 'temp-link', kind: 'backtest', target: null, pid, owner, action: owner === 'dead' ? 'removed' : 'kept', ...(owner === 'dead' ? {} : { reason: 'owner still running' }) });
    return;
  }
  if (!st.isDirectory()) return;
  const marker = readTempMarker(full);
  const pid = marker?.owner.pid ?? Number(dirPid);
  const owner = ownerLiveness(marker?.owner ?? { pid });
  const base = { path: full, type: 'temp-dir' as const, kind: marker?.kind ?? null, target: marker?.target ?? null, pid, owner };
  if (owner !== 'dead') {
    out.push({ ...base, action: 'kept', reason: owner === 'alive' ? 'owner still running' : `owner on another host (${marker?.owner.host ?? '?'})` });
  } else if (marker === null) {
    const removed = settleUnmarked(full, dryRun);
    out.push({ ...base, action: removed ? 'removed' : 'kept', ...(removed ? {} : { reason: `no valid ${TEMP_MARKER} and not empty` }) });
  } else {
    out.push({ ...base, ...settleTempDir(full, marker, dryRun) });
  }
}

/** One line per leftover, for stderr (runs) or stdout (`basis runs gc`). */
export function formatLeftover(l: Leftover, dryRun: boolean): string {
  const verb = l.action === 'kept' ? 'kept' : dryRun ? (l.action === 'restored' ? 'would restore' : 'would remove') : l.action;
  const what = l.type === 'temp-link' ? 'temporary link' : `temporary ${l.kind ?? 'unmarked'} directory`;
  const detail = l.action === 'restored' ? ` (the previous output goes back to ${l.target ?? '?'})` : '';
  return `${verb} ${what} ${l.path} of pid ${l.pid} (${l.owner})${detail}${l.reason !== undefined ? `: ${l.reason}` : ''}`;
}
