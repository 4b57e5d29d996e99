import type { AaveAsset, LstToken, PerpSymbol } from '../domain/tokens.js';
import type { CexVenue } from '../domain/venues.js';
import type { ErrorCode } from '../errors/codes.js';

/**
 * Every market series the engine can read, by a stable key. The data catalog maps each key to its file(s)
 * in ../shared/data; modes list the keys they require in their YAML.
 * Prices are quotes BASE/QUOTE (units of QUOTE per 1 BASE); rates are decimals; funding is per 8 h settlement.
 */
export type AaveField = 'liquidityIndex' | 'borrowIndex' | 'liquidityRate' | 'borrowRate';
export type SeriesKey =
  | `spot:${'binance' | 'bybit'}:${'BTCUSDT' | 'ETHUSDT'}`
  | `dex:uniswap:${'WETHUSDT' | 'EIGENWETH' | 'ETHFIWETH'}`
  | `perp:${CexVenue}:${PerpSymbol}`
  | `funding:${CexVenue}:${PerpSymbol}`
  | `aave:${AaveAsset}:${AaveField}`
  | `oracle:${LstToken}:ETH`
  | `oracle:${'WETH' | 'USDT' | LstToken}:USD`
  | 'gas:ethereum:gwei'
  | 'benchmark:ethena:apr';

/** Where an aligned value came from, per step. */
export const SOURCE = {
  observed: 0,
  /** Derived inside a day the way the protocol accrues (AAVE indices between daily snapshots). */
  accrued: 1,
  /** Held from the last observation, within the configured maximum staleness. */
  forwardFilled: 2,
  /** Taken from the configured fallback series at the same step. */
  fallback: 3,
  /** No value (NaN); only allowed outside the run window or where the policy says so. */
  missing: 4,
} as const;
export type SourceTag = (typeof SOURCE)[keyof typeof SOURCE];

export interface SeriesColumn {
  readonly key: SeriesKey;
  /** Aligned to the timeline grid; NaN where missing. For funding: the rate at settlement steps, NaN between. */
  readonly values: Float64Array;
  /** SOURCE tag per step. */
  readonly source: Uint8Array;
  /** The series used where source = fallback. */
  readonly fallbackKey?: SeriesKey;
}

/** A value as of one instant, read from aligned columns without allocating. */
export interface MarketSnapshot {
  readonly index: number;
  readonly timestampMs: number;
  /** NaN when the series has no value at this step. Throws DPR-007 for a series not loaded. */
  value(key: SeriesKey): number;
}

export type DataIssueKind =
  | 'gap'
  | 'duplicate'
  | 'non_monotonic'
  | 'bad_value'
  | 'jump'
  | 'stale'
  | 'interpolated_upstream'
  | 'daily_only'
  | 'fallback_used'
  | 'forward_filled'
  | 'conflicting_duplicates'
  | 'stub'
  /** Stamped earlier or later than observed (OKX funding before 2025-03-29; gas rows sampled after their label). */
  | 'lagged'
  /** The file could not be read or parsed (DPR-001/DPR-002); `message` names file, line and column. */
  | 'unreadable';

export interface DataIssue {
  readonly series?: SeriesKey;
  readonly file?: string;
  readonly kind: DataIssueKind;
  /** handled: the configured policy resolved it (a warning); unhandled: the run must not proceed. */
  readonly handled: boolean;
  readonly count: number;
  readonly firstMs?: number;
  readonly lastMs?: number;
  /** 1-based line and column of the first offending row in `file`, when one row is to blame. */
  readonly line?: number;
  readonly column?: number;
  /** The error code a run fails with on this issue when unhandled (DPR-005 unless the file was unreadable). */
  readonly code?: ErrorCode;
  readonly message: string;
}

export interface SeriesCoverage {
  readonly key: SeriesKey;
  readonly file: string;
  readonly firstMs: number;
  readonly lastMs: number;
  readonly rows: number;
  readonly observedSteps: number;
  readonly filledSteps: number;
  readonly fallbackSteps: number;
  readonly missingSteps: number;
}

/** One file a run read, by its path relative to the data directory ('/'-separated) and the SHA-256 of its bytes. */
export interface DataInput {
  readonly path: string;
  readonly sha256: string;
}

/**
 * One aligned, validated timeline at a fixed step. Bars are stamped at their OPEN: the value at grid time t
 * is what was observable at t (a bar's open, or the last close before a gap), never a later value.
 */
export interface Timeline {
  readonly startMs: number;
  /** Last grid time (inclusive). */
  readonly endMs: number;
  readonly stepMs: number;
  readonly length: number;
  readonly timestampsMs: Float64Array;
  /** True when the data came from the synthetic generator; reports must say so. */
  readonly synthetic: boolean;
  readonly dataDir: string;
  readonly keys: readonly SeriesKey[];
  has(key: SeriesKey): boolean;
  series(key: SeriesKey): SeriesColumn;
  /** Grid index of t; throws DPR-006 when t is off the grid or outside it. */
  indexOf(tMs: number): number;
  /** A reused cursor positioned at t: O(1), no allocation. */
  snapshot(tMs: number): MarketSnapshot;
  readonly coverage: readonly SeriesCoverage[];
  readonly issues: readonly DataIssue[];
  /** Every file the timeline was built from, with its content hash (the cache key's, so no file is read again). */
  readonly inputs: readonly DataInput[];
}
