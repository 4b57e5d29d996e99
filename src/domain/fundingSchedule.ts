const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Is time t (ms, UTC) a funding settlement: minute 0 of one of the venue's settlement hours `hoursUtc`? */
export function isSettlement(t: number, hoursUtc: readonly number[]): boolean {
  if (t % HOUR_MS !== 0) return false;
  const h = Math.floor((((t % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
  return hoursUtc.includes(h);
}
