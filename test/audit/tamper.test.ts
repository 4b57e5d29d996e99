import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyRun, MAX_SHOWN_PROBLEMS } from '../../src/events/audit.js';
import { sha256Hex } from '../../src/events/integrity.js';
import { chainHeadOf } from '../../src/events/hashChain.js';
import { basis, codesIn, freshRun, output, parseEvents, readLines, readSummary, rechain, rehashFile, writeLines, writeSummary, type Json } from './helpers.js';

describe('an untouched run', () => {
  it('records the chain head and the file hashes in summary.json, and verifies', async () => {
    const dir = await freshRun();
    const summary = readSummary(dir);
    const lines = readLines(dir);
    const integrity = summary['integrity'] as Json;
    expect(integrity['eventsFinalHash']).toBe((JSON.parse(lines[lines.length - 1]!) as Json)['hash']);
    expect(integrity['events']).toBe(lines.length);
    expect(integrity['timeseriesSha256']).toBe(sha256Hex(readFileSync(path.join(dir, 'timeseries.csv'))));
    expect(integrity['configSha256']).toBe(sha256Hex(readFileSync(path.join(dir, 'config.json'))));
    // The fields other code reads keep their names and places.
    expect(typeof summary['finalEquity']).toBe('number');
    expect(typeof summary['apy']).toBe('number');
    expect(Object.keys(summary['reconciliation'] as Json)).toEqual(['balancePnl', 'attributedPnl', 'residual']);
    expect(summary['signature']).toBeUndefined();
    // The head a writer would compute without the files is the same one.
    expect(chainHeadOf((await output()).events)).toEqual({ hash: integrity['eventsFinalHash'], lines: lines.length });

    const report = await verifyRun(dir);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.signature).toBe('absent');
    expect(report.recomputed).toBeGreaterThan(10);
    const r = await basis('audit', 'verify', dir);
    expect(r.stderr).toBe('');
    expect(r.exit).toBe(0);
    expect(r.stdout).toMatch(/^audit ok: \d+ events replayed, \d+ recomputed from their marks; .*not signed/);
  });
});

/** Each forgery, and the code `audit verify` must fail it with. */
const FIRST_FUNDING = (events: Json[]): number => events.findIndex((e) => e['type'] === 'FUNDING_SETTLED' && (e['details'] as Json)['sizeBase'] !== 0);

const tampers: Array<[string, string, (dir: string) => void]> = [
  [
    'an edited event (hash left alone)',
    'EVT-004',
    (dir) => {
      const lines = readLines(dir);
      const k = lines.findIndex((l) => l.includes('"FUNDING_SETTLED"'));
      lines[k] = lines[k]!.replace(/"rate8h":([-0-9.e]+)/, (_m, v: string) => `"rate8h":${Number(v) * 2}`);
      writeLines(dir, lines);
    },
  ],
  [
    'an edited event with the whole chain recomputed, summary left alone',
    'EVT-006',
    (dir) => {
      const events = parseEvents(dir);
      const e = events[FIRST_FUNDING(events)]!;
      e['details'] = { ...(e['details'] as Json), fallback: true };
      const summary = readFileSync(path.join(dir, 'summary.json'));
      rechain(dir, events);
      writeFileSync(path.join(dir, 'summary.json'), summary);
    },
  ],
  ['an edited timeseries.csv', 'EVT-006', (dir) => edit(dir, 'timeseries.csv', (t) => t.replace(/\n2024-06-02T00:00:00.000Z,([0-9.]+),/, (_m, v: string) => `\n2024-06-02T00:00:00.000Z,${Number(v) + 1},`))],
  ['an edited config.json', 'EVT-006', (dir) => edit(dir, 'config.json', (t) => t.replace('"initialCapital": 100000', '"initialCapital": 1000000'))],
  [
    'an edited summary metric (APY)',
    'EVT-009',
    (dir) => {
      const s = readSummary(dir);
      writeSummary(dir, { ...s, apy: (s['apy'] as number) * 1.5 });
    },
  ],
  [
    'an edited max drawdown and Sharpe',
    'EVT-009',
    (dir) => {
      const s = readSummary(dir);
      writeSummary(dir, { ...s, maxDrawdown: 0, sharpe: (s['sharpe'] as number) + 1 });
    },
  ],
  [
    'an equity column edited consistently with its recorded hash',
    'EVT-009',
    (dir) => {
      edit(dir, 'timeseries.csv', (t) => t.replace(/\n2024-06-02T00:00:00.000Z,([0-9.]+),/, (_m, v: string) => `\n2024-06-02T00:00:00.000Z,${Number(v) - 500},`));
      rehashFile(dir, 'timeseries.csv');
    },
  ],
  [
    'an attribution part moved to another with the totals kept',
    'EVT-009',
    (dir) => {
      const s = readSummary(dir);
      const a = s['attribution'] as Record<string, number>;
      writeSummary(dir, { ...s, attribution: { ...a, funding: a['funding']! + 64, price: a['price']! - 64 } });
    },
  ],
  [
    'a funding payment edited consistently in deltas, balances, payment and P&L, but not the mark or rate',
    'EVT-009',
    (dir) => {
      const events = parseEvents(dir);
      const k = FIRST_FUNDING(events);
      const e = events[k]!;
      const [key, amount] = (e['deltas'] as Array<[string, number]>)[0]!;
      const bump = 25;
      e['deltas'] = [[key, amount + bump]];
      e['pnl'] = { funding: amount + bump };
      e['details'] = { ...(e['details'] as Json), paymentUsdt: amount + bump };
      // Give the money back in the next funding payment to the same account, so later balances and the
      // final equity still replay.
      const back = events.findIndex((x, i) => i > k && x['type'] === 'FUNDING_SETTLED' && (x['deltas'] as Array<[string, number]>)[0]?.[0] === key);
      const b = events[back]!;
      const [, amountBack] = (b['deltas'] as Array<[string, number]>)[0]!;
      b['deltas'] = [[key, amountBack - bump]];
      b['pnl'] = { funding: amountBack - bump };
      b['details'] = { ...(b['details'] as Json), paymentUsdt: amountBack - bump };
      for (let i = k; i < back; i++) {
        const bal = events[i]!['balances'] as Record<string, number>;
        bal[key] = bal[key]! + bump;
      }
      rechain(dir, events);
    },
  ],
  [
    'two events swapped',
    'EVT-004',
    (dir) => {
      const lines = readLines(dir);
      [lines[5], lines[6]] = [lines[6]!, lines[5]!];
      writeLines(dir, lines);
    },
  ],
  ['the last line dropped', 'EVT-006', (dir) => writeLines(dir, readLines(dir).slice(0, -1))],
  [
    'an event moved outside the run window (chain recomputed)',
    'EVT-002',
    (dir) => {
      const events = parseEvents(dir);
      const last = events[events.length - 1]!;
      last['timestampMs'] = (last['timestampMs'] as number) + 86_400_000;
      rechain(dir, events);
    },
  ],
  [
    'the final equity raised in the summary',
    'EVT-004',
    (dir) => {
      const s = readSummary(dir);
      writeSummary(dir, { ...s, finalEquity: (s['finalEquity'] as number) + 1000 });
    },
  ],
];

function edit(dir: string, name: string, f: (text: string) => string): void {
  const file = path.join(dir, name);
  const before = readFileSync(file, 'utf8');
  const after = f(before);
  if (after === before) throw new Error(`the edit of ${name} changed nothing`);
  writeFileSync(file, after);
}

describe('a tampered run fails audit verify with its code', () => {
  it.each(tampers)('%s → %s', async (_what, code, tamper) => {
    const dir = await freshRun();
    tamper(dir);
    const report = await verifyRun(dir);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toContain(code);
    const r = await basis('audit', 'verify', dir);
    expect(r.exit).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(codesIn(r.stderr)).toContain(code);
    expect(r.stderr).toMatch(/^error EVT-\d{3}: audit failed: \d+ problems? in /);
    expect(r.stderr).not.toMatch(/TypeError|\n\s+at /);
  });

  it('names the first failing check: a forged funding payment is caught only by the recomputation', async () => {
    const dir = await freshRun();
    tampers.find(([w]) => w.startsWith('a funding payment'))![2](dir);
    const report = await verifyRun(dir);
    expect(new Set(report.problems.map((p) => p.code))).toEqual(new Set(['EVT-009']));
    expect(report.problems.map((p) => p.path)).toContain('details.paymentUsdt');
    expect((await basis('audit', 'verify', dir)).stderr).toMatch(/^error EVT-009/);
  });
});

describe('problem counts', () => {
  it('summarises the events after a broken hash instead of listing them', async () => {
    const dir = await freshRun();
    const lines = readLines(dir);
    lines[9] = lines[9]!.replace('"status":"completed"', '"status":"failed"');
    writeLines(dir, lines);
    const report = await verifyRun(dir);
    const chain = report.problems.filter((p) => p.code === 'EVT-004');
    expect(chain).toHaveLength(2);
    expect(chain[0]!.line).toBe(10);
    expect(chain[1]!.message).toBe(`… and ${lines.length - 10} later event(s) fail the chain after line 10`);
  });

  it('summarises a replay that diverges for good after an edited delta', async () => {
    const dir = await freshRun();
    const events = parseEvents(dir);
    const k = events.findIndex((e) => e['type'] === 'TRANSFER_STEP');
    const deltas = events[k]!['deltas'] as Array<[string, number]>;
    deltas[0] = [deltas[0]![0], deltas[0]![1] * 0.5];
    rechain(dir, events);
    const report = await verifyRun(dir);
    const replay = report.problems.filter((p) => p.code === 'EVT-004');
    expect(replay[0]!.line).toBe(k + 1);
    expect(replay.some((p) => /later event\(s\) fail the replay after line/.test(p.message))).toBe(true);
    expect(report.problemCount).toBeLessThan(MAX_SHOWN_PROBLEMS);
  });

  it('reports the true total and lists the first 20 when many events are edited', async () => {
    const dir = await freshRun();
    const lines = readLines(dir);
    let edited = 0;
    const out = lines.map((l) => (l.includes('"fallback":false') ? (edited++, l.replace('"fallback":false', '"fallback":true')) : l));
    expect(edited).toBeGreaterThan(MAX_SHOWN_PROBLEMS);
    writeLines(dir, out);
    const report = await verifyRun(dir);
    expect(report.problems).toHaveLength(MAX_SHOWN_PROBLEMS);
    // Every edited line, plus one line summarising the events after the first break.
    expect(report.problemCount).toBe(edited + 1);
    const r = await basis('audit', 'verify', dir);
    expect(r.stderr).toMatch(new RegExp(`^error EVT-004: audit failed: ${edited + 1} problems in .*, first ${MAX_SHOWN_PROBLEMS} shown`));
    expect(codesIn(r.stderr)).toHaveLength(MAX_SHOWN_PROBLEMS);
  });
});
