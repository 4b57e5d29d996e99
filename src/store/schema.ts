/**
 * The tables, the same on SQLite and PostgreSQL. Reals are `double precision` on both (PostgreSQL's `real` is 4
 * bytes); times are ISO strings (they sort) plus epoch milliseconds where the API filters by them; JSON is text so
 * both engines store and return it byte for byte.
 */
export interface RunsTable {
  id: string;
  status: string;
  source: string;
  label: string | null;
  mode: string;
  share_class: string;
  start_iso: string | null;
  end_iso: string | null;
  capital: number;
  /** 1: costs on, 0: --no-costs (an integer on both engines). */
  costs: number;
  version: string;
  commit_sha: string;
  request_json: string;
  flows_json: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  progress: number;
  config_json: string | null;
  config_hash: string | null;
  data_json: string | null;
  summary_json: string | null;
  /** Copied out of the summary so the run list sorts and shows them without parsing every summary. */
  apy: number | null;
  final_equity: number | null;
  max_drawdown: number | null;
  error_code: string | null;
  error_message: string | null;
  audit_hash: string | null;
  run_dir: string | null;
  owner: string | null;
}

/** One row per timeseries column: little-endian float64 values; `__t` holds the timestamps (ms). */
export interface RunSeriesTable {
  run_id: string;
  position: number;
  name: string;
  values_blob: Uint8Array;
}

export interface RunEventsTable {
  run_id: string;
  seq: number;
  timestamp_ms: number;
  type: string;
  status: string;
  venue: string | null;
  token: string | null;
  parent: number | null;
  /** The readable line (events/describe.ts). */
  text: string;
  /** Lower-cased text and JSON, for the free-text filter. */
  search: string;
  body: string;
}


export interface StoreDatabase {
  runs: RunsTable;
  run_series: RunSeriesTable;
  run_events: RunEventsTable;
}
