import { BasisError } from '../errors/base.js';
import type { PositionKey } from '../domain/positionKey.js';
import type { BookedMove } from '../domain/move.js';
import { Book, type InFlightTransfer } from './book.js';
import type { Slot } from './slots.js';

export { applyDelta, type InFlightTransfer, type Numeraire } from './book.js';

/** A Float64Array that can be read but not written: what consumers of the position monitor get. */
export interface ReadonlyFloat64Array {
  readonly [index: number]: number;
  readonly length: number;
  slice(start?: number, end?: number): Float64Array;
}

/**
 * What a venue reports after executing something (an order, a transfer leg, a funding payment, a liquidation):
 * the balance changes of one event, the perp entry prices it set, and the transfer it started or credited.
 */
export interface Fill {
  /**
   * The balance moves, in the order made: move k adds `deltaAmounts[k]` to the slot `deltaSlots[k]` (an index into
   * {@link PositionsView.slots}), for k < `deltaCount`. Slot indices, not keys: applying and recording a fill then
   * looks nothing up by name.
   */
  readonly deltaCount: number;
  readonly deltaSlots: ArrayLike<number>;
  readonly deltaAmounts: ArrayLike<number>;
  /** Perp slots whose entry price changed, with the new price (NaN once flat). */
  readonly perpEntries: ReadonlyArray<readonly [number, number]>;
  readonly started: InFlightTransfer | undefined;
  readonly creditedId: string | undefined;
}

/** Read-only view of the positions: what strategies, monitors and the event log see. */
export interface PositionsView {
  readonly slots: readonly Slot[];
  readonly amounts: ReadonlyFloat64Array;
  readonly perpEntry: ReadonlyFloat64Array;
  readonly inFlight: readonly InFlightTransfer[];
  /** Counts the changes to the balances: equal between two reads means no balance changed in between. */
  readonly version: number;
  has(key: string): boolean;
  slotOf(key: string): number;
  amount(key: string): number;
  balances(): Record<string, number>;
  inFlightView(): Record<string, { token: string; amount: number; to: string }>;
}

/**
 * Owns the run's positions. `applyFill` (and `applyMove`, its one-move form), for what a venue reports (trades,
 * transfers started and credited, settlements, capital paid in or out), is the only way to change them; every other
 * component reads them through PositionsView.
 */
export class PositionMonitor implements PositionsView {
  readonly #book: Book;
  readonly slots: readonly Slot[];
  readonly amounts: ReadonlyFloat64Array;
  readonly perpEntry: ReadonlyFloat64Array;
  readonly inFlight: readonly InFlightTransfer[];

  constructor(keys: readonly PositionKey[]) {
    const book = new Book(keys);
    this.#book = book;
    this.slots = book.slots;
    this.amounts = book.amounts;
    this.perpEntry = book.perpEntry;
    this.inFlight = book.inFlight;
  }

  get version(): number {
    return this.#book.version;
  }

  has(key: string): boolean {
    return this.#book.has(key);
  }

  slotOf(key: string): number {
    return this.#book.slotOf(key);
  }

  amount(key: string): number {
    return this.#book.amount(key);
  }

  balances(): Record<string, number> {
    return this.#book.balances();
  }

  inFlightView(): Record<string, { token: string; amount: number; to: string }> {
    return this.#book.inFlightView();
  }

  /** Applies one venue report: its deltas (a non-perp balance may not go negative), entry prices and transfer. */
  applyFill(fill: Fill): void {
    const book = this.#book;
    if (fill.creditedId !== undefined) this.creditTransfer(fill.creditedId);
    const slots = fill.deltaSlots;
    const amounts = fill.deltaAmounts;
    for (let k = 0; k < fill.deltaCount; k++) book.apply(slots[k] as number, amounts[k] as number);
    const entries = fill.perpEntries;
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k] as readonly [number, number];
      book.perpEntry[e[0]] = e[1];
    }
    if (fill.started !== undefined) book.inFlight.push(fill.started);
  }

  /** {@link applyFill} of a fill with one move and nothing else (a funding payment). */
  applyMove(m: BookedMove): void {
    this.#book.applyMove(m);
  }

  private creditTransfer(id: string): void {
    const flight = this.#book.inFlight;
    const k = flight.findIndex((t) => t.id === id);
    if (k < 0) throw new BasisError('XFER-002', `transfer ${id} was credited but is not in flight`);
    flight.splice(k, 1);
  }
}
