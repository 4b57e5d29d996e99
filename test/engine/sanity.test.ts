import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

/**
 * Plausibility on the real history, each band with its reason (domain.md §9 anchors). A result outside its band
 * is a bug until explained.
 */
describe('results on real data land in plausible ranges', () => {
  it('pure_lending earns the USDT supply rate: APY 3–8% (AAVE USDT supply averaged ~4–6% APR in 2024–25), no drawdown beyond the gas float', async () => {
    const s = (await run({ mode: 'pure_lending' })).summary;
    expect(s.apy).toBeGreaterThan(0.03);
    expect(s.apy).toBeLessThan(0.08);
    expect(s.maxDrawdown).toBeGreaterThan(-0.002);
    expect(s.attribution.supplyInterest / s.reconciliation.balancePnl).toBeGreaterThan(0.97);
  });

  it('btc_basis earns funding on half its capital: APY 2–9% (BTC funding ~9% APR on N = E/2, less costs), drawdown under 3%', async () => {
    const s = (await run({ mode: 'btc_basis' })).summary;
    expect(s.apy).toBeGreaterThan(0.02);
    expect(s.apy).toBeLessThan(0.09);
    expect(s.maxDrawdown).toBeGreaterThan(-0.03);
    expect(s.attribution.funding).toBeGreaterThan(0.9 * s.reconciliation.balancePnl);
    // Neutral: price P&L is a rounding error next to the spot leg's ~80% BTC move.
    expect(Math.abs(s.attribution.price)).toBeLessThan(0.002 * s.initialCapital);
    expect(s.liquidations).toBe(0);
  });

  it('eth_leveraged (ETH terms) earns (y − bλ)/(1 − λ) plus rewards: APY 2–15%, staking yield and borrow cost both ~10× equity-level rates', async () => {
    const s = (await run({ mode: 'eth_leveraged' })).summary;
    expect(s.apy).toBeGreaterThan(0.02);
    expect(s.apy).toBeLessThan(0.15);
    expect(s.attribution.stakingYield).toBeGreaterThan(0.2 * s.initialCapital);
    expect(s.attribution.borrowCost).toBeLessThan(-0.2 * s.initialCapital);
    expect(s.attribution.rewards).toBeGreaterThan(0);
    expect(s.liquidations).toBe(0);
    // A USDT yield benchmark means nothing to an ETH book.
    expect(s.benchmark).toBeUndefined();
    expect(s.maxDrawdown).toBeGreaterThan(-0.05);
  });

  it('usdt_market_neutral is hedged: APY 1–12% (half the capital levered at ~11×, the other half earning funding), drawdown under 4%', async () => {
    const s = (await run({ mode: 'usdt_market_neutral' })).summary;
    expect(s.apy).toBeGreaterThan(0.01);
    expect(s.apy).toBeLessThan(0.12);
    expect(s.maxDrawdown).toBeGreaterThan(-0.04);
    expect(s.attribution.funding).toBeGreaterThan(0);
    // The benchmark a USDT desk compares with: Ethena sUSDe paid roughly 5–20 % APY over this window.
    expect(s.benchmark?.name).toBe('Ethena sUSDe');
    expect(s.benchmark?.coverage).toBeGreaterThan(0.95);
    expect(s.benchmark?.apy).toBeGreaterThan(0.05);
    expect(s.benchmark?.apy).toBeLessThan(0.2);
    // ETH moved between ~1,400 and ~4,900: an unhedged half would swing by tens of thousands.
    expect(Math.abs(s.attribution.price)).toBeLessThan(0.005 * s.initialCapital);
    expect(s.liquidations).toBe(0);
  });
});
