import { ATTRIBUTION_PARTS, type Attribution, type ReportEvent, type RunSummary, type TimeseriesFrame } from '../../src/report/types.js';
import { computeMetrics } from '../../src/report/metrics.js';

/** Deterministic PRNG (mulberry32) so fixtures are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

/** 15,000 hourly steps like a usdt_market_neutral run: equity walk, LTV/HF, 3 margin venues, funding, net delta. */
export function realisticFrame(steps = 15_000, seed = 42): TimeseriesFrame {
  const r = rng(seed);
  const ts = new Float64Array(steps);
  const equity = new Float64Array(steps);
  const ltv = new Float64Array(steps);
  const hf = new Float64Array(steps);
  const mr = { binance: new Float64Array(steps), bybit: new Float64Array(steps), okx: new Float64Array(steps) };
  const funding = new Float64Array(steps);
  const nd = new Float64Array(steps);
  const price = new Float64Array(steps);
  let e = 100_000;
  let p = 2300;
  let l = 0.72;
  for (let i = 0; i < steps; i++) {
    ts[i] = T0 + i * HOUR;
    e *= 1 + 0.000012 + (r() - 0.5) * 0.0012;
    p *= 1 + (r() - 0.5) * 0.01;
    l = Math.min(0.9, Math.max(0.6, l + (r() - 0.5) * 0.004));
    equity[i] = e;
    price[i] = p;
    ltv[i] = l;
    hf[i] = 0.93 / l;
    mr.binance[i] = 0.3 + (r() - 0.5) * 0.1;
    mr.bybit[i] = 0.32 + (r() - 0.5) * 0.1;
    mr.okx[i] = 0.28 + (r() - 0.5) * 0.1;
    funding[i] = i % 8 === 0 ? 0.0001 + (r() - 0.5) * 0.0004 : NaN;
    nd[i] = (r() - 0.5) * 0.4;
  }
  return {
    timestampsMs: ts,
    columns: [
      { name: 'equity', values: equity },
      { name: 'ltv', values: ltv },
      { name: 'healthFactor', values: hf },
      { name: 'marginRatio:binance', values: mr.binance },
      { name: 'marginRatio:bybit', values: mr.bybit },
      { name: 'marginRatio:okx', values: mr.okx },
      { name: 'fundingRate:binance', values: funding },
      { name: 'netDelta:ETH', values: nd },
      { name: 'price:ETH', values: price },
    ],
  };
}

const TYPES = ['rebalance', 'aave_supply', 'aave_borrow', 'perp_open', 'perp_close', 'transfer', 'funding_settlement', 'stake'];
const VENUES = ['aave', 'binance', 'bybit', 'okx', 'etherfi', undefined];
const STATUSES = ['filled', 'filled', 'filled', 'failed', 'pending'];

export function realisticEvents(n = 5000, frame?: TimeseriesFrame, seed = 7): ReportEvent[] {
  const r = rng(seed);
  const ts = frame?.timestampsMs;
  const out: ReportEvent[] = [];
  for (let i = 0; i < n; i++) {
    const venue = VENUES[Math.floor(r() * VENUES.length)];
    out.push({
      order: i + 1,
      timestampMs: ts ? ts[Math.floor((i / n) * ts.length)]! : T0 + i * HOUR,
      type: TYPES[Math.floor(r() * TYPES.length)]!,
      ...(venue ? { venue } : {}),
      token: r() < 0.5 ? 'ETH' : 'USDT',
      status: STATUSES[Math.floor(r() * STATUSES.length)]!,
      amount: Math.round(r() * 1e6) / 100,
      reason: `step ${i}`,
    });
  }
  return out;
}

export function summaryFor(frame: TimeseriesFrame, overrides: Partial<RunSummary> = {}): RunSummary {
  const equity = frame.columns.find((c) => c.name === 'equity')!.values;
  const initialCapital = 100_000;
  const m = computeMetrics(equity, frame.timestampsMs, initialCapital);
  const finalEquity = equity[equity.length - 1]!;
  const pnl = finalEquity - initialCapital;
  const weights: Partial<Attribution> = {
    supplyInterest: 0.35,
    borrowCost: -0.2,
    stakingYield: 0.4,
    rewards: 0.05,
    funding: 0.5,
    price: 0.02,
    basis: -0.03,
    tradingFees: -0.04,
    slippage: -0.02,
    gas: -0.01,
    transferFees: -0.005,
    liquidationPenalty: 0,
  };
  const sumW = Object.values(weights).reduce((a, b) => a + (b ?? 0), 0);
  const attribution = Object.fromEntries(ATTRIBUTION_PARTS.map((p) => [p, ((weights[p] ?? 0) / sumW) * pnl * 0.999])) as Attribution;
  const attributed = ATTRIBUTION_PARTS.reduce((a, p) => a + attribution[p], 0);
  const steps = frame.timestampsMs.length;
  return {
    mode: 'usdt_market_neutral',
    shareClass: 'USDT',
    synthetic: true,
    start: new Date(frame.timestampsMs[0]!).toISOString(),
    end: new Date(frame.timestampsMs[steps - 1]!).toISOString(),
    steps,
    initialCapital,
    finalEquity,
    ...m,
    rebalances: 42,
    liquidations: 0,
    emergencyStops: 1,
    feesPaid: 1234.5678,
    gasPaid: 98.7654,
    attribution,
    reconciliation: { balancePnl: pnl, attributedPnl: attributed, residual: pnl - attributed },
    timing: { loadMs: 120, configMs: 40, dataMs: 80, runMs: 850, stepsPerSec: steps / 0.85, backtestMs: 1000 },
    ...overrides,
  };
}
