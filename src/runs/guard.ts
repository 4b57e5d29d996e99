import { lstatSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { BasisError } from '../errors/base.js';
import type { ErrorCode } from '../errors/codes.js';
import { PACKAGE_ROOT } from '../packageRoot.js';
import { RUN_MARKER, foreignEntries, readOwnedSet, type OutputKind, type OwnedSet } from './owned.js';

/** A directory an output may not be, nor contain (be an ancestor of), nor, with `inside`, lie within. */
export interface ProtectedDir {
  readonly path: string;
  readonly what: string;
  readonly inside: boolean;
}

/** The package's own folders: an output inside them would mix results into the code, config or tests. */
const PACKAGE_DIRS = ['src', 'dist', 'bin', 'configs', 'node_modules', 'test', 'bench', 'deploy', '.git', '.ci'];

/** Directories every output is kept away from: the package and its folders, the config dir, the cwd and home. */
export function standardProtectedDirs(): ProtectedDir[] {
  const dirs: ProtectedDir[] = [
    { path: PACKAGE_ROOT, what: 'the Basis package directory', inside: false },
    ...PACKAGE_DIRS.map((d) => ({ path: path.join(PACKAGE_ROOT, d), what: `the package's ${d}/ folder`, inside: true })),
    { path: process.cwd(), what: 'the current directory', inside: false },
    { path: homedir(), what: 'the home directory', inside: false },
  ];
  const configDir = process.env['BASIS_CONFIG_DIR'];
  if (configDir) dirs.push({ path: path.resolve(configDir), what: 'the config directory (BASIS_CONFIG_DIR)', inside: true });
  return dirs;
}

/** The path with symbolic links resolved as far as it exists, so `a/../b` or a linked folder cannot dodge a check. */
function realish(p: string): string {
  const abs = path.resolve(p);
  const tail: string[] = [];
  for (let cur = abs; ; cur = path.dirname(cur)) {
    try {
      return path.join(realpathSync(cur), ...tail.reverse());
    } catch {
      if (path.dirname(cur) === cur) return abs;
      tail.push(path.basename(cur));
    }
  }
}

const within = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

export interface TargetRules {
  readonly kind: OutputKind;
  /** May an earlier output of the same kind (with nothing foreign in it) be replaced? */
  readonly replace: boolean;
  readonly protectedDirs: readonly ProtectedDir[];
  /** Codes for: a path never allowed; a non-empty directory; an own directory holding foreign files. */
  readonly codes: { readonly notAllowed: ErrorCode; readonly notEmpty: ErrorCode; readonly foreign: ErrorCode };
  /** How to get a usable target, appended to the non-empty refusal. */
  readonly hint: string;
  readonly flag: string;
}

/** absent: created by the publish; empty: an empty directory, replaced by it; own: an earlier output to replace. */
export type TargetState = { readonly state: 'absent' } | { readonly state: 'empty' } | { readonly state: 'own'; readonly owned: OwnedSet };

function refuse(code: ErrorCode, target: string, message: string, expected: string, received: string): BasisError {
  return new BasisError(code, `${message}: ${target}`, { problems: [{ code, file: target, message, expected, received }] });
}

function describeEntries(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return `${names.length} entr${names.length === 1 ? 'y' : 'ies'} (${shown}${names.length > 5 ? ', …' : ''})`;
}

/**
 * Decides whether an output may be written to `target`, and how; refuses with a coded error naming the path and what
 * is there otherwise. It reads only: nothing is created, moved or removed.
 */
export function checkTarget(rawTarget: string, rules: TargetRules): TargetState {
  const { codes } = rules;
  if (rawTarget.trim() === '') throw refuse(codes.notAllowed, JSON.stringify(rawTarget), `${rules.flag} is empty`, 'a directory path', JSON.stringify(rawTarget));
  const target = path.resolve(rawTarget);
  const real = realish(target);
  for (const p of rules.protectedDirs) {
    const guarded = realish(p.path);
    if (within(guarded, real)) {
      const what = guarded === real ? `is ${p.what}` : `contains ${p.what} (${guarded})`;
      throw refuse(codes.notAllowed, target, `${rules.flag} ${what}; an output never replaces it`, `a new or empty directory outside ${guarded}`, target);
    }
    if (p.inside && within(real, guarded)) {
      throw refuse(codes.notAllowed, target, `${rules.flag} is inside ${p.what} (${guarded})`, `a directory outside ${guarded}`, target);
    }
  }
  let st;
  try {
    st = lstatSync(target);
  } catch {
    // Absent (or below a file, which the publish reports when it cannot create the parent).
    return { state: 'absent' };
  }
  if (st.isSymbolicLink()) throw refuse(codes.notAllowed, target, `${rules.flag} is a symbolic link; Basis does not replace links`, 'a new or empty directory', 'a symbolic link');
  if (!st.isDirectory()) throw refuse(codes.notAllowed, target, `${rules.flag} is a file, not a directory`, 'a new or empty directory', st.isFile() ? `a file of ${st.size} bytes` : 'a special file');
  const names = readdirSync(target).sort();
  if (names.length === 0) return { state: 'empty' };
  const owned = readOwnedSet(target, rules.kind);
  if (owned === null) {
    const marker = rules.kind === 'backtest' ? RUN_MARKER : rules.kind === 'synth' ? 'SYNTHETIC.json' : 'DOWNLOAD.json';
    throw refuse(codes.notEmpty, target, `${rules.flag} is a directory that is not empty and not a ${describeKind(rules.kind)} (no ${marker}); ${rules.hint}`, 'a new or empty directory', describeEntries(names));
  }
  const foreign = foreignEntries(target, owned);
  if (foreign.length > 0) {
    throw refuse(codes.foreign, target, `${rules.flag} is a ${describeKind(rules.kind)} that also holds files Basis did not write; it is never replaced`, `only the files listed in ${owned.marker}`, describeEntries(foreign));
  }
  if (!rules.replace) {
    throw refuse(codes.notEmpty, target, `${rules.flag} is an earlier ${describeKind(rules.kind)}; add --force to replace it (it is kept until the new one is complete)`, 'a new or empty directory, or --force', describeEntries(names));
  }
  return { state: 'own', owned };
}

function describeKind(kind: OutputKind): string {
  return kind === 'backtest' ? 'Basis run directory' : kind === 'synth' ? 'synthetic data set' : 'downloaded data set';
}

/**
 * The rules for `data synth` and `data download` outputs: a new or empty directory, or an earlier set of the same
 * kind holding only the files its marker lists (replaced whole, kept until the new set is complete). DPR-010 otherwise.
 */
export function dataOutputRules(kind: Exclude<OutputKind, 'backtest'>): TargetRules {
  return {
    kind,
    replace: true,
    protectedDirs: standardProtectedDirs(),
    codes: { notAllowed: 'DPR-010', notEmpty: 'DPR-010', foreign: 'DPR-010' },
    hint: 'choose a new or empty directory',
    flag: '--out',
  };
}
