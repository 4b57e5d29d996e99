import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../src/report/summaryText.js';
import { ATTRIBUTION_PARTS } from '../../src/report/types.js';
import { realisticFrame, summaryFor } from './fixtures.js';

describe('formatSummary', () => {
  const frame = realisticFrame(2000);
  const s = summaryFor(frame);

  it('shows every headline figure, the attribution, reconciliation and speed lines', () => {
    const text = formatSummary(s);
    expect(text).toMatch(/SYNTHETIC DATA/);
    expect(text.split('\n')[0]).toMatch(/^!+$/); // banner first
    for (const label of ['Period', 'Steps', 'Capital (USDT)', 'Total return', 'APY', 'Max drawdown', 'Volatility', 'Sharpe',
      'Sortino', 'Rebalances', 'Liquidations', 'Emergency stops', 'Fees paid (USDT)', 'Gas paid (USDT)']) {
      expect(text).toContain(label);
    }
    for (const p of ATTRIBUTION_PARTS) expect(text).toMatch(new RegExp(`^  ${p} +[-+0-9,.]+ USDT|^  ${p} +[-+0-9,.]+ +(-|[-0-9.]+%)$`, 'm'));
    expect(text).toContain('100,000.00 USDT -> ');
    expect(text).toContain('Fees paid (USDT)   1,234.57 USDT');
    expect(text).toMatch(/Reconciliation: balance P&L [-+][0-9,.]+ USDT = attributed [-+][0-9,.]+ USDT \(residual [-+][0-9,.e-]+ USDT\)/);
    expect(text).toContain('Speed: 2,000 steps in 850 ms (2,353 steps/s), config 40 ms, data load 80 ms');
  });

  it('aligns the key/value table and the attribution columns', () => {
    const lines = formatSummary(s).split('\n');
    const valueCols = lines.filter((l) => /^ {2}(Steps|APY|Sharpe|Liquidations) /.test(l)).map((l) => l.search(/\S(?=\S*$)/));
    expect(new Set(valueCols).size).toBe(1);
    const attrRows = lines.filter((l) => ATTRIBUTION_PARTS.some((p) => l.startsWith(`  ${p} `)));
    expect(attrRows).toHaveLength(ATTRIBUTION_PARTS.length);
    expect(new Set(attrRows.map((l) => l.length)).size).toBe(1); // right-aligned amount and share columns
  });

  it('shares are part / attributed P&L', () => {
    const text = formatSummary({
      ...s,
      attribution: { ...Object.fromEntries(ATTRIBUTION_PARTS.map((p) => [p, 0])), funding: 750, tradingFees: -250 } as typeof s.attribution,
      reconciliation: { balancePnl: 500.004, attributedPnl: 500, residual: 0.004 },
    });
    expect(text).toMatch(/^ {2}funding +\+750\.00 +150\.0%$/m);
    expect(text).toMatch(/^ {2}tradingFees +-250\.00 +-50\.0%$/m);
    expect(text).toContain('(residual +4.00e-3 USDT)'); // too small for cents: keeps its magnitude
  });

  it('ETH share class: ETH units and 6 decimals; no banner for historical data', () => {
    const text = formatSummary({ ...s, shareClass: 'ETH', synthetic: false, initialCapital: 100, finalEquity: 104.5, feesPaid: 0.0123456 });
    expect(text).not.toContain('SYNTHETIC');
    expect(text).toContain('Capital (ETH)');
    expect(text).toContain('100.000000 ETH -> 104.500000 ETH');
    expect(text).toContain('0.012346 ETH');
    expect(text).not.toContain('USDT');
  });
});
