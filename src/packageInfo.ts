import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PACKAGE_ROOT } from './packageRoot.js';

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

let version: string | undefined;

/** The package version from package.json ('unknown' when it cannot be read). */
export function packageVersion(): string {
  if (version === undefined) {
    const text = readText(join(PACKAGE_ROOT, 'package.json'));
    let v: unknown;
    try {
      v = text === undefined ? undefined : (JSON.parse(text) as { version?: unknown }).version;
    } catch {
      v = undefined;
    }
    version = typeof v === 'string' ? v : 'unknown';
  }
  return version;
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * The commit the package root is checked out at, read from .git directly (HEAD, the ref file, packed-refs;
 * worktrees through their gitdir/commondir files) so no git process is spawned. 'unknown' when the package is
 * not a git checkout (an installed tarball) or the files are not what git writes.
 */
export function gitCommit(root: string = PACKAGE_ROOT): string {
  const dotGit = join(root, '.git');
  let gitDir = dotGit;
  try {
    if (statSync(dotGit).isFile()) {
      const m = /^gitdir:\s*(.+)$/m.exec(readText(dotGit) ?? '');
      if (!m?.[1]) return 'unknown';
      gitDir = resolve(root, m[1].trim());
    }
  } catch {
    return 'unknown';
  }
  const head = readText(join(gitDir, 'HEAD'))?.trim();
  if (head === undefined) return 'unknown';
  if (SHA.test(head)) return head;
  const ref = /^ref:\s*(refs\/\S+)$/.exec(head)?.[1];
  if (ref === undefined) return 'unknown';
  const common = readText(join(gitDir, 'commondir'))?.trim();
  const commonDir = common ? resolve(gitDir, common) : gitDir;
  for (const dir of [gitDir, commonDir]) {
    const direct = readText(join(dir, ref))?.trim();
    if (direct !== undefined && SHA.test(direct)) return direct;
  }
  for (const line of (readText(join(commonDir, 'packed-refs')) ?? '').split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && sha !== undefined && SHA.test(sha)) return sha;
  }
  return 'unknown';
}
