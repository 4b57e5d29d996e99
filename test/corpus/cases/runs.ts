import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CorpusCase, CorpusRun } from '../types.js';

/*
 * Where a run, a synthetic set or a download may be written, and what a killed writer leaves behind. Every refusal
 * must leave the user's files byte-identical; every leftover that is not provably Basis's own stays.
 */

const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BT = ['backtest', '--mode', 'pure_lending', '--start', '2025-09-01T00:00:00Z', '--end', '2025-09-03T00:00:00Z', '--no-progress'] as const;
const SYNTH = ['data', 'synth', '--seed', '1', '--start', '2024-01-01', '--end', '2024-01-02'] as const;
// An unreachable node: a refused --out must come before any request.
const DOWNLOAD = ['data', 'download', '--start', '2024-05-12', '--end', '2024-05-12', '--venues', 'none', '--rpc-url', 'http://127.0.0.1:9/rpc'] as const;

type Ctx = { scratch: string; dataDir: string; run: (args: string[]) => CorpusRun };

function notes(dir: string): void {
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  writeFileSync(path.join(dir, 'thesis.txt'), 'my thesis\n');
  writeFileSync(path.join(dir, 'sub', 'n.md'), '# notes\n');
}

/** A complete run at {scratch}/run. */
function goodRun({ scratch, run }: Ctx): void {
  const r = run([...BT, '--out', path.join(scratch, 'run')]);
  if (r.status !== 0) throw new Error(`corpus setup: the good run failed: ${r.stderr}`);
}

/** The pid of a process that has already exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

/** A temp dir as a killed writer leaves it: marker, and optionally an old run moved aside. */
function leftover(parent: string, pid: number, target: string, owner: { procStart: string | null; bootId: string | null } = { procStart: null, bootId: null }): string {
  const dir = path.join(parent, `.basis-tmp-${pid}-c0ffee`);
  mkdirSync(path.join(dir, 'payload'), { recursive: true });
  writeFileSync(path.join(dir, '.basis-tmp.json'), JSON.stringify({ basisTemp: 1, kind: 'backtest', target, owner: { pid, host: hostname(), ...owner }, createdAt: new Date().toISOString() }));
  writeFileSync(path.join(dir, 'payload', 'summary.json'), '{}');
  return dir;
}

export const cases: readonly CorpusCase[] = [
  { name: 'runs: --out is a plain file', class: 'cli', setup: ({ scratch }) => writeFileSync(path.join(scratch, 'afile'), 'keep\n'), args: [...BT, '--out', '{scratch}/afile'], expect: { code: 'RUN-002' } },
  { name: 'runs: --out is a folder of user notes', class: 'cli', setup: ({ scratch }) => notes(path.join(scratch, 'notes')), args: [...BT, '--out', '{scratch}/notes'], expect: { code: 'RUN-001' } },
  { name: 'runs: --out ""', class: 'cli', args: [...BT, '--out', ''], expect: { code: 'RUN-002' } },
  { name: 'runs: --out . (the current directory)', class: 'cli', args: [...BT, '--out', '.'], expect: { code: 'RUN-002' } },
  { name: 'runs: --out is the data directory', class: 'cli', needsDataCopy: true, args: [...BT, '--data-dir', '{dataDir}', '--out', '{dataDir}'], expect: { code: 'RUN-002' } },
  { name: 'runs: --out inside the data directory', class: 'cli', needsDataCopy: true, args: [...BT, '--data-dir', '{dataDir}', '--out', '{dataDir}/results'], expect: { code: 'RUN-002' } },
  { name: 'runs: --out is an ancestor of the data directory', class: 'cli', needsDataCopy: true, args: ({ dataDir }) => [...BT, '--data-dir', dataDir, '--out', path.dirname(dataDir)], expect: { code: 'RUN-002' } },
  { name: 'runs: --out is the package directory', class: 'cli', args: [...BT, '--out', PACKAGE_ROOT], expect: { code: 'RUN-002' } },
  { name: 'runs: --out is the package src/ folder', class: 'cli', args: [...BT, '--out', path.join(PACKAGE_ROOT, 'src')], expect: { code: 'RUN-002' } },
  {
    name: 'runs: --out is a symbolic link to an empty directory',
    class: 'cli',
    setup: ({ scratch }) => {
      mkdirSync(path.join(scratch, 'empty'));
      symlinkSync(path.join(scratch, 'empty'), path.join(scratch, 'link'));
    },
    args: [...BT, '--out', '{scratch}/link'],
    expect: { code: 'RUN-002' },
  },
  { name: 'runs: --out is an earlier run, without --force', class: 'cli', setup: goodRun, args: [...BT, '--out', '{scratch}/run'], expect: { code: 'RUN-001' } },
  {
    name: 'runs: --force on an earlier run that also holds a user file',
    class: 'cli',
    setup: (ctx) => {
      goodRun(ctx);
      writeFileSync(path.join(ctx.scratch, 'run', 'my-analysis.txt'), 'important');
    },
    args: [...BT, '--out', '{scratch}/run', '--force'],
    expect: { code: 'RUN-003' },
  },
  { name: 'runs: --force without --out', class: 'cli', args: [...BT, '--force'], expect: { code: 'CLI-001' } },
  { name: 'runs: --out a new nested path', class: 'cli', args: [...BT, '--out', '{scratch}/a/b/run'], expect: { accepted: true, why: 'a path that does not exist is created; nothing is replaced' } },
  { name: 'runs: --out an empty directory', class: 'cli', setup: ({ scratch }) => mkdirSync(path.join(scratch, 'empty')), args: [...BT, '--out', '{scratch}/empty'], expect: { accepted: true, why: 'an empty directory holds nothing to lose; rename(2) replaces it atomically' } },
  { name: 'runs: results directory configured inside the data directory', class: 'cli', needsDataCopy: true, args: [...BT, '--data-dir', '{dataDir}', '--set', 'paths.resultsDir={dataDir}/results'], expect: { code: 'RUN-002' } },
  { name: 'runs: data synth --out a folder of user notes', class: 'cli', setup: ({ scratch }) => notes(path.join(scratch, 'notes')), args: [...SYNTH, '--out', '{scratch}/notes'], expect: { code: 'DPR-010' } },
  { name: 'runs: data synth --out a plain file', class: 'cli', setup: ({ scratch }) => writeFileSync(path.join(scratch, 'afile'), 'keep\n'), args: [...SYNTH, '--out', '{scratch}/afile'], expect: { code: 'DPR-010' } },
  { name: 'runs: data download --out a folder of user notes', class: 'cli', setup: ({ scratch }) => notes(path.join(scratch, 'notes')), args: [...DOWNLOAD, '--out', '{scratch}/notes'], expect: { code: 'DPR-010' } },
  {
    name: 'crash: runs gc --dry-run lists a dead leftover and removes nothing',
    class: 'crash',
    setup: ({ scratch }) => void leftover(scratch, deadPid(), path.join(scratch, 'run')),
    args: ['runs', 'gc', '--dry-run', '{scratch}'],
    expect: { accepted: true, why: 'a dry run only reports' },
  },
  {
    name: 'crash: a user folder named like a temp dir (no marker) is never removed',
    class: 'crash',
    setup: ({ scratch }) => notes(path.join(scratch, `.basis-tmp-${deadPid()}-abc`)),
    args: ['runs', 'gc', '{scratch}'],
    expect: { accepted: true, why: 'without a valid marker only an empty temp dir is removed; this one is kept and reported' },
  },
  {
    name: 'crash: a marker whose target is in another directory is not trusted',
    class: 'crash',
    setup: ({ scratch }) => void leftover(scratch, deadPid(), '/somewhere/else/run'),
    args: ['runs', 'gc', '{scratch}'],
    expect: { accepted: true, why: 'a copied or forged marker cannot steer a removal or a restore; the dir is kept' },
  },
  {
    name: 'crash: the temp dir of a live process is kept',
    class: 'crash',
    setup: ({ scratch }) => {
      const stat = readFileSync('/proc/1/stat', 'utf8');
      const procStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
      leftover(scratch, 1, path.join(scratch, 'run'), { procStart, bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() });
    },
    args: ['runs', 'gc', '{scratch}'],
    expect: { accepted: true, why: 'pid 1 with its own start time is running: its temp dir is in use' },
  },
  {
    name: 'crash: a previous run moved aside is kept when a user folder took its place',
    class: 'crash',
    setup: (ctx) => {
      goodRun(ctx);
      const dir = leftover(ctx.scratch, deadPid(), path.join(ctx.scratch, 'target'));
      spawnSync('mv', [path.join(ctx.scratch, 'run'), path.join(dir, 'old')]);
      notes(path.join(ctx.scratch, 'target'));
    },
    args: ['runs', 'gc', '{scratch}'],
    expect: { accepted: true, why: 'the old run is removed only when a complete new run is at its target' },
  },
  {
    name: 'crash: an unrecognised temp-named folder beside --out does not stop a run',
    class: 'crash',
    setup: ({ scratch }) => notes(path.join(scratch, `.basis-tmp-${deadPid()}-abc`)),
    args: [...BT, '--out', '{scratch}/run'],
    expect: { accepted: true, why: 'unrecognised leftovers are reported and kept; the run goes into its own new directory' },
  },
];
