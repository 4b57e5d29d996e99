import { describe, expect, it } from 'vitest';
import { loadConfig, resolveRunParams } from '../../src/config/index.js';
import { openHistoricalData, loadRewardSchedule } from '../../src/data/index.js';
import { SHARED_DATA, column, run } from './helpers.js';

describe('leveraged staking', () => {
  it('the iterative loop reaches the target LTV in many gas-paying rounds; the flash-loan entry in one transaction', async () => {
    const window = { start: '2024-06-01', end: '2024-06-03' };
    const loop = await run({ mode: 'eth_leveraged', ...window, set: ['modes.eth_leveraged.strategy.leverage.entryMethod=loop'] });
    const atomic = await run({ mode: 'eth_leveraged', ...window });
    const count = (o: typeof loop, type: string): number => o.events.filter((e) => e.type === type && e.status === 'completed').length;
    expect(count(loop, 'AAVE_BORROW')).toBeGreaterThan(10);
    expect(count(loop, 'STAKE_DEPOSIT')).toBe(count(loop, 'AAVE_SUPPLY'));
    expect(count(atomic, 'ATOMIC_LEVERAGE_ENTRY')).toBe(1);
    expect(count(atomic, 'AAVE_BORROW')).toBe(0);
    const lambda = atomic.params.aave.emode.ltv * (1 - (atomic.params.mode.strategy as { leverage: { targetLtvBuffer: number } }).leverage.targetLtvBuffer);
    const ltvAtomic = (column(atomic, 'ltv') as Float64Array)[0] as number;
    const ltvLoop = (column(loop, 'ltv') as Float64Array)[0] as number;
    expect(Math.abs(ltvAtomic - lambda)).toBeLessThan(1e-9);
    // Every round borrows up to λ; the loop stops after loopMaxIterations or below loopMinBorrowEth.
    expect(ltvLoop).toBeLessThanOrEqual(lambda + 1e-12);
    expect(ltvLoop).toBeGreaterThan(lambda - 0.01);
    // Domain §4.9: the loop costs an order of magnitude more gas.
    expect(loop.summary.gasPaid).toBeGreaterThan(5 * atomic.summary.gasPaid);
  });

  it('credits each published reward from the time-weighted eETH balance held over its own period', async () => {
    const out = await run({ mode: 'eth_leveraged', costs: false, start: '2024-09-01', end: '2025-01-31' });
    const credits = out.events.filter((e) => e.type === 'REWARD_CREDITED' && e.status === 'completed');
    expect(credits.length).toBeGreaterThan(10);
    const { config } = loadConfig({ dataDir: SHARED_DATA });
    const params = resolveRunParams(config, 'eth_leveraged');
    const tl = await openHistoricalData({ dataDir: SHARED_DATA, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir: null, startMs: Date.parse('2024-09-01T00:00:00Z'), endMs: Date.parse('2025-01-31T00:00:00Z') });
    const rate = tl.series('oracle:weETH:ETH').values;
    const supplied = column(out, 'pos:aave_v3:aToken:aweETH') as Float64Array;
    const ts = out.frame.timestampsMs;
    const schedule = loadRewardSchedule(SHARED_DATA, config.data);
    for (const e of credits) {
      const d = e.details as Record<string, number | string>;
      const from = Date.parse(String(d['periodStart']));
      const to = Date.parse(String(d['periodEnd']));
      // Hour [t_k, t_k+1) holds the balance left after step k; before the run started nothing was held.
      let sum = 0;
      for (let k = 0; k < ts.length; k++) if ((ts[k] as number) >= from && (ts[k] as number) < to) sum += (supplied[k] as number) * (rate[k] as number);
      const avg = sum / ((to - from) / 3_600_000);
      expect(Math.abs(Number(d['avgEethBalance']) / avg - 1)).toBeLessThan(1e-9);
      const payout = schedule.payouts.find((p) => p.token === d['token'] && p.periodStartMs === from && p.periodEndMs === to);
      expect(payout).toBeDefined();
      expect(e.timestampMs).toBeGreaterThanOrEqual(to);
      expect(Number(d['rewardTokens'])).toBeCloseTo((payout?.perEeth ?? NaN) * avg, 6);
    }
    expect(out.summary.attribution.rewards).toBeGreaterThan(0);
  });
});
