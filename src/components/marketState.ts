import { BasisError } from '../errors/base.js';
import type { SeriesKey, Timeline } from '../data/series.js';
import type { ModeParams } from '../domain/params.js';
import { AAVE_IDX, CEX_LIST, LST_IDX, SYM_LIST, perpIdx } from './slots.js';

type Column = Float64Array | null;

/**
 * The market as of one step, in flat numeric fields the components read without lookups. Two instances
 * (previous, current) let the P&L calculator decompose a step's equity change exactly.
 * A required series that is NaN inside the run window is a provider bug: fail fast (EXP-003).
 */
export class MarketState {
  index = -1;
  timestampMs = 0;
  /** USDT per 1 unit (the valuation prices). */
  ethPx = NaN;
  btcPx = NaN;
  readonly liquidityIndex = new Float64Array(4).fill(NaN);
  readonly borrowIndex = new Float64Array(4).fill(NaN);
  readonly liquidityRate = new Float64Array(4).fill(NaN);
  readonly borrowRate = new Float64Array(4).fill(NaN);
  /** LST exchange rate, ETH per LST (AAVE oracle). */
  readonly lstRate = new Float64Array(2).fill(NaN);
  /** Perp mark price per (venue, symbol). */
  readonly perpMark = new Float64Array(6).fill(NaN);
  /** Funding rate per (venue, symbol) at settlement steps, NaN otherwise. */
  readonly fundingRate = new Float64Array(6).fill(NaN);
  /** 1 where this step's funding value came from a fallback series. */
  readonly fundingFallback = new Uint8Array(6);
  gasGwei = NaN;

  copyFrom(o: MarketState): void {
    this.index = o.index;
    this.timestampMs = o.timestampMs;
    this.ethPx = o.ethPx;
    this.btcPx = o.btcPx;
    this.liquidityIndex.set(o.liquidityIndex);
    this.borrowIndex.set(o.borrowIndex);
    this.liquidityRate.set(o.liquidityRate);
    this.borrowRate.set(o.borrowRate);
    this.lstRate.set(o.lstRate);
    this.perpMark.set(o.perpMark);
    this.fundingRate.set(o.fundingRate);
    this.fundingFallback.set(o.fundingFallback);
    this.gasGwei = o.gasGwei;
  }

  /** Spot valuation price of a perp's underlying. */
  spotForSym(sym: number): number {
    return sym === 0 ? this.btcPx : this.ethPx;
  }
}

interface Binding {
  readonly values: Float64Array;
  readonly source: Uint8Array | null;
  readonly key: SeriesKey;
}

/** Binds the columns a mode needs once, then fills a MarketState per step with array reads only. */
export class MarketReader {
  private readonly eth: Column;
  private readonly btc: Column;
  private readonly liq: Column[] = [null, null, null, null];
  private readonly bor: Column[] = [null, null, null, null];
  private readonly liqRate: Column[] = [null, null, null, null];
  private readonly borRate: Column[] = [null, null, null, null];
  private readonly lst: Column[] = [null, null];
  private readonly perp: Column[] = [null, null, null, null, null, null];
  private readonly funding: Binding[] = [];
  private readonly fundingSlot: number[] = [];
  private readonly gas: Column;
  private readonly required: Binding[] = [];

  constructor(private readonly timeline: Timeline, mode: ModeParams) {
    const want = new Set<SeriesKey>(mode.dataRequirements);
    const bind = (key: SeriesKey | undefined): Column => {
      if (!key || !want.has(key) || !timeline.has(key)) return null;
      const s = timeline.series(key);
      return s.values;
    };
    this.eth = bind(mode.priceSeries.ETH);
    this.btc = bind(mode.priceSeries.BTC);
    for (const [name, i] of Object.entries(AAVE_IDX)) {
      this.liq[i] = bind(`aave:${name}:liquidityIndex` as SeriesKey);
      this.bor[i] = bind(`aave:${name}:borrowIndex` as SeriesKey);
      this.liqRate[i] = bind(`aave:${name}:liquidityRate` as SeriesKey);
      this.borRate[i] = bind(`aave:${name}:borrowRate` as SeriesKey);
    }
    for (const [name, i] of Object.entries(LST_IDX)) this.lst[i] = bind(`oracle:${name}:ETH` as SeriesKey);
    CEX_LIST.forEach((cex, c) =>
      SYM_LIST.forEach((sym, s) => {
        this.perp[perpIdx(c, s)] = bind(`perp:${cex}:${sym}` as SeriesKey);
        const fk = `funding:${cex}:${sym}` as SeriesKey;
        if (want.has(fk) && timeline.has(fk)) {
          const col = timeline.series(fk);
          this.funding.push({ values: col.values, source: col.source, key: fk });
          this.fundingSlot.push(perpIdx(c, s));
        }
      }),
    );
    this.gas = bind('gas:ethereum:gwei');
    for (const key of mode.dataRequirements) {
      if (!key.startsWith('funding:') && timeline.has(key)) {
        const s = timeline.series(key);
        this.required.push({ values: s.values, source: null, key });
      }
    }
  }

  read(i: number, out: MarketState): void {
    out.index = i;
    out.timestampMs = this.timeline.timestampsMs[i] as number;
    out.ethPx = this.eth ? (this.eth[i] as number) : NaN;
    out.btcPx = this.btc ? (this.btc[i] as number) : NaN;
    for (let a = 0; a < 4; a++) {
      out.liquidityIndex[a] = this.liq[a] ? ((this.liq[a] as Float64Array)[i] as number) : NaN;
      out.borrowIndex[a] = this.bor[a] ? ((this.bor[a] as Float64Array)[i] as number) : NaN;
      out.liquidityRate[a] = this.liqRate[a] ? ((this.liqRate[a] as Float64Array)[i] as number) : NaN;
      out.borrowRate[a] = this.borRate[a] ? ((this.borRate[a] as Float64Array)[i] as number) : NaN;
    }
    out.lstRate[0] = this.lst[0] ? (this.lst[0][i] as number) : NaN;
    out.lstRate[1] = this.lst[1] ? (this.lst[1][i] as number) : NaN;
    for (let p = 0; p < 6; p++) out.perpMark[p] = this.perp[p] ? ((this.perp[p] as Float64Array)[i] as number) : NaN;
    out.fundingRate.fill(NaN);
    out.fundingFallback.fill(0);
    for (let f = 0; f < this.funding.length; f++) {
      const b = this.funding[f] as Binding;
      const slot = this.fundingSlot[f] as number;
      out.fundingRate[slot] = b.values[i] as number;
      out.fundingFallback[slot] = b.source !== null && b.source[i] === 3 ? 1 : 0;
    }
    out.gasGwei = this.gas ? (this.gas[i] as number) : NaN;
  }

  /** Fail fast if any required (non-funding) series has no value at step i. */
  assertComplete(i: number): void {
    for (const b of this.required) {
      const v = b.values[i] as number;
      if (!(v === v)) {
        throw new BasisError('EXP-003', `series ${b.key} has no value at ${new Date(this.timeline.timestampsMs[i] as number).toISOString()}`, {
          problems: [{ code: 'EXP-003', message: 'required market value missing inside the run window', path: b.key }],
        });
      }
    }
  }

  /** Series of this mode whose value at step i came from a fallback (for DATA_FALLBACK events). */
  fallbackKeysAt(i: number): SeriesKey[] {
    const out: SeriesKey[] = [];
    for (const key of this.timelineKeys()) {
      const s = this.timeline.series(key);
      if (s.source[i] === 3) out.push(key);
    }
    return out;
  }

  private keysCache: SeriesKey[] | null = null;
  private timelineKeys(): SeriesKey[] {
    if (!this.keysCache) this.keysCache = this.required.map((b) => b.key).concat(this.funding.map((b) => b.key));
    return this.keysCache;
  }
}
