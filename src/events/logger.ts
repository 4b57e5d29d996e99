import type { PositionMonitor } from '../components/positionMonitor.js';
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
    private readonly pm: PositionMonitor,
    private readonly now: () => number,
  ) {}

  /**
   * Every event has the same shape (absent fields are undefined, which JSON leaves out): one hidden class for
   * all events keeps the emit path cheap when a run writes tens of thousands of funding settlements.
   */
  emit(e: EventInput): number {
    const order = this.nextOrder++;
    const pm = this.pm;
    let entries: Record<string, number> | undefined;
    for (const s of pm.slots) {
      if (s.def.kind === 'perp' && pm.amounts[s.index] !== 0) (entries ??= {})[s.key] = pm.perpEntry[s.index] as number;
    }
    const pnl = e.pnl && hasKeys(e.pnl) ? e.pnl : undefined;
    const event: BasisEvent = {
      type: e.type,
      status: e.status,
      venue: e.venue,
      token: e.token,
      parent: e.parent,
      deltas: e.deltas,
      pnl,
      gasUnits: e.gasUnits,
      gasPriceGwei: e.gasPriceGwei,
      gasEth: e.gasEth,
      feeAmount: e.feeAmount,
      feeToken: e.feeToken,
      details: e.details,
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
