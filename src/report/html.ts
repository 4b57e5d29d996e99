import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BasisError } from '../errors/base.js';
import { PACKAGE_ROOT } from '../packageRoot.js';
import { ATTRIBUTION_PARTS, type ReportEvent, type RunSummary, type TimeseriesFrame } from './types.js';
import { downsampleFrame } from './downsample.js';
import { drawdownSeries } from './metrics.js';
import { attributionShare, fmtAmount, fmtInt, fmtNum, fmtPct, periodDays } from './format.js';
import { CLIENT_CSS, CLIENT_JS } from './htmlClient.js';

/**
 * The results page: one self-contained HTML file (no network access needed). It draws the same dashboard as the
 * web app's run page with the same chart code: web/src/charts built as an IIFE (web/dist/report-client.js, `npm run
 * build:web`) and inlined, after uPlot's own JS and CSS read from node_modules. The run's data is inlined as JSON
 * in `<script type="application/json">` blocks with `<`, `>`, `&`, U+2028/9 escaped (so no field can close the
 * script element), and everything else is escaped HTML text. The client scripts write data only as text, never as
 * markup. Without JavaScript the page still shows the metrics, the attribution and the run (static HTML).
 *
 * The dashboard's columns are downsampled to ≤ `maxPointsPerSeries` (default 5,000) points on one shared axis,
 * keeping each bucket's first, minimum, maximum and last value per column (downsample.ts `downsampleFrame`), so
 * no peak, trough or limit breach is lost; drawdown is computed on every step before downsampling.
 */
export interface HtmlReportOptions {
  readonly maxPointsPerSeries?: number;
  /** Longest event detail string kept per event (characters); default 4,000. */
  readonly maxDetailChars?: number;
  /** What the run was made from (costs, capital, window, data fingerprint, version, commit), as label/value rows. */
  readonly runInfo?: readonly (readonly [string, string])[];
  /** The run's parameters (RunParams): the dashboard draws their risk limits and lists the strategy's. */
  readonly params?: unknown;
  /** The chart bundle to inline; default `<package root>/web/dist/report-client.js`. */
  readonly bundlePath?: string;
}

/** The bundle of the dashboard's chart code the report inlines, relative to the package root. */
export const REPORT_BUNDLE = 'web/dist/report-client.js';

let uplot: { js: string; css: string } | undefined;
const bundles = new Map<string, string>();

function loadAssets(bundlePath: string): { uplotJs: string; uplotCss: string; bundle: string } {
  if (!uplot) {
    const require = createRequire(import.meta.url);
    const js = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const css = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
    if (/<\/script/i.test(js) || /<\/style/i.test(css)) throw new Error('uPlot assets contain a closing tag; cannot inline');
    uplot = { js, css };
  }
  let bundle = bundles.get(bundlePath);
  if (bundle === undefined) {
    if (!existsSync(bundlePath)) {
      throw new BasisError('BT-006', `the report's chart bundle ${bundlePath} is missing: build it with \`npm run build:web\` (npm install runs it through \`prepare\`)`, {
        problems: [{ code: 'BT-006', message: 'report chart bundle missing', file: bundlePath, expected: `${REPORT_BUNDLE} built by npm run build:web`, received: 'no such file' }],
      });
    }
    bundle = readFileSync(bundlePath, 'utf8');
    if (/<\/script/i.test(bundle)) throw new Error(`${bundlePath} contains a closing script tag; cannot inline`);
    bundles.set(bundlePath, bundle);
  }
  return { uplotJs: uplot.js, uplotCss: uplot.css, bundle };
}

/**
 * Fails with BT-006 when the chart bundle is not built: writers call it before they write anything, so a missing
 * bundle is its own clear error rather than a failed write.
 */
export function assertReportBundle(bundlePath: string = path.join(PACKAGE_ROOT, REPORT_BUNDLE)): void {
  loadAssets(bundlePath);
}

/** The event types drawn as markers on the dashboard's charts (web/src/charts/model.ts MARKER_TYPES), by kind. */
const MARKER_KINDS: Readonly<Record<string, string>> = {
  REBALANCE: 'rebalance',
  RISK_BREACH: 'breach',
  LIQUIDATION: 'liquidation',
  EMERGENCY_STOP: 'emergency',
  DEPOSIT: 'deposit',
  WITHDRAWAL: 'withdrawal',
};

export function renderReportHtml(
  summary: RunSummary,
  frame: TimeseriesFrame,
  events: { readonly length: number; at(index: number): RenderedEvent | undefined },
  opts: HtmlReportOptions = {},
): string {
  const maxPoints = Math.max(10, Math.floor(opts.maxPointsPerSeries ?? 5000));
  const { uplotJs, uplotCss, bundle } = loadAssets(opts.bundlePath ?? path.join(PACKAGE_ROOT, REPORT_BUNDLE));
  const { payload: eventsPayload, markers } = buildEvents(events, opts.maxDetailChars ?? 4000);
  const unit = summary.shareClass;
  const days = periodDays(summary.start, summary.end);
  const title = `Basis backtest: ${summary.mode} (${unit})`;
  const dashboard = {
    summary,
    series: downsampleFrame(withDrawdown(frame), maxPoints),
    markers,
    params: reportParams(opts.params),
    meta: opts.runInfo ?? [],
  };

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="basis">
<title>${esc(title)}${summary.synthetic ? ' [SYNTHETIC]' : ''}</title>
<style>${uplotCss}</style>
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
<div id="js-errors" class="js-errors" hidden></div>
<main>
<noscript>
<p class="card">The charts and the event table need JavaScript; the metrics, the attribution and the run are below.</p>
${metricCards(summary)}
${attributionSection(summary)}
${opts.runInfo ? runInfoSection(opts.runInfo) : ''}
</noscript>
<div id="dashboard"></div>
${eventsSection(events.length)}
</main>
<footer class="page-footer">
<p>Speed: ${esc(fmtInt(summary.steps))} steps in ${esc(fmtInt(summary.timing.runMs))} ms (${esc(fmtInt(summary.timing.stepsPerSec))} steps/s), data load ${esc(fmtInt(summary.timing.loadMs))} ms.</p>
<p>Metrics are on total fund equity in ${esc(unit)}${summary.flows ? ' (time-weighted: on NAV per share)' : ''}. Charts show at most ${esc(fmtInt(maxPoints))} points per series: each bucket of steps keeps its first, lowest, highest and last value of every series, so no peak, trough or limit breach is lost. The CSV has every step at full precision.</p>
</footer>
<script type="application/json" id="basis-dashboard">${safeJson(dashboard)}</script>
<script type="application/json" id="basis-events">${safeJson(eventsPayload)}</script>
<script>${uplotJs}</script>
<script>${bundle}</script>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}

/** The frame with its drawdown column (on NAV per share when the run had flows), computed on every step. */
function withDrawdown(frame: TimeseriesFrame): TimeseriesFrame {
  if (frame.columns.some((c) => c.name === 'drawdown')) return frame;
  const base = frame.columns.find((c) => c.name === 'navPerShare') ?? frame.columns.find((c) => c.name === 'equity');
  if (!base) return frame;
  return { timestampsMs: frame.timestampsMs, columns: [...frame.columns, { name: 'drawdown', values: drawdownSeries(base.values) }] };
}

/** The parts of the run's parameters the dashboard reads: limits (risk, e-mode, maintenance) and the strategy. */
function reportParams(params: unknown): unknown {
  const pick = (v: unknown, key: string): unknown => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined);
  const mode = pick(params, 'mode');
  return { mode: { strategy: pick(mode, 'strategy'), risk: pick(mode, 'risk') }, aave: { emode: pick(pick(params, 'aave'), 'emode') }, cex: pick(params, 'cex') };
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

function buildEvents(events: { readonly length: number; at(index: number): RenderedEvent | undefined }, maxDetail: number): { payload: EventsPayload; markers: Array<[number, string, string]> } {
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
  const markers: Array<[number, string, string]> = [];
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
    const kind = MARKER_KINDS[type];
    if (kind !== undefined) markers.push([Number(timestampMs), kind, markerText(type, venue, rest)]);
  }
  return {
    payload: {
      dict: {
        type: [...dicts.type.keys()],
        venue: [...dicts.venue.keys()],
        token: [...dicts.token.keys()],
        status: [...dicts.status.keys()],
      },
      rows,
    },
    markers,
  };
}

/** One readable line for a marker: what happened and why ("Rebalance: margin ratio 0.4904: release …"). */
function markerText(type: string, venue: string | undefined, rest: Record<string, unknown>): string {
  const d = typeof rest.details === 'object' && rest.details !== null ? (rest.details as Record<string, unknown>) : {};
  const words = type.charAt(0) + type.slice(1).toLowerCase().replace(/_/g, ' ');
  const why =
    typeof d.detail === 'string' ? d.detail
    : typeof d.reason === 'string' ? d.reason
    : typeof d.metric === 'string' ? `${d.metric} ${String(d.level ?? '')} ${typeof d.value === 'number' ? fmtNum(d.value, 4) : ''}`.trim()
    : '';
  return `${words}${venue ? ` (${venue})` : ''}${why ? `: ${why}` : ''}`;
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
