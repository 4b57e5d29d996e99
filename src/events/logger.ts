import type { PositionsView } from '../components/positionMonitor.js';
import { EventStore, type EventSource } from './store.js';
import type { BasisEvent } from './types.js';
import type { Clock } from '../kernel/clock.js';
import type { BookedMove } from '../domain/move.js';
import { DetailRow, type DetailsInput } from './detailRow.js';

/** The moves and P&L of a venue fill, by slot and part index (the kernel's VenueFill). */
export interface FillRecord {
  readonly deltaCount: number;
  readonly deltaSlots: ArrayLike<number>;
  readonly deltaAmounts: ArrayLike<number>;
  readonly pnlCount: number;
  readonly pnlParts: ArrayLike<number>;
  readonly pnlValues: ArrayLike<number>;
}

export type EventInput = Omit<BasisEvent, 'order' | 'timestampMs' | 'balances' | 'perpEntries' | 'inFlight'>;

/** An event's details, given as an object or as a fixed-shape row. */
function setDetailsOf(s: EventStore, details: DetailsInput): void {
  if (details instanceof DetailRow) s.setDetailRow(details);
  else s.setDetails(details);
}

/**
 * Assigns the global, strictly increasing order number and stamps every event with the clock time and
 * the balances after it. Memory sink in the loop: the events live as columns in an {@link EventStore}; files and
 * stores are written from it at the end, building each event object as it is written.
 */
export class EventLogger implements EventSource {
  readonly store: EventStore;
  /** Event objects already built for {@link events}, so reading it repeatedly builds each event once. */
  private built: BasisEvent[] = [];

  constructor(
    pm: PositionsView,
    clock: Clock,
  ) {
    this.store = new EventStore(pm, clock);
  }

  /** Events recorded so far. */
  get length(): number {
    return this.store.length;
  }

  /** Event i (0-based) as an object. */
  at(i: number): BasisEvent | undefined {
    return this.store.at(i);
  }

  /**
   * Every event as objects, built on first read (for tests and callers that filter events); writers read
   * {@link at} or the store instead, so a run never holds both forms.
   */
  get events(): readonly BasisEvent[] {
    const s = this.store;
    for (let i = this.built.length; i < s.length; i++) this.built.push(s.at(i) as BasisEvent);
    return this.built;
  }

  /** Records an event the kernel itself emits (a decision, a fallback, a risk level, the run's end); the arrays and
   * objects it holds are copied. */
  emit(e: EventInput): number {
    const s = this.store;
    const i = s.begin(e.type, e.status, e.venue, e.token, e.parent, e.gasUnits, e.gasPriceGwei, e.gasEth, e.feeAmount, e.feeToken);
    for (const [key, amount] of e.deltas) s.addDelta(key, amount);
    const pnl = e.pnl;
    if (pnl) {
      for (const part in pnl) if (Object.hasOwn(pnl, part)) s.addPnl(part, pnl[part as keyof typeof pnl]);
    }
    if (e.details) s.setDetails(e.details);
    return i + 1;
  }

  /**
   * An event that moves nothing and books nothing, only its details (a data fallback starting): no arrays or
   * wrapper object to build and walk for it, as {@link emit} would.
   */
  note(type: BasisEvent['type'], details: NonNullable<BasisEvent['details']>): number {
    const s = this.store;
    const i = s.begin(type, 'completed', undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined);
    s.setDetails(details);
    return i + 1;
  }

  /** A venue's fill as an event: its moves by slot and its P&L by part index (see VenueFill), nothing looked up by name. */
  recordFill(
    type: BasisEvent['type'],
    status: BasisEvent['status'],
    venue: string | undefined,
    token: string | undefined,
    parent: number | undefined,
    fill: FillRecord,
    gasUnits: number | undefined,
    gasPriceGwei: number | undefined,
    gasEth: number | undefined,
    feeAmount: number | undefined,
    feeToken: string | undefined,
    details: DetailsInput | undefined,
  ): number {
    const s = this.store;
    const i = s.begin(type, status, venue, token, parent, gasUnits, gasPriceGwei, gasEth, feeAmount, feeToken);
    const slots = fill.deltaSlots;
    const amounts = fill.deltaAmounts;
    for (let k = 0; k < fill.deltaCount; k++) s.addDeltaSlot(slots[k] as number, amounts[k] as number);
    for (let k = 0; k < fill.pnlCount; k++) {
      const part = fill.pnlParts[k] as number;
      s.addPnlPart(part, fill.pnlValues[part] as number);
    }
    if (details) setDetailsOf(s, details);
    return i + 1;
  }

  /** {@link recordFill} of a completed event with one move and one P&L part (either left out when zero), nothing else. */
  recordMove(type: BasisEvent['type'], venue: string, token: string, parent: number | undefined, move: BookedMove, details: DetailsInput | undefined): number {
    const s = this.store;
    const i = s.begin(type, 'completed', venue, token, parent, undefined, undefined, undefined, undefined, undefined);
    s.addMove(move);
    if (details) setDetailsOf(s, details);
    return i + 1;
  }

  /** Order number the next event will get (children of an atomic group point at their parent). */
  peekOrder(): number {
    return this.store.length + 1;
  }

  count(type: BasisEvent['type']): number {
    return this.store.count(type);
  }
}
