import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { BasisError, type Problem } from '../../src/errors/base.js';
import { loadConfig, type LoadConfigOptions, type LoadedConfig } from '../../src/config/index.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const REAL_CONFIGS = join(REPO, 'configs');
export const SHARED_DATA = '/work/shared/data';

export interface Sandbox {
  readonly root: string;
  readonly configDir: string;
  readonly deployDir: string;
  write(rel: string, text: string): void;
  /** Replace `from` by `to` in a config file; fails the test when `from` is absent. */
  edit(rel: string, from: string | RegExp, to: string): void;
  remove(rel: string): void;
  load(opts?: LoadConfigOptions): LoadedConfig;
  cleanup(): void;
}

const sandboxes: string[] = [];

/** A temp copy of the real configs/ (without local.json) plus an empty deploy/ dir. */
export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'basis-cfg-'));
  sandboxes.push(root);
  const configDir = join(root, 'configs');
  const deployDir = join(root, 'deploy');
  cpSync(REAL_CONFIGS, configDir, { recursive: true, filter: (src) => !src.endsWith('local.json') });
  mkdirSync(deployDir);
  const abs = (rel: string): string => (rel.startsWith('deploy/') ? join(root, rel) : join(configDir, rel));
  return {
    root,
    configDir,
    deployDir,
    write(rel, text) {
      mkdirSync(dirname(abs(rel)), { recursive: true });
      writeFileSync(abs(rel), text);
    },
    edit(rel, from, to) {
      const text = readFileSync(abs(rel), 'utf8');
      const next = text.replace(from, to);
      expect(next, `edit of ${rel} changed nothing`).not.toBe(text);
      writeFileSync(abs(rel), next);
    },
    remove(rel) {
      rmSync(abs(rel), { recursive: true, force: true });
    },
    load(opts = {}) {
      return loadConfig({ configDir, deployDir, environ: {}, dataDir: null, ...opts });
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export function cleanupSandboxes(): void {
  for (const s of sandboxes.splice(0)) rmSync(s, { recursive: true, force: true });
}

/** Runs `fn`, expects a BasisError, returns it. */
export function expectBasisError(fn: () => unknown): BasisError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BasisError);
    return err as BasisError;
  }
  throw new Error('expected a BasisError, nothing was thrown');
}

/** The problems of a failed load with the given code. */
export function problemsOf(fn: () => unknown, code?: string): Problem[] {
  const err = expectBasisError(fn);
  return code ? err.problems.filter((p) => p.code === code) : [...err.problems];
}

/** 1-based line of the first line containing `needle` in a sandbox config file. */
export function lineIn(s: Sandbox, rel: string, needle: string): number {
  const lines = readFileSync(join(s.configDir, rel), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  expect(i, `"${needle}" in ${rel}`).toBeGreaterThanOrEqual(0);
  return i + 1;
}
