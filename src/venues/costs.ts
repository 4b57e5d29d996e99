import type { SlippageCurve } from '../domain/params.js';

/**
 * Execution cost in bps of notional for a size: the smallest bucket at or above the notional applies, the largest
 * bucket above $1M (domain.md §4.8; the analyzer's rule). Pure, shared by execution and strategy sizing.
 */
export function slippageBps(curve: SlippageCurve, notionalUsd: number): number {
  const n = Math.abs(notionalUsd);
  return n <= 10_000 ? curve.upTo10kBps : n <= 100_000 ? curve.upTo100kBps : curve.upTo1mBps;
}
