import type { ModeName } from '../domain/params.js';
import type { BasisConfig } from '../config/schema.js';
import { coverageFromFileNames, type FileCoverage } from '../config/dataRange.js';
import { policyFor } from '../data/policy.js';

export interface DataWindow {
  /** First step the data of every required series covers. */
  readonly startMs: number;
  /** Last step: the end of the shortest coverage less one engine step. */
  readonly endMs: number;
}

/**
 * The window a mode can run on in `dataDir`: the common coverage of its required series, read from the
 * `<first>_<last>` dates in the file names (the same reading as the config's CFG-011 rule, so a window the API
 * accepts is one the config accepts). Series with a `fallback` policy do not bound it. null: a series has no file
 * or the series do not overlap.
 */
export function modeDataWindow(config: BasisConfig, mode: ModeName, dataDir: string, listing: Map<string, string[]> = new Map()): DataWindow | null {
  const covs: FileCoverage[] = [];
  for (const key of config.modes[mode].dataRequirements) {
    if (policyFor(config.data, key).onMissing === 'fallback') continue;
    const cov = coverageFromFileNames(dataDir, key, listing);
    if (!cov) return null;
    covs.push(cov);
  }
  if (covs.length === 0) return null;
  const startMs = Math.max(...covs.map((c) => c.firstMs));
  const endMs = Math.min(...covs.map((c) => c.endMs)) - config.engine.stepMinutes * 60_000;
  return startMs < endMs ? { startMs, endMs } : null;
}
