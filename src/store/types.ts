import type { BasisEvent } from '../events/types.js';
import type { SummaryIntegrity } from '../events/integrity.js';
import type { RunSummary, TimeseriesFrame } from '../report/types.js';

/** A run's summary as its summary.json records it: the metrics and, once its files are written, their integrity block. */
export type StoredSummary = RunSummary & { readonly integrity?: SummaryIntegrity };

/** The life of a stored run. Only `queued` and `running` can change; the other three are final. */
export const RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Who asked for the run. */
export type RunSource = 'cli' | 'api' | 'sweep';

export interface RunFlow {
  readonly at: string;
  readonly amount: number;
}

/** What is known of a run before it starts: enough to list it, re-run it and tell what produced it. */
export interface NewRun {
  readonly source: RunSource;
  readonly label?: string | null;
  readonly mode: string;
  readonly shareClass: string;
  /** As requested (null: the mode's window). */
  readonly start: string | null;
  readonly end: string | null;
  readonly capital: number;
  readonly costs: boolean;
  readonly version: string;
  readonly commit: string;
  /** The request as given (mode, window, capital, strategy overrides, set, flows), for re-running and display. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly flows: readonly RunFlow[];
}

export interface RunError {
  readonly code: string;
  readonly message: string;
}

/** A run on record: what it was asked to be (NewRun), where it stands, and what it produced. */
export interface StoredRun extends Omit<NewRun, 'label'> {
  readonly id: string;
  readonly status: RunStatus;
  readonly label: string | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** 0..1 while running; 1 when completed. */
  readonly progress: number;
  /**
   * The run's config.json document (mode, window, run record, resolved params and `config`, the full merged config
   * with secrets redacted) and the SHA-256 of that file; null until the run has completed.
   */
  readonly config: Readonly<Record<string, unknown>> | null;
  readonly configHash: string | null;
  /** File hashes and window of the data the run read. */
  readonly data: { readonly fingerprint: string; readonly files: ReadonlyArray<{ readonly path: string; readonly sha256: string }>; readonly window: { readonly start: string; readonly end: string } } | null;
  readonly summary: StoredSummary | null;
  readonly error: RunError | null;
  /** Hash chain head of the event log (summary.integrity.eventsFinalHash). */
  readonly auditHash: string | null;
  /** The run directory the files were exported to, when there is one. */
  readonly runDir: string | null;
  /** Host and process that ran it: a run left `running` by a process that is gone is marked failed on the next open. */
  readonly owner: string | null;
}

export interface RunFilter {
  readonly status?: RunStatus;
  readonly mode?: string;
  /** Substring of id, label or mode. */
  readonly q?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export interface EventFilter {
  readonly type?: readonly string[];
  readonly venue?: readonly string[];
  readonly fromMs?: number;
  readonly toMs?: number;
  /** Case-insensitive substring of the event's readable text or its JSON. */
  readonly q?: string;
  readonly offset?: number;
  readonly limit?: number;
}

export interface EventPage {
  readonly total: number;
  readonly events: readonly BasisEvent[];
}

/** What a finished run writes in one transaction with its `completed` status. */
export interface RunResult {
  /** The flows the run applied, wherever they were given (flags, a CSV, the mode's config). */
  readonly flows: readonly RunFlow[];
  readonly config: Readonly<Record<string, unknown>>;
  readonly configHash: string;
  readonly data: NonNullable<StoredRun['data']>;
  readonly summary: StoredSummary;
  readonly frame: TimeseriesFrame;
  readonly events: Iterable<BasisEvent>;
  readonly auditHash: string;
  readonly runDir: string | null;
}

/**
 * Every backtest, from the CLI, the API or a sweep. SQLite (default, `var/basis.sqlite`) or PostgreSQL
 * (`DATABASE_URL`), one schema through kysely, versioned migrations applied on open.
 */
export interface RunStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is: the SQLite file, or the PostgreSQL URL with its password redacted. */
  readonly location: string;
  createRun(run: NewRun): Promise<StoredRun>;
  /** queued → running, owned by `owner` (host:pid). */
  startRun(id: string, owner: string): Promise<void>;
  setProgress(id: string, fraction: number): Promise<void>;
  completeRun(id: string, result: RunResult): Promise<void>;
  failRun(id: string, error: RunError): Promise<void>;
  /** queued/running → cancelled; false when the run had already finished. */
  cancelRun(id: string): Promise<boolean>;
  getRun(id: string): Promise<StoredRun | null>;
  listRuns(filter?: RunFilter): Promise<{ readonly total: number; readonly runs: readonly StoredRun[] }>;
  timeseries(id: string): Promise<TimeseriesFrame | null>;
  events(id: string, filter?: EventFilter): Promise<EventPage>;
  /** Distinct event types and venues of a run (for filter menus). */
  eventFacets(id: string): Promise<{ readonly types: readonly string[]; readonly venues: readonly string[] }>;
  /** Removes a finished run and everything stored with it (never its run directory). STORE-004 while running. */
  deleteRun(id: string): Promise<void>;
  /** Marks runs whose owning process is gone as failed; returns their ids. Run on every open. */
  recoverAbandoned(): Promise<readonly string[]>;
  close(): Promise<void>;
}
