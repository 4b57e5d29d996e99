// How fast this host is at the moment, for reading the engine figures of different bench runs side by side (the
// machine is a shared virtual machine: the same code measured 3x apart on two days). Two probes, each the median of
// seven: random loads over 64 MB (a pointer chase, so each load waits for the previous one: memory latency under the
// host's cache contention), and a sequential sum over 4 MB (the reference loop of bench/speed.js: streaming rate).
// Usage: node bench/host.js   (prints one JSON line)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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

const stream = new Float64Array(1 << 19).map((_, i) => (i % 97) * 0.5);
// The sums go somewhere the compiler cannot see through, so that the loop is never optimized away.
let sink = 0;
function sum() {
  let s = 0;
  for (let i = 0; i < stream.length; i++) s += stream[i] * 1.0000001;
  sink += s;
}
for (let k = 0; k < 50; k++) sum();
const gbps = [];
for (let r = 0; r < 7; r++) {
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < 20; k++) sum();
  gbps.push((20 * stream.byteLength) / Number(process.hrtime.bigint() - t0));
}
if (p < 0 || sink < 0) throw new Error('unreachable: keeps the chase and the sums from being optimized away');
process.stdout.write(JSON.stringify({ randomLoadNs: Math.round(median(loadNs) * 10) / 10, streamGBps: Math.round(median(gbps) * 100) / 100 }) + '\n');
