import { readFile, stat } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import path from 'node:path';
import { BasisError, type Problem } from '../errors/base.js';
import type { ErrorCode } from '../errors/codes.js';
import type { PositionKey } from '../domain/positionKey.js';
import { applyDelta, Book } from '../components/book.js';
import { parseMarks } from '../components/marks.js';
import { ExposureMonitor } from '../components/exposureMonitor.js';
import { computeMetrics, type Metrics } from '../report/metrics.js';
import { ATTRIBUTION_PARTS, type AttributionPart } from '../domain/attribution.js';
import { GENESIS_HASH, chainHash } from './hashChain.js';
import { sha256Hex } from './integrity.js';
import { eventLineSchema, isEventLine, shapeProblem, summaryFileSchema, type EventLine, type SummaryFile } from './runFiles.js';
import { checkSummarySignature } from './signing.js';

/** At most this many problems are listed; the report always carries the true count. */
export const MAX_SHOWN_PROBLEMS = 20;

export interface AuditOptions {
  /** Ed25519 public key the summary's signature must verify against (a missing signature is then EVT-007). */
  readonly publicKey?: KeyObject;
}

export interface AuditReport {
  readonly ok: boolean;
  readonly events: number;
  /** The first {@link MAX_SHOWN_PROBLEMS} problems, in the order the checks found them. */
  readonly problems: readonly Problem[];
  /** Every problem found, listed or not; a cascade summarised as one line counts once. */
  readonly problemCount: number;
  /** Events whose booked amounts were recomputed from their own marks and the book before them. */
  readonly recomputed: number;
  /** verified: checked against the given key; unchecked: signed, but no key was given; absent: not signed. */
  readonly signature: 'verified' | 'unchecked' | 'absent';
  readonly finalEquity: number;
  readonly balancePnl: number;
}

/** Attribution parts only events book (market moves book the others per step), so the events must add up to them. */
const EVENT_BOOKED_PARTS: readonly AttributionPart[] = ['rewards', 'funding', 'tradingFees', 'slippage', 'gas', 'transferFees', 'liquidationPenalty'];

class Problems {
  readonly shown: Problem[] = [];
  count = 0;
  add(p: Problem): void {
    this.count++;
    if (this.shown.length < MAX_SHOWN_PROBLEMS) this.shown.push(p);
  }
}

/** Counts the events that fail a check after its first failure, which is listed, and summarises them as one problem. */
class Cascade {
  first: number | undefined;
  later = 0;
  private lastLine = 0;
  constructor(
    private readonly problems: Problems,
    private readonly file: string,
    private readonly what: string,
  ) {}
  /** True when the failure is the first one and should be listed by the caller. */
  fail(line: number): boolean {
    if (this.first === undefined) {
      this.first = line;
      return true;
    }
    if (line !== this.first && line !== this.lastLine) this.later++;
    this.lastLine = line;
    return false;
  }
  close(): void {
    if (this.later > 0) this.problems.add({ code: 'EVT-004', file: this.file, line: this.first, message: `… and ${this.later} later event(s) fail the ${this.what} after line ${this.first}` });
  }
}

/**
 * Checks a run directory against itself, in this order (the first problem found names the error):
 * 1. summary.json is well formed; its signature verifies when a public key is given (EVT-007);
 * 2. timeseries.csv and config.json hash to what summary.json recorded, and events.jsonl ends on the recorded
 *    chain head with the recorded number of lines (EVT-006);
 * 3. every line of events.jsonl is a well-formed event (EVT-005); the hash chain holds (EVT-004); order numbers
 *    increase by one and timestamps never go backwards nor leave the run's window (EVT-002);
 * 4. replaying every delta from nothing with the engine's own balance rule reproduces the balances after each
 *    event, and revaluing the final book at the recorded marks reproduces the final equity and balance P&L
 *    bit for bit (EVT-004);
 * 5. what can be recomputed from an event's own fields and the book before it is (EVT-009): see
 *    {@link checkEventArithmetic}; the parts only events book add up to the summary's attribution; the summary's
 *    reconciliation adds up; and the metrics recomputed from timeseries.csv with the report's own code equal the
 *    summary's (EVT-009).
 * Missing files throw EVT-001; malformed content is reported as EVT-005 problems with file and line.
 */
export async function verifyRun(runDir: string, opts: AuditOptions = {}): Promise<AuditReport> {
  const files = await readRunFiles(runDir);
  const problems = new Problems();
  const result = (extra: Partial<AuditReport> = {}): AuditReport => ({
    ok: problems.count === 0,
    events: 0,
    problems: problems.shown,
    problemCount: problems.count,
    recomputed: 0,
    signature: 'absent',
    finalEquity: NaN,
    balancePnl: NaN,
    ...extra,
  });

  const summaryFile = path.join(runDir, 'summary.json');
  const parsed = parseSummary(files.summary, summaryFile, problems);
  if (!parsed) return result();
  const summary = parsed.data;

  let signature: AuditReport['signature'] = summary.signature ? 'unchecked' : 'absent';
  if (opts.publicKey) {
    if (!summary.signature) problems.add({ code: 'EVT-007', file: summaryFile, path: 'signature', message: 'summary.json is not signed but a public key was given', expected: 'an ed25519 signature', received: 'nothing (missing)' });
    else {
      const why = checkSummarySignature(parsed.raw, summary.signature, opts.publicKey);
      if (why !== undefined) problems.add({ code: 'EVT-007', file: summaryFile, path: 'signature', message: why });
      else signature = 'verified';
    }
  }

  const rec = summary.integrity;
  const tsFile = path.join(runDir, 'timeseries.csv');
  const configFile = path.join(runDir, 'config.json');
  const eventsFile = path.join(runDir, 'events.jsonl');
  const tsHash = sha256Hex(files.timeseries);
  if (tsHash !== rec.timeseriesSha256) problems.add({ code: 'EVT-006', file: tsFile, message: 'timeseries.csv is not the file the run wrote', expected: `sha256 ${rec.timeseriesSha256}`, received: tsHash });
  const configHash = sha256Hex(files.config);
  if (configHash !== rec.configSha256) problems.add({ code: 'EVT-006', file: configFile, message: 'config.json is not the file the run wrote', expected: `sha256 ${rec.configSha256}`, received: configHash });

  const events = parseEvents(files.events, eventsFile, problems);
  if (!events) return result({ signature });
  const last = events[events.length - 1]!;
  if (last.event.hash !== rec.eventsFinalHash) problems.add({ code: 'EVT-006', file: eventsFile, line: last.line, message: 'events.jsonl does not end on the chain head summary.json recorded: events were appended, dropped or re-chained', expected: rec.eventsFinalHash, received: last.event.hash });
  if (events.length !== rec.events) problems.add({ code: 'EVT-006', file: eventsFile, message: 'events.jsonl does not hold the number of events summary.json recorded', expected: String(rec.events), received: String(events.length) });

  checkChain(events, eventsFile, problems);
  checkOrder(events, summary, eventsFile, problems);
  const replay = replayBook(events, summary, eventsFile, problems);
  const recomputed = checkEventArithmetic(events, summary, eventsFile, problems);
  checkEventAttribution(events, summary, summaryFile, problems);
  checkSummaryArithmetic(summary, summaryFile, problems);
  checkTimeseries(files.timeseries, summary, tsFile, summaryFile, problems);
  return result({ events: events.length, recomputed, signature, finalEquity: replay.finalEquity, balancePnl: replay.balancePnl });
}

interface RunFiles {
  readonly summary: string;
  readonly events: string;
  readonly timeseries: Buffer;
  readonly config: Buffer;
}

const RUN_FILES = ['summary.json', 'events.jsonl', 'timeseries.csv', 'config.json'] as const;

async function readRunFiles(runDir: string): Promise<RunFiles> {
  const unreadable = (message: string, file = runDir, cause?: unknown): BasisError =>
    new BasisError('EVT-001', message, { cause, problems: [{ code: 'EVT-001', file, message }] });
  let isDir: boolean;
  try {
    isDir = (await stat(runDir)).isDirectory();
  } catch (cause) {
    throw unreadable(`run directory ${runDir} not found`, runDir, cause);
  }
  if (!isDir) throw unreadable(`${runDir} is a file, not a run directory`);
  // The log and the summary are only read as text; the two files hashed byte for byte are kept as bytes.
  const read = await Promise.all(
    RUN_FILES.map((f) => (f === 'summary.json' || f === 'events.jsonl' ? readFile(path.join(runDir, f), 'utf8') : readFile(path.join(runDir, f))).then((b) => b, (err: NodeJS.ErrnoException) => err)),
  );
  const missing = RUN_FILES.filter((_, i) => read[i] instanceof Error);
  if (missing.length === RUN_FILES.length) {
    throw unreadable(`${runDir} is not a run directory: it holds none of ${RUN_FILES.join(', ')}`);
  }
  if (missing.length > 0) {
    const problems: Problem[] = missing.map((f) => {
      const err = read[RUN_FILES.indexOf(f)] as NodeJS.ErrnoException;
      return { code: 'EVT-001', file: path.join(runDir, f), message: err.code === 'ENOENT' ? `${f} is missing` : `${f} cannot be read: ${err.message}` };
    });
    throw new BasisError('EVT-001', `cannot read the run in ${runDir}: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing or unreadable`, { problems });
  }
  const [summary, events, timeseries, config] = read as [string, string, Buffer, Buffer];
  return { summary, events, timeseries, config };
}

/** The validated summary, and the object as parsed with every field (the signature covers fields the audit does not read). */
function parseSummary(text: string, file: string, problems: Problems): { data: SummaryFile; raw: Readonly<Record<string, unknown>> } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    problems.add({ code: 'EVT-005', file, message: `summary.json is not JSON: ${(err as Error).message}` });
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.add({ code: 'EVT-005', file, message: 'summary.json must be a JSON object', received: JSON.stringify(value).slice(0, 80) });
    return undefined;
  }
  const parsed = summaryFileSchema.safeParse(value);
  if (!parsed.success && parsed.error.issues[0]?.path[0] === 'integrity' && !Object.hasOwn(value, 'integrity')) {
    problems.add({ code: 'EVT-005', file, path: 'integrity', message: 'summary.json records no file hashes: it was written before runs recorded them, or the record was removed; re-run the backtest', received: 'nothing (missing)' });
    return undefined;
  }
  if (!parsed.success) {
    problems.add(shapeProblem(parsed.error, value, file));
    return undefined;
  }
  return { data: parsed.data, raw: value as Record<string, unknown> };
}

interface Line {
  readonly line: number;
  readonly event: EventLine;
  /** The hash this line must carry: sha256 of the previous line's recorded hash and this event's JSON without it. */
  readonly expectedHash: string;
}

function parseEvents(text: string, file: string, problems: Problems): Line[] | undefined {
  const raw = text.split('\n');
  const out: Line[] = [];
  let malformed = 0;
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < raw.length; i++) {
    const s = raw[i]!;
    if (s.length === 0) {
      if (i < raw.length - 1) {
        malformed++;
        problems.add({ code: 'EVT-005', file, line: i + 1, message: 'blank line in the event log' });
      }
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(s);
    } catch (err) {
      malformed++;
      problems.add({ code: 'EVT-005', file, line: i + 1, message: `line is not JSON: ${(err as Error).message}` });
      continue;
    }
    if (!isEventLine(value)) {
      const parsed = eventLineSchema.safeParse(value);
      if (!parsed.success) {
        malformed++;
        problems.add(shapeProblem(parsed.error, value, file, i + 1));
        continue;
      }
    }
    // The raw object keeps the engine's field order, which the hash covers; zod's output is in schema order.
    const { hash, ...rest } = value as EventLine;
    out.push({ line: i + 1, event: value as EventLine, expectedHash: chainHash(prevHash, JSON.stringify(rest)) });
    prevHash = hash;
  }
  if (out.length === 0 && malformed === 0) problems.add({ code: 'EVT-005', file, line: 1, message: 'events.jsonl is empty: a run logs at least INITIAL_CAPITAL and RUN_END' });
  return malformed === 0 && out.length > 0 ? out : undefined;
}

/**
 * Each line's hash must be sha256(previous line's hash + its JSON). A break is listed where it happens; the
 * lines after it, which the chain no longer vouches for, are counted in one line unless they break on their own.
 */
function checkChain(events: readonly Line[], file: string, problems: Problems): void {
  let firstBreak: number | undefined;
  let later = 0;
  for (const { line, event, expectedHash } of events) {
    if (event.hash !== expectedHash) {
      firstBreak ??= line;
      problems.add({ code: 'EVT-004', file, line, message: 'hash chain broken: the event was edited, inserted, removed or moved', expected: expectedHash, received: event.hash });
    } else if (firstBreak !== undefined) later++;
  }
  if (later > 0) problems.add({ code: 'EVT-004', file, line: firstBreak, message: `… and ${later} later event(s) fail the chain after line ${firstBreak}` });
}

function checkOrder(events: readonly Line[], summary: SummaryFile, file: string, problems: Problems): void {
  const startMs = Date.parse(summary.start);
  const endMs = Date.parse(summary.end);
  let lastOrder = 0;
  let lastTs = -Infinity;
  for (const { line, event: e } of events) {
    if (e.order !== lastOrder + 1) problems.add({ code: 'EVT-002', file, line, path: 'order', message: 'event order must increase by one', expected: String(lastOrder + 1), received: String(e.order) });
    if (e.timestampMs < lastTs) problems.add({ code: 'EVT-002', file, line, path: 'timestampMs', message: 'timestamps must not go backwards', expected: `>= ${lastTs}`, received: String(e.timestampMs) });
    if (e.timestampMs < startMs || e.timestampMs > endMs) {
      problems.add({ code: 'EVT-002', file, line, path: 'timestampMs', message: 'event outside the run window', expected: `${summary.start} .. ${summary.end}`, received: Number.isFinite(e.timestampMs) ? new Date(e.timestampMs).toISOString() : String(e.timestampMs) });
    }
    lastOrder = e.order;
    lastTs = e.timestampMs;
  }
}

/** Replays every delta from an empty book with the engine's own balance rule and revalues the final book. */
function replayBook(events: readonly Line[], summary: SummaryFile, file: string, problems: Problems): { finalEquity: number; balancePnl: number } {
  const failed = { finalEquity: NaN, balancePnl: NaN };
  const endLine = events[events.length - 1]!;
  const end = endLine.event;
  if (end.type !== 'RUN_END') {
    problems.add({ code: 'EVT-004', file, line: endLine.line, message: 'the log must end with RUN_END', received: end.type });
    return failed;
  }
  // Balances list non-zero positions only: the book is every key any event moved or held.
  const keySet = new Set<string>();
  for (const { event: e } of events) {
    for (const [key] of e.deltas) keySet.add(key);
    for (const key of Object.keys(e.balances ?? {})) keySet.add(key);
  }
  const declared = typeof end.details?.['positions'] === 'string' ? end.details['positions'].split(',') : [];
  for (const key of keySet) if (!declared.includes(key)) problems.add({ code: 'EVT-004', file, line: endLine.line, message: `position ${key} is not among the run's subscribed positions` });
  const keys = (declared.length > 0 ? declared : [...keySet]) as PositionKey[];
  let pm: Book;
  try {
    pm = new Book(keys);
  } catch (err) {
    problems.add({ code: 'EVT-004', file, line: endLine.line, message: `the log holds an invalid position key: ${messageOf(err)}` });
    return failed;
  }
  const slotOf = (key: string): number | undefined => (keySet.has(key) || declared.includes(key) ? safeSlot(pm, key) : undefined);
  const cascade = new Cascade(problems, file, 'replay');
  const flight = new Map<string, { token: string; amount: number; to: string }>();
  for (const { line, event: e } of events) {
    try {
      for (const [key, delta] of e.deltas) {
        const slot = slotOf(key);
        if (slot === undefined) throw new Error(`unknown position ${key}`);
        pm.amounts[slot] = applyDelta(key, pm.slots[slot]!.def.kind === 'perp', pm.amounts[slot] as number, delta);
      }
    } catch (err) {
      if (cascade.fail(line)) problems.add({ code: 'EVT-004', file, line, message: `replay failed: ${messageOf(err)}` });
    }
    const d = e.details ?? {};
    if (e.type === 'TRANSFER_STEP' && typeof d['id'] === 'string') {
      if (d['stage'] === 'sent' && Number(d['arriveInSteps']) > 0) flight.set(d['id'], { token: String(e.token), amount: Number(d['arrivingToken']), to: `${String(d['to'])}:BaseToken:${String(e.token)}` });
      else if (d['stage'] === 'credited') flight.delete(d['id']);
    }
    if (e.balances) {
      for (const s of pm.slots) {
        const want = e.balances[s.key] ?? 0;
        const got = pm.amounts[s.index] as number;
        if (got !== want && cascade.fail(line)) problems.add({ code: 'EVT-004', file, line, path: `balances.${s.key}`, message: `balance of ${s.key} after event ${e.order} does not replay`, expected: String(want), received: String(got) });
      }
    }
  }
  cascade.close();
  const recordedFlight = Object.keys(end.inFlight ?? {}).sort().join(',');
  if ([...flight.keys()].sort().join(',') !== recordedFlight) problems.add({ code: 'EVT-004', file, line: endLine.line, message: 'transfers in flight do not replay', expected: recordedFlight, received: [...flight.keys()].join(',') });

  // Revalue the replayed book at the recorded marks with the engine's own exposure code.
  for (const [key, entry] of Object.entries(end.perpEntries ?? {})) {
    const slot = safeSlot(pm, key);
    if (slot !== undefined) pm.perpEntry[slot] = entry;
  }
  for (const [id, t] of flight) {
    pm.inFlight.push({ id, token: t.token, amount: t.amount, to: t.to as PositionKey, arriveMs: 0, numeraire: t.token === 'USDT' ? 'usdt' : t.token === 'ETH' ? 'eth' : 'btc' });
  }
  const exp = new ExposureMonitor(summary.shareClass, pm.slots);
  exp.compute(pm, parseMarks(end.details ?? {}));
  const finalEquity = exp.equity;
  const netFlows = replayedNetFlows(events);
  if (netFlows !== (summary.reconciliation.netFlows ?? 0)) problems.add({ code: 'EVT-004', file, line: endLine.line, message: 'net capital flows (completed DEPOSIT and WITHDRAWAL deltas) do not replay', expected: String(summary.reconciliation.netFlows ?? 0), received: String(netFlows) });
  const balancePnl = finalEquity - summary.initialCapital - netFlows;
  if (finalEquity !== summary.finalEquity) problems.add({ code: 'EVT-004', file, line: endLine.line, message: 'final equity does not replay', expected: String(summary.finalEquity), received: String(finalEquity) });
  if (balancePnl !== summary.reconciliation.balancePnl) problems.add({ code: 'EVT-004', file, line: endLine.line, message: 'balance P&L does not replay', expected: String(summary.reconciliation.balancePnl), received: String(balancePnl) });
  return { finalEquity, balancePnl };
}

/** Deposits less withdrawals paid, summed in log order as the engine summed them. */
function replayedNetFlows(events: readonly Line[]): number {
  let net = 0;
  for (const { event: e } of events) {
    if ((e.type === 'DEPOSIT' || e.type === 'WITHDRAWAL') && e.status === 'completed') for (const [, v] of e.deltas) net += v;
  }
  return net;
}

function safeSlot(pm: Book, key: string): number | undefined {
  try {
    return pm.slotOf(key);
  } catch {
    return undefined;
  }
}

/**
 * Recomputes, bit for bit and with the engine's own formulas, what an event's own fields and the book before it
 * determine (the book before an event is the previous event's recorded balances and perp entries, so one bad
 * event does not implicate the next):
 * - INITIAL_CAPITAL (the first line): one delta of the summary's initial capital into the share-class wallet;
 * - DEPOSIT / WITHDRAWAL (completed): one delta of ± the amount in the share-class wallet; units issued or redeemed
 *   = amount / NAV per share; units after = the initial capital's units plus the flows' units before it;
 * - FUNDING_SETTLED: the size paid on is the perp position before the event; payment = −size × mark × rate;
 *   the only delta moves the payment into that venue's USDT; in a USDT fund the booked funding is the payment;
 * - PERP_OPEN / PERP_CLOSE: the perp delta is the recorded size after minus the size before, which must be the
 *   balance after; realized P&L = closed size × sign(size before) × (fill − entry before) on the closing part;
 *   the USDT deltas are that realized P&L and minus the fee; in a USDT fund the booked trading fee is −fee.
 * Other events carry no marks their amounts follow from exactly (slippage is recorded rounded to bps, gas per
 * operation, swaps at pool prices not in the log): the replay still checks their deltas against their balances.
 * Returns the number of events recomputed.
 */
function checkEventArithmetic(events: readonly Line[], summary: SummaryFile, file: string, problems: Problems): number {
  let n = 0;
  const usdFund = summary.shareClass === 'USDT';
  let before: Readonly<Record<string, number>> = {};
  let entriesBefore: Readonly<Record<string, number>> = {};
  let units = summary.initialCapital;
  for (const [i, { line, event: e }] of events.entries()) {
    const bad = (pathTo: string, message: string, expected: unknown, received: unknown): void =>
      problems.add({ code: 'EVT-009', file, line, path: pathTo, message, expected: show(expected), received: show(received) });
    const d = e.details ?? {};
    if (e.type === 'INITIAL_CAPITAL') {
      n++;
      const key = `wallet:BaseToken:${summary.shareClass}`;
      if (i !== 0) bad('type', 'INITIAL_CAPITAL must be the first event', 'line 1', `line ${line}`);
      if (!sameDeltas(e.deltas, [[key, summary.initialCapital]])) bad('deltas', 'initial capital does not match the summary', JSON.stringify([[key, summary.initialCapital]]), JSON.stringify(e.deltas));
    } else if ((e.type === 'DEPOSIT' || e.type === 'WITHDRAWAL') && e.status === 'completed') {
      n++;
      const key = `wallet:BaseToken:${summary.shareClass}`;
      const deposit = e.type === 'DEPOSIT';
      const amount = num(d['amountToken']);
      const nav = num(d['navPerShare']);
      const moved = deposit ? num(d['unitsIssued']) : num(d['unitsRedeemed']);
      const signed = deposit ? amount : -amount;
      if (!(amount > 0)) bad('details.amountToken', 'a flow moves a positive amount', '> 0', d['amountToken']);
      if (!sameDeltas(e.deltas, [[key, signed]])) bad('deltas', `a ${e.type} moves its amount ${deposit ? 'into' : 'out of'} the share-class wallet`, JSON.stringify([[key, signed]]), JSON.stringify(e.deltas));
      if (moved !== amount / nav) bad(deposit ? 'details.unitsIssued' : 'details.unitsRedeemed', 'units are the amount over the NAV per share', amount / nav, moved);
      // The units the flow should have moved carry on, so one bad event does not implicate the next.
      units = deposit ? units + amount / nav : units - amount / nav;
      if (num(d['unitsAfter']) !== units) bad('details.unitsAfter', 'units after the flow do not follow from the initial capital and the flows before it', units, d['unitsAfter']);
    } else if (e.type === 'FUNDING_SETTLED' && e.status === 'completed') {
      n++;
      const perp = `${e.venue}:Perp:${e.token}`;
      const usdt = `${e.venue}:BaseToken:USDT`;
      const size = num(d['sizeBase']);
      const mark = num(d['markUsdt']);
      const rate = num(d['rate8h']);
      const payment = -size * mark * rate;
      if (size !== (before[perp] ?? 0)) bad('details.sizeBase', `funding paid on a size that is not the ${perp} position before the event`, before[perp] ?? 0, d['sizeBase']);
      if (num(d['paymentUsdt']) !== payment) bad('details.paymentUsdt', 'funding payment is not −size × mark × rate', payment, d['paymentUsdt']);
      if (!sameDeltas(e.deltas, payment === 0 ? [] : [[usdt, payment]])) bad('deltas', 'funding deltas do not move −size × mark × rate into the venue\'s USDT', JSON.stringify([[usdt, payment]]), JSON.stringify(e.deltas));
      if (usdFund && (e.pnl?.funding ?? 0) !== payment) bad('pnl.funding', 'booked funding is not the payment', payment, e.pnl?.funding ?? 0);
    } else if ((e.type === 'PERP_OPEN' || e.type === 'PERP_CLOSE') && e.status === 'completed') {
      n++;
      const perp = `${e.venue}:Perp:${e.token}`;
      const usdt = `${e.venue}:BaseToken:USDT`;
      const size0 = before[perp] ?? 0;
      const size1 = num(d['sizeAfterBase']);
      const delta = num(d['deltaBase']);
      const fill = num(d['fillUsdt']);
      const fee = e.feeAmount ?? 0;
      let realized = 0;
      if (size0 !== 0 && Math.sign(delta) !== Math.sign(size0)) {
        const closing = Math.min(Math.abs(delta), Math.abs(size0));
        realized = closing * Math.sign(size0) * (fill - (entriesBefore[perp] ?? NaN));
      }
      if (size1 !== (e.balances?.[perp] ?? 0)) bad('details.sizeAfterBase', `size after the trade is not the ${perp} balance after it`, e.balances?.[perp] ?? 0, d['sizeAfterBase']);
      if (num(d['realizedUsdt']) !== realized) bad('details.realizedUsdt', 'realized P&L is not closed size × (fill − entry before)', realized, d['realizedUsdt']);
      const want: Array<[string, number]> = [];
      if (size1 - size0 !== 0) want.push([perp, size1 - size0]);
      if (realized !== 0) want.push([usdt, realized]);
      if (fee !== 0) want.push([usdt, -fee]);
      if (!sameDeltas(e.deltas, want)) bad('deltas', 'perp trade deltas are not the size change, the realized P&L and the fee', JSON.stringify(want), JSON.stringify(e.deltas));
      if (usdFund && (e.pnl?.tradingFees ?? 0) !== -fee) bad('pnl.tradingFees', 'booked trading fee is not the fee paid', -fee, e.pnl?.tradingFees ?? 0);
    }
    before = e.balances ?? {};
    entriesBefore = e.perpEntries ?? {};
  }
  return n;
}

/** The parts only events book must add up, over the events, to the summary's attribution (summation order aside). */
function checkEventAttribution(events: readonly Line[], summary: SummaryFile, file: string, problems: Problems): void {
  const sums = new Map<AttributionPart, { sum: number; abs: number }>(EVENT_BOOKED_PARTS.map((p) => [p, { sum: 0, abs: 0 }]));
  for (const { event: e } of events) {
    if (!e.pnl) continue;
    for (const [part, v] of Object.entries(e.pnl) as Array<[AttributionPart, number]>) {
      const s = sums.get(part);
      if (s) {
        s.sum += v;
        s.abs += Math.abs(v);
      }
    }
  }
  for (const [part, { sum, abs }] of sums) {
    const recorded = summary.attribution[part];
    if (Math.abs(recorded - sum) > 1e-9 * Math.max(1, abs)) {
      problems.add({ code: 'EVT-009', file, path: `attribution.${part}`, message: `attribution ${part} is not the sum of what the events booked`, expected: String(sum), received: String(recorded) });
    }
  }
}

function checkSummaryArithmetic(s: SummaryFile, file: string, problems: Problems): void {
  const attributed = ATTRIBUTION_PARTS.reduce((a, p) => a + s.attribution[p], 0);
  const r = s.reconciliation;
  const bad = (p: string, message: string, expected: number, received: number): void => problems.add({ code: 'EVT-009', file, path: p, message, expected: String(expected), received: String(received) });
  if (attributed !== r.attributedPnl) bad('reconciliation.attributedPnl', 'attribution parts do not add up to attributedPnl', attributed, r.attributedPnl);
  const netFlows = r.netFlows ?? 0;
  if (s.finalEquity - s.initialCapital - netFlows !== r.balancePnl) bad('reconciliation.balancePnl', 'balancePnl is not finalEquity − initialCapital − netFlows', s.finalEquity - s.initialCapital - netFlows, r.balancePnl);
  if (r.balancePnl - r.attributedPnl !== r.residual) bad('reconciliation.residual', 'residual is not balancePnl − attributedPnl', r.balancePnl - r.attributedPnl, r.residual);
}

const METRIC_FIELDS: ReadonlyArray<keyof Metrics> = ['totalReturn', 'apy', 'maxDrawdown', 'volatility', 'sharpe', 'sortino'];

/** Recomputes the summary's metrics from timeseries.csv's equity column with the report's own metrics code. */
function checkTimeseries(buf: Buffer, s: SummaryFile, file: string, summaryFile: string, problems: Problems): void {
  // Every cell the audit reads is ASCII; latin1 decodes without UTF-8 validation, and a stray byte still fails the row.
  const text = buf.toString('latin1');
  const headerEnd = text.indexOf('\n');
  const headerLine = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const header = headerLine.split(',');
  const eqCol = header.indexOf('equity');
  // With capital flows the metrics are time-weighted, computed on NAV per share from 1 (a deposit is not return).
  const navCol = s.reconciliation.netFlows !== undefined ? header.indexOf('navPerShare') : -1;
  if (s.reconciliation.netFlows !== undefined && navCol < 0) {
    problems.add({ code: 'EVT-005', file, line: 1, message: 'a run with capital flows records NAV per share: the header needs a navPerShare column', received: headerLine.slice(0, 80) });
    return;
  }
  if (header[0] !== 'timestamp' || eqCol < 0) {
    problems.add({ code: 'EVT-005', file, line: 1, message: 'header must start with timestamp and hold an equity column', received: headerLine.slice(0, 80) });
    return;
  }
  // Only the first columns are read: the file is several MB of position columns the metrics do not use.
  const ts: number[] = [];
  const equity: number[] = [];
  const nav: number[] = [];
  const lastCol = Math.max(eqCol, navCol);
  let malformed = 0;
  let line = 1;
  for (let at = headerEnd + 1; headerEnd >= 0 && at < text.length; ) {
    line++;
    let next = text.indexOf('\n', at);
    if (next < 0) next = text.length;
    let cellStart = at;
    let t = NaN;
    let cell: string | undefined;
    let navCell: string | undefined;
    for (let col = 0; col <= lastCol && cellStart <= next; col++) {
      let comma = text.indexOf(',', cellStart);
      if (comma < 0 || comma > next) comma = next;
      if (col === 0) t = Date.parse(text.slice(cellStart, comma));
      if (col === eqCol) cell = text.slice(cellStart, comma);
      if (col === navCol) navCell = text.slice(cellStart, comma);
      cellStart = comma + 1;
    }
    const e = cell === '' || cell === undefined ? NaN : Number(cell);
    const v = navCell === '' || navCell === undefined ? NaN : Number(navCell);
    if (navCol >= 0) nav.push(v);
    if (!Number.isFinite(t) || cell === undefined || (cell !== '' && !Number.isFinite(e)) || (navCol >= 0 && (navCell === undefined || (navCell !== '' && !Number.isFinite(v))))) {
      malformed++;
      problems.add({ code: 'EVT-005', file, line, message: 'row needs an ISO timestamp and a numeric (or empty) equity', received: text.slice(at, Math.min(next, at + 80)) });
    }
    ts.push(t);
    equity.push(e);
    at = next + 1;
  }
  if (malformed > 0) return;
  const n = ts.length;
  if (n !== s.steps) problems.add({ code: 'EVT-009', file, message: 'timeseries.csv does not hold one row per step of the run', expected: String(s.steps), received: String(n) });
  if (n === 0) return;
  const iso = (ms: number): string => new Date(ms).toISOString();
  if (iso(ts[0]!) !== new Date(s.start).toISOString()) problems.add({ code: 'EVT-009', file, line: 2, message: 'first row is not the run\'s start', expected: s.start, received: iso(ts[0]!) });
  if (iso(ts[n - 1]!) !== new Date(s.end).toISOString()) problems.add({ code: 'EVT-009', file, line: n + 1, message: 'last row is not the run\'s end', expected: s.end, received: iso(ts[n - 1]!) });
  if (equity[n - 1] !== s.finalEquity) problems.add({ code: 'EVT-009', file: summaryFile, path: 'finalEquity', message: 'finalEquity is not the last equity of timeseries.csv', expected: String(equity[n - 1]), received: String(s.finalEquity) });
  const m = navCol >= 0 ? computeMetrics(Float64Array.from(nav), Float64Array.from(ts), 1) : computeMetrics(Float64Array.from(equity), Float64Array.from(ts), s.initialCapital);
  for (const k of METRIC_FIELDS) {
    if (m[k] !== s[k]) problems.add({ code: 'EVT-009', file: summaryFile, path: k, message: `${k} does not recompute from timeseries.csv`, expected: String(m[k]), received: String(s[k]) });
  }
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

function sameDeltas(a: ReadonlyArray<readonly [string, number]>, b: ReadonlyArray<readonly [string, number]>): boolean {
  return a.length === b.length && a.every(([k, v], i) => k === b[i]![0] && v === b[i]![1]);
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The error `audit verify` exits with: the first problem's code, the true count, the listed problems. */
export function auditError(runDir: string, report: AuditReport): BasisError {
  const first = report.problems[0];
  const code: ErrorCode = first ? first.code : 'EVT-004';
  const shown = report.problems.length < report.problemCount ? `, first ${report.problems.length} shown` : '';
  return new BasisError(code, `audit failed: ${report.problemCount} problem${report.problemCount === 1 ? '' : 's'} in ${runDir}${shown}`, { problems: report.problems });
}
