import type { RunStore } from '../store/types.js';
import type { JobPool } from './jobPool.js';
import type { ProgressHub } from './progressHub.js';
import type { ApiMetrics } from './metrics.js';

/** What every route reads: the store, the job pool and where data and configs are. */
export interface ApiContext {
  readonly store: RunStore;
  readonly pool: JobPool;
  readonly hub: ProgressHub;
  readonly metrics: ApiMetrics;
  readonly dataDir: string;
  /** undefined: BASIS_CONFIG_DIR, else the package configs/. */
  readonly configDir: string | undefined;
  readonly startedAtMs: number;
}
