// Engine speed of one mode in a process of its own, on the compiled code the CLI runs (dist/, built by npm run bench):
// the median and spread of RUNS warm runs, events to memory, with and without the per-step timeseries, and the share
// of the measured runs' time spent in garbage-collection pauses. The warm-up is WARMUP runs and WARM_MS at least (a
// run of a fast mode lasts a few milliseconds: 25 of them ended before V8's background compilations had landed, and
// the measured runs then changed speed as they did), then a full collection, then WARMUP runs and a third of WARM_MS
// more: the full collection frees the earlier runs' engines, and with them the hidden classes their code was compiled
// for (optimized code holds them weakly), so most of the engine is deoptimized and is compiled again before anything
// is measured (the first runs right after it were up to 23 times slower; docs/kernel.md, "Known limits"). The young generation is
// collected before each run, so a run pays for its own short-lived garbage, not for the previous run's. A full
// collection before every run (which this bench did until 2026-11-30) walks the whole heap for about 10 ms, longer
// than the run it precedes, and leaves that run to refill the processor's caches: it measured cold-cache runs,
// 10-15 % slower and twice as spread (bench/RESULTS.md).
// Old-generation collections that land inside a measured run count in its GC share. Host spread is the same figure for
// a reference loop timed right after each measured run: a sequential sum over 4 MB (about what a run streams of its
// timeline), sized during the warm-up to last as long as one run. It does the same work every time, so its fastest /
// slowest is what this machine's noise alone gives a run of that length at those moments.
// Usage: node --expose-gc bench/speed.js <mode> <dataDir> <warmup> <runs> [warmMs]   (prints one JSON line)
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver } from 'node:perf_hooks';
import { loadConfig, resolveRunParams } from '../dist/config/index.js';
import { openHistoricalData } from '../dist/data/index.js';
import { EventDrivenStrategyEngine } from '../dist/engine/engine.js';
import { rewardScheduleFor } from '../dist/engine/backtest.js';
import { median, referenceSink, referenceSum } from './reference.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [mode, dataDir, warmupArg = '5', runsArg = '15', warmMsArg = '3000'] = process.argv.slice(2);
const WARMUP = Number(warmupArg);
const RUNS = Number(runsArg);
const WARM_MS = Number(warmMsArg);
if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
const { config } = loadConfig({ dataDir });
const params = resolveRunParams(config, mode);
const cacheDir = config.paths.cacheDir === null ? null : path.resolve(root, config.paths.cacheDir);
const timeline = await openHistoricalData({ dataDir, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: params.engine.stepMinutes, fundingHoursUtc: params.engine.fundingHoursUtc, cacheDir });
const rewards = rewardScheduleFor(params, dataDir, config.data, cacheDir);

// GC pauses of the process; each run's share is the pauses that start inside its own time window.
const gcPauses = [];
const gcObserver = new PerformanceObserver((list) => void gcPauses.push(...list.getEntries()));
gcObserver.observe({ entryTypes: ['gc'] });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/** Passes of the reference loop that last about `ms`. */
function referencePasses(ms) {
  for (let k = 0; k < 20; k++) referenceSum(1);
  const t = [];
  for (let k = 0; k < 9; k++) {
    const t0 = performance.now();
    referenceSum(1);
    t.push(performance.now() - t0);
  }
  return Math.max(1, Math.round(ms / median(t)));
}

async function speed(recordTimeseries) {
  const rates = [];
  const windows = [];
  const warmMs = [];
  const referenceMs = [];
  const run = () => {
    globalThis.gc({ type: 'minor' });
    const e = new EventDrivenStrategyEngine(params, timeline, { costs: true, recordTimeseries, ...(rewards ? { rewards } : {}) });
    const t0 = performance.now();
    const r = e.runBacktest(0, timeline.length - 1);
    return { t0, t1: performance.now(), r };
  };
  const warmUp = (ms) => {
    const until = performance.now() + ms;
    for (let k = 0; k < WARMUP || performance.now() < until; k++) warmMs.push(run().r.runMs);
  };
  warmUp(WARM_MS);
  globalThis.gc();
  warmUp(WARM_MS / 3);
  const passes = referencePasses(median(warmMs.slice(-10)));
  for (let k = 0; k < RUNS; k++) {
    const { t0, t1, r } = run();
    windows.push([t0, t1]);
    rates.push(r.steps / (r.runMs / 1000));
    const t2 = performance.now();
    referenceSum(passes);
    referenceMs.push(performance.now() - t2);
  }
  await settle();
  let gcMs = 0;
  let runMs = 0;
  for (const [a, b] of windows) {
    runMs += b - a;
    // The collections asked for between runs are not the engine's.
    for (const g of gcPauses) if (g.startTime >= a && g.startTime < b) gcMs += g.duration;
  }
  return { steps: timeline.length, stepsPerSec: median(rates), spread: Math.max(...rates) / Math.min(...rates), gcShare: gcMs / runMs, hostSpread: Math.max(...referenceMs) / Math.min(...referenceMs) };
}

const plain = await speed(false);
const withTimeseries = await speed(true);
gcObserver.disconnect();
process.stdout.write(JSON.stringify({ mode, plain, withTimeseries, referenceSink: referenceSink() }) + '\n');
