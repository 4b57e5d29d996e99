import { describe, expect, it } from 'vitest';
import { writeBacktestResults } from '../../src/engine/backtest.js';
import { verifyRun } from '../../src/events/audit.js';
import { run, tmpDir } from '../engine/helpers.js';

/**
 * The acceptance case (../shared/checks/G-flows): 1,000,000 USDT over 2024-06-01 → 2025-06-01, +500,000 on 2024-09-01
 * and −300,000 on 2025-02-01. The flows reconcile and replay, and the APY, time-weighted on NAV per share, stays
 * within one point of the run without them: a deposit is not return.
 */
const WINDOW = { start: '2024-06-01T00:00:00Z', end: '2025-06-01T00:00:00Z', capital: 1_000_000 };
const FLOWS = ['2024-09-01T00:00:00Z=+500000', '2025-02-01T00:00:00Z=-300000'];

describe.each(['pure_lending', 'btc_basis', 'usdt_market_neutral'] as const)('G-flows case, %s', (mode) => {
  it('reconciles to 1 USDT and replays under audit verify', async () => {
    const out = await run({ mode, ...WINDOW, flows: FLOWS });
    const { balancePnl, attributedPnl } = out.summary.reconciliation;
    expect(Math.abs(balancePnl - attributedPnl)).toBeLessThanOrEqual(1);
    expect(out.events.some((e) => e.type === 'DEPOSIT')).toBe(true);
    expect(out.events.some((e) => e.type === 'WITHDRAWAL' && e.status === 'completed')).toBe(true);
    const dir = tmpDir(`gflows-${mode}`);
    await writeBacktestResults(dir, out);
    const report = await verifyRun(dir);
    expect(report.problems).toEqual([]);
  });

  it('does not count the flows as return: the money-weighted return is reported beside the time-weighted APY', async () => {
    const out = await run({ mode, ...WINDOW, flows: FLOWS });
    const plainEquityGrowth = (out.summary.finalEquity - WINDOW.capital) / WINDOW.capital;
    expect(out.summary.totalReturn).toBeLessThan(plainEquityGrowth);
    expect(out.summary.flows?.moneyWeightedApy).toEqual(expect.any(Number));
    expect(Math.abs((out.summary.flows?.moneyWeightedApy ?? NaN) - out.summary.apy)).toBeLessThan(0.05);
  });
});

describe.each(['pure_lending', 'btc_basis', 'usdt_market_neutral'] as const)('G-flows case, %s', (mode) => {
  it('keeps the APY within one point of the run without flows', async () => {
    const plain = await run({ mode, ...WINDOW });
    const flows = await run({ mode, ...WINDOW, flows: FLOWS });
    expect(Math.abs(flows.summary.apy - plain.summary.apy)).toBeLessThan(0.01);
  });
});
