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
    this.events.push({
      ...e,
      order,
      timestampMs: this.now(),
      balances: this.pm.balances(),
      perpEntries: this.pm.perpEntries(),
      inFlight: this.pm.inFlightView(),
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
