import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, DATA_DIR, LONG_BODY, readSse, type ErrorBody } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'basis-api-killed-'));
const storeFile = path.join(dir, 'store.sqlite');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
}

function basis(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/api/cliEntry.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, BASIS__PATHS__RESULTSDIR: path.join(dir, 'results'), BASIS_DATA_DIR: DATA_DIR, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

/** `basis serve` as its own process; resolves with the URL it prints. */
function serve(): Promise<Started> {
  const child = basis(['serve', '--port', '0', '--store', storeFile, '--workers', '1'], { BASIS_API_TOKEN: '' });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) resolve({ child, url: m[1] });
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`basis serve exited with ${code}: ${err}${out}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

describe('basis serve as a process', () => {
  it('refuses --host 0.0.0.0 without BASIS_API_TOKEN: non-zero exit and API-005 with the reason', async () => {
    const r = await exited(basis(['serve', '--host', '0.0.0.0', '--port', '0', '--store', storeFile], { BASIS_API_TOKEN: '' }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('error API-005');
    expect(r.stderr).toContain('BASIS_API_TOKEN');
  });

  it('marks a run it was killed in the middle of as failed, with the reason, on its next start', async () => {
    const first = await serve();
    const posted = await call<{ id: string }>(`${first.url}/api/v1/backtests`, { body: LONG_BODY });
    expect(posted.status).toBe(202);
    const id = posted.json.id;
    const gone = exited(first.child);
    // Killed at its first progress: the run is running, well before its end.
    await readSse(`${first.url}/api/v1/backtests/${id}/progress`, (e) => {
      if (e.event === 'progress' && (e.data.fraction as number) > 0 && first.child.signalCode === null) first.child.kill('SIGKILL');
    }).catch(() => undefined);
    expect((await gone).signal).toBe('SIGKILL');

    const second = await serve();
    try {
      const run = await call<{ status: string; error: { code: string; message: string } | null; summary: unknown }>(`${second.url}/api/v1/backtests/${id}`);
      expect(run.json.status).toBe('failed');
      expect(run.json.summary).toBeNull();
      expect(run.json.error?.code).toBe('STORE-007');
      expect(run.json.error?.message).toMatch(/stopped before the run finished/);
      const sum = await call<ErrorBody>(`${second.url}/api/v1/backtests/${id}/summary`);
      expect(sum.json.error.code).toBe('API-008');
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  });
});
