import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BasisError } from '../../errors/base.js';
import { CATALOG } from '../catalog.js';
import { REWARD_FILES } from '../rewards.js';
import type { DataFile } from './schema.js';

/** Writes `text` to `path` atomically: a temporary file in the same directory, then rename. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** True when `name` (in catalog folder `dir`) is a data file some catalog entry would pick up. */
export function isCatalogFile(dir: string, name: string): boolean {
  for (const entry of Object.values(CATALOG)) {
    const e = entry as { dir: string; pattern: RegExp; upstream?: { dir: string; pattern: RegExp } };
    if (e.dir === dir && e.pattern.test(name)) return true;
    if (e.upstream && e.upstream.dir === dir && e.upstream.pattern.test(name)) return true;
  }
  return false;
}

/** Catalog folders (relative), sorted. */
export function catalogDirs(): string[] {
  const dirs = new Set<string>();
  for (const entry of Object.values(CATALOG)) {
    const e = entry as { dir: string; upstream?: { dir: string } };
    dirs.add(e.dir);
    if (e.upstream) dirs.add(e.upstream.dir);
  }
  return [...dirs].sort();
}

/** Lists non-hidden entries of a directory, or null when it does not exist. */
export function listDir(path: string): string[] | null {
  if (!existsSync(path)) return null;
  if (!statSync(path).isDirectory()) throw new BasisError('DPR-010', `${path} exists and is not a directory`);
  return readdirSync(path).filter((n) => !n.startsWith('.'));
}

/**
 * Removes data files a catalog entry would match in `root` but that are not in `keep` (relative paths), so a new
 * set with other dates never leaves two candidates for one series.
 */
export function removeStaleCatalogFiles(root: string, keep: ReadonlySet<string>, onlyKeys?: ReadonlySet<string>): string[] {
  const removed: string[] = [];
  // Patterns to clear: every catalog entry, or only those of the series being written.
  const patterns: { dir: string; pattern: RegExp }[] = [];
  for (const [key, entry] of Object.entries(CATALOG)) {
    if (onlyKeys && !onlyKeys.has(key)) continue;
    const e = entry as { dir: string; pattern: RegExp; upstream?: { dir: string; pattern: RegExp } };
    patterns.push(e);
    if (e.upstream) patterns.push(e.upstream);
  }
  // A whole set replaces the reward files too: the loader reads the last match, which could be a stale one.
  if (!onlyKeys) patterns.push(...REWARD_FILES);
  for (const dir of [...new Set([...catalogDirs(), ...REWARD_FILES.map((f) => f.dir)])]) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const name of readdirSync(abs)) {
      const rel = `${dir}/${name}`;
      if (!keep.has(rel) && patterns.some((p) => p.dir === dir && p.pattern.test(name))) {
        rmSync(join(abs, name), { force: true });
        removed.push(rel);
      }
    }
  }
  return removed;
}

/** Writes each file atomically under `root`. */
export function writeDataFiles(root: string, files: readonly DataFile[]): void {
  for (const f of files) writeFileAtomic(join(root, ...f.relPath.split('/')), f.text);
}
