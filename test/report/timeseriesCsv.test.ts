import { describe, expect, it } from 'vitest';
import { formatTimeseriesCsv } from '../../src/report/timeseriesCsv.js';
import type { TimeseriesFrame } from '../../src/report/types.js';
import { HOUR, T0, rng } from './fixtures.js';

function parseCsv(text: string): { header: string[]; rows: string[][] } {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

describe('formatTimeseriesCsv', () => {
  it('writes the header, ISO UTC timestamps, full-precision numbers and empty cells for NaN', () => {
    const frame: TimeseriesFrame = {
      timestampsMs: Float64Array.from([T0, T0 + HOUR]),
      columns: [
        { name: 'equity', values: Float64Array.from([100000, 0.1 + 0.2]) },
        { name: 'fundingRate:binance', values: Float64Array.from([0.0001, NaN]) },
        { name: 'netDelta:ETH', values: Float64Array.from([-1e-12, 1 / 3]) },
      ],
    };
    expect(formatTimeseriesCsv(frame)).toBe(
      'timestamp,equity,fundingRate:binance,netDelta:ETH\n' +
        '2024-01-01T00:00:00.000Z,100000,0.0001,-1e-12\n' +
        `2024-01-01T01:00:00.000Z,0.30000000000000004,,${String(1 / 3)}\n`,
    );
  });

  it('repeated values and NaN runs are written correctly', () => {
    const csv = formatTimeseriesCsv({
      timestampsMs: Float64Array.from({ length: 7 }, (_, i) => i * HOUR),
      columns: [{ name: 'pos', values: Float64Array.from([1, 1, NaN, NaN, 1, 2, -0]) }],
    });
    expect(csv.trimEnd().split('\n').slice(1).map((l) => l.split(',')[1])).toEqual(['1', '1', '', '', '1', '2', '0']);
  });

  it('an empty frame is just the header', () => {
    expect(formatTimeseriesCsv({ timestampsMs: new Float64Array(0), columns: [{ name: 'equity', values: new Float64Array(0) }] })).toBe(
      'timestamp,equity\n',
    );
  });

  it('quotes column names that need it and rejects ragged columns', () => {
    const csv = formatTimeseriesCsv({ timestampsMs: Float64Array.from([0]), columns: [{ name: 'a,"b"', values: Float64Array.from([1]) }] });
    expect(csv.split('\n')[0]).toBe('timestamp,"a,""b"""');
    expect(() =>
      formatTimeseriesCsv({ timestampsMs: Float64Array.from([0, 1]), columns: [{ name: 'x', values: Float64Array.from([1]) }] }),
    ).toThrow(/column x has 1 values/);
  });

  it('round-trips exactly: parse back gives the same timestamps and the same numbers', () => {
    const r = rng(3);
    const n = 2000;
    const ts = Float64Array.from({ length: n }, (_, i) => T0 + i * HOUR);
    const columns = Array.from({ length: 6 }, (_, j) => ({
      name: `c${j}`,
      values: Float64Array.from({ length: n }, () => {
        const u = r();
        if (u < 0.05) return NaN;
        return (u - 0.5) * 10 ** Math.floor(r() * 20 - 10);
      }),
    }));
    const { header, rows } = parseCsv(formatTimeseriesCsv({ timestampsMs: ts, columns }));
    expect(header).toEqual(['timestamp', ...columns.map((c) => c.name)]);
    expect(rows).toHaveLength(n);
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      expect(row).toHaveLength(columns.length + 1);
      expect(Date.parse(row[0]!)).toBe(ts[i]);
      for (let j = 0; j < columns.length; j++) {
        const v = columns[j]!.values[i]!;
        const cell = row[j + 1]!;
        if (Number.isNaN(v)) expect(cell).toBe('');
        else expect(Number(cell)).toBe(v);
      }
    }
  });

  // Best of 7 so a burst of load from parallel test files (e.g. headless Chromium) does not fail the check.
});
