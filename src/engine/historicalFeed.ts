import type { ModeParams } from '../domain/params.js';
import { SOURCE, type SeriesKey, type Timeline } from '../data/series.js';
import { MarketReader, type MarketState } from '../components/marketState.js';
import type { FallbackStart, MarketFeed } from '../kernel/marketFeed.js';

interface Watched {
  readonly source: Uint8Array;
  readonly start: FallbackStart;
}

/**
 * The backtest's market feed: the aligned historical timeline, one grid step per snapshot (all of it, or the
 * selected window). A fallback is announced at the snapshot where it starts (or at the first snapshot when one
 * is already under way), from the current and previous source tags only.
 */
export class HistoricalFeed implements MarketFeed {
  private readonly reader: MarketReader;
  private readonly watched: Watched[] = [];
  private readonly starts: FallbackStart[] = [];
  private i = -1;
  private startIndex = 0;
  private endIndex: number;

  constructor(timeline: Timeline, mode: ModeParams) {
    this.reader = new MarketReader(timeline, mode);
    this.endIndex = timeline.length - 1;
    for (const key of mode.dataRequirements) {
      if (!timeline.has(key)) continue;
      const s = timeline.series(key);
      if (s.source.includes(SOURCE.fallback)) this.watched.push({ source: s.source, start: { series: key as SeriesKey, fallback: s.fallbackKey ?? 'zero' } });
    }
  }

  /** Limits the feed to grid steps startIndex..endIndex inclusive, before it is read. */
  select(startIndex: number, endIndex: number): void {
    this.startIndex = startIndex;
    this.endIndex = endIndex;
    this.i = startIndex - 1;
  }

  /** Fails fast, before a run, when a required series has a hole inside the feed's window (EXP-003). */
  assertComplete(): void {
    this.reader.assertComplete(this.startIndex, this.endIndex);
  }

  /** Grid index of the current snapshot. */
  get index(): number {
    return this.i;
  }

  get fallbackStarts(): readonly FallbackStart[] {
    return this.starts;
  }

  next(into: MarketState): boolean {
    if (this.i >= this.endIndex) return false;
    const i = ++this.i;
    this.reader.read(i, into);
    if (this.starts.length > 0) this.starts.length = 0;
    for (let k = 0; k < this.watched.length; k++) {
      const w = this.watched[k] as Watched;
      if (w.source[i] === SOURCE.fallback && (i === this.startIndex || w.source[i - 1] !== SOURCE.fallback)) this.starts.push(w.start);
    }
    return true;
  }

  readFunding(into: MarketState): void {
    this.reader.readFunding(this.i, into);
  }
}
