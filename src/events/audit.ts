import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BasisError, type Problem } from '../errors/base.js';
import type { PositionKey } from '../domain/positionKey.js';
import type { ShareClass } from '../domain/tokens.js';
import { applyDelta, PositionMonitor } from '../components/positionMonitor.js';
import { ExposureMonitor } from '../components/exposureMonitor.js';
import { MarketState } from '../components/marketState.js';
import { CEX_LIST } from '../components/slots.js';
import { EVENT_TYPES, type BasisEvent } from './types.js';
import { GENESIS_HASH, chainHash } from './hashChain.js';

export interface AuditReport {
  readonly ok: boolean;
  readonly events: number;
  readonly problems: readonly Problem[];
  readonly finalEquity: number;
  readonly balancePnl: number;
}

interface SummaryLike {
  readonly shareClass: ShareClass;
  readonly initialCapital: number;
  readonly finalEquity: number;
  readonly reconciliation: { readonly balancePnl: number; readonly attributedPnl: number };
  readonly attribution: Readonly<Record<string, number>>;
}

/**
 * Replays a run's events from the initial capital: checks the hash chain and the strictly increasing,
 * gap-free order, re-applies every delta with the engine's own balance rule, compares the balances after
 * each event, and revalues the final book at the recorded marks with the engine's own exposure code, so
 * the final equity and the balance P&L must match the summary bit for bit.
 */
export async function verifyRun(runDir: string): Promise<AuditReport> {
  const eventsFile = path.join(runDir, 'events.jsonl');
  const summaryFile = path.join(runDir, 'summary.json');
  let text: string;
  let summary: SummaryLike;
  try {
    text = await readFile(eventsFile, 'utf8');
    summary = JSON.parse(await readFile(summaryFile, 'utf8')) as SummaryLike;
  } catch (cause) {
    throw new BasisError('EVT-001', `cannot read the run in ${runDir}`, { cause, problems: [{ code: 'EVT-001', message: String(cause), file: runDir }] });
  }
  const problems: Problem[] = [];
  const bad = (code: 'EVT-002' | 'EVT-004' | 'EVT-001', line: number, message: string, expected?: string, received?: string): void => {
    if (problems.length < 50) problems.push({ code, message, file: eventsFile, line, ...(expected !== undefined ? { expected } : {}), ...(received !== undefined ? { received } : {}) });
  };
  const lines = text.split('\n').filter((l) => l.length > 0);
  const events: BasisEvent[] = [];
  let prevHash = GENESIS_HASH;
  lines.forEach((line, k) => {
    let obj: BasisEvent & { hash?: string };
    try {
      obj = JSON.parse(line) as BasisEvent & { hash?: string };
    } catch {
      bad('EVT-001', k + 1, 'line is not JSON');
      return;
    }
    const { hash, ...rest } = obj;
    const expect = chainHash(prevHash, JSON.stringify(rest));
    if (hash !== expect) bad('EVT-004', k + 1, 'hash chain broken: the event was edited, inserted, removed or moved', expect, String(hash));
    prevHash = typeof hash === 'string' ? hash : expect;
    if (!(EVENT_TYPES as readonly string[]).includes(rest.type)) bad('EVT-001', k + 1, `unknown event type ${rest.type}`);
    events.push(rest as BasisEvent);
  });

  let lastOrder = 0;
  let lastTs = -Infinity;
  events.forEach((e, k) => {
    if (e.order !== lastOrder + 1) bad('EVT-002', k + 1, 'event order must increase by one', String(lastOrder + 1), String(e.order));
    if (e.timestampMs < lastTs) bad('EVT-002', k + 1, 'timestamps must not go backwards', `>= ${lastTs}`, String(e.timestampMs));
    lastOrder = e.order;
    lastTs = e.timestampMs;
  });

  const end = events[events.length - 1];
  if (!end || end.type !== 'RUN_END') {
    bad('EVT-004', events.length, 'the log must end with RUN_END');
    return { ok: false, events: events.length, problems, finalEquity: NaN, balancePnl: NaN };
  }
  // Balances list non-zero positions only: the book is every key any event moved or held.
  const keySet = new Set<string>();
  for (const e of events) {
    for (const [key] of e.deltas) keySet.add(key);
    for (const key of Object.keys(e.balances ?? {})) keySet.add(key);
  }
  const declared = typeof end.details?.['positions'] === 'string' ? (end.details['positions'] as string).split(',') : [];
  for (const key of keySet) if (!declared.includes(key)) bad('EVT-004', events.length, `position ${key} is not among the run's subscribed positions`);
  const keys = (declared.length > 0 ? declared : [...keySet]) as PositionKey[];
  let pm: PositionMonitor;
  try {
    pm = new PositionMonitor(keys);
  } catch (err) {
    bad('EVT-004', events.length, `the log holds an invalid position key: ${err instanceof Error ? err.message : String(err)}`);
    return { ok: false, events: events.length, problems, finalEquity: NaN, balancePnl: NaN };
  }
  const flight = new Map<string, { token: string; amount: number; to: string }>();
  events.forEach((e, k) => {
    try {
      for (const [key, delta] of e.deltas) {
        const slot = pm.slotOf(key);
        pm.amounts[slot] = applyDelta(key, pm.slots[slot]!.def.kind === 'perp', pm.amounts[slot] as number, delta);
      }
    } catch (err) {
      bad('EVT-004', k + 1, `replay failed: ${err instanceof Error ? err.message : String(err)}`);
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
        if (got !== want) bad('EVT-004', k + 1, `balance of ${s.key} after event ${e.order} does not replay`, String(want), String(got));
      }
    }
  });
  const recordedFlight = Object.keys(end.inFlight ?? {}).sort().join(',');
  if ([...flight.keys()].sort().join(',') !== recordedFlight) bad('EVT-004', events.length, 'transfers in flight do not replay', recordedFlight, [...flight.keys()].join(','));

  // Revalue the replayed book at the recorded marks with the engine's own exposure code.
  for (const [key, entry] of Object.entries(end.perpEntries ?? {})) pm.perpEntry[pm.slotOf(key)] = entry;
  for (const [id, t] of flight) {
    pm.inFlight.push({ id, token: t.token, amount: t.amount, to: t.to as PositionKey, arriveIndex: 0, numeraire: t.token === 'USDT' ? 'usdt' : t.token === 'ETH' ? 'eth' : 'btc' });
  }
  const m = marketFromMarks(end.details ?? {});
  const exp = new ExposureMonitor(summary.shareClass, pm.slots);
  exp.compute(pm, m);
  const finalEquity = exp.equity;
  const balancePnl = finalEquity - summary.initialCapital;
  if (finalEquity !== summary.finalEquity) bad('EVT-004', events.length, 'final equity does not replay', String(summary.finalEquity), String(finalEquity));
  if (balancePnl !== summary.reconciliation.balancePnl) bad('EVT-004', events.length, 'balance P&L does not replay', String(summary.reconciliation.balancePnl), String(balancePnl));
  const attributed = Object.values(summary.attribution).reduce((a, b) => a + b, 0);
  if (attributed !== summary.reconciliation.attributedPnl) bad('EVT-004', events.length, 'attribution parts do not add up to attributedPnl', String(summary.reconciliation.attributedPnl), String(attributed));
  return { ok: problems.length === 0, events: events.length, problems, finalEquity, balancePnl };
}

function marketFromMarks(d: Readonly<Record<string, unknown>>): MarketState {
  const m = new MarketState();
  const num = (k: string): number => (typeof d[k] === 'number' ? (d[k] as number) : NaN);
  m.ethPx = num('ethPx');
  m.btcPx = num('btcPx');
  ['USDT', 'WETH', 'weETH', 'wstETH'].forEach((a, i) => {
    m.liquidityIndex[i] = num(`liquidityIndex:${a}`);
    m.borrowIndex[i] = num(`borrowIndex:${a}`);
  });
  m.lstRate[0] = num('lstRate:weETH');
  m.lstRate[1] = num('lstRate:wstETH');
  CEX_LIST.forEach((v, c) => {
    m.perpMark[c * 2] = num(`perpMark:${v}:BTCUSDT`);
    m.perpMark[c * 2 + 1] = num(`perpMark:${v}:ETHUSDT`);
  });
  return m;
}
