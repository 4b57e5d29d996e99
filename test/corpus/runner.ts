import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import type { CorpusCase, CorpusRun } from './types.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');
export const SHARED_DATA = resolve(REPO_ROOT, '../shared/data');
const BIN = join(REPO_ROOT, 'bin/basis.js');

interface Ctx {
  readonly scratch: string;
  readonly dataDir: string;
}

const fill = (s: string, ctx: Ctx): string => s.replaceAll('{scratch}', ctx.scratch).replaceAll('{dataDir}', ctx.dataDir);

/**
 * The real CLI in a child process. Results default into the scratch dir so an accepted run never writes into the
 * repo, unless the case sets the results directory itself (an environment variable would outrank its --set).
 */
function runCli(args: readonly string[], ctx: Ctx, env: Readonly<Record<string, string>> = {}): CorpusRun {
  const filled: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) filled[k] = fill(v, ctx);
  const ownResults = args.some((a) => a.includes('paths.resultsDir'));
  const r = spawnSync(process.execPath, [BIN, ...args.map((a) => fill(a, ctx))], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', BASIS_DATA_DIR: ctx.dataDir, ...(ownResults ? {} : { BASIS__PATHS__RESULTSDIR: join(ctx.scratch, 'results') }), ...filled },
    timeout: 120_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** sha1 of every file (and the target of every link) under `root`, keyed by relative path. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(abs);
      if (st.isDirectory()) walk(abs, r);
      else if (st.isFile()) out.set(r, createHash('sha1').update(readFileSync(abs)).digest('hex'));
      else out.set(r, `special:${st.mode}`);
    }
  };
  walk(root, '');
  return out;
}

/** Registers one vitest case per corpus entry: a coded error (or a documented acceptance), no stack, no user file changed. */
export function runCorpus(cases: readonly CorpusCase[]): void {
  const names = new Set<string>();
  for (const c of cases) {
    if (names.has(c.name)) throw new Error(`duplicate corpus case name ${c.name}`);
    names.add(c.name);
    const label = 'code' in c.expect ? `${c.expect.code}` : 'accepted';
    it(`[${c.class}] ${c.name} → ${label}`, () => {
      const scratch = mkdtempSync(join(tmpdir(), 'basis-corpus-'));
      try {
        const dataDir = c.needsDataCopy ? join(scratch, 'data') : SHARED_DATA;
        if (c.needsDataCopy) cpSync(SHARED_DATA, dataDir, { recursive: true });
        const ctx: Ctx = { scratch, dataDir };
        c.setup?.({ ...ctx, run: (args) => runCli(args, ctx, c.env) });
        const before = snapshot(scratch);
        const dataBefore = c.needsDataCopy ? undefined : snapshot(dataDir);
        const args = typeof c.args === 'function' ? c.args(ctx) : c.args;
        const r = runCli(args, ctx, c.env);
        const output = r.stdout + r.stderr;
        if ('code' in c.expect) {
          expect(r.status, output).not.toBe(0);
          expect(r.stderr, output).toContain(c.expect.code);
        } else {
          expect(r.status, `${c.expect.why}\n${output}`).toBe(0);
        }
        expect(output).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
        expect(output).not.toContain('TypeError');
        const after = snapshot(scratch);
        for (const [file, hash] of before) expect(after.get(file), `${file} changed or vanished`).toBe(hash);
        if (dataBefore !== undefined) {
          const dataAfter = snapshot(dataDir);
          for (const [file, hash] of dataBefore) expect(dataAfter.get(file), `data file ${file} changed`).toBe(hash);
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
        // Cache cases keep their cache beside the scratch dir: a rebuild rewrites it, which is the tool's own file.
        rmSync(`${scratch}-cache`, { recursive: true, force: true });
      }
    });
  }
}
