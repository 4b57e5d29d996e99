/**
 * The one clock of a run. Nothing else reads wall time for engine decisions: the backtest clock is driven by
 * the data grid, a live clock by the system time, so strategy code behaves the same in both.
 */
export interface Clock {
  readonly nowMs: number;
}

/** What the clock moves to: a snapshot, stamped with its time. */
export interface Stamped {
  readonly timestampMs: number;
}

/** A clock the kernel moves forward to each snapshot's time (a backtest, or a live feed's own timestamps). */
export interface SteppedClock extends Clock {
  advanceTo(at: Stamped): void;
}

export class BacktestClock implements SteppedClock {
  nowMs = 0;
  /**
   * Handed the snapshot rather than its time: where V8 does not inline this call (it decides per process, once the
   * kernel's tick has used its inlining budget), a time passed as a number is boxed at every step, 16 bytes.
   */
  advanceTo(at: Stamped): void {
    const tMs = at.timestampMs;
    if (tMs < this.nowMs) wentBackwards(tMs, this.nowMs);
    this.nowMs = tMs;
  }
}

function wentBackwards(tMs: number, nowMs: number): never {
  throw new Error(`clock cannot go backwards: ${tMs} < ${nowMs}`);
}

export class LiveClock implements SteppedClock {
  get nowMs(): number {
    return Date.now();
  }
  /** Wall time moves by itself; a live snapshot is stamped with it, so there is nothing to move. */
  advanceTo(): void {}
}

export const HOUR_MS = 3_600_000;
export const YEAR_MS = 365.25 * 86_400_000;
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}
