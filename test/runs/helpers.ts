import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DATA = path.resolve(REPO_ROOT, '../shared/data');
const BIN = path.join(REPO_ROOT, 'bin', 'basis.js');

// The CLI runs dist/: these tests exercise the real binary, so it must be built from the current sources.
if (!existsSync(path.join(REPO_ROOT, 'dist', 'runs', 'publish.js'))) throw new Error('dist/ is missing the run-directory code: run `npm run build` first');

/** A short pure_lending window: a whole run (start-up, data, engine, five files) in about a second. */
export const SHORT = ['backtest', '--mode', 'pure_lending', '--start', '2025-09-01T00:00:00Z', '--end', '2025-09-03T00:00:00Z', '--no-progress', '--data-dir', SHARED_DATA] as const;
export const RESULT_FILES = ['.basis-run.json', 'config.json', 'events.jsonl', 'report.html', 'summary.json', 'timeseries.csv'];

export function scratch(prefix = 'runs'): string {
  return mkdtempSync(path.join(tmpdir(), `basis-${prefix}-`));
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function cli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, NO_COLOR: '1', ...options.env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A coded refusal: the code on stderr, a non-zero exit, no stack trace. */
export function expectCoded(r: CliRun, code: string): string {
  if (r.status === 0 || !r.stderr.includes(`error ${code}`) || /\n\s+at /.test(r.stderr) || r.stderr.includes('TypeError')) {
    throw new Error(`expected a ${code} refusal, got exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
  return r.stderr;
}

/**
 * Every entry under `root` (hidden ones too), by relative path: a file by its SHA-256, a link by its target, a
 * directory as such. Two equal snapshots mean nothing was changed, added or removed.
 */
export function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(root, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const full = path.join(root, r);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) out[r] = `link ${readlinkSync(full)}`;
      else if (st.isDirectory()) {
        out[r] = 'dir';
        walk(r);
      } else out[r] = `file ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
    }
  };
  walk('');
  return out;
}

/** Entries Basis's temp protocol leaves behind (temp dirs, temp links) directly in `dir`. */
export function leftovers(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith('.basis-tmp-') || n.startsWith('.basis-link-')) : [];
}

/** A complete run: the five result files and the marker, and `audit verify` passes on it. */
export function expectCompleteRun(dir: string): void {
  const names = readdirSync(dir).sort();
  if (JSON.stringify(names) !== JSON.stringify(RESULT_FILES)) throw new Error(`${dir} is not a complete run: ${names.join(', ')}`);
  for (const f of RESULT_FILES) if (statSync(path.join(dir, f)).size === 0) throw new Error(`${dir}/${f} is empty`);
  const v = cli(['audit', 'verify', dir]);
  if (v.status !== 0) throw new Error(`audit verify ${dir} failed: ${v.stdout}${v.stderr}`);
}

export function runId(dir: string): string {
  return (JSON.parse(readFileSync(path.join(dir, '.basis-run.json'), 'utf8')) as { id: string }).id;
}

/**
 * Starts the real CLI with BASIS_FAULT_PAUSE=<point>, waits for its `paused <point>` line and kills it with SIGKILL
 * there. Resolves once the process is gone (reaped), so its pid is no longer running.
 */
export function killAt(args: readonly string[], point: string, options: { cwd?: string } = {}): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO_ROOT, env: { ...process.env, NO_COLOR: '1', BASIS_FAULT_PAUSE: point }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let paused = false;
  return new Promise((resolve, reject) => {
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (!paused && stderr.includes(`paused ${point}\n`)) {
        paused = true;
        child.kill('SIGKILL');
      }
    });
    child.stdout.resume();
    child.on('exit', (code, signal) => {
      if (paused && signal === 'SIGKILL') resolve();
      else reject(new Error(`the CLI ended (exit ${code}, signal ${signal}) without pausing at ${point}:\n${stderr}`));
    });
  });
}

/** Run directories in a mode folder of the results dir (not `latest`, not leftovers). */
export function runDirs(modeDir: string): string[] {
  return existsSync(modeDir) ? readdirSync(modeDir).filter((n) => !n.startsWith('.') && n !== 'latest').sort() : [];
}

/** `cli` without blocking the event loop (for a server in this process, e.g. the download replay server). */
export function cliAsync(args: readonly string[]): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}
