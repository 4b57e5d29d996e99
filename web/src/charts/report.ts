import type { RunSummary } from '../api/types';
import { renderDashboard } from './dashboard';
import type { SeriesFrame } from './columns';
import type { DashboardData, Marker, MarkerKind } from './model';
import { flattenParams, thresholdsFromParams } from './runParams';

/**
 * Entry of the static report's bundle (web/vite.report.config.ts → web/dist/report-client.js, inlined by
 * src/report/html.ts): reads the run from the page's `basis-dashboard` JSON block and draws the same dashboard as
 * the web app into `#dashboard`. uPlot is the page's global (html.ts inlines its own build before this one).
 * Sets `<body data-charts="N">`, or `data-render-status="error"` with the message in `#js-errors`.
 */
interface ReportPayload {
  readonly summary: RunSummary;
  /** Every column on one axis (first, min, max and last of each bucket: as many points whatever the columns). */
  readonly series: SeriesFrame;
  /** [time ms, kind, text] per marker event. */
  readonly markers: readonly (readonly [number, MarkerKind, string])[];
  /** The run's parameters as recorded (mode.strategy, mode.risk, aave.emode, cex.<venue>). */
  readonly params: unknown;
  readonly meta: readonly (readonly [string, string])[];
}

function field(v: unknown, key: string): unknown {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
}

function fail(message: string): void {
  document.body.setAttribute('data-render-status', 'error');
  const box = document.getElementById('js-errors');
  if (box) {
    box.hidden = false;
    box.textContent += `${box.textContent ? '\n' : ''}Report script error: ${message}`;
  }
}

try {
  const block = document.getElementById('basis-dashboard');
  const root = document.getElementById('dashboard');
  if (!block || !root) throw new Error('the page has no basis-dashboard data block or #dashboard element');
  const p = JSON.parse(block.textContent ?? '') as ReportPayload;
  const mode = field(p.params, 'mode');
  const data: DashboardData = {
    summary: p.summary,
    series: [p.series],
    markers: p.markers.map(([tMs, kind, text]): Marker => ({ tMs, kind, text })),
    thresholds: thresholdsFromParams(p.params),
    params: [...flattenParams(field(mode, 'strategy'), 'strategy'), ...flattenParams(field(mode, 'risk'), 'risk')],
    meta: p.meta,
  };
  const handle = renderDashboard(root, data);
  document.body.setAttribute('data-charts', String(handle.chartCount));
} catch (e) {
  fail(e instanceof Error ? (e.stack ?? e.message) : String(e));
}
