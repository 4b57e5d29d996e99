import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GENESIS_HASH, chainHash } from '../../../src/events/hashChain.js';
import { signSummary } from '../../../src/events/signing.js';
import type { CorpusCase, CorpusRun } from '../types.js';

/**
 * Corrupted run directories for `basis audit verify`. Each setup writes a good short btc_basis run (perp trades,
 * funding settlements, transfers) into {scratch}/run with the real CLI, then breaks one thing. verify only reads,
 * so no file under scratch may change.
 */

type Ctx = Parameters<NonNullable<CorpusCase['setup']>>[0];
type Json = Record<string, unknown>;

const RUN = (ctx: Ctx): string => path.join(ctx.scratch, 'run');

function goodRun(ctx: Ctx): string {
  const out = RUN(ctx);
  const r: CorpusRun = ctx.run(['backtest', '--mode', 'btc_basis', '--start', '2024-06-01', '--end', '2024-06-05', '--data-dir', ctx.dataDir, '--no-progress', '--out', out]);
  if (r.status !== 0) throw new Error(`the good run failed (${r.status}): ${r.stderr}`);
  return out;
}

const eventsFile = (dir: string): string => path.join(dir, 'events.jsonl');
const lines = (dir: string): string[] => readFileSync(eventsFile(dir), 'utf8').trimEnd().split('\n');
const writeLines = (dir: string, ls: readonly string[]): void => writeFileSync(eventsFile(dir), ls.join('\n') + '\n');
const summary = (dir: string): Json => JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Json;
const writeSummary = (dir: string, s: Json): void => writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(s, null, 2) + '\n');

/** A good run with line `n` (1-based) of events.jsonl replaced. */
const withLine = (n: number, text: (old: string) => string) => (ctx: Ctx): void => {
  const dir = goodRun(ctx);
  const ls = lines(dir);
  ls[n - 1] = text(ls[n - 1]!);
  writeLines(dir, ls);
};

/** A good run with one file's text edited; the edit must change something. */
const withFile = (name: string, edit: (old: string) => string) => (ctx: Ctx): void => {
  const file = path.join(goodRun(ctx), name);
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`the corruption of ${name} changed nothing`);
  writeFileSync(file, after);
};

/** Recomputes the whole chain and records its head in summary.json, as a careful forger would. */
function rechain(dir: string, events: Json[]): void {
  let prev = GENESIS_HASH;
  const out = events.map((e) => {
    const rest = { ...e };
    delete rest['hash'];
    const json = JSON.stringify(rest);
    prev = chainHash(prev, json);
    return `${json.slice(0, -1)},"hash":"${prev}"}`;
  });
  writeLines(dir, out);
  const s = summary(dir);
  writeSummary(dir, { ...s, integrity: { ...(s['integrity'] as Json), eventsFinalHash: prev, events: out.length } });
}

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const PUBLIC_PEM = publicKey.export({ format: 'pem', type: 'spki' }).toString();

/** A good run whose summary is then signed with this module's key (the setup's run has no key), public key beside it. */
function signedRun(ctx: Ctx): string {
  const dir = goodRun(ctx);
  const s = summary(dir);
  writeSummary(dir, { ...s, signature: signSummary(s, privateKey) });
  writeFileSync(path.join(ctx.scratch, 'audit.pub'), PUBLIC_PEM);
  return dir;
}

const VERIFY = ['audit', 'verify', '{scratch}/run'] as const;

export const cases: readonly CorpusCase[] = [
  { name: 'audit: an untouched run verifies', class: 'audit', setup: goodRun, args: VERIFY, expect: { accepted: true, why: 'hashes, chain, replay, recomputations and metrics all match' } },
  { name: 'audit: a signed run verifies with its public key', class: 'audit', setup: signedRun, args: [...VERIFY, '--public-key', '{scratch}/audit.pub'], expect: { accepted: true, why: 'the signature covers the canonical summary' } },
  { name: 'audit: an event line of null', class: 'audit', setup: withLine(3, () => 'null'), args: VERIFY, expect: { code: 'EVT-005' } },
  { name: 'audit: an event line of {}', class: 'audit', setup: withLine(3, () => '{}'), args: VERIFY, expect: { code: 'EVT-005' } },
  { name: 'audit: an event line of 42', class: 'audit', setup: withLine(2, () => '42'), args: VERIFY, expect: { code: 'EVT-005' } },
  { name: 'audit: "deltas": 5', class: 'audit', setup: withLine(2, (l) => l.replace(/"deltas":\[[^\]]*\]/, '"deltas":5')), args: VERIFY, expect: { code: 'EVT-005' } },
  { name: 'audit: an event without its status', class: 'audit', setup: withLine(4, (l) => l.replace('"status":"completed",', '')), args: VERIFY, expect: { code: 'EVT-005' } },
  { name: 'audit: a line that is not JSON', class: 'audit', setup: withLine(5, () => '{"type": "FUNDING_SETTLED",'), args: VERIFY, expect: { code: 'EVT-005' } },
  { name: 'audit: an empty events.jsonl', class: 'audit', setup: withFile('events.jsonl', () => ''), args: VERIFY, expect: { code: 'EVT-005' } },
  { name: 'audit: a summary.json of {}', class: 'audit', setup: withFile('summary.json', () => '{}'), args: VERIFY, expect: { code: 'EVT-005' } },
  { name: 'audit: a summary.json that is not JSON', class: 'audit', setup: withFile('summary.json', (t) => t.slice(0, 40)), args: VERIFY, expect: { code: 'EVT-005' } },
  { name: 'audit: a missing events.jsonl', class: 'audit', setup: (ctx) => rmSync(eventsFile(goodRun(ctx))), args: VERIFY, expect: { code: 'EVT-001' } },
  { name: 'audit: a directory that is not a run', class: 'audit', setup: (ctx) => { mkdirSync(path.join(ctx.scratch, 'notes')); writeFileSync(path.join(ctx.scratch, 'notes', 'todo.md'), '- buy milk\n'); }, args: ['audit', 'verify', '{scratch}/notes'], expect: { code: 'EVT-001' } },
  { name: 'audit: a run directory that does not exist', class: 'audit', args: ['audit', 'verify', '{scratch}/no-such-run'], expect: { code: 'EVT-001' } },
  { name: 'audit: an edited funding rate (hash left alone)', class: 'audit', setup: withFile('events.jsonl', (t) => t.replace(/"rate8h":([-0-9.e]+)/, (_m, v: string) => `"rate8h":${Number(v) * 3}`)), args: VERIFY, expect: { code: 'EVT-004' } },
  { name: 'audit: two events swapped', class: 'audit', setup: (ctx) => { const dir = goodRun(ctx); const ls = lines(dir); [ls[5], ls[6]] = [ls[6]!, ls[5]!]; writeLines(dir, ls); }, args: VERIFY, expect: { code: 'EVT-004' } },
  { name: 'audit: the last event dropped', class: 'audit', setup: (ctx) => { const dir = goodRun(ctx); writeLines(dir, lines(dir).slice(0, -1)); }, args: VERIFY, expect: { code: 'EVT-006' } },
  { name: 'audit: an edited timeseries.csv', class: 'audit', setup: withFile('timeseries.csv', (t) => t.replace(/\n(2024-06-02T00:00:00.000Z),([0-9.]+),/, (_m, ts: string, v: string) => `\n${ts},${Number(v) + 1},`)), args: VERIFY, expect: { code: 'EVT-006' } },
  { name: 'audit: an edited config.json', class: 'audit', setup: withFile('config.json', (t) => t.replace('"initialCapital": 100000', '"initialCapital": 250000')), args: VERIFY, expect: { code: 'EVT-006' } },
  { name: 'audit: an edited APY in summary.json', class: 'audit', setup: (ctx) => { const dir = goodRun(ctx); const s = summary(dir); writeSummary(dir, { ...s, apy: (s['apy'] as number) + 0.05 }); }, args: VERIFY, expect: { code: 'EVT-009' } },
  {
    name: 'audit: a funding payment forged in deltas, balances, payment and P&L (not mark or rate), chain recomputed',
    class: 'audit',
    setup: (ctx) => {
      const dir = goodRun(ctx);
      const events = lines(dir).map((l) => JSON.parse(l) as Json);
      const funding = (e: Json): boolean => e['type'] === 'FUNDING_SETTLED' && (e['deltas'] as unknown[]).length === 1;
      const k = events.findIndex(funding);
      const key = (events[k]!['deltas'] as Array<[string, number]>)[0]![0];
      // +10 on one payment, −10 on the next to the same account: every balance between is lifted, so the replay
      // and the final equity hold and only the recomputation from mark and rate can tell.
      const back = events.findIndex((e, i) => i > k && funding(e) && (e['deltas'] as Array<[string, number]>)[0]![0] === key);
      for (const [i, bump] of [[k, 10], [back, -10]] as const) {
        const e = events[i]!;
        const amount = (e['deltas'] as Array<[string, number]>)[0]![1] + bump;
        e['deltas'] = [[key, amount]];
        e['pnl'] = { funding: amount };
        e['details'] = { ...(e['details'] as Json), paymentUsdt: amount };
      }
      for (let i = k; i < back; i++) {
        const b = events[i]!['balances'] as Record<string, number>;
        b[key] = b[key]! + 10;
      }
      rechain(dir, events);
    },
    args: VERIFY,
    expect: { code: 'EVT-009' },
  },
  { name: 'audit: a signed summary edited after signing', class: 'audit', setup: (ctx) => { const dir = signedRun(ctx); const s = summary(dir); writeSummary(dir, { ...s, rebalances: (s['rebalances'] as number) + 1 }); }, args: [...VERIFY, '--public-key', '{scratch}/audit.pub'], expect: { code: 'EVT-007' } },
  { name: 'audit: an unsigned run checked with a public key', class: 'audit', setup: (ctx) => { goodRun(ctx); writeFileSync(path.join(ctx.scratch, 'audit.pub'), PUBLIC_PEM); }, args: [...VERIFY, '--public-key', '{scratch}/audit.pub'], expect: { code: 'EVT-007' } },
  { name: 'audit: a --public-key file that is not a key', class: 'audit', setup: (ctx) => { goodRun(ctx); writeFileSync(path.join(ctx.scratch, 'audit.pub'), 'ssh-ed25519 AAAA not-pem\n'); }, args: [...VERIFY, '--public-key', '{scratch}/audit.pub'], expect: { code: 'EVT-008' } },
  { name: 'audit: a BASIS_AUDIT_KEY that is not an Ed25519 private key', class: 'audit', args: ['backtest', '--mode', 'btc_basis', '--start', '2024-06-01', '--end', '2024-06-03', '--no-progress', '--out', '{scratch}/signed'], env: { BASIS_AUDIT_KEY: 'not-a-key' }, expect: { code: 'EVT-008' } },
];
