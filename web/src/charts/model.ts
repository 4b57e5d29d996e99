import type { RunSummary } from '../api/types';
import type { SeriesFrame } from './columns';
import type { Thresholds } from './runParams';

/**
 * What the dashboard draws, framework-free: the web app fills it from the API (summary, timeseries, events,
 * config), the static report from the JSON blocks html.ts writes. Both hand it to renderDashboard.
 */
export interface DashboardData {
  readonly summary: RunSummary;
  /**
   * The run's columns, downsampled without losing an extreme, in one or more frames each on its own time axis: a
   * view draws columns of one frame (see COLUMN_GROUPS), and the charts share the cursor and zoom by time.
   */
  readonly series: readonly SeriesFrame[];
  readonly markers: readonly Marker[];
  readonly thresholds: Thresholds;
  /** The strategy and risk parameters the run used, flattened to dotted paths. */
  readonly params: readonly (readonly [string, string])[];
  /** What the run was made from: id, version, commit, window, data fingerprint, …, as label/value rows. */
  readonly meta: readonly (readonly [string, string])[];
}

export type MarkerKind = 'rebalance' | 'breach' | 'liquidation' | 'emergency' | 'deposit' | 'withdrawal';

export interface Marker {
  readonly tMs: number;
  readonly kind: MarkerKind;
  readonly text: string;
}

/** The event types drawn as markers, by the marker kind they become. */
export const MARKER_TYPES: Readonly<Record<string, MarkerKind>> = {
  REBALANCE: 'rebalance',
  RISK_BREACH: 'breach',
  LIQUIDATION: 'liquidation',
  EMERGENCY_STOP: 'emergency',
  DEPOSIT: 'deposit',
  WITHDRAWAL: 'withdrawal',
};
