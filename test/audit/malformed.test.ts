import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BasisError } from '../../src/errors/base.js';
import { verifyRun } from '../../src/events/audit.js';
import { basis, freshRun, readLines, rehashFile, tmpDir, writeLines } from './helpers.js';

/** Replaces line `n` (1-based) of events.jsonl. */
const eventLine = (n: number, text: string) => (dir: string): void => {
  const lines = readLines(dir);
  lines[n - 1] = text;
  writeLines(dir, lines);
};
const editLine = (n: number, from: RegExp | string, to: string) => (dir: string): void => {
  const lines = readLines(dir);
  const after = lines[n - 1]!.replace(from, to);
  if (after === lines[n - 1]) throw new Error('edit changed nothing');
  lines[n - 1] = after;
  writeLines(dir, lines);
};
const file = (name: string, text: string) => (dir: string): void => writeFileSync(path.join(dir, name), text);
/** Replaces a file and records its new hash, so the hash check passes and the content check speaks. */
const rehashed = (name: 'timeseries.csv', text: string) => (dir: string): void => {
  file(name, text)(dir);
  rehashFile(dir, name);
};

/** [what, corruption, code, file named, line named (or undefined), text the message must hold] */
const cases: Array<[string, (dir: string) => void, string, string, number | undefined, RegExp]> = [
  ['a line of null', eventLine(3, 'null'), 'EVT-005', 'events.jsonl', 3, /expected object/],
  ['a line of {}', eventLine(3, '{}'), 'EVT-005', 'events.jsonl', 3, /at type .*found nothing \(missing\)/],
  ['a line of 42', eventLine(4, '42'), 'EVT-005', 'events.jsonl', 4, /expected object.*found 42/],
  ['a line of []', eventLine(4, '[]'), 'EVT-005', 'events.jsonl', 4, /expected object/],
  ['"deltas": 5', editLine(2, /"deltas":\[[^\]]*\]/, '"deltas":5'), 'EVT-005', 'events.jsonl', 2, /at deltas expected array.*found 5/],
  ['a delta that is not [key, number]', editLine(1, /"deltas":\[\[[^\]]*\]\]/, '"deltas":[["wallet:BaseToken:USDT","lots"]]'), 'EVT-005', 'events.jsonl', 1, /at deltas\.0\.1 expected number/],
  ['a missing field (status)', editLine(5, '"status":"completed",', ''), 'EVT-005', 'events.jsonl', 5, /at status/],
  ['a missing hash', editLine(5, /,"hash":"[0-9a-f]+"/, ''), 'EVT-005', 'events.jsonl', 5, /at hash/],
  ['an unknown event type', editLine(2, /"type":"[A-Z_]+"/, '"type":"MINT_MONEY"'), 'EVT-005', 'events.jsonl', 2, /at type/],
  ['an unknown field', editLine(2, '"status":"completed",', '"status":"completed","bonus":1,'), 'EVT-005', 'events.jsonl', 2, /unknown field\(s\) bonus/],
  ['a non-JSON line', eventLine(6, '{"type": "FUNDING_SETTLED",'), 'EVT-005', 'events.jsonl', 6, /line is not JSON/],
  ['a number too large for a double', editLine(1, /"timestampMs":\d+/, '"timestampMs":1e999'), 'EVT-005', 'events.jsonl', 1, /at timestampMs/],
  ['a blank line', (dir) => writeLines(dir, [...readLines(dir).slice(0, 3), '', ...readLines(dir).slice(3)]), 'EVT-005', 'events.jsonl', 4, /blank line/],
  ['an empty events.jsonl', file('events.jsonl', ''), 'EVT-005', 'events.jsonl', 1, /empty/],
  ['a summary.json of {}', file('summary.json', '{}'), 'EVT-005', 'summary.json', undefined, /at shareClass/],
  ['a summary.json of null', file('summary.json', 'null'), 'EVT-005', 'summary.json', undefined, /must be a JSON object/],
  ['a summary.json of []', file('summary.json', '[]'), 'EVT-005', 'summary.json', undefined, /must be a JSON object/],
  ['a summary.json that is not JSON', file('summary.json', '{"mode": '), 'EVT-005', 'summary.json', undefined, /not JSON/],
  ['a summary.json without its integrity record', (dir) => file('summary.json', JSON.stringify({ ...JSON.parse(readSummaryText(dir)), integrity: undefined }))(dir), 'EVT-005', 'summary.json', undefined, /at integrity summary.json records no file hashes/],
  ['a summary.json whose apy is a string', (dir) => file('summary.json', readSummaryText(dir).replace(/"apy": [-0-9.e]+/, '"apy": "12%"'))(dir), 'EVT-005', 'summary.json', undefined, /at apy expected number/],
  ['a timeseries.csv without an equity column (hash re-recorded)', rehashed('timeseries.csv', 'timestamp,value\n2024-06-01T00:00:00.000Z,1\n'), 'EVT-005', 'timeseries.csv', 1, /equity column/],
  ['a timeseries.csv row with a bad timestamp (hash re-recorded)', rehashed('timeseries.csv', 'timestamp,equity\nyesterday,100000\n'), 'EVT-005', 'timeseries.csv', 2, /ISO timestamp/],
  ['a missing events.jsonl', (dir) => rmSync(path.join(dir, 'events.jsonl')), 'EVT-001', 'events.jsonl', undefined, /events.jsonl is missing/],
  ['a missing summary.json', (dir) => rmSync(path.join(dir, 'summary.json')), 'EVT-001', 'summary.json', undefined, /summary.json is missing/],
];

function readSummaryText(dir: string): string {
  return readFileSync(path.join(dir, 'summary.json'), 'utf8');
}

describe('malformed input to audit verify is a coded EVT error naming file and line', () => {
  it.each(cases)('%s', async (_what, corrupt, code, fileName, line, text) => {
    const dir = await freshRun();
    corrupt(dir);
    const r = await basis('audit', 'verify', dir);
    expect(r.exit).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^error ${code}: `));
    const where = `${code} ${path.join(dir, fileName)}${line !== undefined ? `:line ${line}` : ''}`;
    expect(r.stderr).toContain(where);
    expect(r.stderr).toMatch(text);
    expect(r.stderr).not.toMatch(/TypeError|ReferenceError|\n\s+at /);
  });

  it('reports every malformed line with its true count', async () => {
    const dir = await freshRun();
    const lines = readLines(dir);
    writeLines(dir, lines.map((l, i) => (i % 2 === 1 ? 'null' : l)));
    const report = await verifyRun(dir);
    expect(report.problemCount).toBe(Math.floor(lines.length / 2));
    expect(report.problems.every((p) => p.code === 'EVT-005')).toBe(true);
    expect(report.problems[0]!.line).toBe(2);
  });
});

describe('a path that is not a run', () => {
  it.each([
    ['a missing directory', (root: string) => path.join(root, 'nope'), /run directory .* not found/],
    ['a plain file', (root: string) => (writeFileSync(path.join(root, 'notes.txt'), 'hello\n'), path.join(root, 'notes.txt')), /is a file, not a run directory/],
    ['an empty directory', (root: string) => (mkdirSync(path.join(root, 'empty')), path.join(root, 'empty')), /is not a run directory: it holds none of summary.json, events.jsonl, timeseries.csv, config.json/],
    ['a directory of other files', (root: string) => (mkdirSync(path.join(root, 'docs')), writeFileSync(path.join(root, 'docs', 'a.md'), '# a\n'), path.join(root, 'docs')), /is not a run directory/],
  ])('%s is EVT-001', async (_what, make, text) => {
    const target = make(tmpDir('notrun'));
    const r = await basis('audit', 'verify', target);
    expect(r.exit).not.toBe(0);
    expect(r.stderr).toMatch(/^error EVT-001: /);
    expect(r.stderr).toContain(target);
    expect(r.stderr).toMatch(text);
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
    await expect(verifyRun(target)).rejects.toBeInstanceOf(BasisError);
  });
});
