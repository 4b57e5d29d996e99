import { describe, expect, it } from 'vitest';
import { MODE_NAMES } from '../../src/modes/registry.js';
import { writeBacktestResults } from '../../src/engine/backtest.js';
import { verifyRun } from '../../src/events/audit.js';
import { ATTRIBUTION_PARTS } from '../../src/report/types.js';
import { column, run, tmpDir } from './helpers.js';

describe.each(MODE_NAMES)('%s over the full history', (mode) => {
  it('reconciles: balance P&L equals the attributed parts', async () => {
    const out = await run({ mode });
    const { balancePnl, attributedPnl, residual } = out.summary.reconciliation;
    const sum = ATTRIBUTION_PARTS.reduce((a, p) => a + out.summary.attribution[p], 0);
    expect(sum).toBe(attributedPnl);
    expect(balancePnl).toBe(out.summary.finalEquity - out.summary.initialCapital);
    expect(Math.abs(residual)).toBeLessThan(1e-6 * out.summary.initialCapital);
    expect(out.summary.steps).toBeGreaterThan(11_000);
  });

  it('keeps every balance non-negative and the event order strictly increasing', async () => {
    const out = await run({ mode });
    let last = 0;
    for (const e of out.events) {
      expect(e.order).toBe(last + 1);
      last = e.order;
      for (const [key, amount] of Object.entries(e.balances ?? {})) {
        if (!key.includes(':Perp:')) expect(amount, `${key} after event ${e.order}`).toBeGreaterThanOrEqual(0);
      }
    }
    for (const c of out.frame.columns) {
      if (!c.name.startsWith('pos:') || c.name.includes(':Perp:')) continue;
      for (const v of c.values) expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it('writes results that the audit replays bit for bit', async () => {
    const out = await run({ mode });
    const dir = tmpDir(`audit-${mode}`);
    await writeBacktestResults(dir, out);
    const report = await verifyRun(dir);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.finalEquity).toBe(out.summary.finalEquity);
  });
});

describe.each(['btc_basis', 'usdt_market_neutral'] as const)('%s step by step', (mode) => {
  it('explains every step: the change in equity equals the sum of that step\'s attributed parts', async () => {
    const out = await run({ mode });
    const equity = column(out, 'equity') as Float64Array;
    const parts = out.frame.columns.filter((c) => c.name.startsWith('pnl:')).map((c) => c.values);
    expect(parts.length).toBeGreaterThan(3);
    let worst = 0;
    for (let i = 1; i < equity.length; i++) {
      let attributed = 0;
      for (const p of parts) attributed += (p[i] as number) - (p[i - 1] as number);
      worst = Math.max(worst, Math.abs((equity[i] as number) - (equity[i - 1] as number) - attributed));
    }
    expect(worst).toBeLessThan(1e-6);
  });
});
