import { BasisError, type Problem } from '../errors/base.js';
import type { ErrorCode } from '../errors/codes.js';
import { parseCsv, parseTimestamp, type ParsedCsv } from '../data/csv.js';

/**
 * A capital flow of the run: a deposit (amount > 0) or a withdrawal (amount < 0) of the share-class token, applied
 * at the first step whose time is at or after `atMs`.
 */
export interface Flow {
  readonly atMs: number;
  /** Signed, in share-class units: + deposit, − withdrawal. */
  readonly amount: number;
  /** Where the flow was given: `--flow #1`, `flows.csv:3`, `modes.pure_lending.flows[0]`. */
  readonly source: string;
}

/** A flow as recorded in config.json (ISO time), and as a config file writes it. */
export interface FlowRecord {
  readonly at: string;
  readonly amount: number;
  readonly source: string;
}

const EXPECT_TIME = 'a UTC time: 2024-09-01, 2024-09-01T00:00Z or 2024-09-01T00:00:00Z';
const EXPECT_AMOUNT = 'a signed amount in share-class units: +500000 (deposit) or -300000 (withdrawal)';

function fail(code: ErrorCode, message: string, problem: Omit<Problem, 'code' | 'message'>): never {
  throw new BasisError(code, message, { problems: [{ code, message, ...problem }] });
}

/** A signed decimal amount: digits with an optional sign, fraction and exponent; nothing else (no "1,000", no "0x"). */
const AMOUNT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function parseAmount(text: string): number {
  const t = text.trim();
  return AMOUNT.test(t) ? Number(t) : NaN;
}

function checkAmount(amount: number, raw: string, where: Omit<Problem, 'code' | 'message'>, label: string): void {
  if (!Number.isFinite(amount)) fail('FLOW-004', `${label}: the amount is not a finite number`, { ...where, expected: EXPECT_AMOUNT, received: raw });
  if (amount === 0) fail('FLOW-004', `${label}: a flow of zero moves nothing`, { ...where, expected: 'a non-zero amount (+ deposit, − withdrawal)', received: raw });
}

/** One `--flow TIME=AMOUNT` (TIME in any form --start accepts). `n` is its 1-based position on the command line. */
export function parseFlowSpec(spec: string, n: number): Flow {
  const source = `--flow #${n}`;
  const eq = spec.lastIndexOf('=');
  if (eq <= 0 || eq === spec.length - 1) fail('FLOW-001', `${source} must be TIME=AMOUNT`, { path: source, expected: 'TIME=AMOUNT, e.g. 2024-09-01T00:00:00Z=+500000', received: spec });
  const timeText = spec.slice(0, eq).trim();
  const amountText = spec.slice(eq + 1).trim();
  const atMs = parseTimestamp(timeText);
  if (!Number.isFinite(atMs)) fail('FLOW-001', `${source}: ${JSON.stringify(timeText)} is not a UTC time`, { path: source, expected: EXPECT_TIME, received: timeText });
  const amount = parseAmount(amountText);
  if (Number.isNaN(amount)) fail('FLOW-001', `${source}: ${JSON.stringify(amountText)} is not an amount`, { path: source, expected: EXPECT_AMOUNT, received: amountText });
  checkAmount(amount, amountText, { path: source }, source);
  return { atMs, amount, source };
}

/** A CSV of flows with columns `timestamp,amount` (other columns ignored); errors name the file, line and column. */
export function parseFlowsCsv(text: string, file: string): Flow[] {
  let csv: ParsedCsv;
  try {
    csv = parseCsv(text, file);
  } catch (err) {
    if (err instanceof BasisError) {
      const p = err.problems[0];
      throw new BasisError('FLOW-002', `flows file ${file}: ${p?.message ?? err.message}`, { problems: err.problems.map((q) => ({ ...q, code: 'FLOW-002' as const })), cause: err });
    }
    throw err;
  }
  const cols = { timestamp: csv.header.indexOf('timestamp'), amount: csv.header.indexOf('amount') };
  for (const [name, col] of Object.entries(cols)) {
    if (col < 0) fail('FLOW-002', `flows file ${file}: no "${name}" column`, { file, line: csv.headerLine, column: csv.header.length + 1, expected: 'a header with timestamp,amount', received: csv.header.join(',') });
  }
  if (csv.rowCount === 0) fail('FLOW-002', `flows file ${file} lists no flow`, { file, line: csv.headerLine + 1, expected: 'one flow per row under the header', received: 'no rows' });
  const out: Flow[] = [];
  for (let r = 0; r < csv.rowCount; r++) {
    const line = csv.lineOf(r);
    const timeText = csv.field(r, cols.timestamp).trim();
    const atMs = parseTimestamp(timeText);
    if (!Number.isFinite(atMs)) fail('FLOW-002', `${file}:${line}: bad flow time`, { file, line, column: cols.timestamp + 1, expected: EXPECT_TIME, received: timeText === '' ? '(empty)' : timeText });
    const amountText = csv.field(r, cols.amount).trim();
    const amount = parseAmount(amountText);
    if (Number.isNaN(amount)) fail('FLOW-002', `${file}:${line}: bad flow amount`, { file, line, column: cols.amount + 1, expected: EXPECT_AMOUNT, received: amountText === '' ? '(empty)' : amountText });
    checkAmount(amount, amountText, { file, line, column: cols.amount + 1 }, `${file}:${line}`);
    out.push({ atMs, amount, source: `${file}:${line}` });
  }
  return out;
}

/** The flows of a mode config (`modes.<mode>.flows`), already shape-checked by the config schema. */
export function flowsFromConfig(list: ReadonlyArray<{ readonly at: string; readonly amount: number }>, configPath: string): Flow[] {
  return list.map((f, i) => {
    const source = `${configPath}[${i}]`;
    const atMs = parseTimestamp(f.at);
    if (!Number.isFinite(atMs)) fail('FLOW-001', `${source}.at is not a UTC time`, { path: `${source}.at`, expected: EXPECT_TIME, received: f.at });
    checkAmount(f.amount, String(f.amount), { path: `${source}.amount` }, source);
    return { atMs, amount: f.amount, source };
  });
}

export interface FlowWindow {
  readonly startMs: number;
  readonly endMs: number;
  readonly initialCapital: number;
  readonly shareClass: string;
}

/**
 * Sorts the flows by time (stable: flows at one instant keep the order given) and checks them against the run:
 * each lies inside the window (after its first step, which the initial capital owns, and not after its last), and
 * no withdrawal exceeds the book at that point counted in flows (capital + deposits before it − withdrawals before
 * it). Market moves are not known here; a withdrawal the book has lost the value to pay fails when it is due.
 */
export function validateFlows(flows: readonly Flow[], w: FlowWindow): Flow[] {
  const sorted = flows.map((f, i) => ({ f, i })).sort((a, b) => a.f.atMs - b.f.atMs || a.i - b.i).map((x) => x.f);
  const iso = (ms: number): string => new Date(ms).toISOString();
  let book = w.initialCapital;
  for (const f of sorted) {
    if (!(f.atMs > w.startMs && f.atMs <= w.endMs)) {
      fail('FLOW-003', `${f.source}: flow at ${iso(f.atMs)} is outside the run window`, { path: f.source, expected: `a time after ${iso(w.startMs)} and at or before ${iso(w.endMs)}`, received: iso(f.atMs) });
    }
    if (f.amount < 0 && -f.amount > book) {
      fail('FLOW-005', `${f.source}: withdrawal of ${-f.amount} ${w.shareClass} is larger than the book of ${book} ${w.shareClass} at ${iso(f.atMs)}`, {
        path: f.source,
        expected: `a withdrawal of at most ${book} ${w.shareClass} (capital + deposits − withdrawals before it)`,
        received: String(-f.amount),
      });
    }
    book += f.amount;
  }
  return sorted;
}

export function flowRecords(flows: readonly Flow[]): FlowRecord[] {
  return flows.map((f) => ({ at: new Date(f.atMs).toISOString(), amount: f.amount, source: f.source }));
}
