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

  emit(e: EventInput): number {
    const order = this.nextOrder++;
    // Empty maps are left out: tens of thousands of funding events would otherwise carry them all.
    const entries = this.pm.perpEntries();
    const flight = this.pm.inFlight.length > 0 ? this.pm.inFlightView() : undefined;
    const { pnl, ...rest } = e;
    this.events.push({
      ...rest,
      ...(pnl && Object.keys(pnl).length > 0 ? { pnl } : {}),
      order,
      timestampMs: this.now(),
      balances: this.pm.balances(),
      ...(Object.keys(entries).length > 0 ? { perpEntries: entries } : {}),
      ...(flight ? { inFlight: flight } : {}),
    });
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
