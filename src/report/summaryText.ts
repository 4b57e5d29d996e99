import { ATTRIBUTION_PARTS, type RunSummary } from './types.js';
import { attributionShare, fmtAmount, fmtInt, fmtNum, fmtPct, periodDays } from './format.js';

const SYNTHETIC_LINE = '!!  SYNTHETIC DATA: these results do not come from real market history  !!';
const SYNTHETIC_BANNER = ['!'.repeat(SYNTHETIC_LINE.length), SYNTHETIC_LINE, '!'.repeat(SYNTHETIC_LINE.length)];

/** `2024-03-01T00:00:00.000Z` → `2024-03-01 00:00Z`: the short form, which --start/--end accept back. */
function shortIso(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00(\.000)?Z$/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : iso;
}

/** A plain-text, fixed-width summary of one run for the terminal (no colour codes; safe to pipe into a file). */
export function formatSummary(s: RunSummary): string {
  const unit = s.shareClass;
  const amt = (x: number, signed = false): string => `${fmtAmount(x, unit, signed)} ${unit}`;
  const out: string[] = [];
  if (s.synthetic) out.push(...SYNTHETIC_BANNER, '');

  out.push(`Basis backtest: ${s.mode} (share class ${unit})${s.synthetic ? ' [SYNTHETIC DATA]' : ''}`, '');

  const days = periodDays(s.start, s.end);
  const rows: Array<[string, string]> = [
    ['Period', `${shortIso(s.start)} -> ${shortIso(s.end)}${days !== undefined ? ` (${fmtNum(days, 1)} days, end inclusive: last step)` : ''}`],
    ['Steps', fmtInt(s.steps)],
    [`Capital (${unit})`, `${amt(s.initialCapital)} -> ${amt(s.finalEquity)}`],
    ['Total return', fmtPct(s.totalReturn, 2, true)],
    [s.flows ? 'APY (time-weighted)' : 'APY', s.apyNote ?? fmtPct(s.apy, 2, true)],
    ...(s.flows
      ? ([
          ['Money-weighted APY', s.apyNote ?? (s.flows.moneyWeightedApy === null ? 'n/a' : fmtPct(s.flows.moneyWeightedApy, 2, true))],
          [`Capital flows (${unit})`, `+${fmtAmount(s.flows.deposits, unit)} in, -${fmtAmount(s.flows.withdrawals, unit)} out (${fmtInt(s.flows.count)} flows${s.flows.pending > 0 ? `, ${fmtInt(s.flows.pending)} pending at the end` : ''})`],
          ['NAV per share', `1 -> ${fmtNum(s.flows.finalNavPerShare, 6)} (${fmtNum(s.flows.finalUnits, 2)} units)`],
        ] as Array<[string, string]>)
      : []),
    ...(s.benchmark
      ? ([[`Benchmark APY`, `${s.apyNote ?? fmtPct(s.benchmark.apy, 2, true)} (${s.benchmark.name}${s.benchmark.coverage < 0.999 ? `, ${fmtPct(s.benchmark.coverage, 0)} of the period` : ''})`]] as Array<[string, string]>)
      : []),
    ['Max drawdown', fmtPct(s.maxDrawdown, 2)],
    ['Volatility (ann.)', fmtPct(s.volatility, 2)],
    ['Sharpe', fmtNum(s.sharpe, 2)],
    ['Sortino', fmtNum(s.sortino, 2)],
    ['Rebalances', fmtInt(s.rebalances)],
    ['Liquidations', fmtInt(s.liquidations)],
    ['Emergency stops', fmtInt(s.emergencyStops)],
    [`Fees paid (${unit})`, amt(s.feesPaid)],
    [`Gas paid (${unit})`, amt(s.gasPaid)],
  ];
  const labelWidth = Math.max(...rows.map(([k]) => k.length)) + 2;
  for (const [k, v] of rows) out.push(`  ${k.padEnd(labelWidth)}${v}`);

  // Attribution table: part, signed amount, share of the attributed P&L.
  out.push('', `P&L attribution (${unit})`);
  const attributed = s.reconciliation.attributedPnl;
  let gross = 0;
  for (const p of ATTRIBUTION_PARTS) gross += Math.abs(s.attribution[p] ?? 0);
  const table: Array<[string, string, string]> = [['Part', 'Amount', 'Share']];
  for (const p of ATTRIBUTION_PARTS) {
    const v = s.attribution[p] ?? 0;
    const share = attributionShare(v, attributed, gross);
    table.push([p, fmtAmount(v, unit, true), share === undefined ? '-' : fmtPct(share, 1)]);
  }
  const total = attributionShare(attributed, attributed, gross);
  table.push(['Total attributed', fmtAmount(attributed, unit, true), total === undefined ? '-' : fmtPct(total, 1)]);
  const w0 = Math.max(...table.map((r) => r[0].length));
  const w1 = Math.max(...table.map((r) => r[1].length));
  const w2 = Math.max(...table.map((r) => r[2].length));
  table.forEach((r, i) => {
    out.push(`  ${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2].padStart(w2)}`);
    if (i === 0 || i === table.length - 2) out.push(`  ${'-'.repeat(w0 + w1 + w2 + 4)}`);
  });

  const rec = s.reconciliation;
  out.push(
    '',
    `Reconciliation: balance P&L ${amt(rec.balancePnl, true)}${rec.netFlows !== undefined ? ` (equity change less net flows ${amt(rec.netFlows, true)})` : ''} = attributed ${amt(rec.attributedPnl, true)} ` +
      `(residual ${amt(rec.residual, true)})`,
  );
  const t = s.timing;
  out.push(
    `Speed: ${fmtInt(s.steps)} steps in ${fmtInt(t.runMs)} ms (${fmtInt(t.stepsPerSec)} steps/s), config ${fmtInt(t.configMs)} ms, data load ${fmtInt(t.dataMs)} ms`,
  );
  if (s.synthetic) out.push('', SYNTHETIC_LINE);
  return out.join('\n') + '\n';
}
