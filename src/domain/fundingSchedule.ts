const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Is time t (ms, UTC) a funding settlement: minute 0 of one of the venue's settlement hours `hoursUtc`? */
/**
 * The same test as {@link isSettlement} for the kernel, which asks it every step: the hours are a 24-entry mask
 * built once, and the arithmetic avoids `%` on timestamps (beyond the small-integer range V8 computes it with a
 * call to fmod, which dominated a pure_lending step). For an integer t, t / HOUR_MS is exact when t is a whole
 * hour, and the product check rules out a quotient that merely rounded to an integer.
 */
export function settlementTest(hoursUtc: readonly number[]): (t: number) => boolean {
  const mask = new Uint8Array(24);
  for (const h of hoursUtc) if (Number.isInteger(h) && h >= 0 && h < 24) mask[h] = 1;
  return (t) => {
    const hours = t / HOUR_MS;
    if (Math.floor(hours) !== hours || hours * HOUR_MS !== t) return false;
    return mask[hours - Math.floor(hours / 24) * 24] === 1;
  };
}

export function isSettlement(t: number, hoursUtc: readonly number[]): boolean {
  if (t % HOUR_MS !== 0) return false;
  const h = Math.floor((((t % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
  return hoursUtc.includes(h);
}
