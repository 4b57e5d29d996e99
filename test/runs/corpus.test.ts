import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cases } from '../corpus/cases/runs.js';
import type { CorpusRun } from '../corpus/types.js';
import { REPO_ROOT, SHARED_DATA, scratch, snapshot } from './helpers.js';

/** This part's corpus cases, run the way the shared corpus runner will run them. */
describe('corpus: run directories and crash leftovers', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const dir = scratch('corpus');
    let dataDir = SHARED_DATA;
    if (c.needsDataCopy) {
      dataDir = path.join(scratch('corpus-data'), 'data');
      cpSync(SHARED_DATA, dataDir, { recursive: true });
    }
    const sub = (s: string): string => s.replaceAll('{scratch}', dir).replaceAll('{dataDir}', dataDir);
    const env = { ...process.env, BASIS_DATA_DIR: dataDir, NO_COLOR: '1', ...Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, sub(v)])) };
    const run = (args: string[]): CorpusRun => {
      const r = spawnSync(process.execPath, ['bin/basis.js', ...args], { cwd: REPO_ROOT, env, encoding: 'utf8' });
      return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    };
    c.setup?.({ scratch: dir, dataDir, run });
    const before = { scratch: snapshot(dir), data: c.needsDataCopy ? snapshot(dataDir) : {} };
    const r = run((typeof c.args === 'function' ? c.args({ scratch: dir, dataDir }) : c.args).map(sub));
    if ('code' in c.expect) {
      expect(r.status, r.stderr + r.stdout).not.toBe(0);
      expect(r.stderr, r.stdout).toContain(`error ${c.expect.code}`);
      expect(r.stderr + r.stdout).not.toMatch(/\n\s+at |TypeError/);
    } else {
      expect(r.status, r.stderr).toBe(0);
    }
    // Every pre-existing entry is unchanged; new ones only inside a directory the command created.
    const after = snapshot(dir);
    for (const [p, h] of Object.entries(before.scratch)) expect(after[p], p).toBe(h);
    if (c.needsDataCopy) expect(snapshot(dataDir)).toEqual(before.data);
  });
});
