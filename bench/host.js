// How fast this host is at the moment, for reading the engine figures of different bench runs side by side (the
// machine is a shared virtual machine: the same code measured 3x apart on two days). Two probes, each the median of
// seven: random loads over 64 MB (a pointer chase, so each load waits for the previous one: memory latency under the
// host's cache contention), and the streaming rate of the reference loop bench/speed.js times beside each run
// (bench/reference.js: a sequential sum over 4 MB).
// Usage: node bench/host.js   (prints one JSON line)
import { median, REFERENCE_BYTES, referenceSink, referenceSum } from './reference.js';

const N = 1 << 24;
const next = new Int32Array(N);
const order = new Int32Array(N);
for (let i = 0; i < N; i++) order[i] = i;
for (let i = N - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  const t = order[i];
  order[i] = order[j];
  order[j] = t;
}
// One cycle through every slot in a random order.
for (let i = 0; i < N; i++) next[order[i]] = order[(i + 1) % N];
function chase(loads, from) {
  let p = from;
  for (let k = 0; k < loads; k++) p = next[p];
  return p;
}
const LOADS = 1_000_000;
let p = chase(LOADS, 0);
const loadNs = [];
for (let r = 0; r < 7; r++) {
  const t0 = process.hrtime.bigint();
  p = chase(LOADS, p);
  loadNs.push(Number(process.hrtime.bigint() - t0) / LOADS);
}

referenceSum(50);
const gbps = [];
for (let r = 0; r < 7; r++) {
  const t0 = process.hrtime.bigint();
  referenceSum(20);
  gbps.push((20 * REFERENCE_BYTES) / Number(process.hrtime.bigint() - t0));
}
if (p < 0 || referenceSink() < 0) throw new Error('unreachable: keeps the chase and the sums from being optimized away');
process.stdout.write(JSON.stringify({ randomLoadNs: Math.round(median(loadNs) * 10) / 10, streamGBps: Math.round(median(gbps) * 100) / 100 }) + '\n');
