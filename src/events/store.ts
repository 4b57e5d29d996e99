import { grownF64, grownI32, grownU8 } from '../growable.js';
import { ATTRIBUTION_PARTS } from '../domain/attribution.js';
import type { DetailRow } from './detailRow.js';
import type { Clock } from '../kernel/clock.js';
import type { BookedMove } from '../domain/move.js';
import { EVENT_TYPES, type BasisEvent, type EventStatus, type EventType } from './types.js';

/** What writers, the report and the audit read events from: an array of events, or the columnar store. */
export interface EventSource {
  readonly length: number;
  at(index: number): BasisEvent | undefined;
}

/** Every event of a source in order, each object built as it is read and dropped after: a writer holds one at a time. */
export function* eachEvent(source: EventSource): Generator<BasisEvent> {
  for (let i = 0; i < source.length; i++) yield source.at(i) as BasisEvent;
}

export type EventDetails = NonNullable<BasisEvent['details']>;
export type InFlightView = NonNullable<BasisEvent['inFlight']>;

/** The position book an event snapshots: slot keys, amounts, perp entry prices and transfers in flight. */
export interface BookView {
  readonly slots: ReadonlyArray<{ readonly key: string; readonly def: { readonly kind: string } }>;
  readonly amounts: ArrayLike<number>;
  readonly perpEntry: ArrayLike<number>;
  readonly inFlight: { readonly length: number };
  inFlightView(): InFlightView;
}

const STATUSES: readonly EventStatus[] = ['completed', 'failed', 'rolled_back', 'pending'];
const TYPE_INDEX = new Map<string, number>(EVENT_TYPES.map((t, i) => [t, i]));
const STATUS_INDEX = new Map<string, number>(STATUSES.map((s, i) => [s, i]));

/** Events per block of balance rows (a power of two: a row is found by shift and mask). */
const BLOCK_SHIFT = 10;
const BLOCK_ROWS = 1 << BLOCK_SHIFT;

/** How many recent venue and token strings {@link EventStore.optId} remembers. */
const RECENT = 4;

const F_PNL = 1;
const F_DETAILS = 2;
const F_GAS_UNITS = 4;
const F_GAS_PRICE = 8;
const F_GAS_ETH = 16;
const F_FEE_AMOUNT = 32;
const F_PERP = 64;

const TAG_NUMBER = 0;
const TAG_STRING = 1;
const TAG_TRUE = 2;
const TAG_FALSE = 3;
const TAG_NULL = 4;
const TAG_OTHER = 5;

/** Key/value pairs of every event in one growable column set: deltas, P&L parts or details. */
class PairColumns {
  // Sized for a few thousand events (a year of hourly funding on three venues is about 3,300) before the first
  // copy: growing from small sizes copied and re-zeroed the columns several times inside the run.
  keys = new Int32Array(16384);
  tags = new Uint8Array(16384);
  nums = new Float64Array(16384);
  length = 0;

  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.keys.length) return;
    this.keys = grownI32(this.keys, need);
    this.tags = grownU8(this.tags, need);
    this.nums = grownF64(this.nums, need);
  }

  push(key: number, tag: number, num: number): void {
    const k = this.claim(key, tag);
    this.nums[k] = num;
  }

  /**
   * A new pair with its key and tag; the caller stores the number at the index returned, in `nums` read after this
   * call (it may have grown). The hot paths do so rather than pass an amount to push: where V8 does not inline push
   * (it decides per process), an amount passed to it is boxed at every call, 16 bytes.
   */
  claim(key: number, tag: number): number {
    if (this.length === this.keys.length) this.reserve(1);
    const k = this.length++;
    this.keys[k] = key;
    this.tags[k] = tag;
    return k;
  }
}

/**
 * The run's events as columns: numbers in growable typed arrays, strings interned once, the balances after each
 * event as one row of a Float64Array block (perp entry prices likewise), deltas, P&L and details in pair columns.
 * Recording an event copies numbers and allocates nothing once the columns have grown to the run's size; an event
 * object is built only when something reads it ({@link at}), field for field the object the engine used to keep,
 * so events.jsonl, its hash chain and the report are unchanged byte for byte.
 */
export class EventStore implements EventSource {
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  /** Interned id of each slot key, by slot index. */
  private readonly slotKeyIds: Int32Array;
  /** Interned id of each attribution part's name, by its index in ATTRIBUTION_PARTS. */
  private readonly partIds: Int32Array;
  private readonly perpSlots: Int32Array;
  private readonly nSlots: number;

  private n = 0;
  /** Events the columns hold before they grow (see PairColumns for why it starts at a few thousand). */
  private cap = 4096;
  private type = new Uint8Array(this.cap);
  private status = new Uint8Array(this.cap);
  private flags = new Uint8Array(this.cap);
  private venue = new Int32Array(this.cap);
  private token = new Int32Array(this.cap);
  private feeToken = new Int32Array(this.cap);
  private parent = new Float64Array(this.cap);
  private timestampMs = new Float64Array(this.cap);
  private gasUnits = new Float64Array(this.cap);
  private gasPriceGwei = new Float64Array(this.cap);
  private gasEth = new Float64Array(this.cap);
  private feeAmount = new Float64Array(this.cap);
  private deltaStart = new Int32Array(this.cap);
  private pnlStart = new Int32Array(this.cap);
  private detailStart = new Int32Array(this.cap);
  /**
   * The balances after each event, one row of nSlots per event, in blocks of BLOCK_ROWS rows (perp entry prices
   * likewise): a new block is added when the last fills, so a growing run never copies or re-zeroes earlier rows.
   */
  private readonly balanceBlocks: Float64Array[] = [];
  private readonly perpBlocks: Float64Array[] = [];
  private readonly deltas = new PairColumns();
  private readonly pnl = new PairColumns();
  private readonly details = new PairColumns();
  /** Values of a type the columns do not hold (never written by the engine; kept rather than dropped). */
  private readonly otherValues: unknown[] = [];
  /**
   * The keys of the last details object seen and their ids: events of a kind reuse one details shape (a funding
   * settlement's five fields), so a key that matches the one at the same position needs no Map lookup.
   */
  private readonly detailKeys: string[] = [];
  private readonly detailKeyIds: number[] = [];
  /**
   * The recent strings start as '' (never a venue or token) rather than undefined, like lastType and lastStatus
   * below: comparisons that only ever see internalized strings compile to a pointer compare, where one undefined
   * makes them a call to the generic equality builtin for every event.
   */
  private readonly recent: string[] = new Array<string>(RECENT).fill('');
  private readonly recentIds = new Int32Array(RECENT);
  private recentNext = 0;
  /** The keys of the last detail row's shape and their ids. */
  private rowKeys: readonly string[] | null = null;
  private rowKeyIds = new Int32Array(0);
  private lastType: EventType | '' = '';
  private lastTypeId = 0;
  private lastStatus: EventStatus | '' = '';
  private lastStatusId = 0;
  /** Transfers in flight after an event, for the events recorded while some are. */
  private readonly inFlight = new Map<number, InFlightView>();

  /**
   * `clock` stamps each event: read here rather than passed in, since a time passed to a call V8 does not inline
   * is boxed at every event (docs/kernel.md, "Hot path").
   */
  constructor(
    private readonly book: BookView,
    private readonly clock: Clock,
  ) {
    this.nSlots = book.slots.length;
    // The recent strings' placeholder '' maps to its own id, so even an empty venue name gets the right one.
    this.recentIds.fill(this.intern(''));
    this.slotKeyIds = Int32Array.from(book.slots, (s) => this.intern(s.key));
    this.partIds = Int32Array.from(ATTRIBUTION_PARTS, (p) => this.intern(p));
    const perps: number[] = [];
    book.slots.forEach((s, i) => {
      if (s.def.kind === 'perp') perps.push(i);
    });
    this.perpSlots = Int32Array.from(perps);
  }

  get length(): number {
    return this.n;
  }

  /** The id of a string, adding it on first sight. A Map lookup of an existing string allocates nothing. */
  intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  /**
   * The id of an event's venue, token or fee token. The last few seen are compared first, by identity: the engine's
   * venue and token strings are internalized (one object per spelling), and events come in runs over a few venues.
   */
  private optId(s: string | undefined): number {
    if (s === undefined) return -1;
    const recent = this.recent;
    for (let k = 0; k < RECENT; k++) if (recent[k] === s) return this.recentIds[k] as number;
    const id = this.intern(s);
    const slot = this.recentNext;
    recent[slot] = s;
    this.recentIds[slot] = id;
    this.recentNext = (slot + 1) % RECENT;
    return id;
  }

  private grow(): void {
    const cap = this.cap * 2;
    this.type = grownU8(this.type, cap);
    this.status = grownU8(this.status, cap);
    this.flags = grownU8(this.flags, cap);
    this.venue = grownI32(this.venue, cap);
    this.token = grownI32(this.token, cap);
    this.feeToken = grownI32(this.feeToken, cap);
    this.parent = grownF64(this.parent, cap);
    this.timestampMs = grownF64(this.timestampMs, cap);
    this.gasUnits = grownF64(this.gasUnits, cap);
    this.gasPriceGwei = grownF64(this.gasPriceGwei, cap);
    this.gasEth = grownF64(this.gasEth, cap);
    this.feeAmount = grownF64(this.feeAmount, cap);
    this.deltaStart = grownI32(this.deltaStart, cap);
    this.pnlStart = grownI32(this.pnlStart, cap);
    this.detailStart = grownI32(this.detailStart, cap);
    this.cap = cap;
  }

  /**
   * Starts event number `length + 1` with its header fields and the book after it; the caller then adds its
   * deltas, P&L and details. Returns the event's index.
   */
  begin(
    type: EventType,
    status: EventStatus,
    venue: string | undefined,
    token: string | undefined,
    parent: number | undefined,
    gasUnits: number | undefined,
    gasPriceGwei: number | undefined,
    gasEth: number | undefined,
    feeAmount: number | undefined,
    feeToken: string | undefined,
  ): number {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    // Events come in runs of one type and status (a funding settlement per venue): look each up only when it changes.
    if (type !== this.lastType) {
      this.lastType = type;
      this.lastTypeId = TYPE_INDEX.get(type) as number;
    }
    if (status !== this.lastStatus) {
      this.lastStatus = status;
      this.lastStatusId = STATUS_INDEX.get(status) as number;
    }
    this.type[i] = this.lastTypeId;
    this.status[i] = this.lastStatusId;
    this.venue[i] = this.optId(venue);
    this.token[i] = this.optId(token);
    this.feeToken[i] = this.optId(feeToken);
    this.parent[i] = parent === undefined ? NaN : parent;
    this.timestampMs[i] = this.clock.nowMs;
    let f = 0;
    if (gasUnits !== undefined) {
      f |= F_GAS_UNITS;
      this.gasUnits[i] = gasUnits;
    }
    if (gasPriceGwei !== undefined) {
      f |= F_GAS_PRICE;
      this.gasPriceGwei[i] = gasPriceGwei;
    }
    if (gasEth !== undefined) {
      f |= F_GAS_ETH;
      this.gasEth[i] = gasEth;
    }
    if (feeAmount !== undefined) {
      f |= F_FEE_AMOUNT;
      this.feeAmount[i] = feeAmount;
    }
    this.deltaStart[i] = this.deltas.length;
    this.pnlStart[i] = this.pnl.length;
    this.detailStart[i] = this.details.length;
    const b = this.book;
    const np = this.perpSlots.length;
    const row = i & (BLOCK_ROWS - 1);
    if (row === 0) {
      this.balanceBlocks.push(new Float64Array(BLOCK_ROWS * this.nSlots));
      this.perpBlocks.push(new Float64Array(BLOCK_ROWS * np));
    }
    // A copy loop: for a book's dozen or two slots it costs less than a call to the set builtin.
    const balances = this.balanceBlocks[i >> BLOCK_SHIFT] as Float64Array;
    const ns = this.nSlots;
    const amounts = b.amounts;
    for (let s = 0, at = row * ns; s < ns; s++) balances[at + s] = amounts[s] as number;
    const perpBlock = this.perpBlocks[i >> BLOCK_SHIFT] as Float64Array;
    for (let k = 0; k < np; k++) {
      const s = this.perpSlots[k] as number;
      perpBlock[row * np + k] = b.perpEntry[s] as number;
      if (b.amounts[s] !== 0) f |= F_PERP;
    }
    this.flags[i] = f;
    if (b.inFlight.length > 0) this.inFlight.set(i, b.inFlightView());
    return i;
  }

  addDelta(key: string, amount: number): void {
    this.deltas.push(this.intern(key), TAG_NUMBER, amount);
  }

  /** A move of the book's slot `slot` (its key is interned once, at construction). */
  addDeltaSlot(slot: number, amount: number): void {
    const d = this.deltas;
    const k = d.claim(this.slotKeyIds[slot] as number, TAG_NUMBER);
    d.nums[k] = amount;
  }

  /**
   * A booked move's move and P&L part, each left out when zero. What addDeltaSlot and addPnlPart do, written out
   * so that the amounts are read here and not passed to them (see BookedMove).
   */
  addMove(m: BookedMove): void {
    if (m.amount !== 0) {
      const d = this.deltas;
      const k = d.claim(this.slotKeyIds[m.slot] as number, TAG_NUMBER);
      d.nums[k] = m.amount;
    }
    if (m.valueShare !== 0) {
      this.flags[this.n - 1] = (this.flags[this.n - 1] as number) | F_PNL;
      const p = this.pnl;
      const k = p.claim(this.partIds[m.part] as number, TAG_NUMBER);
      p.nums[k] = m.valueShare;
    }
  }

  /** A P&L part by its index in ATTRIBUTION_PARTS. */
  addPnlPart(part: number, value: number): void {
    this.flags[this.n - 1] = (this.flags[this.n - 1] as number) | F_PNL;
    const p = this.pnl;
    const k = p.claim(this.partIds[part] as number, TAG_NUMBER);
    p.nums[k] = value;
  }

  /** P&L part by name; an event gets a `pnl` object once anything is added (even a value JSON leaves out). */
  addPnl(part: string, value: number | undefined): void {
    this.flags[this.n - 1] = (this.flags[this.n - 1] as number) | F_PNL;
    if (value !== undefined) this.pnl.push(this.intern(part), TAG_NUMBER, value);
  }

  /** Copies a details object field by field (callers may reuse one object for every event of a kind). */
  setDetails(details: EventDetails): void {
    this.flags[this.n - 1] = (this.flags[this.n - 1] as number) | F_DETAILS;
    const d = this.details;
    const seen = this.detailKeys;
    const seenIds = this.detailKeyIds;
    let j = 0;
    // Details are object literals or fixed-shape scratch objects: every enumerable key is their own (nothing
    // enumerable is inherited from Object.prototype), so no own-property test per key.
    for (const k in details) {
      const v: unknown = details[k];
      let key: number;
      if (seen[j] === k) key = seenIds[j] as number;
      else {
        key = this.intern(k);
        seen[j] = k;
        seenIds[j] = key;
      }
      j++;
      if (typeof v === 'number') d.push(key, TAG_NUMBER, v);
      else if (typeof v === 'string') d.push(key, TAG_STRING, this.intern(v));
      else if (v === true) d.push(key, TAG_TRUE, 0);
      else if (v === false) d.push(key, TAG_FALSE, 0);
      else if (v === null) d.push(key, TAG_NULL, 0);
      else if (v !== undefined) {
        d.push(key, TAG_OTHER, this.otherValues.length);
        this.otherValues.push(v);
      }
    }
  }

  /**
   * Copies a fixed-shape detail row, key by key in its order. The key ids of the last shape seen are kept: the
   * events that use a row (funding payments) share one shape.
   */
  setDetailRow(row: DetailRow): void {
    this.flags[this.n - 1] = (this.flags[this.n - 1] as number) | F_DETAILS;
    if (row.keys !== this.rowKeys) this.internRow(row.keys);
    const ids = this.rowKeyIds;
    const values = row.values;
    const booleans = row.booleans;
    const d = this.details;
    const n = ids.length;
    d.reserve(n);
    const keys = d.keys;
    const tags = d.tags;
    const nums = d.nums;
    for (let k = 0, at = d.length; k < n; k++, at++) {
      const v = values[k] as number;
      keys[at] = ids[k] as number;
      if (booleans[k] === 1) {
        tags[at] = v !== 0 ? TAG_TRUE : TAG_FALSE;
        nums[at] = 0;
      } else {
        tags[at] = TAG_NUMBER;
        nums[at] = v;
      }
    }
    d.length += n;
  }

  /** Apart from setDetailRow: its closure would make every call of that method allocate a context. */
  private internRow(keys: readonly string[]): void {
    this.rowKeys = keys;
    this.rowKeyIds = Int32Array.from(keys, (k) => this.intern(k));
  }

  /** Events of `type` with status completed. */
  count(type: EventType): number {
    const t = TYPE_INDEX.get(type) as number;
    let c = 0;
    for (let i = 0; i < this.n; i++) if (this.type[i] === t && this.status[i] === 0) c++;
    return c;
  }

  typeAt(i: number): EventType {
    return EVENT_TYPES[this.type[i] as number] as EventType;
  }

  /** Event i (0-based; its order is i + 1) as an object, built now. */
  at(i: number): BasisEvent | undefined {
    if (i < 0) i += this.n;
    if (!(i >= 0 && i < this.n)) return undefined;
    const str = this.strings;
    const f = this.flags[i] as number;
    const venue = this.venue[i] as number;
    const token = this.token[i] as number;
    const feeToken = this.feeToken[i] as number;
    const parent = this.parent[i] as number;
    return {
      type: EVENT_TYPES[this.type[i] as number] as EventType,
      status: STATUSES[this.status[i] as number] as EventStatus,
      venue: venue < 0 ? undefined : str[venue],
      token: token < 0 ? undefined : str[token],
      parent: parent === parent ? parent : undefined,
      deltas: this.deltasOf(i),
      pnl: f & F_PNL ? this.pairsOf(this.pnl, this.pnlStart, i) : undefined,
      gasUnits: f & F_GAS_UNITS ? this.gasUnits[i] : undefined,
      gasPriceGwei: f & F_GAS_PRICE ? this.gasPriceGwei[i] : undefined,
      gasEth: f & F_GAS_ETH ? this.gasEth[i] : undefined,
      feeAmount: f & F_FEE_AMOUNT ? this.feeAmount[i] : undefined,
      feeToken: feeToken < 0 ? undefined : str[feeToken],
      details: f & F_DETAILS ? this.pairsOf(this.details, this.detailStart, i) : undefined,
      order: i + 1,
      timestampMs: this.timestampMs[i] as number,
      balances: this.balancesOf(i),
      perpEntries: f & F_PERP ? this.perpEntriesOf(i) : undefined,
      inFlight: this.inFlight.get(i),
    } as BasisEvent;
  }

  *[Symbol.iterator](): Generator<BasisEvent> {
    for (let i = 0; i < this.n; i++) yield this.at(i) as BasisEvent;
  }

  private end(starts: Int32Array, cols: PairColumns, i: number): number {
    return i + 1 < this.n ? (starts[i + 1] as number) : cols.length;
  }

  private deltasOf(i: number): Array<[string, number]> {
    const d = this.deltas;
    const out: Array<[string, number]> = [];
    for (let k = this.deltaStart[i] as number, e = this.end(this.deltaStart, d, i); k < e; k++) out.push([this.strings[d.keys[k] as number] as string, d.nums[k] as number]);
    return out;
  }

  private pairsOf(cols: PairColumns, starts: Int32Array, i: number): Record<string, number | string | boolean | null> {
    const out: Record<string, number | string | boolean | null> = {};
    for (let k = starts[i] as number, e = this.end(starts, cols, i); k < e; k++) {
      const key = this.strings[cols.keys[k] as number] as string;
      const num = cols.nums[k] as number;
      switch (cols.tags[k]) {
        case TAG_NUMBER:
          out[key] = num;
          break;
        case TAG_STRING:
          out[key] = this.strings[num] as string;
          break;
        case TAG_TRUE:
          out[key] = true;
          break;
        case TAG_FALSE:
          out[key] = false;
          break;
        case TAG_NULL:
          out[key] = null;
          break;
        default:
          out[key] = this.otherValues[num] as number;
      }
    }
    return out;
  }

  private balancesOf(i: number): Record<string, number> {
    const out: Record<string, number> = {};
    const block = this.balanceBlocks[i >> BLOCK_SHIFT] as Float64Array;
    const base = (i & (BLOCK_ROWS - 1)) * this.nSlots;
    for (let s = 0; s < this.nSlots; s++) {
      const a = block[base + s] as number;
      if (a !== 0) out[this.strings[this.slotKeyIds[s] as number] as string] = a;
    }
    return out;
  }

  private perpEntriesOf(i: number): Record<string, number> {
    const out: Record<string, number> = {};
    const np = this.perpSlots.length;
    const row = i & (BLOCK_ROWS - 1);
    const balances = this.balanceBlocks[i >> BLOCK_SHIFT] as Float64Array;
    const entries = this.perpBlocks[i >> BLOCK_SHIFT] as Float64Array;
    for (let k = 0; k < np; k++) {
      const s = this.perpSlots[k] as number;
      if (balances[row * this.nSlots + s] !== 0) out[this.strings[this.slotKeyIds[s] as number] as string] = entries[row * np + k] as number;
    }
    return out;
  }
}
