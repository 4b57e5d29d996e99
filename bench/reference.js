// The reference loop the bench reads the host by (bench/speed.js times it beside each run, bench/host.js for the
// streaming rate): a sequential sum over 4 MB, the same work at every pass, so that its times vary with the machine
// only.
const reference = new Float64Array(1 << 19).map((_, i) => (i % 97) * 0.5);
export const REFERENCE_BYTES = reference.byteLength;

// The sums go somewhere the compiler cannot see through, so that the loop is never optimized away.
let sink = 0;
export function referenceSum(passes) {
  let s = 0;
  for (let p = 0; p < passes; p++) for (let i = 0; i < reference.length; i++) s += reference[i] * 1.0000001;
  sink += s;
}
/** What the sums came to: the callers use it, so that the compiler cannot drop them. */
export const referenceSink = () => sink;

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
