import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export { SHARED_DATA, REPO_ROOT } from '../engine/helpers.js';

const made: string[] = [];
export function scratch(prefix: string): string {
  const d = mkdtempSync(path.join(tmpdir(), `basis-cli-${prefix}-`));
  made.push(d);
  return d;
}

/** Captures stdout/stderr around in-process runs of the real CLI entry point. */
export function captureCli(): { out: () => string; err: () => string; basis: (...args: string[]) => Promise<number> } {
  let stdout = '';
  let stderr = '';
  beforeEach(() => {
    stdout = '';
    stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });
  afterAll(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return {
    out: () => stdout,
    err: () => stderr,
    basis: (...args: string[]) => main(['node', 'basis', ...args]),
  };
}
