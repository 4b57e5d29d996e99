import type { ModeParams } from '../domain/params.js';
import { SOURCE, type SeriesKey, type Timeline } from '../data/series.js';
import { MarketReader, type MarketState } from '../components/marketState.js';
import type { FallbackStart, MarketFeed } from '../kernel/marketFeed.js';

interface Watched {
  readonly source: Uint8Array;
  readonly start: FallbackStart;
  /** Grid indices where a fallback run of this series begins, ascending. */
  readonly runStarts: readonly number[];
}

/** A fallback announced at one grid step. */
interface Announcement {
  readonly index: number;
  readonly start: FallbackStart;
}

/**
 * The backtest's market feed: the aligned historical timeline, one grid step per snapshot (all of it, or the
 * selected window). A fallback is announced at the snapshot where it starts (or at the first snapshot when one
 * is already under way); the runs of fallback values are found once per feed, so a step checks one index.
 */
export class HistoricalFeed implements MarketFeed {
  private readonly reader: MarketReader;
  private readonly watched: Watched[] = [];
  private readonly starts: FallbackStart[] = [];
  private announcements: readonly Announcement[] = [];
  private nextAnnouncement = 0;
  private i = -1;
  private startIndex = 0;
  private endIndex: number;

  constructor(timeline: Timeline, mode: ModeParams) {
    this.reader = new MarketReader(timeline, mode);
    this.endIndex = timeline.length - 1;
    for (const key of mode.dataRequirements) {
      if (!timeline.has(key)) continue;
      const s = timeline.series(key);
      if (!s.source.includes(SOURCE.fallback)) continue;
      // A run is a stretch of the series' own samples: a funding rate exists at settlement steps only (missing
      // between), and its fallback settlements in a row are one run, not one per settlement.
      const runStarts: number[] = [];
      let previous: number = SOURCE.missing;
      for (let i = 0; i < s.source.length; i++) {
        const tag = s.source[i] as number;
        if (tag === SOURCE.missing) continue;
        if (tag === SOURCE.fallback && previous !== SOURCE.fallback) runStarts.push(i);
        previous = tag;
      }
      this.watched.push({ source: s.source, start: { series: key as SeriesKey, fallback: s.fallbackKey ?? 'zero' }, runStarts });
    }
    this.select(0, this.endIndex);
  }

  /** Limits the feed to grid steps startIndex..endIndex inclusive, before it is read. */
  select(startIndex: number, endIndex: number): void {
    this.startIndex = startIndex;
    this.endIndex = endIndex;
    this.i = startIndex - 1;
    // The window's announcements in step order (series order within a step), so a step compares one index
    // instead of testing every watched series.
    const due: { index: number; k: number; start: FallbackStart }[] = [];
    this.watched.forEach((w, k) => {
      if (lastSample(w.source, startIndex) === SOURCE.fallback) due.push({ index: startIndex, k, start: w.start });
      for (const i of w.runStarts) if (i > startIndex && i <= endIndex) due.push({ index: i, k, start: w.start });
    });
    due.sort((a, b) => a.index - b.index || a.k - b.k);
    this.announcements = due.map(({ index, start }) => ({ index, start }));
    this.nextAnnouncement = 0;
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
    const due = this.announcements;
    while (this.nextAnnouncement < due.length && (due[this.nextAnnouncement] as Announcement).index === i) {
      this.starts.push((due[this.nextAnnouncement++] as Announcement).start);
    }
    return true;
  }

  readFunding(into: MarketState): void {
    this.reader.readFunding(this.i, into);
  }
}

/** The source tag of the series' last sample at or before step i (missing when it has none yet). */
function lastSample(source: Uint8Array, i: number): number {
  for (let j = i; j >= 0; j--) if (source[j] !== SOURCE.missing) return source[j] as number;
  return SOURCE.missing;
}
