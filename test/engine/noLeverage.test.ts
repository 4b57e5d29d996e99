import { describe, expect, it } from 'vitest';
import type { BacktestOutput } from '../../src/engine/backtest.js';
import type { BasisEvent } from '../../src/events/types.js';
import { CEX_VENUES as VENUES, balancesAfterStep, column, ethHedgeStats, expectUnwound, onlyEmergencyAt, perpSizes, run, runThroughPriceJump, sum } from './helpers.js';

const MODE = 'usdt_market_neutral_no_leverage';
const perps = (b: Readonly<Record<string, number>>): number[] => perpSizes(b, 'ETHUSDT');

function params(out: BacktestOutput): Extract<BacktestOutput['params']['mode']['strategy'], { kind: typeof MODE }> {
  const s = out.params.mode.strategy;
  if (s.kind !== MODE) throw new Error(`${MODE} params expected`);
  return s;
}

describe('usdt_market_neutral_no_leverage', () => {
  it('enters by buying a·E of ETH, staking it into weETH held in the wallet, and shorting its realized ETH value (units × rate)', async () => {
    const out = await run({ mode: MODE, start: '2024-06-01', end: '2024-07-01' });
    const s = params(out);
    const buy = out.events.find((e) => e.type === 'SPOT_TRADE');
    const stake = out.events.find((e) => e.type === 'STAKE_DEPOSIT');
    expect(buy?.details?.['side']).toBe('buy');
    expect(stake).toBeDefined();
    expect(out.events.some((e) => e.venue === 'aave_v3' || e.type.startsWith('ATOMIC'))).toBe(false);
    const b = balancesAfterStep(out, stake as BasisEvent);
    const rate = Number(stake?.details?.['rateEthPerLst']);
    const lstEth = (b['wallet:BaseToken:weETH'] as number) * rate;
    const bought = lstEth * Number(buy?.details?.['priceUsdt']);
    const target = s.stakeAllocation * out.summary.initialCapital;
    // a·E less the buy's fee and slippage, the transfer fee and the stake's gas.
    expect(bought).toBeLessThan(target);
    expect(bought).toBeGreaterThan(0.995 * target);
    // The hedge is the realized ETH (LST units × rate plus the wallet's gas ETH), not a·E/P: venues only skip
    // adjustments below their minimum order, so what is left is under deltaTolerance.
    const long = lstEth + (b['wallet:BaseToken:ETH'] as number);
    const shorts = perps(b);
    expect(Math.abs(sum(shorts) + long) / long).toBeLessThan(s.hedge.deltaTolerance);
    VENUES.forEach((v, c) => expect((shorts[c] as number) / sum(shorts)).toBeCloseTo(s.hedge.hedgeAllocation[v], 2));
    const at = Array.from(out.frame.timestampsMs).indexOf(stake?.timestampMs as number);
    for (const v of VENUES) expect((column(out, `marginRatio:${v}`) as Float64Array)[at]).toBeCloseTo(s.hedge.targetMarginRatio, 1);
  });

  it('stays hedged in ETH units over its full history and earns staking, rewards and funding', async () => {
    const out = await run({ mode: MODE });
    const s = params(out);
    const { hedged, worst, steps } = ethHedgeStats(out);
    expect(hedged).toBeGreaterThan(0.99 * steps);
    expect(worst).toBeLessThan(out.params.mode.risk.deltaBreach);
    // The staking yield is the LST rate's growth (no AAVE: no supply interest, no borrow cost).
    const a = out.summary.attribution;
    expect(a.stakingYield).toBeGreaterThan(0);
    expect(a.rewards).toBeGreaterThan(0);
    expect(a.funding).toBeGreaterThan(0);
    expect(a.supplyInterest).toBe(0);
    expect(a.borrowCost).toBe(0);
    expect(out.summary.apy).toBeGreaterThan(0);
    expect(out.summary.apy).toBeLessThan(0.2);
    expect(s.stakeAllocation).toBe(0.5);
    expect(Math.abs(out.summary.reconciliation.residual)).toBeLessThan(1e-6 * out.summary.initialCapital);
  });

  it('margin support on a rally sells LST on a DEX, sends the ETH to the spot venue, sells it and shrinks the shorts by the same ETH', async () => {
    const out = await run({ mode: MODE });
    const release = out.events.find((e) => e.type === 'REBALANCE' && /release [\d.]+ ETH from the on-chain book for margin/.test(String(e.details?.['detail'])));
    expect(release).toBeDefined();
    const r = release as BasisEvent;
    const kids = out.events.filter((e) => e.parent === r.order);
    expect(kids[0]?.type).toBe('DEX_SWAP');
    expect(kids[0]?.token).toBe('weETH->ETH');
    expect(kids.some((e) => e.type === 'TRANSFER_STEP' && e.details?.['purpose'] === 'margin support')).toBe(true);
    const before = out.events.filter((e) => e.order < r.order).at(-1)?.balances ?? {};
    const sold = out.events.find((e) => e.type === 'REBALANCE' && e.order > r.order && /released from the book and shrink shorts equally/.test(String(e.details?.['detail']))) as BasisEvent;
    expect(sold).toBeDefined();
    const sale = out.events.find((e) => e.parent === sold.order && e.type === 'SPOT_TRADE');
    expect(sale?.details?.['side']).toBe('sell');
    const soldEth = Number(sale?.details?.['sizeBase']);
    const after = balancesAfterStep(out, sold);
    expect(after['wallet:BaseToken:weETH'] as number).toBeLessThan(before['wallet:BaseToken:weETH'] as number);
    // The shorts shrink by the ETH sold, within what the hedge's minimum-order rule leaves.
    const shrunk = sum(perps(after)) - sum(perps(before));
    expect(shrunk).toBeGreaterThan(0);
    expect(Math.abs(shrunk - soldEth) / soldEth).toBeLessThan(0.02);
    const ts = Array.from(out.frame.timestampsMs);
    const day = ts.indexOf(r.timestampMs) + 24;
    for (const v of VENUES) expect((column(out, `marginRatio:${v}`) as Float64Array)[day]).toBeGreaterThan(out.params.mode.risk.marginRatioRebalance);
  });

  it('an ETH jump that takes margin below the emergency band unwinds the book: LST and ETH sold first, the shorts closed last', async () => {
    const { out, T } = await runThroughPriceJump(MODE);
    const stop = onlyEmergencyAt(out, T);
    expect(String(stop.details?.['detail'])).toMatch(/margin ratio 0\.4\d+ below 0\.5/);
    const children = out.events.filter((e) => e.parent === stop.order).map((e) => `${e.type}:${e.token ?? ''}`);
    expect(children).toEqual(['DEX_SWAP:weETH->ETH', 'DEX_SWAP:ETH->USDT', 'PERP_CLOSE:ETHUSDT', 'PERP_CLOSE:ETHUSDT', 'PERP_CLOSE:ETHUSDT']);
    expectUnwound(out, ['wallet:BaseToken:weETH']);
  });
});
