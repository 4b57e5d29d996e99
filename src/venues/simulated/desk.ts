import { InsufficientFundsError } from '../../errors/families.js';
import type { GasOperation, RunParams } from '../../domain/params.js';
import type { LstToken } from '../../domain/tokens.js';
import type { AttributionPart } from '../../domain/attribution.js';
import type { EventType } from '../../events/types.js';
import type { MarketState } from '../../components/marketState.js';
import { wouldGoNegative, type Book, type InFlightTransfer } from '../../components/book.js';
import type { Fill } from '../../components/positionMonitor.js';
import type { VenueReports } from '../../kernel/executionClient.js';
import { pxBtc, pxEth, pxUsdt } from '../../components/exposureMonitor.js';

/**
 * One venue event in the making: its moves apply to the venue's book as they are made (later steps of the same
 * operation read them), and are reported to the kernel once, when the event is emitted. An operation that is
 * refused before its event is emitted undoes its moves, so the venue's book never holds a change the kernel was
 * not told of.
 */
export class Tx implements Fill {
  readonly deltas: Array<[string, number]> = [];
  readonly pnl: Partial<Record<AttributionPart, number>> = {};
  readonly perpEntries: Array<[number, number]> = [];
  private readonly entriesBefore: number[] = [];
  started: InFlightTransfer | undefined;
  creditedId: string | undefined;
  gasUnits = 0;
  gasEth = 0;
  constructor(
    private readonly venueBook: Book,
    /** In an order, a shortfall is a refusal (the venue or the chain would not execute it), not a negative balance. */
    private readonly revertOnShortfall: boolean,
  ) {}
  move(key: string, delta: number): void {
    if (delta === 0) return;
    const slot = this.venueBook.slotOf(key);
    if (this.revertOnShortfall && wouldGoNegative(this.venueBook, slot, delta)) {
      throw new InsufficientFundsError(`${key} holds ${this.venueBook.amounts[slot]}, the transaction needs ${-delta}`, {
        problems: [{ code: 'EXEC-004', message: 'transaction reverted: balance too small', path: key, expected: `>= ${-delta}`, received: String(this.venueBook.amounts[slot]) }],
      });
    }
    this.venueBook.apply(slot, delta);
    this.deltas.push([key, delta]);
  }
  setPerpEntry(slot: number, entryPx: number): void {
    this.entriesBefore.push(this.venueBook.perpEntry[slot] as number);
    this.perpEntries.push([slot, entryPx]);
    this.venueBook.perpEntry[slot] = entryPx;
  }
  book(part: AttributionPart, valueShare: number): void {
    if (valueShare === 0) return;
    this.pnl[part] = (this.pnl[part] ?? 0) + valueShare;
  }
  /** Takes back every move and entry price of an event that was never emitted. */
  undo(): void {
    const b = this.venueBook;
    for (let k = this.deltas.length - 1; k >= 0; k--) {
      const [key, delta] = this.deltas[k] as [string, number];
      const slot = b.slotOf(key);
      b.amounts[slot] = (b.amounts[slot] as number) - delta;
    }
    for (let k = this.perpEntries.length - 1; k >= 0; k--) b.perpEntry[(this.perpEntries[k] as [number, number])[0]] = this.entriesBefore[k] as number;
    this.deltas.length = 0;
    this.perpEntries.length = 0;
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

  constructor(
    readonly params: RunParams,
    /** The venue side of the accounts: what the simulated venues hold, kept in step with the kernel by reports. */
    readonly pm: Book,
    private readonly reports: VenueReports,
    readonly costsOn: boolean,
  ) {}

  tx(): Tx {
    const tx = new Tx(this.pm, this.inOrder || this.atomicDepth > 0);
    this.open.push(tx);
    return tx;
  }

  /** After a refused operation: takes back the moves of every event it began and did not emit. */
  undoOpen(): void {
    for (let k = this.open.length - 1; k >= 0; k--) (this.open[k] as Tx).undo();
    this.open.length = 0;
  }

  /**
   * After a completed operation: every event it began either moved nothing or was emitted. A move left unreported
   * would put the venue's book and the kernel's positions out of step: a bug, so it stops the run.
   */
  closeOpen(): void {
    // Usually nothing is open: storing length calls a builtin even when it does not change.
    if (this.open.length === 0) return;
    for (const tx of this.open) if (tx.deltas.length > 0) throw new Error(`a simulated venue moved ${tx.deltas.map((d) => d[0]).join(', ')} without reporting it`);
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
    return this.reports.report(
      type,
      extra.status ?? 'completed',
      extra.venue,
      extra.token,
      extra.parent ?? this.parent,
      tx,
      gas ? tx.gasUnits : undefined,
      gas ? this.m.gasGwei : undefined,
      gas ? tx.gasEth : undefined,
      extra.feeAmount,
      extra.feeAmount !== undefined ? extra.feeToken : undefined,
      extra.details,
    );
  }

  /** Gas for one operation, in ETH, at this step's gas price. */
  gasEthFor(op: GasOperation): number {
    if (!this.costsOn) return 0;
    return this.params.costs.gasUnits[op] * this.m.gasGwei * 1e-9 * this.params.costs.gasPriceMultiplier;
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
