import { describe, expect, test } from 'vitest';
import { parseCsv, parseTimestamp } from '../../src/data/index.js';
import { basisError } from './helpers.js';

describe('timestamps', () => {
  const t = Date.parse('2024-05-12T01:00:00Z');
  test.each([
    ['2024-05-12T01:00:00Z', t],
    ['2024-05-12 01:00:00+00:00', t],
    ['2024-05-12T01:00:00+00:00Z', t],
    ['1715475600', t],
    ['1715475600000', t],
    ['2024-05-12', Date.parse('2024-05-12T00:00:00Z')],
    ['2024-05-12T03:00:00+02:00', t],
    ['2025-09-29T11:43:43.205852', Date.parse('2025-09-29T11:43:43.205Z')],
  ])('%s', (s, want) => expect(parseTimestamp(s)).toBe(want));
  test.each(['', 'x', '2024-13-01', '2024-05-12T25:00:00Z', '2024-05-12T01:00:00Zjunk', '12a4'])('rejects %j', (s) => expect(parseTimestamp(s)).toBeNaN());
});

describe('parseCsv', () => {
  test('BOM, CRLF, comments, blank lines', () => {
    const p = parseCsv('\ufeff# c1\r\n# c2\r\ntimestamp,v\r\n2024-01-01T00:00:00Z,1.5\r\n\r\n2024-01-01T01:00:00Z,-2e-4\r\n', 'f.csv');
    expect(p.header).toEqual(['timestamp', 'v']);
    expect(p.rowCount).toBe(2);
    expect(Array.from(p.numbers('v'))).toEqual([1.5, -2e-4]);
    expect(p.lineOf(1)).toBe(6);
    expect(p.commentLines).toBe(2);
  });

  test('bad header: DPR-002 at line 1', async () => {
    const e = await basisError(() => parseCsv('just-one-column\n1\n', 'bad.csv'));
    expect(e.code).toBe('DPR-002');
    expect(e.problems[0]).toMatchObject({ file: 'bad.csv', line: 1, column: 1 });
  });

  test('missing column: DPR-002 at the header line', async () => {
    const p = parseCsv('# note\ntimestamp,x\n2024-01-01,1\n', 'm.csv');
    const e = await basisError(() => p.numbers('open'));
    expect(e.problems[0]).toMatchObject({ code: 'DPR-002', file: 'm.csv', line: 2, expected: 'a header with "open"' });
  });

  test('a non-number names file, line and column', async () => {
    const p = parseCsv('timestamp,open,close\n2024-01-01T00:00:00Z,1,2\n2024-01-01T01:00:00Z,abc,2\n', 'n.csv');
    const e = await basisError(() => p.numbers('open'));
    expect(e.code).toBe('DPR-002');
    expect(e.problems[0]).toMatchObject({ file: 'n.csv', line: 3, column: 2, received: '"abc"' });
    expect(e.message).toContain('n.csv:3:2');
  });

  test.each(['NaN', 'Infinity', '', ' ', '1.2.3', '0x10'])('value %j is an error, never a silent NaN', async (v) => {
    const p = parseCsv(`timestamp,open\n2024-01-01T00:00:00Z,${v}\n`, 'v.csv');
    const e = await basisError(() => p.numbers('open'));
    expect(e.problems[0]).toMatchObject({ line: 2, column: 2 });
  });

  test('a short (truncated) row names line and the first missing column', async () => {
    const e = await basisError(() => parseCsv('timestamp,open,high,low,close\n2024-01-01T00:00:00Z,1,2,0.5,1.5\n2024-01-01T01:00:00Z,1,2', 't.csv'));
    expect(e.code).toBe('DPR-002');
    expect(e.problems[0]).toMatchObject({ file: 't.csv', line: 3, column: 4, expected: '5 fields', received: '3 fields' });
  });

  test('a long row is an error too', async () => {
    const e = await basisError(() => parseCsv('a,b\n1,2,3\n', 'l.csv'));
    expect(e.problems[0]).toMatchObject({ line: 2, column: 3 });
  });

  test('bad timestamp', async () => {
    const p = parseCsv('timestamp,v\n2024-01-01T00:00:00Z,1\nyesterday,2\n', 'ts.csv');
    const e = await basisError(() => p.timestamps('timestamp'));
    expect(e.problems[0]).toMatchObject({ line: 3, column: 1, received: '"yesterday"' });
  });

  test('quoted fields (commas, escaped quotes, newlines)', () => {
    const p = parseCsv('a,b,c\n"x, y","say ""hi""",3\n"multi\nline",z,4\n', 'q.csv');
    expect(p.rowCount).toBe(2);
    expect(p.strings('a')).toEqual(['x, y', 'multi\nline']);
    expect(p.strings('b')[0]).toBe('say "hi"');
    expect(Array.from(p.numbers('c'))).toEqual([3, 4]);
    expect(p.lineOf(1)).toBe(3);
  });

  test('optional numbers: empty is NaN, junk still fails', async () => {
    const p = parseCsv('t,r\n1,\n2,3\n', 'o.csv');
    expect(Array.from(p.numbers('r', { optional: true }))).toEqual([NaN, 3]);
    const q = parseCsv('t,r\n1,x\n', 'o2.csv');
    await basisError(() => q.numbers('r', { optional: true }));
  });
});
