import type { RunSummary } from '../api/types';
import type { ChartSpec, LineSpec, SeriesSpec } from './chart';
import { divide, drawdown, minus, rollingApy, times, zeroNoise, type Col } from './analysis';
import { fmtAmount, fmtAxis, fmtBps, fmtNum, fmtPct, stepDecimals } from './format';
import type { SeriesFrame } from './columns';
import type { DashboardData } from './model';

/** A chart of the dashboard, with the heading and note printed above it. */
export interface ChartView {
  readonly id: string;
  readonly section: SectionId;
  readonly title: string;
  readonly note: string;
  readonly spec: ChartSpec;
}

export type SectionId = 'performance' | 'attribution' | 'aave' | 'cex' | 'delta' | 'staking';

export const SECTION_TITLES: Readonly<Record<SectionId, string>> = {
  performance: 'Performance',
  attribution: 'P&L attribution',
  aave: 'AAVE risk',
  cex: 'CEX margin and funding',
  delta: 'Net delta',
  staking: 'Staking carry',
};

const SERIES_COLORS = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#4f46e5', '#0d9488', '#a16207'];
const VENUE_COLORS: Readonly<Record<string, string>> = { binance: '#d4a106', bybit: '#0d9488', okx: '#7c3aed' };

export interface ViewColors {
  readonly accent: string;
  readonly pos: string;
  readonly neg: string;
  readonly warn: string;
  readonly muted: string;
}

function colorAt(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length] as string;
}

/** The P&L parts in the engine's order: a part keeps its color on every run, whichever parts the run booked. */
const PARTS = ['supplyInterest', 'borrowCost', 'stakingYield', 'rewards', 'funding', 'price', 'basis', 'tradingFees', 'slippage', 'gas', 'transferFees', 'liquidationPenalty'];

function partColor(part: string): string {
  const i = PARTS.indexOf(part);
  return colorAt(i < 0 ? PARTS.length : i);
}

function venueColor(venue: string, i: number): string {
  return VENUE_COLORS[venue] ?? colorAt(i + 3);
}

function alpha(hex: string, a: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return hex;
  const n = parseInt(m[1] as string, 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

const pctAxis = (v: number, step: number): string => `${fmtNum(v * 100, stepDecimals(step * 100))}%`;
const bpAxis = (v: number, step: number): string => `${fmtNum(v, stepDecimals(step))} bp`;

type Columns = SeriesFrame['columns'];

/** A frame of the data, with its x axis in seconds (uPlot's time unit). */
interface Frame {
  readonly cols: Columns;
  readonly ts: readonly number[];
  readonly x: readonly number[];
}

const EMPTY: Frame = { cols: {}, ts: [], x: [] };

function prefixed(cols: Columns, prefix: string): { key: string; values: Col }[] {
  return Object.keys(cols)
    .filter((k) => k.startsWith(prefix))
    .sort()
    .map((k) => ({ key: k.slice(prefix.length), values: cols[k] as Col }));
}

function humanize(key: string): string {
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const BENCHMARK_LABELS: Readonly<Record<string, string>> = {
  sUSDe: 'Ethena sUSDe',
  ETH: 'Holding ETH',
};

export function benchmarkLabel(key: string): string {
  return BENCHMARK_LABELS[key] ?? `Staked ${key}`;
}

/** Every chart the data supports, in page order; a view whose columns the run does not have is left out. */
export function buildViews(data: DashboardData, c: ViewColors): ChartView[] {
  const s: RunSummary = data.summary;
  const unit = s.shareClass;
  const frames: Frame[] = data.series.map((f) => ({ cols: f.columns, ts: f.timestampsMs, x: f.timestampsMs.map((t) => t / 1000) }));
  // A view's columns come from one frame (the API is asked for them together), found by the column it is drawn for.
  const frameOf = (name: string): Frame => frames.find((f) => name in f.cols) ?? EMPTY;
  const frameOfPrefix = (prefix: string): Frame => frames.find((f) => Object.keys(f.cols).some((k) => k.startsWith(prefix))) ?? EMPTY;
  const th = data.thresholds;
  const views: ChartView[] = [];
  const amount = (v: number): string => fmtAmount(v, unit);
  const amountAxis = (v: number, step: number): string => fmtAxis(v, step);
  let { cols, ts, x } = frameOf('equity');
  const equity = cols.equity;
  const nav = cols.navPerShare;
  const benchmarks = prefixed(cols, 'benchmark:');

  if (equity) {
    const series: SeriesSpec[] = [{ label: `Equity (${unit})`, values: equity, color: c.accent, fmt: amount, width: 2, fill: alpha(c.accent, 0.07) }];
    if (!nav) benchmarks.forEach((b, i) => series.push({ label: `${benchmarkLabel(b.key)} (${unit})`, values: b.values, color: colorAt(i + 2), fmt: amount, dash: [5, 4] }));
    views.push({
      id: 'equity',
      section: 'performance',
      title: `Equity (${unit})`,
      note: nav
        ? `Total fund equity in ${unit}; deposits and withdrawals move it (see NAV per share below for the return).`
        : `Total fund equity in ${unit}, with the same ${fmtAmount(s.initialCapital, unit)} held in the benchmark${benchmarks.length > 1 ? 's' : ''} (dashed).`,
      spec: { id: 'equity', height: 280, xSec: x, series, axisFmt: amountAxis },
    });
  }
  if (nav) {
    const series: SeriesSpec[] = [{ label: 'NAV per share', values: nav, color: c.accent, fmt: (v) => fmtNum(v, 6), width: 2 }];
    benchmarks.forEach((b, i) =>
      series.push({ label: `${benchmarkLabel(b.key)} (per share)`, values: b.values.map((v) => (v === null ? null : v / s.initialCapital)), color: colorAt(i + 2), fmt: (v) => fmtNum(v, 6), dash: [5, 4] }),
    );
    views.push({
      id: 'nav',
      section: 'performance',
      title: 'NAV per share',
      note: 'Equity per unit (units issued and redeemed at NAV; the initial capital is units at 1.0), against the benchmark grown from 1.0.',
      spec: { id: 'nav', height: 220, xSec: x, series, axisFmt: (v, step) => fmtNum(v, stepDecimals(step)) },
    });
  }
  const base = nav ?? equity;
  if (base) {
    const dd = cols.drawdown ?? drawdown(base);
    views.push({
      id: 'drawdown',
      section: 'performance',
      title: 'Drawdown (%)',
      note: `${nav ? 'NAV per share' : 'Equity'} below its running peak. Max drawdown ${fmtPct(s.maxDrawdown, 2)}.`,
      spec: { id: 'drawdown', height: 160, xSec: x, series: [{ label: 'Drawdown (%)', values: dd, color: c.neg, fmt: (v) => fmtPct(v, 2), fill: alpha(c.neg, 0.15) }], axisFmt: pctAxis, includeZero: true },
    });
    const series: SeriesSpec[] = [{ label: 'Rolling 30-day APY (%)', values: rollingApy(ts, base, 30), color: c.accent, fmt: (v) => fmtPct(v, 2, true), width: 1.75 }];
    benchmarks.forEach((b, i) => series.push({ label: `${benchmarkLabel(b.key)} 30-day APY (%)`, values: rollingApy(ts, b.values, 30), color: colorAt(i + 2), fmt: (v) => fmtPct(v, 2, true), dash: [5, 4] }));
    views.push({
      id: 'rollingApy',
      section: 'performance',
      title: 'Rolling 30-day APY (%)',
      note: `Return over the trailing 30 days, compounded to a year${nav ? ' (on NAV per share)' : ''}; starts once 30 days of history exist.`,
      spec: { id: 'rollingApy', height: 200, xSec: x, series, axisFmt: pctAxis, includeZero: true, lines: [{ value: 0, label: '', color: c.muted, dash: [2, 3] }] },
    });
  }

  ({ cols, ts, x } = frameOfPrefix('pnl:'));
  const pnl = prefixed(cols, 'pnl:').sort((a, b) => PARTS.indexOf(a.key) - PARTS.indexOf(b.key));
  if (pnl.length > 0) {
    let total: (number | null)[] = ts.map(() => 0);
    for (const p of pnl) total = total.map((v, i) => (v === null ? null : v + ((p.values[i] ?? 0) as number)));
    const series: SeriesSpec[] = pnl.map((p) => ({ label: `${humanize(p.key)} (${unit})`, values: p.values, color: partColor(p.key), fmt: (v) => fmtAmount(v, unit, true) }));
    series.push({ label: `Total attributed (${unit})`, values: total, color: c.muted, fmt: (v) => fmtAmount(v, unit, true), width: 2.25 });
    views.push({
      id: 'attribution',
      section: 'attribution',
      title: `Cumulative attribution (${unit})`,
      note: `Each named P&L part added up from the start, in ${unit}; the parts sum to the equity change less flows.`,
      spec: { id: 'attribution', height: 300, xSec: x, series, axisFmt: amountAxis, includeZero: true },
    });
  }

  // LTV 0 is no debt: no position to measure, drawn as a gap rather than a fall to zero.
  ({ cols, x } = frameOf('ltv'));
  const ltv = cols.ltv?.map((v) => (v !== null && v > 0 ? v : null));
  if (ltv && ltv.some((v) => v !== null)) {
    const lines: LineSpec[] = [];
    if (th.targetLtv !== undefined) lines.push({ value: th.targetLtv, label: `target λ ${fmtPct(th.targetLtv, 2)}`, color: c.accent, dash: [2, 3] });
    if (th.maxLtv !== undefined) lines.push({ value: th.maxLtv, label: `e-mode max LTV ${fmtPct(th.maxLtv, 1)}`, color: c.warn });
    if (th.liquidationLtv !== undefined) lines.push({ value: th.liquidationLtv, label: `liquidation ${fmtPct(th.liquidationLtv, 1)}`, color: c.neg, dash: [1, 0] });
    views.push({
      id: 'ltv',
      section: 'aave',
      title: 'LTV (%)',
      note: 'AAVE debt ÷ collateral at oracle values. Shaded: the band the strategy keeps it in (re-lever below, de-lever above).',
      spec: {
        id: 'ltv',
        height: 200,
        xSec: x,
        series: [{ label: 'LTV (%)', values: ltv, color: c.accent, fmt: (v) => fmtPct(v, 2) }],
        axisFmt: pctAxis,
        lines,
        ...(th.ltvBand ? { bands: [{ from: th.ltvBand[0], to: th.ltvBand[1], color: alpha(c.accent, 0.12) }] } : {}),
      },
    });
  }
  ({ cols, x } = frameOf('healthFactor'));
  const hf = cols.healthFactor;
  if (hf && hf.some((v) => v !== null)) {
    const lines: LineSpec[] = [];
    if (th.healthFactorWarn !== undefined) lines.push({ value: th.healthFactorWarn, label: `warn ${fmtNum(th.healthFactorWarn, 3)}`, color: c.warn });
    if (th.healthFactorEmergency !== undefined) lines.push({ value: th.healthFactorEmergency, label: `emergency ${fmtNum(th.healthFactorEmergency, 3)}`, color: c.neg });
    lines.push({ value: 1, label: 'liquidation 1.000', color: c.neg, dash: [1, 0] });
    views.push({
      id: 'healthFactor',
      section: 'aave',
      title: 'Health factor (ratio)',
      note: 'Collateral × liquidation threshold ÷ debt; AAVE liquidates below 1.',
      spec: { id: 'healthFactor', height: 200, xSec: x, series: [{ label: 'Health factor', values: hf, color: c.accent, fmt: (v) => fmtNum(v, 4) }], axisFmt: (v, step) => fmtNum(v, stepDecimals(step)), lines },
    });
  }

  ({ cols, x } = frameOfPrefix('marginRatio:'));
  const margins = prefixed(cols, 'marginRatio:');
  if (margins.length > 0) {
    const lines: LineSpec[] = [];
    if (th.targetMarginRatio !== undefined) lines.push({ value: th.targetMarginRatio, label: `target ${fmtPct(th.targetMarginRatio, 0)}`, color: c.accent, dash: [2, 3] });
    if (th.marginRatioRebalance !== undefined) lines.push({ value: th.marginRatioRebalance, label: `rebalance ${fmtPct(th.marginRatioRebalance, 0)}`, color: c.muted });
    if (th.marginRatioWarn !== undefined) lines.push({ value: th.marginRatioWarn, label: `warn ${fmtPct(th.marginRatioWarn, 0)}`, color: c.warn });
    if (th.marginRatioEmergency !== undefined) lines.push({ value: th.marginRatioEmergency, label: `emergency ${fmtPct(th.marginRatioEmergency, 0)}`, color: c.neg });
    const maint = th.maintenance ? Math.max(...margins.map((m) => th.maintenance?.[m.key] ?? 0)) : 0;
    if (maint > 0) lines.push({ value: maint, label: `maintenance ${fmtPct(maint, 2)}`, color: c.neg, dash: [1, 0] });
    views.push({
      id: 'marginRatio',
      section: 'cex',
      title: 'Margin ratio by venue (% of notional)',
      note: '(Collateral + unrealised P&L) ÷ |perp notional| per venue, in %. The venue liquidates below maintenance.',
      spec: { id: 'marginRatio', height: 220, xSec: x, series: margins.map((m, i) => ({ label: `${m.key} (%)`, values: m.values, color: venueColor(m.key, i), fmt: (v) => fmtPct(v, 1) })), axisFmt: pctAxis, lines },
    });
  }
  ({ cols, x } = frameOfPrefix('marginUsdt:'));
  const marginUsdt = prefixed(cols, 'marginUsdt:');
  if (marginUsdt.length > 0) {
    const series: SeriesSpec[] = [];
    marginUsdt.forEach((m, i) => {
      const color = venueColor(m.key, i);
      series.push({ label: `${m.key} (USDT)`, values: m.values, color, fmt: (v) => fmtAmount(v, 'USDT') });
      const ratio = cols[`marginRatio:${m.key}`];
      if (!ratio) return;
      // Notional = margin ÷ margin ratio, so a ratio limit in USDT is the limit × that notional.
      const notional = divide(m.values, ratio);
      if (th.marginRatioRebalance !== undefined) {
        const r = th.marginRatioRebalance;
        series.push({ label: `${m.key} rebalance level (USDT)`, values: notional.map((n) => (n === null ? null : n * r)), color, fmt: (v) => fmtAmount(v, 'USDT'), dash: [6, 4], width: 1 });
      }
      if (th.marginRatioEmergency !== undefined) {
        const r = th.marginRatioEmergency;
        series.push({ label: `${m.key} emergency level (USDT)`, values: notional.map((n) => (n === null ? null : n * r)), color, fmt: (v) => fmtAmount(v, 'USDT'), dash: [1, 3], width: 1 });
      }
    });
    views.push({
      id: 'marginUsdt',
      section: 'cex',
      title: 'Margin by venue (USDT)',
      note: 'Collateral + unrealised P&L on each CEX account, in USDT; dashed: the margin at the rebalance ratio, dotted: at the emergency ratio, for the notional held.',
      spec: { id: 'marginUsdt', height: 240, xSec: x, series, axisFmt: amountAxis, includeZero: true },
    });
  }
  ({ cols, x } = frameOfPrefix('fundingRate:'));
  const funding = prefixed(cols, 'fundingRate:');
  if (funding.length > 0) {
    const fmt = (v: number): string => `${fmtPct(v, 4, true)} /8h (${fmtPct(v * 3 * 365, 1, true)} /yr)`;
    views.push({
      id: 'funding',
      section: 'cex',
      title: 'Funding rate by venue (% per 8 h)',
      note: 'Perp funding rate at each settlement, % per 8 h (positive: longs pay shorts, so a short hedge earns it).',
      spec: {
        id: 'funding',
        height: 200,
        xSec: x,
        series: funding.map((f, i) => ({ label: f.key, values: f.values, color: venueColor(f.key, i), fmt, sparse: true, width: 1 })),
        axisFmt: (v, step) => `${fmtNum(v * 100, stepDecimals(step * 100))}%`,
        includeZero: true,
        lines: [{ value: 0, label: '', color: c.muted, dash: [2, 3] }],
      },
    });
  }

  ({ cols, x } = frameOfPrefix('netDelta:'));
  const deltas = prefixed(cols, 'netDelta:').map((d) => ({ key: d.key, values: zeroNoise(d.values) }));
  if (deltas.length > 0) {
    views.push({
      id: 'netDeltaUnits',
      section: 'delta',
      title: 'Net delta (units)',
      note: `Long spot, LST and collateral minus debt and short perps, in units of the underlying${unit === 'ETH' ? ' (an ETH book is long its own equity by design)' : ''}. Float residue below a millionth of the largest value is drawn as 0.`,
      spec: { id: 'netDeltaUnits', height: 180, xSec: x, series: deltas.map((d, i) => ({ label: `${d.key} (${d.key})`, values: d.values, color: colorAt(i), fmt: (v) => `${fmtNum(v, 4, true)} ${d.key}` })), axisFmt: (v, step) => fmtNum(v, stepDecimals(step)), includeZero: true },
    });
    const usd = deltas.map((d) => ({ key: d.key, values: cols[`price:${d.key}`] ? times(d.values, cols[`price:${d.key}`] as Col) : null }));
    const usdCols = usd.filter((d): d is { key: string; values: (number | null)[] } => d.values !== null);
    if (usdCols.length > 0) {
      views.push({
        id: 'netDeltaUsd',
        section: 'delta',
        title: 'Net delta (USD)',
        note: 'Net delta × the valuation price, in USD.',
        spec: { id: 'netDeltaUsd', height: 160, xSec: x, series: usdCols.map((d, i) => ({ label: `${d.key} (USD)`, values: d.values, color: colorAt(i), fmt: (v) => fmtAmount(v, 'USD', true) })), axisFmt: amountAxis, includeZero: true },
      });
      const eq = cols.equity;
      const equityUsd = eq ? (unit === 'ETH' && cols['price:ETH'] ? times(eq, cols['price:ETH']) : eq) : null;
      if (equityUsd) {
        views.push({
          id: 'netDeltaNav',
          section: 'delta',
          title: 'Net delta (% of NAV)',
          note: 'Net delta in USD ÷ fund equity in USD.',
          spec: { id: 'netDeltaNav', height: 160, xSec: x, series: usdCols.map((d, i) => ({ label: `${d.key} (% NAV)`, values: divide(d.values, equityUsd), color: colorAt(i), fmt: (v) => fmtPct(v, 3, true) })), axisFmt: pctAxis, includeZero: true },
        });
      }
    }
  }

  ({ cols, x } = frameOfPrefix('lstRate:'));
  const lst = prefixed(cols, 'lstRate:');
  if (lst.length > 0) {
    views.push({
      id: 'lstRate',
      section: 'staking',
      title: 'LST / ETH exchange rate (ETH per LST)',
      note: 'ETH per LST token at the AAVE oracle: its growth is the staking yield; a drop moves the health factor.',
      spec: { id: 'lstRate', height: 180, xSec: x, series: lst.map((l, i) => ({ label: `${l.key} (ETH)`, values: l.values, color: colorAt(i + 4), fmt: (v) => `${fmtNum(v, 6)} ETH` })), axisFmt: (v, step) => fmtNum(v, stepDecimals(step)) },
    });
  }
  ({ cols, x } = frames.find((f) => Object.keys(f.cols).some((k) => k.startsWith('borrowApr:') || k.startsWith('stakingApr:'))) ?? EMPTY);
  const borrow = prefixed(cols, 'borrowApr:');
  const staking = prefixed(cols, 'stakingApr:');
  if (borrow.length > 0 || staking.length > 0) {
    const series: SeriesSpec[] = [
      ...staking.map((st, i) => ({ label: `${st.key} staking APR (%)`, values: st.values, color: colorAt(i + 2), fmt: (v: number) => fmtPct(v, 2) })),
      ...borrow.map((b, i) => ({ label: `AAVE ${b.key} borrow APR (%)`, values: b.values, color: colorAt(i + 1), fmt: (v: number) => fmtPct(v, 2) })),
    ];
    const weth = cols['borrowApr:WETH'];
    const first = staking[0];
    if (weth && first) {
      series.push({ label: `Spread ${first.key} − WETH borrow (bp/yr)`, values: minus(first.values, weth).map((v) => (v === null ? null : v * 1e4)), color: c.muted, fmt: (v) => `${fmtBps(v, 0)}/yr`, scale: 'y2', fill: alpha(c.muted, 0.08) });
    }
    views.push({
      id: 'carry',
      section: 'staking',
      title: 'Borrow rate vs staking yield (% per year)',
      note: 'AAVE variable borrow APR against the LST staking APR (its exchange-rate growth over the trailing 7 days); the spread (right axis, bp per year) is what each unit of leverage earns before costs.',
      spec: { id: 'carry', height: 220, xSec: x, series, axisFmt: pctAxis, y2AxisFmt: bpAxis, includeZero: true },
    });
  }
  return views;
}
