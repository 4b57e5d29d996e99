/**
 * Engine-loop probe for profiling (callgrind, --cpu-prof): runs one mode's engine loop over its full history
 * REPS times after WARM warm-ups, events to memory, and prints the steps and wall time of the measured runs.
 * Usage: tsx bench/loop.ts MODE [REPS] [WARM] [timeseries]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { resolveDataDir } from '../src/data/index.js';
import type { ModeName } from '../src/domain/params.js';
import { EventDrivenStrategyEngine } from '../src/engine/engine.js';
import { engineInputs } from './engineInputs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [mode = 'usdt_market_neutral', repsArg = '10', warmArg = '5', ts] = process.argv.slice(2);
const dataDir = resolveDataDir(process.env['BASIS_DATA_DIR'] ?? null);
const { config } = loadConfig({ dataDir });
const { params, timeline, rewards } = await engineInputs(config, mode as ModeName, dataDir, root);
const recordTimeseries = ts === 'timeseries';
const run = (): { steps: number; ms: number } => {
  const e = new EventDrivenStrategyEngine(params, timeline, { costs: true, recordTimeseries, ...(rewards ? { rewards } : {}) });
  const r = e.runBacktest(0, timeline.length - 1);
  return { steps: r.steps, ms: r.runMs };
};
for (let k = 0; k < Number(warmArg); k++) run();
const rates: number[] = [];
let steps = 0;
for (let k = 0; k < Number(repsArg); k++) {
  const r = run();
  steps += r.steps;
  rates.push(r.steps / (r.ms / 1000));
}
rates.sort((a, b) => a - b);
process.stdout.write(`${mode}: ${steps} steps in ${repsArg} runs; median ${Math.round(rates[Math.floor(rates.length / 2)] as number)} steps/s (${Math.round(rates[0] as number)}–${Math.round(rates[rates.length - 1] as number)})\n`);
