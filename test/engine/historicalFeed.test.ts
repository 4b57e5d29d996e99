import { describe, expect, it } from 'vitest';
import { loadConfig, resolveRunParams } from '../../src/config/index.js';
import { openHistoricalData } from '../../src/data/index.js';
import { SOURCE, type Timeline } from '../../src/data/series.js';
import { MarketState } from '../../src/components/marketState.js';
import { HistoricalFeed } from '../../src/engine/historicalFeed.js';
import type { RunParams } from '../../src/domain/params.js';
import { SHARED_DATA } from './helpers.js';

const SERIES = 'funding:okx:BTCUSDT';

async function btcBasis(): Promise<{ params: RunParams; timeline: Timeline }> {
  const { config } = loadConfig({ dataDir: SHARED_DATA });
  const params = resolveRunParams(config, 'btc_basis');
  const timeline = await openHistoricalData({ dataDir: SHARED_DATA, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: params.engine.stepMinutes, fundingHoursUtc: params.engine.fundingHoursUtc, cacheDir: null });
  return { params, timeline };
}

/** Grid indices at which the feed announced a fallback of `series`, over steps from..to. */
function announced(feed: HistoricalFeed, from: number, to: number, series: string): number[] {
  feed.select(from, to);
  const m = new MarketState();
  const at: number[] = [];
  while (feed.next(m)) for (const f of feed.fallbackStarts) if (f.series === series) at.push(feed.index);
  return at;
}

describe('the historical feed announces each fallback once, where it starts', () => {
  it('a funding rate in fallback at many settlements in a row is one fallback, not one per settlement', async () => {
    const { params, timeline } = await btcBasis();
    const source = timeline.series(SERIES).source;
    // The stretches of fallback among the series' own samples (settlement steps; the rate is missing in between).
    const samples = [...source.keys()].filter((i) => source[i] !== SOURCE.missing);
    const stretches = samples.filter((i, k) => source[i] === SOURCE.fallback && (k === 0 || source[samples[k - 1] as number] !== SOURCE.fallback));
    const fallbackSettlements = samples.filter((i) => source[i] === SOURCE.fallback).length;
    // The real data has OKX's BTC funding missing for months: hundreds of settlements in a handful of stretches.
    expect(fallbackSettlements).toBeGreaterThan(10 * stretches.length);
    expect(announced(new HistoricalFeed(timeline, params.mode), 0, timeline.length - 1, SERIES)).toEqual(stretches);
  });

  it('a window that opens inside a stretch announces it at its first snapshot; one that opens before a stretch, when it starts', async () => {
    const { params, timeline } = await btcBasis();
    const source = timeline.series(SERIES).source;
    const feed = new HistoricalFeed(timeline, params.mode);
    const all = announced(feed, 0, timeline.length - 1, SERIES);
    // A stretch of at least two settlements, opened halfway between its first and second: the window's first
    // snapshot is not a settlement, and the last rate before it was a fallback.
    const start = all.find((i) => i > 0 && source[i + 8] === SOURCE.fallback) as number;
    expect(start).toBeGreaterThan(0);
    expect(source[start + 4]).toBe(SOURCE.missing);
    expect(announced(feed, start + 4, timeline.length - 1, SERIES)[0]).toBe(start + 4);
    // Opened one step before the stretch's first settlement: nothing under way yet, announced when it starts.
    expect(announced(feed, start - 1, timeline.length - 1, SERIES)[0]).toBe(start);
  });
});
