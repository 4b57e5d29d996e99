// Where a mode's steady-state steps allocate, on the compiled code the CLI runs (dist/, `npm run build` first): the
// engine runs the full history eight times to let the JIT settle, then once more with V8's sampling heap profiler on
// from 50 % to 90 % of the history, keeping the samples of objects already collected (short-lived garbage is what a
// step must not make). Prints the bytes a step per allocating stack, innermost frame last. A frame is a function V8
// compiled on its own: what it inlined allocates under its name.
// Usage: node bench/allocSites.js <mode> [dataDir] [frames=4] [timeseries=1]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Session } from 'node:inspector';
import { loadConfig, resolveRunParams } from '../dist/config/index.js';
import { openHistoricalData, resolveDataDir } from '../dist/data/index.js';
import { EventDrivenStrategyEngine } from '../dist/engine/engine.js';
import { rewardScheduleFor } from '../dist/engine/backtest.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [mode = 'usdt_market_neutral', dataArg, framesArg = '4', timeseriesArg = '1'] = process.argv.slice(2);
const dataDir = resolveDataDir(dataArg ?? null);
const { config } = loadConfig({ dataDir });
const params = resolveRunParams(config, mode);
const cacheDir = config.paths.cacheDir === null ? null : path.resolve(root, config.paths.cacheDir);
const timeline = await openHistoricalData({ dataDir, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: params.engine.stepMinutes, fundingHoursUtc: params.engine.fundingHoursUtc, cacheDir });
const rewards = rewardScheduleFor(params, dataDir, config.data, cacheDir);
const engine = () => new EventDrivenStrategyEngine(params, timeline, { costs: true, recordTimeseries: timeseriesArg === '1', ...(rewards ? { rewards } : {}) });
for (let k = 0; k < 8; k++) engine().runBacktest(0, timeline.length - 1);

// The inspector answers a session on the same thread synchronously, so sampling can start and stop mid-run.
const session = new Session();
session.connect();
let answer;
const post = (method, params) =>
  session.post(method, params, (err, res) => {
    if (err) throw err;
    answer = res;
  });
post('HeapProfiler.enable');
let from = 0;
let to = 0;
engine().runBacktest(0, timeline.length - 1, (done) => {
  const pct = Math.round((100 * done) / timeline.length);
  if (pct === 50 && from === 0) {
    from = done;
    post('HeapProfiler.startSampling', { samplingInterval: 32, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  } else if (pct === 90 && to === 0) {
    to = done;
    post('HeapProfiler.stopSampling');
  }
});
session.disconnect();

const frames = Number(framesArg);
const steps = to - from;
const bySite = new Map();
const walk = (node, stack) => {
  const here = [...stack, `${node.callFrame.functionName || '(anonymous)'} ${path.basename(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`];
  if (node.selfSize > 0) {
    const site = here.slice(-frames).join(' < ');
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, here);
};
walk(answer.profile.head, []);
const total = [...bySite.values()].reduce((a, b) => a + b, 0);
console.log(`${mode}: ${steps} steps sampled, ${(total / steps).toFixed(1)} bytes a step`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${(bytes / steps).toFixed(1).padStart(7)}  ${site}`);
