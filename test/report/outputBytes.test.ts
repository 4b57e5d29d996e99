import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBacktest, writeBacktestResults, type BacktestOutput } from '../../src/engine/backtest.js';
import { GENESIS_HASH, eventsJsonlChunks } from '../../src/events/hashChain.js';
import { timeseriesCsvChunks } from '../../src/report/timeseriesCsv.js';

const SHARED_DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');

/**
 * The exact bytes of a whole real run's outputs (usdt_market_neutral, every output several MB, so several chunks
 * each), checked against what each file must contain, computed here independently of the writers: the audit trail's
 * hashes and `basis audit verify` depend on every byte, and the writers are tuned for speed.
 */
describe('the bytes of a real run', () => {
  let out: BacktestOutput;
  let dir: string;
  const read = (name: string): string => readFileSync(path.join(dir, name), 'utf8');
  const summary = (): { integrity: { eventsFinalHash: string; events: number; timeseriesSha256: string } } =>
    JSON.parse(read('summary.json')) as { integrity: { eventsFinalHash: string; events: number; timeseriesSha256: string } };

  beforeAll(async () => {
    out = await runBacktest({ mode: 'usdt_market_neutral', dataDir: SHARED_DATA, progress: false });
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'basis-bytes-')), 'run');
    await writeBacktestResults(dir, out, { auditKey: null, notice: () => {} });
  }, 120_000);

  it('timeseries.csv parses back to exactly the frame, each number in its shortest round-trip form', () => {
    const text = read('timeseries.csv');
    expect(text.length).toBeGreaterThan(2 << 20);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    const { timestampsMs, columns } = out.frame;
    expect(lines[0]).toBe(['timestamp', ...columns.map((c) => c.name)].join(','));
    expect(lines).toHaveLength(timestampsMs.length + 1);
    const mismatches: string[] = [];
    for (let i = 0; i < timestampsMs.length; i++) {
      const cells = lines[i + 1]!.split(',');
      if (cells.length !== columns.length + 1) mismatches.push(`row ${i}: ${cells.length} cells`);
      if (cells[0] !== new Date(timestampsMs[i]!).toISOString()) mismatches.push(`row ${i}: timestamp ${cells[0]}`);
      for (let j = 0; j < columns.length; j++) {
        const v = columns[j]!.values[i]!;
        const cell = cells[j + 1]!;
        const ok = Number.isNaN(v) ? cell === '' : cell === String(v) && Object.is(Number(cell), v);
        if (!ok) mismatches.push(`row ${i} ${columns[j]!.name}: ${cell} for ${v}`);
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(summary().integrity.timeseriesSha256).toBe(createHash('sha256').update(readFileSync(path.join(dir, 'timeseries.csv'))).digest('hex'));
  });

  it('events.jsonl is each event as JSON with its chain hash appended, hashed with a Hash object per line', () => {
    let prev = GENESIS_HASH;
    const expected = out.events.map((e) => {
      const json = JSON.stringify(e);
      prev = createHash('sha256').update(prev).update(json).digest('hex');
      return `${json.slice(0, -1)},"hash":"${prev}"}\n`;
    });
    const text = read('events.jsonl');
    expect(text.length).toBeGreaterThan(2 << 20);
    expect(text === expected.join('')).toBe(true);
    expect(summary().integrity).toMatchObject({ eventsFinalHash: prev, events: out.events.length });
  });

  it('chunk sizes do not change a byte', () => {
    expect([...timeseriesCsvChunks(out.frame, 1)].join('') === read('timeseries.csv')).toBe(true);
    expect([...eventsJsonlChunks(out.events, 1)].join('') === read('events.jsonl')).toBe(true);
  });

  it('report.html inlines the events, every standard field and the rest as details JSON, with no raw < > & in its scripts', () => {
    const html = read('report.html');
    const payload = (id: string): string => {
      const m = new RegExp(`<script type="application/json" id="${id}">([^<]*)</script>`).exec(html);
      expect(m, id).not.toBeNull();
      return m![1]!;
    };
    for (const id of ['basis-dashboard', 'basis-events']) expect(payload(id)).not.toMatch(/[<>&\u2028\u2029]/);
    const unescape = (s: string): string => s.replace(/\\u003c/g, '<').replace(/\\u003e/g, '>').replace(/\\u0026/g, '&');
    const events = JSON.parse(unescape(payload('basis-events'))) as { dict: Record<'type' | 'venue' | 'token' | 'status', string[]>; rows: Array<[number, number, number, number, number, number, string]> };
    expect(events.rows).toHaveLength(out.events.length);
    const standard = new Set(['order', 'timestampMs', 'type', 'venue', 'token', 'status']);
    const wrong: number[] = [];
    out.events.forEach((e, i) => {
      const [order, ts, type, venue, token, status, details] = events.rows[i]!;
      const rest = Object.fromEntries(Object.entries(e).filter(([k]) => !standard.has(k)));
      let want = Object.keys(rest).length > 0 ? JSON.stringify(rest) : '';
      if (want.length > 4000) want = `${want.slice(0, 4000)}…`;
      const same =
        order === e.order &&
        ts === e.timestampMs &&
        events.dict.type[type] === e.type &&
        (venue === -1 ? e.venue === undefined : events.dict.venue[venue] === e.venue) &&
        (token === -1 ? e.token === undefined : events.dict.token[token] === e.token) &&
        events.dict.status[status] === e.status &&
        details === want;
      if (!same) wrong.push(i);
    });
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
