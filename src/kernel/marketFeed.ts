import type { MarketState } from '../components/marketState.js';

/** A series whose values switch to its configured fallback from the current snapshot on. */
export interface FallbackStart {
  readonly series: string;
  readonly fallback: string;
}

/**
 * One market snapshot per tick: the historical timeline in a backtest, venue and chain reads when live. The
 * kernel sees only the snapshot it is given and what the feed says of it now; nothing of the feed's future.
 */
export interface MarketFeed {
  /** Fills `into` with the next snapshot (its `timestampMs` is the tick's time); false when the feed has ended. */
  next(into: MarketState): boolean;
  /** Fills the funding rates settled at the current snapshot's time (NaN where a venue settles none). */
  readFunding(into: MarketState): void;
  /** Series that switched to a fallback at the current snapshot (almost always none; no allocation then). */
  readonly fallbackStarts: readonly FallbackStart[];
}
