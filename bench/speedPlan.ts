/** How bench/speed.js measures a mode, and what it reports (bench/run.ts writes the tables). */
export const WARMUP = 25;
/** Milliseconds the warm-up lasts at least (bench/speed.js). */
export const WARM_MS = 3000;
export const RUNS = 15;

export interface SpeedFigures {
  readonly steps: number;
  readonly stepsPerSec: number;
  /** Fastest / slowest of the measured runs. */
  readonly spread: number;
  /** Garbage-collection pauses as a share of the measured runs' engine time. */
  readonly gcShare: number;
  /** Fastest / slowest of a fixed reference loop as long as one run, timed after each measured run: the host's noise. */
  readonly hostSpread: number;
}
