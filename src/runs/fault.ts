import { writeSync } from 'node:fs';

/**
 * Points of the write protocol where a crash test can stop the process (BASIS_FAULT_PAUSE=<point>):
 * - temp-created       the temp dir and its marker exist, nothing written yet
 * - temp-partial       the first output file is written
 * - temp-written       every output file is written and synced, nothing moved yet
 * - old-moved-aside    (replacing an earlier run or set) the old one is inside the temp dir, the target is absent
 * - new-in-place       the new output is at the target, the old one (if any) still in the temp dir
 * - before-latest-link (default run directory) the run is complete, `latest` not yet updated
 * - latest-temp-link   the new link exists under a temp name, `latest` not yet replaced
 * - run-started        the run is on record in the results store as running, nothing computed yet
 */
export const FAULT_POINTS = ['run-started', 'temp-created', 'temp-partial', 'temp-written', 'old-moved-aside', 'new-in-place', 'before-latest-link', 'latest-temp-link'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

/** Longest pause, so a stray variable cannot hang a command for ever. */
const MAX_PAUSE_MS = 120_000;

/**
 * Crash-test hook: when BASIS_FAULT_PAUSE names this point, print `paused <point>` on stderr and block, so a test can
 * SIGKILL the process exactly here. Blocking (not awaiting) keeps the process from doing anything else meanwhile.
 */
export function faultPoint(point: FaultPoint): void {
  if (process.env['BASIS_FAULT_PAUSE'] !== point) return;
  writeSync(2, `paused ${point}\n`);
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, MAX_PAUSE_MS);
}
