/**
 * npm run bench: engine speed per mode (median of warm runs, events to memory, with and without the
 * per-step timeseries), peak memory of a full run with all outputs written, a whole usdt_market_neutral run
 * from the warm cache in a fresh process, and the data load (cold parse vs warm cache).
 * Writes bench/results.json and bench/RESULTS.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, resolveRunParams } from '../src/config/index.js';
import { openHistoricalData, resolveDataDir } from '../src/data/index.js';
import { MODE_NAMES } from '../src/modes/registry.js';
import { EventDrivenStrategyEngine } from '../src/engine/engine.js';
import { rewardScheduleFor, runBacktest } from '../src/engine/backtest.js';
import { formatEventsJsonl } from '../src/events/hashChain.js';
import { formatTimeseriesCsv, renderReportHtml } from '../src/report/index.js';
import { generateSynthetic } from '../src/data/synth/index.js';
import { benchDataLoad } from './dataLoad.js';
import { benchCli } from './cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const WARMUP = 5;
const RUNS = 15;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const dataDir = resolveDataDir(process.env['BASIS_DATA_DIR'] ?? null);
const { config } = loadConfig({ dataDir });
const engine: Record<string, { steps: number; stepsPerSec: number; stepsPerSecWithTimeseries: number; peakRssMb: number; wholeRunMs: number }> = {};

const child = (mode: string, kind: 'whole' | 'memory'): { wholeRunMs: number; peakRssMb: number; loadMs: number } => {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'basis-bench-'));
  const line = execFileSync(process.execPath, [path.join(here, 'child.js'), mode, kind, dataDir, path.join(outDir, 'run')], { cwd: root, encoding: 'utf8' });
  return JSON.parse(line.trim().split('\n').pop() as string) as { wholeRunMs: number; peakRssMb: number; loadMs: number };
};

for (const mode of MODE_NAMES) {
  const params = resolveRunParams(config, mode);
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
  const speed = (recordTimeseries: boolean): number => {
    const rates: number[] = [];
    for (let k = 0; k < WARMUP + RUNS; k++) {
      const e = new EventDrivenStrategyEngine(params, timeline, { costs: true, recordTimeseries, ...(rewards ? { rewards } : {}) });
      const r = e.runBacktest(0, timeline.length - 1);
      if (k >= WARMUP) rates.push(r.steps / (r.runMs / 1000));
    }
    return median(rates);
  };
  const stepsPerSec = speed(false);
  const stepsPerSecWithTimeseries = speed(true);
  child(mode, 'whole'); // warms the cache for this mode's requirement set
  const whole = median([0, 1, 2].map(() => child(mode, 'whole').wholeRunMs));
  const mem = child(mode, 'memory');
  engine[mode] = { steps: timeline.length, stepsPerSec: Math.round(stepsPerSec), stepsPerSecWithTimeseries: Math.round(stepsPerSecWithTimeseries), peakRssMb: Math.round(mem.peakRssMb * 10) / 10, wholeRunMs: Math.round(whole * 10) / 10 };
  process.stderr.write(`${mode}: ${JSON.stringify(engine[mode])}\n`);
}

const load = await benchDataLoad(dataDir);

// Output writers and the synthetic generator, on realistic sizes (best of 7 after a warm-up).
const best = (fn: () => void): number => {
  fn();
  let ms = Infinity;
  for (let k = 0; k < 7; k++) {
    const t = performance.now();
    fn();
    ms = Math.min(ms, performance.now() - t);
  }
  return Math.round(ms * 10) / 10;
};
const umn = await runBacktest({ mode: 'usdt_market_neutral', dataDir, progress: false });
const reportEvents = umn.events.map((e) => ({ ...e }));
const outputs = {
  timeseriesCsvMs: best(() => void formatTimeseriesCsv(umn.frame)),
  eventsJsonlMs: best(() => void formatEventsJsonl(umn.events)),
  reportHtmlMs: best(() => void renderReportHtml(umn.summary, umn.frame, reportEvents)),
  columns: umn.frame.columns.length,
  events: umn.events.length,
};
const synthDir = mkdtempSync(path.join(os.tmpdir(), 'basis-bench-synth-'));
const synthYearMs = best(() => void generateSynthetic({ seed: 1, outDir: synthDir, start: '2024-01-01', end: '2024-12-31' }));
const cli = benchCli(root, dataDir);
const cpu = os.cpus()[0]?.model ?? 'unknown';
const results = {
  machine: { cpu, cores: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
  date: new Date().toISOString(),
  engine,
  load: { ...load, mode: 'usdt_market_neutral' },
  outputs: { ...outputs, mode: 'usdt_market_neutral' },
  synth: { oneYearMs: synthYearMs },
  cli,
  targets: { pure_lending: { stepsPerSec: 2_500_000 }, usdt_market_neutral: { stepsPerSec: 600_000, wholeRunMs: 300 }, peakRssMb: 200, load: { coldMs: 1000, warmMs: 150 }, cli: { helpMs: 400, backtestWallMs: 1000 } },
};
const write = (file: string, text: string): void => {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
};
write(path.join(here, 'results.json'), JSON.stringify(results, null, 2) + '\n');

const rows = MODE_NAMES.map((m) => {
  const e = engine[m]!;
  return `| ${m} | ${e.steps.toLocaleString('en-US')} | ${e.stepsPerSec.toLocaleString('en-US')} | ${e.stepsPerSecWithTimeseries.toLocaleString('en-US')} | ${e.peakRssMb} | ${e.wholeRunMs} |`;
});
const ms = (s: { median: number; min: number; max: number }): string => `${s.median} (${s.min}–${s.max})`;
const md = `# Benchmarks

Measured by \`npm run bench\` on ${results.date.slice(0, 10)}: ${cpu}, ${results.machine.cores} cores, ${results.machine.memoryGb} GiB, Node ${process.version}.
Machine-readable figures: \`bench/results.json\`.

## What the user waits for (fresh processes, \`node bin/basis.js\`)

| command | median ms (fastest–slowest of ${cli.backtest.runs}) | target |
|---|---|---|
| \`basis --help\` | ${ms(cli.helpMs)} | < 400 |
| \`basis backtest --mode ${cli.backtest.mode} --out DIR\`, warm caches, every output written | ${ms(cli.backtest.wallMs)} | < 1,000 |

Parts of that backtest (medians, from its own \`time:\` line): ${Object.entries(cli.backtest.partsMs).map(([k, v]) => `${k} ${v} ms`).join(', ')}.
\`npx basis\` adds about 1.2 s of npm start-up to each of these.

## Engine, full history per mode

Steps/s is the median of ${RUNS} warm runs (after ${WARMUP} warm-ups) of the engine loop with events to memory; the
second column also records the per-step timeseries. Peak RSS is a fresh process running one full backtest and writing
all four result files. Whole run is a fresh process: config load, data from the warm cache, engine, summary (median of 3).

| mode | steps | steps/s | steps/s with timeseries | peak RSS (MB) | whole run (ms) |
|---|---|---|---|---|---|
${rows.join('\n')}

Targets: ≥ 2,500,000 steps/s for pure_lending, ≥ 600,000 for usdt_market_neutral, peak memory < 200 MB,
whole usdt_market_neutral run from the warm cache < 300 ms.

## Data load (usdt_market_neutral's series)

| what | ms |
|---|---|
| cold: parse, validate and align every file | ${load.coldMs.toFixed(1)} |
| warm: binary columnar cache | ${load.warmMs.toFixed(1)} |

${load.files} files, ${load.rows.toLocaleString('en-US')} rows, ${load.steps.toLocaleString('en-US')} aligned steps. Targets: cold < 1,000 ms, warm < 150 ms.

## Outputs of a full usdt_market_neutral run (best of 7)

| what | ms |
|---|---|
| timeseries.csv (${outputs.columns} columns) | ${outputs.timeseriesCsvMs} |
| events.jsonl with its hash chain (${outputs.events.toLocaleString('en-US')} events) | ${outputs.eventsJsonlMs} |
| report.html | ${outputs.reportHtmlMs} |
| \`basis data synth\`: one year of every file | ${synthYearMs} |
`;
write(path.join(here, 'RESULTS.md'), md);
process.stdout.write(md);
