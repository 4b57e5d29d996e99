import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ATTRIBUTION_PARTS, type ReportEvent, type RunSummary, type TimeseriesFrame } from './types.js';
import { downsampleBuckets, downsampleMinMax, sparsePoints, type Reducer } from './downsample.js';
import { drawdownSeries } from './metrics.js';
import { amountDecimals, attributionShare, fmtAmount, fmtInt, fmtNum, fmtPct, periodDays } from './format.js';
import { CLIENT_CSS, CLIENT_JS } from './htmlClient.js';

/**
 * The results page: one self-contained HTML file (no network access needed). uPlot's JS and CSS are read from
 * node_modules and inlined, the chart data and all events are inlined as JSON in `<script type="application/json">`
 * blocks with `<`, `>`, `&`, U+2028/9 escaped (so no field can close the script element), and everything else is
 * escaped HTML text. The client script renders every event field with `textContent`, never as markup.
 *
 * Charts are downsampled to ≤ `maxPointsPerSeries` (default 5,000) points per series, see downsample.ts: equity and
 * drawdown keep the min and max of each bucket; LTV / health factor / margin ratio / net delta keep the
 * risk-relevant extreme of each bucket; funding rates are plotted at settlements only (NaN steps dropped).
 */
export interface HtmlReportOptions {
  readonly maxPointsPerSeries?: number;
  /** Longest event detail string kept per event (characters); default 4,000. */
  readonly maxDetailChars?: number;
  /** What the run was made from (costs, capital, window, data fingerprint, version, commit), as label/value rows. */
  readonly runInfo?: readonly (readonly [string, string])[];
}

type ValueFormat = 'amount' | 'pct' | 'ratio' | 'rate8h' | 'num';

interface ChartSeries {
  readonly label: string;
  readonly y: Array<number | null>;
  readonly scale?: 'y' | 'y2';
  readonly format?: ValueFormat;
  readonly fill?: boolean;
}

interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly note: string;
  readonly format: ValueFormat;
  readonly y2Format?: ValueFormat;
  readonly x: number[];
  readonly series: ChartSeries[];
  readonly spanGaps?: boolean;
  readonly points?: boolean;
  readonly height?: number;
}

let uplotAssets: { js: string; css: string } | undefined;

function loadUplot(): { js: string; css: string } {
  if (!uplotAssets) {
    const require = createRequire(import.meta.url);
    const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
    if (/<\/script/i.test(js) || /<\/style/i.test(css)) throw new Error('uPlot assets contain a closing tag; cannot inline');
    uplotAssets = { js, css };
  }
  return uplotAssets;
}

export function renderReportHtml(
  summary: RunSummary,
  frame: TimeseriesFrame,
  events: { readonly length: number; at(index: number): RenderedEvent | undefined },
  opts: HtmlReportOptions = {},
): string {
  const maxPoints = Math.max(10, Math.floor(opts.maxPointsPerSeries ?? 5000));
  const { js, css } = loadUplot();
  const charts = buildCharts(summary, frame, maxPoints);
  const eventsPayload = buildEvents(events, opts.maxDetailChars ?? 4000);
  const unit = summary.shareClass;
  const days = periodDays(summary.start, summary.end);
  const title = `Basis backtest: ${summary.mode} (${unit})`;

  const chartSections = charts
    .map(
      (c) => `<section class="card chart-card" id="section-${esc(c.id)}">
<h2>${esc(c.title)}</h2>
<p class="note">${esc(c.note)}</p>
<div class="chart" id="chart-${esc(c.id)}" data-chart="${esc(c.id)}"></div>
</section>`,
    )
    .join('\n');

  const data = {
    shareClass: unit,
    amountDecimals: amountDecimals(unit),
    charts,
  };

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="basis">
<title>${esc(title)}${summary.synthetic ? ' [SYNTHETIC]' : ''}</title>
<style>${css}</style>
<style>${CLIENT_CSS}</style>
</head>
<body data-render-status="pending">
${summary.synthetic ? '<div class="synthetic-banner" id="synthetic-banner" role="alert">SYNTHETIC DATA: these results do not come from real market history</div>' : ''}
<header class="page-header">
<h1>${esc(title)}</h1>
<dl class="meta">
<div><dt>Mode</dt><dd>${esc(summary.mode)}</dd></div>
<div><dt>Share class</dt><dd>${esc(unit)}</dd></div>
<div><dt>Period (UTC)</dt><dd>${esc(summary.start)} → ${esc(summary.end)}${days !== undefined ? ` (${esc(fmtNum(days, 1))} days)` : ''}</dd></div>
<div><dt>Steps</dt><dd>${esc(fmtInt(summary.steps))}</dd></div>
<div><dt>Data</dt><dd>${summary.synthetic ? '<span class="tag tag-warn">synthetic</span>' : 'historical'}</dd></div>
</dl>
</header>
<noscript><p class="card">Charts and the event table need JavaScript; the metrics and attribution below are static.</p></noscript>
<div id="js-errors" class="js-errors" hidden></div>
<main>
${metricCards(summary)}
${chartSections}
${attributionSection(summary)}
${opts.runInfo ? runInfoSection(opts.runInfo) : ''}
${eventsSection(events.length)}
</main>
<footer class="page-footer">
<p>Speed: ${esc(fmtInt(summary.steps))} steps in ${esc(fmtInt(summary.timing.runMs))} ms (${esc(fmtInt(summary.timing.stepsPerSec))} steps/s), data load ${esc(fmtInt(summary.timing.loadMs))} ms.</p>
<p>Metrics are on total fund equity in ${esc(unit)}. Charts show at most ${esc(fmtInt(maxPoints))} points per series: equity and drawdown keep the minimum and maximum of each bucket of steps; LTV, health factor, margin ratio and net delta keep the worst value of each bucket; funding rates are plotted at settlements only. The CSV has every step at full precision.</p>
</footer>
<script type="application/json" id="basis-data">${safeJson(data)}</script>
<script type="application/json" id="basis-events">${safeJson(eventsPayload)}</script>
<script>${js}</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------------------------
// Charts

function buildCharts(summary: RunSummary, frame: TimeseriesFrame, maxPoints: number): ChartSpec[] {
  const tsMs = frame.timestampsMs;
  const tsSec = Float64Array.from(tsMs, (t) => t / 1000);
  const byName = new Map(frame.columns.map((c) => [c.name, c.values]));
  const prefixed = (prefix: string): Array<{ key: string; values: Float64Array }> =>
    frame.columns.filter((c) => c.name.startsWith(prefix)).map((c) => ({ key: c.name.slice(prefix.length), values: c.values }));
  const unit = summary.shareClass;
  const charts: ChartSpec[] = [];

  const equity = byName.get('equity');
  if (equity) {
    const d = downsampleMinMax(tsSec, equity, maxPoints);
    charts.push({
      id: 'equity',
      title: `Equity (${unit})`,
      note: `Total fund equity in ${unit}, marked every step. Started at ${fmtAmount(summary.initialCapital, unit)} ${unit}.`,
      format: 'amount',
      x: d.x,
      series: [{ label: `Equity (${unit})`, y: d.y, fill: true }],
      height: 320,
    });
  }
  const dd = byName.get('drawdown') ?? (equity ? drawdownSeries(equity) : undefined);
  if (dd) {
    const d = downsampleMinMax(tsSec, dd, maxPoints);
    charts.push({
      id: 'drawdown',
      title: 'Drawdown',
      note: `Equity below its running peak. Max drawdown ${fmtPct(summary.maxDrawdown, 2)}.`,
      format: 'pct',
      x: d.x,
      series: [{ label: 'Drawdown', y: d.y, fill: true }],
      height: 220,
    });
  }

  const ltv = byName.get('ltv');
  const hf = byName.get('healthFactor');
  if (ltv || hf) {
    const series: Array<{ values: Float64Array; reducer: Reducer }> = [];
    if (ltv) series.push({ values: ltv, reducer: 'max' });
    if (hf) series.push({ values: hf, reducer: 'min' });
    const d = downsampleBuckets(tsSec, series, maxPoints);
    const out: ChartSeries[] = [];
    let k = 0;
    if (ltv) out.push({ label: 'LTV', y: d.ys[k++]!, scale: 'y', format: 'pct' });
    if (hf) out.push({ label: 'Health factor', y: d.ys[k++]!, scale: ltv ? 'y2' : 'y', format: 'ratio' });
    charts.push({
      id: 'risk',
      title: ltv && hf ? 'LTV and health factor' : ltv ? 'LTV' : 'Health factor',
      note:
        'AAVE loan-to-value (debt / collateral)' +
        (hf ? ' and health factor (liquidation below 1, right axis)' : '') +
        '. Per bucket: highest LTV, lowest health factor.',
      format: ltv ? 'pct' : 'ratio',
      ...(ltv && hf ? { y2Format: 'ratio' as const } : {}),
      x: d.x,
      series: out,
    });
  }

  const margins = prefixed('marginRatio:');
  if (margins.length > 0) {
    const d = downsampleBuckets(
      tsSec,
      margins.map((m) => ({ values: m.values, reducer: 'min' as const })),
      maxPoints,
    );
    charts.push({
      id: 'margin',
      title: 'Margin ratio by venue',
      note: 'CEX perp account margin ratio per venue. Per bucket: lowest value.',
      format: 'ratio',
      x: d.x,
      series: margins.map((m, i) => ({ label: m.key, y: d.ys[i]! })),
    });
  }

  const funding = prefixed('fundingRate:');
  if (funding.length > 0) {
    const d = sparsePoints(
      tsSec,
      funding.map((f) => f.values),
      maxPoints,
    );
    charts.push({
      id: 'funding',
      title: 'Funding rates by venue',
      note: 'Perp funding rate per 8 h at each settlement (positive: longs pay shorts). Steps between settlements are not plotted.',
      format: 'rate8h',
      x: d.x,
      series: funding.map((f, i) => ({ label: f.key, y: d.ys[i]! })),
      spanGaps: true,
      points: true,
    });
  }

  for (const nd of prefixed('netDelta:')) {
    const d = downsampleBuckets(tsSec, [{ values: nd.values, reducer: 'absMax' }], maxPoints);
    charts.push({
      id: `netDelta-${slug(nd.key)}`,
      title: `Net delta ${nd.key}`,
      note: `Net exposure to ${nd.key} in ${nd.key} units (long spot/LST/collateral minus debt and short perps). Per bucket: largest absolute value.`,
      format: 'num',
      x: d.x,
      series: [{ label: `Net delta (${nd.key})`, y: d.ys[0]! }],
      height: 220,
    });
  }

  for (const p of prefixed('price:')) {
    const d = downsampleBuckets(tsSec, [{ values: p.values, reducer: 'last' }], maxPoints);
    charts.push({
      id: `price-${slug(p.key)}`,
      title: `${p.key} price`,
      note: `${p.key} price used for valuation (last value per bucket).`,
      format: 'num',
      x: d.x,
      series: [{ label: `${p.key} price`, y: d.ys[0]! }],
      height: 220,
    });
  }

  const inFlight = byName.get('inFlight');
  if (inFlight) {
    const d = downsampleBuckets(tsSec, [{ values: inFlight, reducer: 'max' }], maxPoints);
    charts.push({
      id: 'inFlight',
      title: `Capital in flight (${unit})`,
      note: `Value of cross-venue transfers not yet settled, in ${unit}. Per bucket: highest value.`,
      format: 'amount',
      x: d.x,
      series: [{ label: `In flight (${unit})`, y: d.ys[0]! }],
      height: 200,
    });
  }
  return charts;
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]/g, '_');
}

// ---------------------------------------------------------------------------------------------------------------
// Static sections

function metricCards(s: RunSummary): string {
  const unit = s.shareClass;
  const cards: Array<{ label: string; value: string; sub?: string; tone?: 'good' | 'bad' | 'warn' }> = [
    {
      label: `Final equity (${unit})`,
      value: fmtAmount(s.finalEquity, unit),
      sub: `from ${fmtAmount(s.initialCapital, unit)} ${unit}`,
    },
    { label: 'Total return', value: fmtPct(s.totalReturn, 2, true), tone: s.totalReturn >= 0 ? 'good' : 'bad' },
    s.apyNote !== undefined ? { label: 'APY', value: s.apyNote } : { label: 'APY', value: fmtPct(s.apy, 2, true), tone: s.apy >= 0 ? 'good' : 'bad', ...(s.flows ? { sub: 'time-weighted (NAV per share)' } : {}) },
    ...(s.flows
      ? [
          { label: 'Money-weighted APY', value: s.apyNote ?? (s.flows.moneyWeightedApy === null ? 'n/a' : fmtPct(s.flows.moneyWeightedApy, 2, true)), sub: 'IRR of the dated flows' },
          { label: `Capital flows (${unit})`, value: `${fmtAmount(s.flows.netFlows, unit, true)}`, sub: `+${fmtAmount(s.flows.deposits, unit)} in, −${fmtAmount(s.flows.withdrawals, unit)} out` },
          { label: 'NAV per share', value: fmtNum(s.flows.finalNavPerShare, 6), sub: `${fmtNum(s.flows.finalUnits, 2)} units` },
        ]
      : []),
    ...(s.benchmark
      ? [{ label: 'Benchmark APY', value: s.apyNote ?? fmtPct(s.benchmark.apy, 2, true), sub: `${s.benchmark.name}${s.benchmark.coverage < 0.999 ? `, ${fmtPct(s.benchmark.coverage, 0)} of the period` : ''}` }]
      : []),
    { label: 'Max drawdown', value: fmtPct(s.maxDrawdown, 2), tone: s.maxDrawdown < -0.1 ? 'bad' : undefined },
    { label: 'Volatility (ann.)', value: fmtPct(s.volatility, 2) },
    { label: 'Sharpe', value: fmtNum(s.sharpe, 2), sub: 'no risk-free rate' },
    { label: 'Sortino', value: fmtNum(s.sortino, 2) },
    { label: 'Rebalances', value: fmtInt(s.rebalances) },
    { label: 'Liquidations', value: fmtInt(s.liquidations), tone: s.liquidations > 0 ? 'bad' : 'good' },
    { label: 'Emergency stops', value: fmtInt(s.emergencyStops), tone: s.emergencyStops > 0 ? 'warn' : undefined },
    { label: `Fees paid (${unit})`, value: fmtAmount(s.feesPaid, unit) },
    { label: `Gas paid (${unit})`, value: fmtAmount(s.gasPaid, unit) },
  ];
  const html = cards
    .map(
      (c) =>
        `<div class="metric${c.tone ? ` tone-${c.tone}` : ''}"><div class="metric-label">${esc(c.label)}</div>` +
        `<div class="metric-value">${esc(c.value)}</div>${c.sub ? `<div class="metric-sub">${esc(c.sub)}</div>` : ''}</div>`,
    )
    .join('\n');
  return `<section class="metrics" id="section-metrics" aria-label="Key metrics">\n${html}\n</section>`;
}

function humanize(key: string): string {
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function attributionSection(s: RunSummary): string {
  const unit = s.shareClass;
  const rec = s.reconciliation;
  let gross = 0;
  let maxAbs = 0;
  for (const p of ATTRIBUTION_PARTS) {
    const v = Math.abs(s.attribution[p] ?? 0);
    gross += Number.isFinite(v) ? v : 0;
    if (Number.isFinite(v) && v > maxAbs) maxAbs = v;
  }
  const rows = ATTRIBUTION_PARTS.map((p) => {
    const v = s.attribution[p] ?? 0;
    const share = attributionShare(v, rec.attributedPnl, gross);
    const w = maxAbs > 0 && Number.isFinite(v) ? (Math.abs(v) / maxAbs) * 100 : 0;
    const neg = v < 0 ? `<span class="bar bar-neg" style="width:${w.toFixed(2)}%"></span>` : '';
    const pos = v > 0 ? `<span class="bar bar-pos" style="width:${w.toFixed(2)}%"></span>` : '';
    return `<tr><th scope="row" title="${esc(p)}">${esc(humanize(p))}</th>
<td class="bars"><span class="half half-neg">${neg}</span><span class="half half-pos">${pos}</span></td>
<td class="num ${v < 0 ? 'neg' : v > 0 ? 'pos' : ''}">${esc(fmtAmount(v, unit, true))}</td>
<td class="num">${esc(share === undefined ? '–' : fmtPct(share, 1))}</td></tr>`;
  }).join('\n');
  return `<section class="card" id="section-attribution">
<h2>P&amp;L attribution (${esc(unit)})</h2>
<p class="note">Named P&amp;L parts in ${esc(unit)}; share = part ÷ attributed P&amp;L (negative shares reduce the result).</p>
<table class="attribution">
<thead><tr><th scope="col">Part</th><th scope="col" class="bars-head">loss ← → gain</th><th scope="col" class="num">${esc(unit)}</th><th scope="col" class="num">Share</th></tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><th scope="row">Total attributed</th><td></td><td class="num">${esc(fmtAmount(rec.attributedPnl, unit, true))}</td><td></td></tr></tfoot>
</table>
<p class="reconciliation" id="reconciliation">Reconciliation: balance P&amp;L <b>${esc(fmtAmount(rec.balancePnl, unit, true))} ${esc(unit)}</b>${rec.netFlows !== undefined ? ` (equity change less net flows of ${esc(fmtAmount(rec.netFlows, unit, true))} ${esc(unit)})` : ''} = attributed <b>${esc(fmtAmount(rec.attributedPnl, unit, true))} ${esc(unit)}</b> (residual ${esc(fmtAmount(rec.residual, unit, true))} ${esc(unit)})</p>
</section>`;
}

function runInfoSection(rows: readonly (readonly [string, string])[]): string {
  return `<section class="card" id="section-run">
<h2>Run</h2>
<p class="note">Recorded in config.json; <code>basis backtest --from-run DIR</code> re-runs it.</p>
<table class="run-info">
<tbody>
${rows.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('\n')}
</tbody>
</table>
</section>`;
}

function eventsSection(count: number): string {
  return `<section class="card" id="section-events">
<h2>Events <span class="count" id="ev-count">${esc(fmtInt(count))}</span></h2>
<div class="ev-controls">
<label>Type <select id="ev-type"><option value="">All types</option></select></label>
<label>Venue <select id="ev-venue"><option value="">All venues</option></select></label>
<label>Status <select id="ev-status"><option value="">All statuses</option></select></label>
<label class="grow">Search <input id="ev-search" type="search" placeholder="text in any field" autocomplete="off"></label>
<span class="pager"><button type="button" id="ev-prev">‹ Prev</button> <span id="ev-page">–</span> <button type="button" id="ev-next">Next ›</button></span>
</div>
<div class="table-wrap">
<table class="events" id="ev-table">
<thead><tr><th class="num">#</th><th>Time (UTC)</th><th>Type</th><th>Venue</th><th>Token</th><th>Status</th><th>Details (click a row to expand)</th></tr></thead>
<tbody id="ev-body"></tbody>
</table>
</div>
</section>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Events payload: columnar rows with string dictionaries (70k events stay a few MB).

interface EventsPayload {
  readonly dict: { type: string[]; venue: string[]; token: string[]; status: string[] };
  /** [order, timestampMs, typeIdx, venueIdx (−1 = none), tokenIdx (−1), statusIdx, details JSON] */
  readonly rows: Array<[number, number, number, number, number, number, string]>;
}

/** An event as the report reads it: the standard fields, and every other own field shown as its details. Any event
 * object will do (BasisEvent as recorded, no copy with an index signature needed). */
type RenderedEvent = Pick<ReportEvent, 'order' | 'timestampMs' | 'type' | 'venue' | 'token' | 'status'>;

function buildEvents(events: { readonly length: number; at(index: number): RenderedEvent | undefined }, maxDetail: number): EventsPayload {
  const dicts = { type: new Map<string, number>(), venue: new Map<string, number>(), token: new Map<string, number>(), status: new Map<string, number>() };
  const idx = (d: Map<string, number>, v: unknown): number => {
    if (v === undefined || v === null) return -1;
    const s = String(v);
    let i = d.get(s);
    if (i === undefined) {
      i = d.size;
      d.set(s, i);
    }
    return i;
  };
  const rows: EventsPayload['rows'] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    // Rest destructuring copies the remaining own fields in their order (what Object.entries would give) about twice
    // as fast as a loop over the entries.
    const { order, timestampMs, type, venue, token, status, ...rest } = events.at(i)!;
    let details = '';
    if (Object.keys(rest).length > 0) {
      details = detailsJson(rest);
      if (details.length > maxDetail) details = `${details.slice(0, maxDetail)}…`;
    }
    rows[i] = [Number(order), Number(timestampMs), idx(dicts.type, type), idx(dicts.venue, venue), idx(dicts.token, token), idx(dicts.status, status), details];
  }
  return {
    dict: {
      type: [...dicts.type.keys()],
      venue: [...dicts.venue.keys()],
      token: [...dicts.token.keys()],
      status: [...dicts.status.keys()],
    },
    rows,
  };
}

/** Event details as JSON, bigints as decimal strings. A replacer function slows every stringify several times over,
 * so it is used only for the rare event that holds a bigint (plain JSON.stringify throws on one). */
function detailsJson(rest: Record<string, unknown>): string {
  try {
    return JSON.stringify(rest);
  } catch {
    try {
      return JSON.stringify(rest, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? '';
    } catch {
      return '[unserializable details]';
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Escaping

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
const esc = escapeHtml;

const SCRIPT_ESCAPES: ReadonlyArray<readonly [string, string]> = [
  ['<', '\\u003c'],
  ['>', '\\u003e'],
  ['&', '\\u0026'],
  ['\u2028', '\\u2028'],
  ['\u2029', '\\u2029'],
];

const SCRIPT_UNSAFE = /[<>&\u2028\u2029]/;

/** JSON that is safe inside a `<script>` element: no `<`, `>` or `&` survive, nor the JS line separators. */
export function safeJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (!SCRIPT_UNSAFE.test(json)) return json;
  // Which characters occur is decided before any replacement: a replacement yields a string V8 must flatten again
  // (tens of ms for a multi-MB payload) before the next search.
  const present = SCRIPT_ESCAPES.filter(([c]) => json.includes(c));
  let safe = json;
  for (const [c, escaped] of present) safe = safe.replaceAll(c, escaped);
  return safe;
}
