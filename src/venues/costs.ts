import type { SlippageCurve } from '../domain/params.js';

/**
 * Execution cost in bps of notional for a size: the smallest bucket at or above the notional applies, the largest
 * bucket above $1M (domain.md §4.8; the analyzer's rule). Pure, shared by execution and strategy sizing.
 */
export function slippageBps(curve: SlippageCurve, notionalUsd: number): number {
  const n = Math.abs(notionalUsd);
  return n <= 10_000 ? curve.upTo10kBps : n <= 100_000 ? curve.upTo100kBps : curve.upTo1mBps;
}

/**
 * The bucket of a swap whose size depends on its own cost (sell enough to net X, spend Y including the cost):
 * the rate whose swapped notional `notionalAt(bps)` falls in that rate's own bucket, so the cost is always the
 * bucket of the notional actually swapped, never of a related figure (the debt, the output). At a bucket edge
 * where no rate is self-consistent the larger rate is used: the order then never needs more than it has.
 */
export function swapBps(curve: SlippageCurve, notionalAt: (bps: number) => number): number {
  const rates = [curve.upTo10kBps, curve.upTo100kBps, curve.upTo1mBps];
  for (const bps of rates) if (slippageBps(curve, notionalAt(bps)) === bps) return bps;
  return Math.max(...rates);
}
