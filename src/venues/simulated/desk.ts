import { InsufficientFundsError } from '../../errors/families.js';
import type { GasOperation, RunParams } from '../../domain/params.js';
import type { LstToken } from '../../domain/tokens.js';
import type { BookedMove } from '../../domain/move.js';
import { ATTRIBUTION_PARTS, type AttributionPart } from '../../domain/attribution.js';
import { PART_INDEX } from '../../components/pnlCalculator.js';
import type { Slot } from '../../components/slots.js';
import { grownF64, grownI32 } from '../../growable.js';
import type { EventType } from '../../events/types.js';
import type { DetailsInput } from '../../events/detailRow.js';
import type { MarketState } from '../../components/marketState.js';
import { wouldGoNegative, type Book, type InFlightTransfer } from '../../components/book.js';
import type { VenueFill, VenueReports } from '../../kernel/executionClient.js';
import { pxBtc, pxEth, pxUsdt } from '../../components/exposureMonitor.js';

/** Moves one event makes before a Tx grows its arrays (a leverage entry makes a handful). */
const TX_MOVES = 16;

/**
 * One venue event in the making: its moves apply to the venue's book as they are made (later steps of the same
 * operation read them), and are reported to the kernel once, when the event is emitted. An operation that is
 * refused before its event is emitted undoes its moves, so the venue's book never holds a change the kernel was
 * not told of. Moves are kept by slot and P&L by part index, in typed arrays, and the desk reuses its Tx objects:
 * an operation allocates no Tx and reports nothing by name. (A funding payment, one move and nothing else, needs no
 * Tx at all: see SimDesk.emitMove.)
 */
export class Tx implements VenueFill {
  deltaCount = 0;
  deltaSlots = new Int32Array(TX_MOVES);
  deltaAmounts = new Float64Array(TX_MOVES);
  pnlCount = 0;
  readonly pnlParts = new Int32Array(ATTRIBUTION_PARTS.length);
  readonly pnlValues = new Float64Array(ATTRIBUTION_PARTS.length);
  private readonly booked = new Uint8Array(ATTRIBUTION_PARTS.length);
  readonly perpEntries: Array<[number, number]> = [];
  private readonly entriesBefore: number[] = [];
  started: InFlightTransfer | undefined;
  creditedId: string | undefined;
  gasUnits = 0;
  gasEth = 0;
  /** In an order, a shortfall is a refusal (the venue or the chain would not execute it), not a negative balance. */
  private revertOnShortfall = false;

  constructor(private readonly venueBook: Book) {}

  /** Makes a reused Tx a new, empty one. */
  reset(revertOnShortfall: boolean): void {
    this.revertOnShortfall = revertOnShortfall;
    this.deltaCount = 0;
    for (let k = 0; k < this.pnlCount; k++) {
      const part = this.pnlParts[k] as number;
      this.pnlValues[part] = 0;
      this.booked[part] = 0;
    }
    this.pnlCount = 0;
    if (this.perpEntries.length > 0) {
      this.perpEntries.length = 0;
      this.entriesBefore.length = 0;
    }
    this.started = undefined;
    this.creditedId = undefined;
    this.gasUnits = 0;
    this.gasEth = 0;
  }

  move(key: string, delta: number): void {
    if (delta === 0) return;
    this.moveSlot(this.venueBook.slotOf(key), delta);
  }

  /** {@link move} by slot index (callers on the steady path resolve their slots once). */
  moveSlot(slot: number, delta: number): void {
    if (delta === 0) return;
    const b = this.venueBook;
    if (this.revertOnShortfall && wouldGoNegative(b, slot, delta)) {
      const key = (b.slots[slot] as Slot).key;
      throw new InsufficientFundsError(`${key} holds ${b.amounts[slot]}, the transaction needs ${-delta}`, {
        problems: [{ code: 'EXEC-004', message: 'transaction reverted: balance too small', path: key, expected: `>= ${-delta}`, received: String(b.amounts[slot]) }],
      });
    }
    b.apply(slot, delta);
    const k = this.deltaCount++;
    if (k === this.deltaSlots.length) {
      this.deltaSlots = grownI32(this.deltaSlots, 2 * k);
      this.deltaAmounts = grownF64(this.deltaAmounts, 2 * k);
    }
    this.deltaSlots[k] = slot;
    this.deltaAmounts[k] = delta;
  }

  setPerpEntry(slot: number, entryPx: number): void {
    this.entriesBefore.push(this.venueBook.perpEntry[slot] as number);
    this.perpEntries.push([slot, entryPx]);
    this.venueBook.perpEntry[slot] = entryPx;
  }

  book(part: AttributionPart, valueShare: number): void {
    this.bookPart(PART_INDEX[part], valueShare);
  }

  /** {@link book} by the part's index in ATTRIBUTION_PARTS. */
  bookPart(part: number, valueShare: number): void {
    if (valueShare === 0) return;
    if (this.booked[part] === 0) {
      this.booked[part] = 1;
      this.pnlParts[this.pnlCount++] = part;
    }
    this.pnlValues[part] = (this.pnlValues[part] as number) + valueShare;
  }

  /** Takes back every move and entry price of an event that was never emitted. */
  undo(): void {
    const b = this.venueBook;
    for (let k = this.deltaCount - 1; k >= 0; k--) {
      const slot = this.deltaSlots[k] as number;
      b.amounts[slot] = (b.amounts[slot] as number) - (this.deltaAmounts[k] as number);
    }
    for (let k = this.perpEntries.length - 1; k >= 0; k--) b.perpEntry[(this.perpEntries[k] as [number, number])[0]] = this.entriesBefore[k] as number;
    this.deltaCount = 0;
    this.perpEntries.length = 0;
    this.entriesBefore.length = 0;
  }

  /** The keys this event moved (for the message of a move left unreported). */
  movedKeys(): string[] {
    const out: string[] = [];
    for (let k = 0; k < this.deltaCount; k++) out.push((this.venueBook.slots[this.deltaSlots[k] as number] as Slot).key);
    return out;
  }
}

export interface EmitExtra {
  readonly venue?: string;
  readonly token?: string;
  readonly parent?: number;
  readonly details?: Record<string, number | string | boolean | null>;
  readonly feeAmount?: number;
  readonly feeToken?: string;
  readonly status?: 'completed' | 'failed' | 'rolled_back';
}

/**
 * What every simulated venue operation shares: the book, the market of the step, the cost switches, and the
 * three ways money leaves (gas from the wallet float, fees, and the event that records it).
 */
export class SimDesk {
  m!: MarketState;
  /** The decision event (REBALANCE, EMERGENCY_STOP) the current order belongs to: its events point at it. */
  parent: number | undefined;
  emodeSet = false;
  /** Withdrawals waiting in a staking protocol's queue, oldest first: the ETH each pays and when it can be claimed. */
  readonly unstakeQueue: Array<{ readonly lst: LstToken; readonly amountEth: number; readonly claimableMs: number }> = [];
  readonly approved = new Set<string>();
  liquidations = 0;
  feesPaid = 0;
  gasPaid = 0;
  /** Nesting depth of atomic transactions under way. */
  atomicDepth = 0;
  /** True while an order is executed: a venue refuses an order the account cannot pay for (a settlement is not refused). */
  inOrder = false;
  /** Events begun and not yet emitted: undone when the operation is refused. */
  private readonly open: Tx[] = [];
  /** Tx objects done with (emitted, undone or closed), reused by {@link tx}. */
  private readonly spare: Tx[] = [];

  constructor(
    readonly params: RunParams,
    /** The venue side of the accounts: what the simulated venues hold, kept in step with the kernel by reports. */
    readonly pm: Book,
    private readonly reports: VenueReports,
    readonly costsOn: boolean,
  ) {
    this.gasUnits = new Map(Object.entries(params.costs.gasUnits) as Array<[GasOperation, number]>);
  }

  /**
   * Gas units per operation. A map, not the config record: strategies ask for several operations a step, and a
   * record read by a varying name is a megamorphic (stub cache) load at that one site.
   */
  private readonly gasUnits: ReadonlyMap<GasOperation, number>;

  /** A new, empty venue event (a reused Tx: callers hold it only until they emit it). */
  tx(): Tx {
    const tx = this.spare.pop() ?? new Tx(this.pm);
    tx.reset(this.inOrder || this.atomicDepth > 0);
    this.open.push(tx);
    return tx;
  }

  /** After a refused operation: takes back the moves of every event it began and did not emit. */
  undoOpen(): void {
    for (let k = this.open.length - 1; k >= 0; k--) {
      const tx = this.open[k] as Tx;
      tx.undo();
      this.spare.push(tx);
    }
    this.open.length = 0;
  }

  /**
   * After a completed operation: every event it began either moved nothing or was emitted. A move left unreported
   * would put the venue's book and the kernel's positions out of step: a bug, so it stops the run.
   */
  closeOpen(): void {
    // Usually nothing is open: storing length calls a builtin even when it does not change.
    if (this.open.length === 0) return;
    for (const tx of this.open) if (tx.deltaCount > 0) throw new Error(`a simulated venue moved ${tx.movedKeys().join(', ')} without reporting it`);
    for (const tx of this.open) this.spare.push(tx);
    this.open.length = 0;
  }

  pxU(): number {
    return pxUsdt(this.params.mode.shareClass, this.m);
  }
  pxE(): number {
    return pxEth(this.params.mode.shareClass, this.m);
  }
  pxB(): number {
    return pxBtc(this.params.mode.shareClass, this.m);
  }

  emit(type: EventType, tx: Tx, extra: EmitExtra = {}): number {
    const gas = tx.gasUnits > 0;
    const open = this.open;
    // The event emitted is almost always the one begun last: popping it spares splice's array of removed items.
    if (open[open.length - 1] === tx) open.pop();
    else {
      const k = open.lastIndexOf(tx);
      if (k >= 0) open.splice(k, 1);
    }
    const feeAmount = extra.feeAmount;
    const order = this.reports.report(type, extra.status ?? 'completed', extra.venue, extra.token, extra.parent ?? this.parent, tx, gas ? tx.gasUnits : undefined, gas ? this.m.gasGwei : undefined, gas ? tx.gasEth : undefined, feeAmount, feeAmount !== undefined ? extra.feeToken : undefined, extra.details);
    // Reported: the kernel applied and recorded it, so the Tx can serve the next event.
    this.spare.push(tx);
    return order;
  }

  /**
   * A completed event of one move on the venue's book booked to one P&L part and nothing else (a funding payment),
   * reported without a Tx: the move is applied here and reported at once, so nothing is left to undo.
   */
  emitMove(type: EventType, venue: string, token: string, move: BookedMove, details: DetailsInput | undefined): number {
    this.pm.applyMove(move);
    return this.reports.reportMove(type, venue, token, this.parent, move, details);
  }

  /** Gas for one operation, in ETH, at this step's gas price. */
  gasEthFor(op: GasOperation): number {
    if (!this.costsOn) return 0;
    return (this.gasUnits.get(op) as number) * this.m.gasGwei * 1e-9 * this.params.costs.gasPriceMultiplier;
  }

  /** Pays an operation's gas from the wallet's ETH; EXEC-004 when the float cannot cover it. */
  payGas(tx: Tx, op: GasOperation): void {
    const eth = this.gasEthFor(op);
    if (eth === 0) return;
    const have = this.pm.amount('wallet:BaseToken:ETH');
    if (have < eth) {
      throw new InsufficientFundsError(`not enough ETH in the wallet for gas (${op}: need ${eth}, have ${have})`, {
        problems: [{ code: 'EXEC-004', message: 'gas float too small', expected: `>= ${eth} ETH`, received: String(have) }],
      });
    }
    tx.move('wallet:BaseToken:ETH', -eth);
    tx.gasUnits += this.params.costs.gasUnits[op];
    tx.gasEth += eth;
    const v = eth * this.pxE();
    tx.book('gas', -v);
    this.gasPaid += v;
  }

  fee(tx: Tx, key: string, amount: number, valueShare: number, part: AttributionPart = 'tradingFees'): void {
    if (amount === 0) return;
    tx.move(key, -amount);
    tx.book(part, -valueShare);
    this.feesPaid += valueShare;
  }
}
