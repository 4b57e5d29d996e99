import type { PositionKey } from '../domain/positionKey.js';
import type { PositionsView } from './positionMonitor.js';

/**
 * A position a strategy reads every step, by key. The key's slot is looked up once per position book (the run's
 * monitor) instead of hashing the key at each read; a different book, or a key the mode does not hold, is looked
 * up again, so the answer is always what `positions.amount(key)` would give.
 */
export class PositionRef {
  private book: PositionsView | null = null;
  private slot = -1;

  constructor(readonly key: PositionKey) {}

  /** The amount held; POS-001 when the mode does not subscribe the position. */
  amount(positions: PositionsView): number {
    if (positions !== this.book) {
      this.slot = positions.slotOf(this.key);
      this.book = positions;
    }
    return positions.amounts[this.slot] as number;
  }
}
