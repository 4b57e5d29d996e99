import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KeyObject } from 'node:crypto';
import { runCliInProcess } from '../support/cli.js';
import { runBacktest, writeBacktestResults, type BacktestOutput } from '../../src/engine/backtest.js';
import { GENESIS_HASH, chainHash } from '../../src/events/hashChain.js';
import { sha256Hex } from '../../src/events/integrity.js';
import { publicKeyFingerprint } from '../../src/events/signing.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DATA = path.resolve(REPO_ROOT, '../shared/data');

export function tmpDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `basis-audit-${prefix}-`));
}

/** A short btc_basis window: perp opens and closes, funding settlements and transfers, in about a second. */
export const SHORT_RUN = { mode: 'btc_basis', start: '2024-06-01', end: '2024-06-20' } as const;

const outputs = new Map<string, Promise<BacktestOutput>>();
export function output(req: { mode: string; start: string; end: string } = SHORT_RUN): Promise<BacktestOutput> {
  const key = JSON.stringify(req);
  let p = outputs.get(key);
  if (!p) {
    p = runBacktest({ ...req, dataDir: SHARED_DATA, progress: false });
    outputs.set(key, p);
  }
  return p;
}

const pristine = new Map<string, string>();
/**
 * A fresh copy of a real run directory written by the library (unsigned unless a key is given), so each test
 * can corrupt its own copy.
 */
export async function freshRun(opts: { auditKey?: KeyObject; req?: { mode: string; start: string; end: string } } = {}): Promise<string> {
  const req = opts.req ?? SHORT_RUN;
  const key = `${JSON.stringify(req)}|${opts.auditKey ? publicKeyFingerprint(opts.auditKey) : 'unsigned'}`;
  let dir = pristine.get(key);
  if (!dir) {
    dir = path.join(tmpDir('pristine'), 'run');
    await writeBacktestResults(dir, await output(req), { auditKey: opts.auditKey ?? null });
    pristine.set(key, dir);
  }
  const copy = path.join(tmpDir('run'), 'run');
  cpSync(dir, copy, { recursive: true });
  return copy;
}

export interface CliResult {
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI entry point in-process and captures what it prints. */
export async function basis(...args: string[]): Promise<CliResult> {
  const r = await runCliInProcess(args);
  return { exit: r.code, stdout: r.out, stderr: r.err };
}

export type Json = Record<string, unknown>;

export function readLines(dir: string): string[] {
  return readFileSync(path.join(dir, 'events.jsonl'), 'utf8').trimEnd().split('\n');
}

export function writeLines(dir: string, lines: readonly string[]): void {
  writeFileSync(path.join(dir, 'events.jsonl'), lines.join('\n') + '\n');
}

export function readSummary(dir: string): Json {
  return JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Json;
}

export function writeSummary(dir: string, summary: Json): void {
  writeFileSync(path.join(dir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
}

/**
 * What a careful forger does after editing events: recompute every hash of the chain, and record the new head and
 * line count in summary.json (an unsigned summary cannot stop this; the recomputations must).
 */
export function rechain(dir: string, events: readonly Json[]): void {
  let prev = GENESIS_HASH;
  const lines = events.map((e) => {
    const rest = { ...e };
    delete rest['hash'];
    const json = JSON.stringify(rest);
    prev = chainHash(prev, json);
    return `${json.slice(0, -1)},"hash":"${prev}"}`;
  });
  writeLines(dir, lines);
  const s = readSummary(dir);
  writeSummary(dir, { ...s, integrity: { ...(s['integrity'] as Json), eventsFinalHash: prev, events: lines.length } });
}

/** After editing timeseries.csv or config.json, record its new hash so only the recomputations can notice. */
export function rehashFile(dir: string, name: 'timeseries.csv' | 'config.json'): void {
  const s = readSummary(dir);
  const field = name === 'timeseries.csv' ? 'timeseriesSha256' : 'configSha256';
  writeSummary(dir, { ...s, integrity: { ...(s['integrity'] as Json), [field]: sha256Hex(readFileSync(path.join(dir, name))) } });
}

export function parseEvents(dir: string): Json[] {
  return readLines(dir).map((l) => JSON.parse(l) as Json);
}

/** Codes of the problems listed in a failed verify's stderr. */
export function codesIn(stderr: string): string[] {
  return [...stderr.matchAll(/^ {2}- (EVT-\d{3})/gm)].map((m) => m[1]!);
}
