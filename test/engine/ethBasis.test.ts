import { describe, expect, it } from 'vitest';
import type { BasisEvent } from '../../src/events/types.js';
import { CEX_VENUES as VENUES, balancesAfterStep, column, ethHedgeStats, expectUnwound, onlyEmergencyAt, perpSizes, run, runThroughPriceJump, sum } from './helpers.js';

const perps = (b: Readonly<Record<string, number>>): number[] => perpSizes(b, 'ETHUSDT');

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
    // The recorded net delta is the units held: spot + wallet ETH − shorts.
    for (let i = 0; i < net.length; i++) {
      const gross = -sum(short.map((p) => p[i] as number));
      expect(Math.abs((spot[i] as number) + (wallet[i] as number) - gross - (net[i] as number))).toBeLessThan(1e-9 * Math.max(1, gross));
    }
    const { hedged, worst, steps } = ethHedgeStats(out);
    expect(hedged).toBeGreaterThan(0.99 * steps);
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
    const { out, T } = await runThroughPriceJump('eth_basis');
    const stop = onlyEmergencyAt(out, T);
    expect(String(stop.details?.['detail'])).toMatch(/margin ratio 0\.4\d+ below emergency 0\.5/);
    const children = out.events.filter((e) => e.parent === stop.order).map((e) => `${e.type}:${e.status}`);
    expect(children).toEqual(['PERP_CLOSE:completed', 'PERP_CLOSE:completed', 'PERP_CLOSE:completed', 'SPOT_TRADE:completed']);
    expectUnwound(out, ['binance:BaseToken:ETH']);
  });
});
