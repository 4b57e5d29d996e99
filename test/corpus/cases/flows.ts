import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CorpusCase } from '../types.js';

/* Bad capital flows: malformed --flow specs and CSV files, flows outside the window, zero amounts, a withdrawal larger
 * than the book, a bad config entry; and the good forms, accepted. */

const OUT = ['--no-progress', '--out', '{scratch}/out'] as const;
const BT = ['backtest', '--mode', 'pure_lending', '--start', '2024-06-01', '--end', '2024-06-08', '--capital', '100000'] as const;

const csv = (name: string, text: string) => ({ scratch }: { scratch: string }): void => writeFileSync(path.join(scratch, name), text);

export const cases: readonly CorpusCase[] = [
  { name: 'flows: --flow without "="', class: 'cli', args: [...BT, '--flow', '2024-06-03T00:00Z', ...OUT], expect: { code: 'FLOW-001' } },
  { name: 'flows: --flow with an empty amount', class: 'cli', args: [...BT, '--flow', '2024-06-03T00:00Z=', ...OUT], expect: { code: 'FLOW-001' } },
  { name: 'flows: --flow at no such day', class: 'cli', args: [...BT, '--flow', '2024-06-31=+5000', ...OUT], expect: { code: 'FLOW-001' } },
  { name: 'flows: --flow time in words', class: 'cli', args: [...BT, '--flow', 'tomorrow=+5000', ...OUT], expect: { code: 'FLOW-001' } },
  { name: 'flows: --flow amount with a thousands separator', class: 'cli', args: [...BT, '--flow', '2024-06-03=+5,000', ...OUT], expect: { code: 'FLOW-001' } },
  { name: 'flows: --flow amount in hex', class: 'cli', args: [...BT, '--flow', '2024-06-03=0x10', ...OUT], expect: { code: 'FLOW-001' } },
  { name: 'flows: --flow of zero', class: 'cli', args: [...BT, '--flow', '2024-06-03=0', ...OUT], expect: { code: 'FLOW-004' } },
  { name: 'flows: --flow of -0', class: 'cli', args: [...BT, '--flow', '2024-06-03=-0.0', ...OUT], expect: { code: 'FLOW-004' } },
  { name: 'flows: --flow amount 1e400 (Infinity)', class: 'cli', args: [...BT, '--flow', '2024-06-03=1e400', ...OUT], expect: { code: 'FLOW-004' } },
  { name: 'flows: --flow before the window', class: 'cli', args: [...BT, '--flow', '2024-05-20=+5000', ...OUT], expect: { code: 'FLOW-003' } },
  { name: 'flows: --flow at the first step (the initial capital owns it)', class: 'cli', args: [...BT, '--flow', '2024-06-01T00:00Z=+5000', ...OUT], expect: { code: 'FLOW-003' } },
  { name: 'flows: --flow after the window', class: 'cli', args: [...BT, '--flow', '2024-06-08T00:01Z=+5000', ...OUT], expect: { code: 'FLOW-003' } },
  { name: 'flows: a withdrawal larger than the capital', class: 'cli', args: [...BT, '--flow', '2024-06-03=-100001', ...OUT], expect: { code: 'FLOW-005' } },
  {
    name: 'flows: a withdrawal larger than capital + deposits before it − withdrawals before it',
    class: 'cli',
    args: [...BT, '--flow', '2024-06-05=-60000', '--flow', '2024-06-02=+10000', '--flow', '2024-06-04=-60000', ...OUT],
    expect: { code: 'FLOW-005' },
  },
  { name: 'flows: --flows file missing', class: 'cli', args: [...BT, '--flows', '{scratch}/nowhere.csv', ...OUT], expect: { code: 'FLOW-002' } },
  { name: 'flows: --flows file without an amount column', class: 'csv', setup: csv('f.csv', 'timestamp,value\n2024-06-03,5000\n'), args: [...BT, '--flows', '{scratch}/f.csv', ...OUT], expect: { code: 'FLOW-002' } },
  { name: 'flows: --flows file with a header only', class: 'csv', setup: csv('f.csv', 'timestamp,amount\n'), args: [...BT, '--flows', '{scratch}/f.csv', ...OUT], expect: { code: 'FLOW-002' } },
  { name: 'flows: --flows file with a bad time on line 3', class: 'csv', setup: csv('f.csv', 'timestamp,amount\n2024-06-03,5000\n2024-02-30,-100\n'), args: [...BT, '--flows', '{scratch}/f.csv', ...OUT], expect: { code: 'FLOW-002' } },
  { name: 'flows: --flows file with a non-numeric amount', class: 'csv', setup: csv('f.csv', 'timestamp,amount\n2024-06-03,lots\n'), args: [...BT, '--flows', '{scratch}/f.csv', ...OUT], expect: { code: 'FLOW-002' } },
  { name: 'flows: --flows file with a short row', class: 'csv', setup: csv('f.csv', 'timestamp,amount\n2024-06-03\n'), args: [...BT, '--flows', '{scratch}/f.csv', ...OUT], expect: { code: 'FLOW-002' } },
  { name: 'flows: --flows file with a zero amount', class: 'csv', setup: csv('f.csv', 'timestamp,amount\n2024-06-03,0\n'), args: [...BT, '--flows', '{scratch}/f.csv', ...OUT], expect: { code: 'FLOW-004' } },
  { name: 'flows: --flows names a directory', class: 'cli', setup: ({ scratch }) => mkdirSync(path.join(scratch, 'd.csv')), args: [...BT, '--flows', '{scratch}/d.csv', ...OUT], expect: { code: 'FLOW-002' } },
  { name: 'flows: config flows entry with a zero amount', class: 'config', args: [...BT, '--set', 'modes.pure_lending.flows=[{"at":"2024-06-03","amount":0}]', ...OUT], expect: { code: 'CFG-005' } },
  { name: 'flows: config flows entry at no such day', class: 'config', args: [...BT, '--set', 'modes.pure_lending.flows=[{"at":"2024-02-30","amount":5}]', ...OUT], expect: { code: 'CFG-005' } },
  { name: 'flows: config flows entry with an unknown field', class: 'config', args: [...BT, '--set', 'modes.pure_lending.flows=[{"at":"2024-06-03","amount":5,"venue":"binance"}]', ...OUT], expect: { code: 'CFG-005' } },
  { name: 'flows: config flows entry after the window', class: 'config', args: [...BT, '--set', 'modes.pure_lending.flows=[{"at":"2024-07-01","amount":5}]', ...OUT], expect: { code: 'FLOW-003' } },
  { name: 'flows: config withdrawal larger than the book', class: 'config', args: [...BT, '--set', 'modes.pure_lending.flows=[{"at":"2024-06-03","amount":-200000}]', ...OUT], expect: { code: 'FLOW-005' } },
  { name: 'flows: a deposit in the mode config', class: 'config', args: [...BT, '--set', 'modes.pure_lending.flows=[{"at":"2024-06-03","amount":500}]', ...OUT], expect: { accepted: true, why: 'modes.<mode>.flows is the config form of --flow' } },
  { name: 'flows: --flow combined with --from-run', class: 'cli', args: ['backtest', '--from-run', '{scratch}/none', '--flow', '2024-06-03=+1', ...OUT], expect: { code: 'CLI-001' } },
  {
    name: 'flows: a deposit and a withdrawal in --flow, ISO forms --start accepts',
    class: 'cli',
    args: [...BT, '--flow', '2024-06-03=+50000', '--flow', '2024-06-05T12:00Z=-20000', '--flow', '2024-06-06T00:00:00+00:00=-1000', ...OUT],
    expect: { accepted: true, why: 'deposits and withdrawals inside the window, within the book' },
  },
  {
    name: 'flows: a CSV with CRLF, a comment and an extra column',
    class: 'csv',
    setup: csv('f.csv', '# flows\r\ntimestamp,amount,note\r\n2024-06-03T00:00:00Z,+50000,in\r\n2024-06-05,-20000,out\r\n'),
    args: [...BT, '--flows', '{scratch}/f.csv', ...OUT],
    expect: { accepted: true, why: 'the flows file reader tolerates what the data CSVs may hold' },
  },
];
