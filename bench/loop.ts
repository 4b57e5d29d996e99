/**
 * Engine-loop probe for profiling (callgrind, --cpu-prof): runs one mode's engine loop over its full history
 * REPS times after WARM warm-ups, events to memory, and prints the steps and wall time of the measured runs.
 * Usage: tsx bench/loop.ts MODE [REPS] [WARM] [timeseries]
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, resolveRunParams } from '../src/config/index.js';
import { openHistoricalData, resolveDataDir } from '../src/data/index.js';
import { EventDrivenStrategyEngine } from '../src/engine/engine.js';
import { rewardScheduleFor } from '../src/engine/backtest.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [mode = 'usdt_market_neutral', repsArg = '10', warmArg = '5', ts] = process.argv.slice(2);
const dataDir = resolveDataDir(process.env['BASIS_DATA_DIR'] ?? null);
const { config } = loadConfig({ dataDir });
const params = resolveRunParams(config, mode as Parameters<typeof resolveRunParams>[1]);
const cacheDir = config.paths.cacheDir === null ? null : path.resolve(root, config.paths.cacheDir);
const timeline = await openHistoricalData({
  dataDir,
  requirements: params.mode.dataRequirements,
  policy: config.data,
  stepMinutes: params.engine.stepMinutes,
  fundingHoursUtc: params.engine.fundingHoursUtc,
  cacheDir,
});
const rewards = rewardScheduleFor(params, dataDir, config.data, cacheDir);
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
