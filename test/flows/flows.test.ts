import { describe, expect, it } from 'vitest';
import { writeBacktestResults, type BacktestOutput } from '../../src/engine/backtest.js';
import { verifyRun } from '../../src/events/audit.js';
import { ATTRIBUTION_PARTS, type AttributionPart } from '../../src/report/types.js';
import { run, tmpDir } from '../engine/helpers.js';

/** Capital in each mode's share class, and the deposit and withdrawal made in the middle of its history. */
const MODES = [
  { mode: 'pure_lending', capital: 1_000_000, deposit: 500_000, withdrawal: 300_000 },
  { mode: 'btc_basis', capital: 1_000_000, deposit: 500_000, withdrawal: 300_000 },
  { mode: 'eth_leveraged', capital: 100, deposit: 50, withdrawal: 30 },
  { mode: 'usdt_market_neutral', capital: 1_000_000, deposit: 500_000, withdrawal: 300_000 },
] as const;

const COST_PARTS: readonly AttributionPart[] = ['tradingFees', 'slippage', 'gas', 'transferFees'];
const costs = (out: BacktestOutput): number => COST_PARTS.reduce((a, p) => a + out.summary.attribution[p], 0);

describe.each(MODES)('$mode: a deposit and a withdrawal in the middle of its history', ({ mode, capital, deposit, withdrawal }) => {
  const withFlows = (): Promise<BacktestOutput> => run({ mode, capital, flows: [`2024-09-01T00:00:00Z=+${deposit}`, `2025-02-01T00:00:00Z=-${withdrawal}`] });

  it('reconciles: balance P&L = equity change − net flows = Σ attribution', async () => {
    const out = await withFlows();
    const s = out.summary;
    const { balancePnl, attributedPnl, residual, netFlows } = s.reconciliation;
    expect(netFlows).toBe(deposit - withdrawal);
    expect(balancePnl).toBe(s.finalEquity - capital - (deposit - withdrawal));
    expect(ATTRIBUTION_PARTS.reduce((a, p) => a + s.attribution[p], 0)).toBe(attributedPnl);
    expect(Math.abs(residual)).toBeLessThanOrEqual(1e-6 * capital);
    expect(s.flows).toMatchObject({ count: 2, deposits: deposit, withdrawals: withdrawal, pending: 0 });
    const flowEvents = out.events.filter((e) => (e.type === 'DEPOSIT' || e.type === 'WITHDRAWAL') && e.status === 'completed');
    expect(flowEvents.map((e) => [e.type, e.details?.['amountToken']])).toEqual([['DEPOSIT', deposit], ['WITHDRAWAL', withdrawal]]);
  });

  it('issues and redeems units at NAV, so a flow does not move NAV per share', async () => {
    const out = await withFlows();
    let units = capital;
    for (const e of out.events) {
      if (e.status !== 'completed' || (e.type !== 'DEPOSIT' && e.type !== 'WITHDRAWAL')) continue;
      const d = e.details as Record<string, number>;
      const moved = e.type === 'DEPOSIT' ? (d['unitsIssued'] as number) : -(d['unitsRedeemed'] as number);
      expect(moved).toBe((e.type === 'DEPOSIT' ? 1 : -1) * ((d['amountToken'] as number) / (d['navPerShare'] as number)));
      units += moved;
      expect(d['unitsAfter']).toBe(units);
    }
    expect(out.summary.flows?.finalUnits).toBe(units);
    expect(out.summary.flows?.finalNavPerShare).toBeCloseTo(out.summary.finalEquity / units, 12);
    // Time-weighted: the total return is the growth of NAV per share from 1.
    expect(out.summary.totalReturn).toBeCloseTo(out.summary.finalEquity / units - 1, 12);
  });

  it('writes results that audit verify replays, DEPOSIT and WITHDRAWAL included', async () => {
    const out = await withFlows();
    const dir = tmpDir(`flows-${mode}`);
    await writeBacktestResults(dir, out);
    const report = await verifyRun(dir);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.finalEquity).toBe(out.summary.finalEquity);
    expect(report.balancePnl).toBe(out.summary.reconciliation.balancePnl);
  });
});

describe.each(MODES)('$mode: a deposit, then an equal withdrawal a day later', ({ mode, capital, deposit }) => {
  it('earns what the run without them earns, less the costs of deploying and unwinding (and the day of carry)', async () => {
    const window = { mode, capital, start: '2024-09-01', end: '2024-09-12', recordTimeseries: false };
    const plain = await run(window);
    const flows = await run({ ...window, flows: [`2024-09-03T00:00Z=+${deposit}`, `2024-09-04T00:00Z=-${deposit}`] });
    const pnlGap = flows.summary.reconciliation.balancePnl - plain.summary.reconciliation.balancePnl;
    const extraCosts = costs(flows) - costs(plain);
    expect(extraCosts).toBeLessThan(0);
    // The unwind's own orders booked part of the extra costs (the rest: deploying, and rebalances the flows caused).
    expect(flows.summary.flows?.unwindCosts).toBeLessThan(0);
    expect(extraCosts).toBeLessThanOrEqual((flows.summary.flows?.deployCosts ?? 0) + (flows.summary.flows?.unwindCosts ?? 0) + 1e-9 * capital);
    // What is left is the carry of the deposit over the one day it was invested: bounded by a 20 % a year yield on it.
    expect(Math.abs(pnlGap - extraCosts)).toBeLessThanOrEqual((deposit * 0.2) / 365);
  });
});
