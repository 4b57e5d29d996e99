import { cpSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { BacktestOutput } from '../../src/engine/backtest.js';
import type { BasisEvent } from '../../src/events/types.js';
import { SHARED_DATA, column, perturbAfter, run, tmpDir } from './helpers.js';

const VENUES = ['binance', 'bybit', 'okx'] as const;
const perps = (b: Readonly<Record<string, number>>): number[] => VENUES.map((v) => b[`${v}:Perp:ETHUSDT`] ?? 0);
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Balances after the last event stamped at the same step as `e`. */
function balancesAfterStep(out: BacktestOutput, e: BasisEvent): Readonly<Record<string, number>> {
  const last = out.events.filter((x) => x.timestampMs === e.timestampMs).at(-1);
  return last?.balances ?? {};
}

describe('eth_basis', () => {
  it('enters with spot ETH worth E/(1+r) on Binance and the same ETH short, split 40/30/30', async () => {
    const out = await run({ mode: 'eth_basis', start: '2024-06-01', end: '2024-07-01' });
    const s = out.params.mode.strategy;
    if (s.kind !== 'eth_basis') throw new Error('eth_basis params expected');
    const buy = out.events.find((e) => e.type === 'SPOT_TRADE');
    expect(buy?.details?.['side']).toBe('buy');
    const b = balancesAfterStep(out, buy as BasisEvent);
    const spotEth = b['binance:BaseToken:ETH'] as number;
    const spotUsdt = spotEth * Number(buy?.details?.['priceUsdt']);
    // N = E/(1 + r) of the 100k, less what the gas float, the transfers' gas and the buy's own fee and slippage took.
    const target = out.summary.initialCapital / (1 + s.hedge.targetMarginRatio);
    expect(spotUsdt).toBeLessThan(target);
    expect(spotUsdt).toBeGreaterThan(0.995 * target);
    const shorts = perps(b);
    expect(Math.abs(sum(shorts) + spotEth)).toBeLessThan(1e-9 * spotEth);
    VENUES.forEach((v, c) => expect((shorts[c] as number) / sum(shorts)).toBeCloseTo(s.hedge.hedgeAllocation[v], 12));
    // Each venue's margin is about r × its short's notional.
    const at = Array.from(out.frame.timestampsMs).indexOf(buy?.timestampMs as number);
    for (const v of VENUES) expect((column(out, `marginRatio:${v}`) as Float64Array)[at]).toBeCloseTo(s.hedge.targetMarginRatio, 1);
  });

  it('stays neutral in ETH units at every step of its full history: spot + wallet ETH + shorts = net delta, within the breach band', async () => {
    const out = await run({ mode: 'eth_basis' });
    const spot = column(out, 'pos:binance:BaseToken:ETH') as Float64Array;
    const wallet = column(out, 'pos:wallet:BaseToken:ETH') as Float64Array;
    const short = VENUES.map((v) => column(out, `pos:${v}:Perp:ETHUSDT`) as Float64Array);
    const net = column(out, 'netDelta:ETH') as Float64Array;
    let hedged = 0;
    let worst = 0;
    for (let i = 0; i < net.length; i++) {
      const gross = -sum(short.map((p) => p[i] as number));
      if (!(gross > 0)) continue;
      hedged++;
      const units = (spot[i] as number) + (wallet[i] as number) - gross;
      expect(Math.abs(units - (net[i] as number))).toBeLessThan(1e-9 * gross);
      worst = Math.max(worst, Math.abs(units) / gross);
    }
    expect(hedged).toBeGreaterThan(0.99 * net.length);
    expect(worst).toBeLessThan(out.params.mode.risk.deltaBreach);
    expect(out.summary.apy).toBeGreaterThan(0);
    expect(out.summary.apy).toBeLessThan(0.15);
    expect(Math.abs(out.summary.reconciliation.residual)).toBeLessThan(1e-6 * out.summary.initialCapital);
  });

  it('a margin rebalance on a rally sells spot and shrinks the shorts by the same ETH, then moves USDT to the venues short of margin', async () => {
    const out = await run({ mode: 'eth_basis' });
    const trigger = out.params.mode.risk.marginRatioRebalance;
    const rebalances = out.events.filter((e) => e.type === 'REBALANCE' && /^margin ratio [\d.]+ below /.test(String(e.details?.['detail'])));
    expect(rebalances.length).toBeGreaterThan(0);
    const r = rebalances[0] as BasisEvent;
    const children = out.events.filter((e) => e.parent === r.order);
    const sell = children.find((e) => e.type === 'SPOT_TRADE');
    expect(sell?.details?.['side']).toBe('sell');
    const before = out.events.filter((e) => e.order < r.order).at(-1)?.balances ?? {};
    const after = balancesAfterStep(out, r);
    const soldEth = (before['binance:BaseToken:ETH'] as number) - (after['binance:BaseToken:ETH'] as number);
    expect(soldEth).toBeGreaterThan(0);
    expect(sum(perps(after)) - sum(perps(before))).toBeCloseTo(soldEth, 9);
    expect(Math.abs(sum(perps(after)) + (after['binance:BaseToken:ETH'] as number))).toBeLessThan(1e-9);
    // Collateral moves follow; within a day every venue is back above the trigger.
    const moved = out.events.find((e) => e.type === 'REBALANCE' && e.order > r.order && /margin ratio 1$/.test(String(e.details?.['detail'])));
    expect(moved).toBeDefined();
    const ts = Array.from(out.frame.timestampsMs);
    const day = ts.indexOf(r.timestampMs) + 24;
    for (const v of VENUES) expect((column(out, `marginRatio:${v}`) as Float64Array)[day]).toBeGreaterThan(trigger);
  });

  it('an ETH jump that takes margin below the emergency band unwinds the book within the step: shorts first, then the spot', async () => {
    const dir = tmpDir('eth-basis-jump');
    cpSync(SHARED_DATA, dir, { recursive: true });
    const T = Date.parse('2024-09-01T00:00:00Z');
    perturbAfter(dir, T, 1.5);
    const m = 'modes.eth_basis';
    const set = ['data.maxJumpFraction=0.6', `${m}.risk.marginRatioEmergency=0.5`, `${m}.risk.marginRatioWarn=0.55`, `${m}.risk.marginRatioRebalance=0.6`];
    const out = await run({ mode: 'eth_basis', dataDir: dir, start: '2024-08-20', end: '2024-09-10', set });
    const stops = out.events.filter((e) => e.type === 'EMERGENCY_STOP');
    expect(stops).toHaveLength(1);
    const stop = stops[0] as BasisEvent;
    expect(stop.timestampMs).toBe(T);
    expect(String(stop.details?.['detail'])).toMatch(/margin ratio 0\.4\d+ below emergency 0\.5/);
    const children = out.events.filter((e) => e.parent === stop.order).map((e) => `${e.type}:${e.status}`);
    expect(children).toEqual(['PERP_CLOSE:completed', 'PERP_CLOSE:completed', 'PERP_CLOSE:completed', 'SPOT_TRADE:completed']);
    const last = out.events.at(-1)?.balances ?? {};
    expect(perps(last)).toEqual([0, 0, 0]);
    expect(last['binance:BaseToken:ETH'] ?? 0).toBe(0);
    expect(out.summary.emergencyStops).toBe(1);
    expect(out.summary.liquidations).toBe(0);
    expect(Math.abs(out.summary.reconciliation.residual)).toBeLessThan(1e-6 * out.summary.initialCapital);
  });
});
