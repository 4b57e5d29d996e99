import type { PositionsView } from '../components/positionMonitor.js';
import type { BasisEvent } from './types.js';

export type EventInput = Omit<BasisEvent, 'order' | 'timestampMs' | 'balances' | 'perpEntries' | 'inFlight'>;

/**
 * Assigns the global, strictly increasing order number and stamps every event with the clock time and
 * the balances after it. Memory sink in the loop; files and stores are written from it at the end.
 */
export class EventLogger {
  readonly events: BasisEvent[] = [];
  private nextOrder = 1;

  constructor(
    private readonly pm: PositionsView,
    private readonly now: () => number,
  ) {}

  /**
   * Every event has the same shape (absent fields are undefined, which JSON leaves out): one hidden class for
   * all events keeps the emit path cheap when a run writes tens of thousands of funding settlements.
   */
  emit(e: EventInput): number {
    return this.record(e.type, e.status, e.venue, e.token, e.parent, e.deltas, e.pnl, e.gasUnits, e.gasPriceGwei, e.gasEth, e.feeAmount, e.feeToken, e.details);
  }

  /** The same as emit, field by field: the execution path builds each event without an intermediate object. */
  record(
    type: BasisEvent['type'],
    status: BasisEvent['status'],
    venue: string | undefined,
    token: string | undefined,
    parent: number | undefined,
    deltas: BasisEvent['deltas'],
    pnl: BasisEvent['pnl'],
    gasUnits: number | undefined,
    gasPriceGwei: number | undefined,
    gasEth: number | undefined,
    feeAmount: number | undefined,
    feeToken: string | undefined,
    details: BasisEvent['details'],
  ): number {
    const order = this.nextOrder++;
    const pm = this.pm;
    let entries: Record<string, number> | undefined;
    for (const s of pm.slots) {
      if (s.def.kind === 'perp' && pm.amounts[s.index] !== 0) (entries ??= {})[s.key] = pm.perpEntry[s.index] as number;
    }
    const event: BasisEvent = {
      type,
      status,
      venue,
      token,
      parent,
      deltas,
      pnl: pnl && hasKeys(pnl) ? pnl : undefined,
      gasUnits,
      gasPriceGwei,
      gasEth,
      feeAmount,
      feeToken,
      details,
      order,
      timestampMs: this.now(),
      balances: pm.balances(),
      perpEntries: entries,
      inFlight: pm.inFlight.length > 0 ? pm.inFlightView() : undefined,
    };
    this.events.push(event);
    return order;
  }

  /** Order number the next event will get (children of an atomic group point at their parent). */
  peekOrder(): number {
    return this.nextOrder;
  }

  count(type: BasisEvent['type']): number {
    let n = 0;
    for (const e of this.events) if (e.type === type && e.status === 'completed') n++;
    return n;
  }
}

/** Without allocating the key array Object.keys would build. */
function hasKeys(o: object): boolean {
  for (const k in o) if (Object.hasOwn(o, k)) return true;
  return false;
}
