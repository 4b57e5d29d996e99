import { api } from '../api/client';
import type { EventPage, RunDetail, RunSummary, Timeseries } from '../api/types';
import { fmtAmount, fmtInt, fmtTime } from '../charts/format';
import { MARKER_TYPES, flattenParams, thresholdsFromParams, type DashboardData, type Marker } from '../charts/model';

/** Points asked of the API for the dashboard's one timeseries request (each bucket keeps first, min, max, last). */
export const DASHBOARD_POINTS = 3000;
const EVENT_PAGE = 1000;
/** Markers per event type beyond which a chart shows only a tick strip anyway: further pages are not fetched. */
const MAX_MARKERS_PER_TYPE = 20_000;

interface RunConfig {
  config: unknown;
  params: unknown;
  run: unknown;
}

async function markersOf(id: string, type: string, signal: AbortSignal): Promise<Marker[]> {
  const kind = MARKER_TYPES[type];
  if (!kind) return [];
  const out: Marker[] = [];
  let offset = 0;
  for (;;) {
    const page = await api<EventPage>(`backtests/${encodeURIComponent(id)}/events?type=${encodeURIComponent(type)}&offset=${offset}&limit=${EVENT_PAGE}`, { signal });
    for (const e of page.events) out.push({ tMs: e.timestampMs, kind, text: e.text || e.type });
    offset += page.events.length;
    if (page.events.length === 0 || offset >= page.total || offset >= MAX_MARKERS_PER_TYPE) return out;
  }
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
  const [summary, series, config, markers] = await Promise.all([
    api<RunSummary>(`${base}/summary`, { signal }),
    api<Timeseries>(`${base}/timeseries?points=${DASHBOARD_POINTS}`, { signal }),
    api<RunConfig>(`${base}/config`, { signal }),
    Promise.all(Object.keys(MARKER_TYPES).map((t) => markersOf(id, t, signal))).then((lists) => lists.flat()),
  ]);
  const params = obj(config.params);
  const mode = obj(params.mode);
  return {
    run,
    data: {
      summary,
      series,
      markers,
      thresholds: thresholdsFromParams(config.params),
      params: [...flattenParams(mode.strategy, 'strategy'), ...flattenParams(mode.risk, 'risk')],
      meta: metaRows(run, summary, obj(config.run)),
    },
  };
}
