/**
 * Engine speed of one mode, in a process of its own (as the CLI runs one mode per process): the median and spread
 * of RUNS warm runs after WARMUP warm-ups, events to memory, with and without the per-step timeseries, and the share
 * of the measured runs' time spent in garbage-collection pauses. The heap is collected before each run (the process
 * runs with --expose-gc), so a run pays for its own garbage, not for the previous run's.
 * Usage: node --expose-gc --import tsx bench/speed.ts MODE   (prints one JSON line)
 */
import path from 'node:path';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { resolveDataDir } from '../src/data/index.js';
import type { ModeName } from '../src/domain/params.js';
import { EventDrivenStrategyEngine } from '../src/engine/engine.js';
import { engineInputs } from './engineInputs.js';
import { RUNS, WARMUP, type SpeedFigures } from './speedPlan.js';


const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2] as ModeName;
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error('run with --expose-gc');
const dataDir = resolveDataDir(process.env['BASIS_DATA_DIR'] ?? null);
const { config } = loadConfig({ dataDir });
const { params, timeline, rewards } = await engineInputs(config, mode, dataDir, root);

// GC pauses of the process; each run's share is the pauses that start inside its own time window.
const gcPauses: PerformanceEntry[] = [];
const gcObserver = new PerformanceObserver((list) => void gcPauses.push(...list.getEntries()));
gcObserver.observe({ entryTypes: ['gc'] });
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

async function speed(recordTimeseries: boolean): Promise<SpeedFigures> {
  const rates: number[] = [];
  const windows: Array<[number, number]> = [];
  for (let k = 0; k < WARMUP + RUNS; k++) {
    collect?.();
    const e = new EventDrivenStrategyEngine(params, timeline, { costs: true, recordTimeseries, ...(rewards ? { rewards } : {}) });
    const t0 = performance.now();
    const r = e.runBacktest(0, timeline.length - 1);
    if (k >= WARMUP) {
      windows.push([t0, performance.now()]);
      rates.push(r.steps / (r.runMs / 1000));
    }
  }
  await settle();
  let gcMs = 0;
  let runMs = 0;
  for (const [a, b] of windows) {
    runMs += b - a;
    // The collections asked for between runs are not the engine's.
    for (const g of gcPauses) if (g.startTime >= a && g.startTime < b) gcMs += g.duration;
  }
  return { steps: timeline.length, stepsPerSec: median(rates), spread: Math.max(...rates) / Math.min(...rates), gcShare: gcMs / runMs };
}

const plain = await speed(false);
const withTimeseries = await speed(true);
gcObserver.disconnect();
process.stdout.write(JSON.stringify({ mode, plain, withTimeseries }) + '\n');
