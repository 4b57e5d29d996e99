import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CorpusCase } from '../types.js';

/* Bad command lines: usage errors, impossible dates and capitals, malformed overrides, --from-run misuse. */

const OUT = ['--no-progress', '--out', '{scratch}/out'] as const;
const BT = ['backtest', '--mode', 'btc_basis'] as const;
const WINDOW = ['--start', '2024-06-01', '--end', '2024-06-08'] as const;

/** A complete good run in {scratch}/good for --from-run. */
const goodRun = ({ scratch, run }: { scratch: string; run: (args: string[]) => { status: number; stderr: string } }): void => {
  const r = run(['backtest', '--mode', 'pure_lending', '--start', '2024-06-01T00:00Z', '--end', '2024-06-03T00:00Z', '--no-costs', '--no-progress', '--out', path.join(scratch, 'good')]);
  if (r.status !== 0) throw new Error(`corpus setup: the good run failed: ${r.stderr}`);
};

export const cases: readonly CorpusCase[] = [
  { name: 'cli: unknown option', class: 'cli', args: [...BT, '--bogus-flag', ...OUT], expect: { code: 'CLI-001' } },
  { name: 'cli: misspelt option', class: 'cli', args: ['backtest', '--mdoe', 'btc_basis', ...OUT], expect: { code: 'CLI-001' } },
  { name: 'cli: unknown command', class: 'cli', args: ['bogus'], expect: { code: 'CLI-001' } },
  { name: 'cli: unknown subcommand', class: 'cli', args: ['data', 'fetch'], expect: { code: 'CLI-001' } },
  { name: 'cli: a command group without its subcommand', class: 'cli', args: ['config'], expect: { code: 'CLI-001' } },
  { name: 'cli: missing --mode', class: 'cli', args: ['backtest', ...WINDOW, ...OUT], expect: { code: 'CLI-001' } },
  { name: 'cli: --capital without its value', class: 'cli', args: [...BT, '--capital'], expect: { code: 'CLI-001' } },
  { name: 'cli: an extra argument', class: 'cli', args: ['config', 'validate', 'extra'], expect: { code: 'CLI-001' } },
  { name: 'cli: audit verify without a run directory', class: 'cli', args: ['audit', 'verify'], expect: { code: 'CLI-001' } },
  { name: 'cli: unknown mode', class: 'cli', args: ['backtest', '--mode', 'moon_farming', ...OUT], expect: { code: 'CFG-006' } },
  { name: 'cli: unknown --env', class: 'cli', args: [...BT, ...WINDOW, '--env', 'qa', ...OUT], expect: { code: 'CFG-009' } },
  { name: 'cli: --start 2024-02-30 (no such day)', class: 'cli', args: [...BT, '--start', '2024-02-30', '--end', '2024-03-05', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: --start 2023-02-29 (not a leap year)', class: 'cli', args: [...BT, '--start', '2023-02-29', '--end', '2024-03-05', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: --end 2024-04-31', class: 'cli', args: [...BT, '--start', '2024-04-01', '--end', '2024-04-31', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: --start 2024-13-01', class: 'cli', args: [...BT, '--start', '2024-13-01', '--end', '2025-01-05', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: --start 2024-06-01T24:00Z', class: 'cli', args: [...BT, '--start', '2024-06-01T24:00Z', '--end', '2024-06-08', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: --start in words', class: 'cli', args: [...BT, '--start', 'yesterday', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: --start after --end', class: 'cli', args: [...BT, '--start', '2024-06-08', '--end', '2024-06-01', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: data check --start 2024-02-30', class: 'cli', args: ['data', 'check', '--mode', 'btc_basis', '--start', '2024-02-30'], expect: { code: 'CLI-001' } },
  { name: 'cli: --capital abc', class: 'cli', args: [...BT, ...WINDOW, '--capital', 'abc', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: --capital -5', class: 'cli', args: [...BT, ...WINDOW, '--capital', '-5', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: --capital 0', class: 'cli', args: [...BT, ...WINDOW, '--capital', '0', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: --capital 1e400 (Infinity)', class: 'cli', args: [...BT, ...WINDOW, '--capital', '1e400', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: --capital NaN', class: 'cli', args: [...BT, ...WINDOW, '--capital', 'NaN', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: --set without "="', class: 'cli', args: [...BT, ...WINDOW, '--set', 'engine.stepMinutes', ...OUT], expect: { code: 'CFG-012' } },
  { name: 'cli: --set with an empty path', class: 'cli', args: [...BT, ...WINDOW, '--set', '=5', ...OUT], expect: { code: 'CFG-012' } },
  { name: 'cli: --set naming no config value', class: 'cli', args: [...BT, ...WINDOW, '--set', 'engine.nope=1', ...OUT], expect: { code: 'CFG-012' } },
  { name: 'cli: --set a number to text', class: 'cli', args: [...BT, ...WINDOW, '--set', 'engine.stepMinutes=abc', ...OUT], expect: { code: 'CFG-012' } },
  { name: 'cli: --from-run on an empty directory', class: 'cli', setup: ({ scratch }) => mkdirSync(path.join(scratch, 'empty')), args: ['backtest', '--from-run', '{scratch}/empty', ...OUT], expect: { code: 'BT-001' } },
  { name: 'cli: --from-run on a directory that does not exist', class: 'cli', args: ['backtest', '--from-run', '{scratch}/nowhere', ...OUT], expect: { code: 'BT-001' } },
  {
    name: 'cli: --from-run on a directory whose config.json is not a run record',
    class: 'cli',
    setup: ({ scratch }) => {
      mkdirSync(path.join(scratch, 'notes'));
      writeFileSync(path.join(scratch, 'notes', 'config.json'), '{"mode":"btc_basis","__proto__":{"x":1}}');
    },
    args: ['backtest', '--from-run', '{scratch}/notes', ...OUT],
    expect: { code: 'BT-001' },
  },
  { name: 'cli: --from-run combined with --no-costs', class: 'cli', setup: goodRun, args: ['backtest', '--from-run', '{scratch}/good', '--no-costs', ...OUT], expect: { code: 'CLI-001' } },
  { name: 'cli: data download --rpc-url that is not a URL (not echoed)', class: 'cli', args: ['data', 'download', '--out', '{scratch}/dl', '--venues', 'none', '--rpc-url', 'mainnet/v2/sk-secret-123'], expect: { code: 'CLI-001' } },
  { name: 'cli: --from-run of a good run', class: 'cli', setup: goodRun, args: ['backtest', '--from-run', '{scratch}/good', '--json', ...OUT], expect: { accepted: true, why: 'a run re-runs from its own directory (new run written to a new --out)' } },
  { name: 'cli: --start in the short form the summary prints', class: 'cli', args: ['backtest', '--mode', 'pure_lending', '--start', '2024-06-01 00:00Z', '--end', '2024-06-03T00:00', ...OUT], expect: { accepted: true, why: 'every ISO form the tool prints is accepted back (UTC when no zone is given)' } },
];
