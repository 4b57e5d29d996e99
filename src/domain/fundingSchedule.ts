const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The same test as {@link isSettlement} for the kernel, which asks it every step: the hours are a 24-entry mask
 * built once, and the arithmetic avoids `%` on timestamps (beyond the small-integer range V8 computes it with a
 * call to fmod, which dominated a pure_lending step). For an integer t, t / HOUR_MS is exact when t is a whole
 * hour, and the product check rules out a quotient that merely rounded to an integer.
 * Most steps fall strictly between the last time tested and the next settlement after it, where the answer is
 * false without arithmetic: the test remembers that open interval and does the full test only outside it.
 * It reads the time from the object that holds it (the kernel's tick time): a number passed to a call V8 does not
 * inline is boxed, which made every step allocate (docs/kernel.md, "Hot path").
 */
export function settlementTest(hoursUtc: readonly number[]): (at: { readonly nowMs: number }) => boolean {
  const mask = new Uint8Array(24);
  for (const h of hoursUtc) if (Number.isInteger(h) && h >= 0 && h < 24) mask[h] = 1;
  const hasHours = mask.includes(1);
  // (quiet[0], quiet[1]) holds no settlement time; empty until the first test. In a typed array rather than two
  // captured variables, which would box each timestamp written (a double in a closure's context is a heap number).
  const quiet = new Float64Array(2);
  return (at) => {
    const t = at.nowMs;
    if (t > (quiet[0] as number) && t < (quiet[1] as number)) return false;
    const hours = t / HOUR_MS;
    const hit = Math.floor(hours) === hours && hours * HOUR_MS === t && mask[hours - Math.floor(hours / 24) * 24] === 1;
    if (!Number.isFinite(t)) return hit;
    // The first whole hour strictly after t whose hour of day is a settlement hour (none: no settlement ever).
    let next = Math.floor(hours);
    if (next * HOUR_MS <= t) next++;
    while (hasHours && mask[next - Math.floor(next / 24) * 24] !== 1) next++;
    quiet[0] = t;
    // Stored, then overwritten: `hasHours ? next * HOUR_MS : Infinity` merges a computed double with a heap-number
    // constant, and V8 may box the result (at every settlement).
    quiet[1] = Infinity;
    if (hasHours) quiet[1] = next * HOUR_MS;
    return hit;
  };
}

/** Is time t (ms, UTC) a funding settlement: minute 0 of one of the venue's settlement hours `hoursUtc`? */
export function isSettlement(t: number, hoursUtc: readonly number[]): boolean {
  if (t % HOUR_MS !== 0) return false;
  const h = Math.floor((((t % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS);
  return hoursUtc.includes(h);
}
