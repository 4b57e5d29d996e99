import { BasisError } from '../errors/base.js';
import type { SeriesKey, Timeline } from '../data/series.js';
import type { ModeParams } from '../domain/params.js';
import { AAVE_IDX, CEX_LIST, LST_IDX, SYM_LIST, perpIdx } from './slots.js';

type Column = Float64Array | null;

/** The per-slot fields of a MarketState, in the order of their parts of {@link MarketState.values}. */
const enum MarketField {
  liquidityIndex,
  borrowIndex,
  liquidityRate,
  borrowRate,
  lstRate,
  perpMark,
}

/** Where each field's part of MarketState.values starts: four AAVE reserves, two LSTs, six (venue, symbol) perps. */
const FIELD_OFFSET: readonly number[] = [0, 4, 8, 12, 16, 18];
const FIELD_SIZE = 24;

/** A field's part of a MarketState's values, as a view of them. */
function part(values: Float64Array, field: MarketField, length: number): Float64Array {
  const at = FIELD_OFFSET[field] as number;
  return values.subarray(at, at + length);
}

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
  /**
   * Every per-slot field below in one array (each field is a view of its part, at FIELD_OFFSET): the reader fills a
   * step's values with one store each into this array, not a lookup of the field's array first.
   */
  readonly values = new Float64Array(FIELD_SIZE).fill(NaN);
  readonly liquidityIndex = part(this.values, MarketField.liquidityIndex, 4);
  readonly borrowIndex = part(this.values, MarketField.borrowIndex, 4);
  readonly liquidityRate = part(this.values, MarketField.liquidityRate, 4);
  readonly borrowRate = part(this.values, MarketField.borrowRate, 4);
  /** LST exchange rate, ETH per LST (AAVE oracle). */
  readonly lstRate = part(this.values, MarketField.lstRate, 2);
  /** Perp mark price per (venue, symbol). */
  readonly perpMark = part(this.values, MarketField.perpMark, 6);
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
    this.values.set(o.values);
    this.fundingRate.set(o.fundingRate);
    this.fundingFallback.set(o.fundingFallback);
    this.gasGwei = o.gasGwei;
  }

  /** Spot valuation price of a perp's underlying. */
  spotForSym(sym: number): number {
    return sym === 0 ? this.btcPx : this.ethPx;
  }
}

/** Steps per transposed block of the market reader (with a dozen columns, about 100 kB). */
const ROW_BLOCK = 1024;

interface Binding {
  readonly values: Float64Array;
  readonly source: Uint8Array | null;
  readonly key: SeriesKey;
}

/**
 * Binds the columns a mode needs once, then fills a MarketState per step with array reads only: the bound
 * (column → field slot) pairs are flat arrays, so a step touches exactly the series the mode uses.
 */
export class MarketReader {
  private readonly eth: Column;
  private readonly btc: Column;
  private readonly gas: Column;
  private readonly cols: Float64Array[] = [];
  /**
   * The bound columns transposed for a block of ROW_BLOCK steps, one row per step: a step reads one contiguous run
   * of memory instead of a value from each of a dozen column streams, which in the engine loop cost cache misses.
   * A block at a time keeps the copy's memory flat in history length.
   */
  private readonly rows: Float64Array;
  private rowsFrom = 0;
  private rowsTo = 0;
  /** Where each bound column goes in MarketState.values. */
  private readonly dst: number[] = [];
  private readonly funding: Binding[] = [];
  private readonly fundingSlot: number[] = [];
  private readonly required: Binding[] = [];

  constructor(private readonly timeline: Timeline, mode: ModeParams) {
    const want = new Set<SeriesKey>(mode.dataRequirements);
    const col = (key: SeriesKey | undefined): Column => (key && want.has(key) && timeline.has(key) ? timeline.series(key).values : null);
    const bind = (key: SeriesKey, field: MarketField, slot: number): void => {
      const c = col(key);
      if (!c) return;
      this.cols.push(c);
      this.dst.push((FIELD_OFFSET[field] as number) + slot);
    };
    this.eth = col(mode.priceSeries.ETH);
    this.btc = col(mode.priceSeries.BTC);
    this.gas = col('gas:ethereum:gwei');
    for (const [name, i] of Object.entries(AAVE_IDX)) {
      bind(`aave:${name}:liquidityIndex` as SeriesKey, MarketField.liquidityIndex, i);
      bind(`aave:${name}:borrowIndex` as SeriesKey, MarketField.borrowIndex, i);
      bind(`aave:${name}:liquidityRate` as SeriesKey, MarketField.liquidityRate, i);
      bind(`aave:${name}:borrowRate` as SeriesKey, MarketField.borrowRate, i);
    }
    for (const [name, i] of Object.entries(LST_IDX)) bind(`oracle:${name}:ETH` as SeriesKey, MarketField.lstRate, i);
    CEX_LIST.forEach((cex, c) =>
      SYM_LIST.forEach((sym, s) => {
        bind(`perp:${cex}:${sym}` as SeriesKey, MarketField.perpMark, perpIdx(c, s));
        const fk = `funding:${cex}:${sym}` as SeriesKey;
        if (want.has(fk) && timeline.has(fk)) {
          const f = timeline.series(fk);
          this.funding.push({ values: f.values, source: f.source, key: fk });
          this.fundingSlot.push(perpIdx(c, s));
        }
      }),
    );
    this.rows = new Float64Array(ROW_BLOCK * this.cols.length);
    for (const key of mode.dataRequirements) {
      if (!key.startsWith('funding:') && timeline.has(key)) {
        const s = timeline.series(key);
        this.required.push({ values: s.values, source: s.source, key });
      }
    }
  }

  read(i: number, out: MarketState): void {
    out.index = i;
    out.timestampMs = this.timeline.timestampsMs[i] as number;
    // Constant, then overwrite (see healthFactor): `this.eth ? this.eth[i] : NaN` allocates at each step.
    let ethPx = NaN;
    let btcPx = NaN;
    let gasGwei = NaN;
    if (this.eth) ethPx = this.eth[i] as number;
    if (this.btc) btcPx = this.btc[i] as number;
    if (this.gas) gasGwei = this.gas[i] as number;
    out.ethPx = ethPx;
    out.btcPx = btcPx;
    out.gasGwei = gasGwei;
    if (i < this.rowsFrom || i >= this.rowsTo) this.transpose(i);
    const values = out.values;
    const rows = this.rows;
    const dst = this.dst;
    const n = dst.length;
    const at = (i - this.rowsFrom) * n;
    for (let k = 0; k < n; k++) values[dst[k] as number] = rows[at + k] as number;
  }

  /** Fills the row block with steps [from, from + ROW_BLOCK). */
  private transpose(from: number): void {
    const n = this.cols.length;
    const to = Math.min(from + ROW_BLOCK, this.timeline.length);
    for (let k = 0; k < n; k++) {
      const c = this.cols[k] as Float64Array;
      for (let i = from; i < to; i++) this.rows[(i - from) * n + k] = c[i] as number;
    }
    this.rowsFrom = from;
    this.rowsTo = to;
  }

  /** Funding rates at a settlement step (NaN where a venue has no settlement value). */
  readFunding(i: number, out: MarketState): void {
    // Six entries: plain stores, cheaper than two calls to the fill builtin at every settlement.
    for (let p = 0; p < out.fundingRate.length; p++) {
      out.fundingRate[p] = NaN;
      out.fundingFallback[p] = 0;
    }
    for (let f = 0; f < this.funding.length; f++) {
      const b = this.funding[f] as Binding;
      const slot = this.fundingSlot[f] as number;
      out.fundingRate[slot] = b.values[i] as number;
      out.fundingFallback[slot] = b.source !== null && b.source[i] === 3 ? 1 : 0;
    }
  }

  /** Fail fast, before the loop, if any required (non-funding) series has a hole inside [from, to]. */
  assertComplete(from: number, to: number): void {
    for (const b of this.required) {
      for (let i = from; i <= to; i++) {
        const v = b.values[i] as number;
        if (!(v === v)) {
          throw new BasisError('EXP-003', `series ${b.key} has no value at ${new Date(this.timeline.timestampsMs[i] as number).toISOString()}`, {
            problems: [{ code: 'EXP-003', message: 'required market value missing inside the run window', path: b.key }],
          });
        }
      }
    }
  }
}
