import { api } from '../api/client';
import type { EventPage, RunDetail, RunSummary, Timeseries } from '../api/types';
import { fmtAmount, fmtInt, fmtTime } from '../charts/format';
import { columnGroups, type SeriesFrame } from '../charts/columns';
import { MARKER_TYPES, type DashboardData, type Marker } from '../charts/model';
import { flattenParams, thresholdsFromParams } from '../charts/runParams';

/** Points asked of the API per group of columns (each bucket keeps its first and last rows and every column's extremes). */
export const DASHBOARD_POINTS = 3000;
const EVENT_PAGE = 5000;
/** Markers beyond which a chart is a solid strip of ticks anyway: further pages are not fetched. */
const MAX_MARKERS = 50_000;

interface RunConfig {
  config: unknown;
  params: unknown;
  run: unknown;
}

/** Every marker event of the run, paged (the API answers at most EVENT_PAGE events a request). */
async function markers(id: string, signal: AbortSignal): Promise<Marker[]> {
  const types = Object.keys(MARKER_TYPES).join(',');
  const out: Marker[] = [];
  let offset = 0;
  for (;;) {
    const page = await api<EventPage>(`backtests/${encodeURIComponent(id)}/events?type=${types}&offset=${offset}&limit=${EVENT_PAGE}`, { signal });
    for (const e of page.events) {
      const kind = MARKER_TYPES[e.type];
      if (kind) out.push({ tMs: e.timestampMs, kind, text: e.text || e.type });
    }
    offset += page.events.length;
    if (page.events.length === 0 || offset >= page.total || offset >= MAX_MARKERS) return out;
  }
}

/** The columns the dashboard draws, asked for in their groups (model.ts COLUMN_GROUPS), each downsampled on its own. */
async function series(id: string, signal: AbortSignal): Promise<SeriesFrame[]> {
  const base = `backtests/${encodeURIComponent(id)}/timeseries`;
  // The smallest answer the API gives lists the run's columns.
  const probe = await api<Timeseries>(`${base}?points=4`, { signal });
  const groups = columnGroups(Object.keys(probe.columns));
  return Promise.all(groups.map((g) => api<Timeseries>(`${base}?points=${DASHBOARD_POINTS}&columns=${g.map(encodeURIComponent).join(',')}`, { signal })));
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The run's rows of the metadata table, with units. */
export function metaRows(run: RunDetail, summary: RunSummary, recorded: Record<string, unknown>): [string, string][] {
  const rows: [string, string][] = [
    ['Run id', run.id],
    ['Label', run.label ?? '–'],
    ['Mode', `${run.mode} (${summary.shareClass})`],
    ['Source', run.source],
    ['Window (UTC)', `${summary.start} → ${summary.end}`],
    ['Steps', fmtInt(summary.steps)],
    ['Capital', fmtAmount(summary.initialCapital, summary.shareClass)],
    ['Costs', recorded.costs === false ? 'off (--no-costs)' : 'on'],
    ['Data', summary.synthetic ? 'SYNTHETIC' : 'historical'],
    ['Version', run.version],
    ['Commit', run.commit],
    ['Config hash', run.configHash ?? '–'],
    ['Data fingerprint', run.dataFingerprint ?? '–'],
    ['Audit hash (events)', run.auditHash ?? summary.integrity?.eventsFinalHash ?? '–'],
    ['Created', fmtTime(Date.parse(run.createdAt))],
    ['Run time', run.timings.runMs === null ? '–' : `${fmtInt(run.timings.runMs)} ms (${fmtInt(summary.timing.stepsPerSec)} steps/s)`],
  ];
  if (run.flows.length > 0) rows.push(['Flows', run.flows.map((f) => `${f.at} ${fmtAmount(f.amount, summary.shareClass, true)}`).join('; ')]);
  return rows;
}

/** Everything the dashboard draws for one run, from the API (docs/api.md), in parallel. */
export async function loadDashboard(id: string, signal: AbortSignal): Promise<{ run: RunDetail; data: DashboardData | null }> {
  const base = `backtests/${encodeURIComponent(id)}`;
  const run = await api<RunDetail>(base, { signal });
  if (run.status !== 'completed') return { run, data: null };
  const [summary, frames, config, marks] = await Promise.all([api<RunSummary>(`${base}/summary`, { signal }), series(id, signal), api<RunConfig>(`${base}/config`, { signal }), markers(id, signal)]);
  const params = obj(config.params);
  const mode = obj(params.mode);
  return {
    run,
    data: {
      summary,
      series: frames,
      markers: marks,
      thresholds: thresholdsFromParams(config.params),
      params: [...flattenParams(mode.strategy, 'strategy'), ...flattenParams(mode.risk, 'risk')],
      meta: metaRows(run, summary, obj(config.run)),
    },
  };
}
