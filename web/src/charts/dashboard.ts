import type uPlot from 'uplot';
import type { RunSummary } from '../api/types';
import { monthlyReturns, yearlyReturns, yearsBetween } from './analysis';
import { ChartGroup, createChart, type Palette } from './chart';
import { fmtAmount, fmtBps, fmtInt, fmtNum, fmtPct } from './format';
import type { DashboardData, MarkerKind } from './model';
import { DASHBOARD_CSS } from './styles';
import { SECTION_TITLES, buildViews, type ChartView, type SectionId, type ViewColors } from './views';

export interface DashboardHandle {
  /** Charts drawn (canvases), for tests and the report's status attribute. */
  readonly chartCount: number;
  destroy(): void;
}

const MARKER_LABELS: Readonly<Record<MarkerKind, string>> = {
  rebalance: 'Rebalances',
  breach: 'Risk breaches',
  liquidation: 'Liquidations',
  emergency: 'Emergency stops',
  deposit: 'Deposits',
  withdrawal: 'Withdrawals',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function injectStyles(): void {
  if (document.getElementById('basis-dashboard-css')) return;
  const style = el('style');
  style.id = 'basis-dashboard-css';
  style.textContent = DASHBOARD_CSS;
  document.head.appendChild(style);
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v.length > 0 ? v : fallback;
}

function readColors(): { palette: Palette; view: ViewColors } {
  const view: ViewColors = {
    accent: cssVar('--accent', '#2563eb'),
    pos: cssVar('--pos', '#15803d'),
    neg: cssVar('--neg', '#b91c1c'),
    warn: cssVar('--warn', '#b45309'),
    muted: cssVar('--muted', '#6b7280'),
  };
  const palette: Palette = {
    fg: cssVar('--fg', '#111827'),
    muted: view.muted,
    grid: cssVar('--line', '#e5e7eb'),
    card: cssVar('--card', '#ffffff'),
    markers: { rebalance: view.accent, breach: view.warn, liquidation: view.neg, emergency: view.neg, deposit: view.pos, withdrawal: '#a855f7' },
  };
  return { palette, view };
}

type Tone = 'pos' | 'neg' | 'warn' | undefined;

function card(label: string, value: string, sub?: string, tone?: Tone): HTMLElement {
  const c = el('div', `bd-metric${tone ? ` tone-${tone}` : ''}`);
  const v = el('div', 'bd-metric-value');
  // The unit of an amount is set smaller, so a six-figure amount and its token fit one line of a card.
  const m = /^(.+) (USDT|USD|ETH|BTC|bp)$/.exec(value);
  if (m) v.append(document.createTextNode(`${m[1] as string} `), el('span', 'bd-metric-unit', m[2] as string));
  else v.textContent = value;
  c.append(el('div', 'bd-metric-label', label), v);
  if (sub) c.append(el('div', 'bd-metric-sub', sub));
  return c;
}

const signTone = (v: number): Tone => (v > 0 ? 'pos' : v < 0 ? 'neg' : undefined);

function headlineCards(s: RunSummary): HTMLElement {
  const unit = s.shareClass;
  const wrap = el('section', 'bd-metrics');
  wrap.id = 'section-metrics';
  wrap.setAttribute('aria-label', 'Key metrics');
  wrap.append(
    card(`Final equity (${unit})`, fmtAmount(s.finalEquity, unit), `from ${fmtAmount(s.initialCapital, unit)}`),
    card('Total return (%)', fmtPct(s.totalReturn, 2, true), s.flows ? 'time-weighted' : undefined, signTone(s.totalReturn)),
    card('APY (%)', s.apyNote ?? fmtPct(s.apy, 2, true), s.flows ? 'time-weighted (NAV per share)' : 'compounded', s.apyNote ? undefined : signTone(s.apy)),
  );
  if (s.benchmark) {
    wrap.append(card('Benchmark APY (%)', s.apyNote ?? fmtPct(s.benchmark.apy, 2, true), `${s.benchmark.name}${s.benchmark.coverage < 0.999 ? `, ${fmtPct(s.benchmark.coverage, 0)} of the period` : ''}`));
    if (!s.apyNote) wrap.append(card('APY vs benchmark', fmtBps((s.apy - s.benchmark.apy) * 1e4, 0), 'excess, bp per year', signTone(s.apy - s.benchmark.apy)));
  }
  if (s.flows) {
    wrap.append(
      card('Money-weighted APY (%)', s.apyNote ?? (s.flows.moneyWeightedApy === null ? 'n/a' : fmtPct(s.flows.moneyWeightedApy, 2, true)), 'IRR of the dated flows'),
      card(`Net flows (${unit})`, fmtAmount(s.flows.netFlows, unit, true), `${fmtAmount(s.flows.deposits, unit, true)} in, ${fmtAmount(-s.flows.withdrawals, unit, true)} out`),
      card('NAV per share', fmtNum(s.flows.finalNavPerShare, 6), `${fmtNum(s.flows.finalUnits, 2)} units`),
    );
  }
  wrap.append(
    card('Max drawdown (%)', fmtPct(s.maxDrawdown, 2), undefined, s.maxDrawdown < -0.1 ? 'neg' : undefined),
    card('Volatility (%, ann.)', fmtPct(s.volatility, 2)),
    card('Sharpe (ratio)', fmtNum(s.sharpe, 2), 'no risk-free rate'),
    card('Sortino (ratio)', fmtNum(s.sortino, 2)),
    card('Rebalances (count)', fmtInt(s.rebalances)),
    card('Liquidations (count)', fmtInt(s.liquidations), undefined, s.liquidations > 0 ? 'neg' : 'pos'),
    card('Emergency stops (count)', fmtInt(s.emergencyStops), undefined, s.emergencyStops > 0 ? 'warn' : undefined),
    card(`Fees paid (${unit})`, fmtAmount(s.feesPaid, unit)),
    card(`Gas paid (${unit})`, fmtAmount(s.gasPaid, unit)),
  );
  return wrap;
}

function table(head: readonly string[], rows: readonly (readonly (string | HTMLElement)[])[], cls: string, numericFrom = 1): HTMLTableElement {
  const t = el('table', cls);
  const thead = el('thead');
  const tr = el('tr');
  head.forEach((h, i) => {
    const th = el('th', i >= numericFrom ? 'num' : undefined, h);
    th.scope = 'col';
    tr.append(th);
  });
  thead.append(tr);
  const tbody = el('tbody');
  for (const r of rows) {
    const row = el('tr');
    r.forEach((cell, i) => {
      const td = i === 0 ? el('th') : el('td', i >= numericFrom ? 'num' : undefined);
      if (i === 0) (td as HTMLTableCellElement).scope = 'row';
      if (typeof cell === 'string') td.textContent = cell;
      else td.append(cell);
      row.append(td);
    });
    tbody.append(row);
  }
  t.append(thead, tbody);
  return t;
}

function humanize(key: string): string {
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Time-weighted mean of a column over its frame (the capital a run with flows had at work on average). */
function timeWeightedMean(tsMs: readonly number[], values: readonly (number | null)[]): number {
  let area = 0;
  let span = 0;
  for (let i = 1; i < values.length; i++) {
    const v = values[i - 1];
    if (v === null || v === undefined) continue;
    const dt = (tsMs[i] as number) - (tsMs[i - 1] as number);
    area += v * dt;
    span += dt;
  }
  return span > 0 ? area / span : NaN;
}

/**
 * Attribution as APY contribution: each part ÷ capital ÷ years, in bp per year, with a signed bar. The capital is
 * the initial capital, or with deposits and withdrawals the time-weighted mean equity (what was at work).
 */
function attributionTable(s: RunSummary, data: DashboardData): HTMLElement {
  const unit = s.shareClass;
  const years = yearsBetween(s.start, s.end);
  const frame = data.series.find((f) => 'equity' in f.columns);
  const mean = s.flows && frame?.columns.equity ? timeWeightedMean(frame.timestampsMs, frame.columns.equity) : NaN;
  const capital = Number.isFinite(mean) && mean > 0 ? mean : s.initialCapital;
  const capitalText = capital === s.initialCapital ? `initial capital (${fmtAmount(capital, unit)})` : `mean equity at work (${fmtAmount(capital, unit)}, time-weighted over the flows)`;
  const parts = Object.entries(s.attribution).filter(([, v]) => Number.isFinite(v));
  const bps = parts.map(([, v]) => (years > 0 ? (v / capital / years) * 1e4 : NaN));
  const maxAbs = Math.max(1e-12, ...bps.filter(Number.isFinite).map(Math.abs));
  const rows = parts.map(([k, v], i) => {
    const b = bps[i] as number;
    const bar = el('span', 'bd-bar');
    const half = el('span', `bd-bar-fill ${b < 0 ? 'neg' : 'pos'}`);
    half.style.width = `${Number.isFinite(b) ? (Math.abs(b) / maxAbs) * 50 : 0}%`;
    if (b < 0) half.style.right = '50%';
    else half.style.left = '50%';
    bar.append(half);
    const amount = el('span', v < 0 ? 'neg' : v > 0 ? 'pos' : '', fmtAmount(v, unit, true));
    const bp = el('span', b < 0 ? 'neg' : b > 0 ? 'pos' : '', `${fmtBps(b, 1)}/yr`);
    return [humanize(k), bar, amount, bp] as const;
  });
  const total = s.reconciliation.attributedPnl;
  const totalBp = years > 0 ? (total / capital / years) * 1e4 : NaN;
  const t = table(['Part', 'loss ← → gain', `P&L (${unit})`, 'APY contribution (bp/yr)'], [...rows, ['Total attributed', '', fmtAmount(total, unit, true), `${fmtBps(totalBp, 1)}/yr`]], 'bd-table bd-attribution', 2);
  const wrap = el('div');
  wrap.append(t);
  const rec = s.reconciliation;
  wrap.append(
    el(
      'p',
      'bd-note',
      `Simple contribution: part ÷ ${capitalText} ÷ ${fmtNum(years, 2)} years, in basis points per year. Reconciliation: balance P&L ${fmtAmount(rec.balancePnl, unit, true)} = attributed ${fmtAmount(rec.attributedPnl, unit, true)} (residual ${fmtAmount(rec.residual, unit, true)}).`,
    ),
  );
  return wrap;
}

function monthlyTable(data: DashboardData): HTMLElement | null {
  const frame = data.series.find((f) => 'equity' in f.columns);
  if (!frame) return null;
  const cols = frame.columns;
  const base = cols.navPerShare ?? cols.equity;
  if (!base) return null;
  const months = monthlyReturns(frame.timestampsMs, base);
  if (months.length === 0) return null;
  const years = yearlyReturns(months);
  const byKey = new Map(months.map((m) => [m.year * 12 + m.month, m]));
  const maxAbs = Math.max(1e-9, ...months.map((m) => Math.abs(m.ret)));
  const rows = [...years.keys()].map((y) => {
    const cells: (string | HTMLElement)[] = [String(y)];
    for (let mo = 0; mo < 12; mo++) {
      const m = byKey.get(y * 12 + mo);
      if (!m) {
        cells.push('');
        continue;
      }
      const span = el('span', `bd-cell ${m.ret < 0 ? 'neg' : 'pos'}${m.partial ? ' partial' : ''}`, `${fmtPct(m.ret, 2, true)}${m.partial ? '*' : ''}`);
      span.style.setProperty('--heat', String(Math.min(1, Math.abs(m.ret) / maxAbs)));
      if (m.partial) span.title = 'part of the month';
      cells.push(span);
    }
    const yr = years.get(y) as number;
    cells.push(el('b', yr < 0 ? 'neg' : 'pos', fmtPct(yr, 2, true)));
    return cells;
  });
  const wrap = el('div', 'bd-scroll');
  wrap.append(table(['Year', ...MONTHS, 'Year (%)'], rows, 'bd-table bd-monthly'));
  wrap.append(el('p', 'bd-note', `Return of each UTC calendar month in % on ${cols.navPerShare ? 'NAV per share' : 'equity'} (month-end value over the previous month-end); * = the run covers only part of the month.`));
  return wrap;
}

function kvTable(rows: readonly (readonly [string, string])[], cls: string): HTMLTableElement {
  const t = el('table', `bd-table ${cls}`);
  const tbody = el('tbody');
  for (const [k, v] of rows) {
    const tr = el('tr');
    const th = el('th', undefined, k);
    th.scope = 'row';
    tr.append(th, el('td', 'mono', v));
    tbody.append(tr);
  }
  t.append(tbody);
  return t;
}

function section(id: string, title: string, note?: string): HTMLElement {
  const s = el('section', 'bd-card');
  s.id = `section-${id}`;
  const h = el('h3', undefined, title);
  s.append(h);
  if (note) s.append(el('p', 'bd-note', note));
  return s;
}

/**
 * Renders the run dashboard into `root`: headline cards, every chart the run's columns support (shared cursor and
 * zoom, markers on each), the monthly returns and attribution tables, the parameters and the run metadata. Used by
 * the web app's run page and, bundled on its own, by the static report. Redraws on a theme change and on resize.
 */
export function renderDashboard(root: HTMLElement, data: DashboardData): DashboardHandle {
  injectStyles();
  root.textContent = '';
  root.classList.add('basis-dashboard');
  const { palette, view } = readColors();
  const views = buildViews(data, view);
  const counts = new Map<MarkerKind, number>();
  for (const m of data.markers) counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);

  const toolbar = el('div', 'bd-toolbar');
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', 'chart markers and zoom');
  const hidden = new Set<MarkerKind>();
  const markerBoxes: HTMLInputElement[] = [];
  toolbar.append(el('span', 'bd-toolbar-label', 'Markers'));
  for (const kind of Object.keys(MARKER_LABELS) as MarkerKind[]) {
    const n = counts.get(kind) ?? 0;
    const label = el('label', 'bd-chip');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = n > 0;
    box.disabled = n === 0;
    box.dataset.kind = kind;
    if (n === 0) hidden.add(kind);
    markerBoxes.push(box);
    const swatch = el('span', 'bd-swatch');
    swatch.style.background = palette.markers[kind];
    label.append(box, swatch, document.createTextNode(`${MARKER_LABELS[kind]} (${fmtInt(n)})`));
    toolbar.append(label);
  }
  const reset = el('button', 'bd-reset', 'Reset zoom');
  reset.type = 'button';
  toolbar.append(el('span', 'bd-hint', 'Drag across a chart to zoom all; double-click to reset.'), reset);

  root.append(headlineCards(data.summary), toolbar);

  const chartEls: { view: ChartView; el: HTMLElement }[] = [];
  const sections = new Map<SectionId, HTMLElement>();
  const sectionFor = (id: SectionId): HTMLElement => {
    let s = sections.get(id);
    if (!s) {
      s = el('div', 'bd-group');
      s.id = `group-${id}`;
      s.append(el('h2', 'bd-group-title', SECTION_TITLES[id]));
      sections.set(id, s);
      root.append(s);
    }
    return s;
  };
  for (const v of views) {
    const sec = section(v.id, v.title, v.note);
    const holder = el('div', 'bd-chart');
    holder.id = `chart-${v.id}`;
    holder.dataset.chart = v.id;
    // Reserve the plot and its legend so nothing below moves when the canvas arrives.
    holder.style.minHeight = `${v.spec.height + 34}px`;
    sec.append(holder);
    sectionFor(v.section).append(sec);
    chartEls.push({ view: v, el: holder });
    if (v.id === 'rollingApy') {
      const monthly = monthlyTable(data);
      if (monthly) {
        const m = section('monthly', 'Monthly returns (%)');
        m.append(monthly);
        sectionFor('performance').append(m);
      }
    }
    if (v.id === 'attribution') {
      const a = section('attribution-apy', `Attribution as APY contribution (bp per year)`);
      a.append(attributionTable(data.summary, data));
      sectionFor('attribution').append(a);
    }
  }
  if (!views.some((v) => v.id === 'attribution')) {
    const a = section('attribution-apy', `Attribution as APY contribution (bp per year)`);
    a.append(attributionTable(data.summary, data));
    sectionFor('attribution').append(a);
  }
  const info = el('div', 'bd-group bd-info');
  const params = section('params', 'Parameters');
  params.append(data.params.length > 0 ? kvTable(data.params, 'bd-params') : el('p', 'bd-note', 'No parameters recorded.'));
  const meta = section('run', 'Run');
  meta.append(kvTable(data.meta, 'bd-meta'));
  info.append(params, meta);
  root.append(info);

  let group: ChartGroup | null = null;
  let built = 0;
  const build = (): void => {
    group?.charts.forEach((u) => u.destroy());
    const colors = readColors();
    const rebuilt = buildViews(data, colors.view);
    group = new ChartGroup(data.markers, colors.palette, `basis-${Math.random().toString(36).slice(2)}`);
    group.setHidden(hidden);
    built = 0;
    for (const { view: v, el: holder } of chartEls) {
      const spec = rebuilt.find((r) => r.id === v.id)?.spec ?? v.spec;
      holder.textContent = '';
      createChart(holder, spec, group, Math.max(280, holder.clientWidth));
      built++;
    }
  };
  build();

  for (const box of markerBoxes) {
    box.addEventListener('change', () => {
      const kind = box.dataset.kind as MarkerKind;
      if (box.checked) hidden.delete(kind);
      else hidden.add(kind);
      group?.setHidden(hidden);
    });
  }
  reset.addEventListener('click', () => group?.resetZoom());

  let resizeFrame = 0;
  const resize = (): void => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => {
      group?.charts.forEach((u: uPlot, i) => {
        const holder = chartEls[i]?.el;
        if (holder && Math.abs(u.width - holder.clientWidth) > 1) u.setSize({ width: Math.max(280, holder.clientWidth), height: u.height });
      });
    });
  };
  const ro = new ResizeObserver(resize);
  ro.observe(root);
  // The app switches theme on <html data-theme>; the report follows the system's. Colors live in the canvases, so redraw.
  const themeObserver = new MutationObserver(build);
  themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = window.matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', build);

  return {
    get chartCount() {
      return built;
    },
    destroy() {
      ro.disconnect();
      themeObserver.disconnect();
      media.removeEventListener('change', build);
      cancelAnimationFrame(resizeFrame);
      group?.charts.forEach((u) => u.destroy());
      group = null;
      root.textContent = '';
    },
  };
}
