/**
 * npm run bench: engine speed per mode (median and spread of warm runs, events to memory, with and without the
 * per-step timeseries, and the share of engine time spent in garbage collection), peak memory of a full run with
 * all outputs written (at the configured step and at engine.stepMinutes=4), a whole usdt_market_neutral run from the
 * warm cache in a fresh process, and the data load (cold parse vs warm cache).
 * Writes bench/results.json and bench/RESULTS.md (keeping RESULTS.md's hand-written history below its marker).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../src/config/index.js';
import { resolveDataDir } from '../src/data/index.js';
import { MODE_NAMES } from '../src/modes/registry.js';
import { runBacktest } from '../src/engine/backtest.js';
import { formatEventsJsonl } from '../src/events/hashChain.js';
import { formatTimeseriesCsv, renderReportHtml } from '../src/report/index.js';
import { generateSynthetic } from '../src/data/synth/index.js';
import { engineInputs } from './engineInputs.js';
import { RUNS, WARMUP, WARM_MS, type SpeedFigures } from './speedPlan.js';
import { benchDataLoad } from './dataLoad.js';
import { benchCli } from './cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
/** engine.stepMinutes of the long-history memory run (15× the default hourly steps). */
const LONG_STEP_MINUTES = 4;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const dataDir = resolveDataDir(process.env['BASIS_DATA_DIR'] ?? null);
const { config } = loadConfig({ dataDir });

interface EngineFigures {
  steps: number;
  stepsPerSec: number;
  /** Fastest / slowest of the measured runs. */
  spread: number;
  /** Garbage-collection pauses as a share of the measured runs' engine time. */
  gcShare: number;
  stepsPerSecWithTimeseries: number;
  /** Fastest / slowest of a fixed reference loop as long as one run, timed after each run (bench/speed.js). */
  hostSpread: number;
  spreadWithTimeseries: number;
  hostSpreadWithTimeseries: number;
  gcShareWithTimeseries: number;
  peakRssMb: number;
  wholeRunMs: number;
}
const engine: Record<string, EngineFigures> = {};

interface HostFigures {
  randomLoadNs: number;
  streamGBps: number;
}
/** The host's memory latency and streaming rate right now, in a process of its own (bench/host.js). */
const hostNow = (): HostFigures => JSON.parse(execFileSync(process.execPath, [path.join(here, 'host.js')], { encoding: 'utf8' }).trim()) as HostFigures;
const hostBefore = hostNow();
const skipped: Record<string, string> = {};

const child = (mode: string, kind: 'whole' | 'memory', set: readonly string[] = []): { wholeRunMs: number; peakRssMb: number; loadMs: number; steps: number } => {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'basis-bench-'));
  const line = execFileSync(process.execPath, [path.join(here, 'child.js'), mode, kind, dataDir, path.join(outDir, 'run'), ...set], { cwd: root, encoding: 'utf8' });
  return JSON.parse(line.trim().split('\n').pop() as string) as { wholeRunMs: number; peakRssMb: number; loadMs: number; steps: number };
};

// Each mode's engine speed in a process of its own, as the CLI runs a backtest: in one process shared by every
// mode, the type feedback the JIT keeps from the modes measured earlier slows the later ones.
const speedOf = (mode: string): { plain: SpeedFigures; withTimeseries: SpeedFigures } => {
  const line = execFileSync(process.execPath, ['--expose-gc', path.join(here, 'speed.js'), mode, dataDir, String(WARMUP), String(RUNS), String(WARM_MS)], { cwd: root, encoding: 'utf8' });
  return JSON.parse(line.trim().split('\n').pop() as string) as { plain: SpeedFigures; withTimeseries: SpeedFigures };
};

// Every mode the configuration knows (new modes appear here without touching the bench).
const modes = MODE_NAMES.filter((m) => Object.hasOwn(config.modes, m));
for (const mode of modes) {
  let inputs: Awaited<ReturnType<typeof engineInputs>>;
  try {
    inputs = await engineInputs(config, mode, dataDir, root);
  } catch (err) {
    skipped[mode] = err instanceof Error ? err.message.split('\n')[0] ?? String(err) : String(err);
    process.stderr.write(`${mode}: skipped (${skipped[mode]})\n`);
    continue;
  }
  const { timeline } = inputs;
  const { plain, withTimeseries: withTs } = speedOf(mode);
  child(mode, 'whole'); // warms the cache for this mode's requirement set
  const whole = median([0, 1, 2].map(() => child(mode, 'whole').wholeRunMs));
  const mem = child(mode, 'memory');
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  engine[mode] = {
    steps: timeline.length,
    stepsPerSec: Math.round(plain.stepsPerSec),
    spread: r2(plain.spread),
    gcShare: Math.round(plain.gcShare * 1000) / 1000,
    stepsPerSecWithTimeseries: Math.round(withTs.stepsPerSec),
    hostSpread: r2(plain.hostSpread),
    spreadWithTimeseries: r2(withTs.spread),
    hostSpreadWithTimeseries: r2(withTs.hostSpread),
    gcShareWithTimeseries: Math.round(withTs.gcShare * 1000) / 1000,
    peakRssMb: Math.round(mem.peakRssMb * 10) / 10,
    wholeRunMs: Math.round(whole * 10) / 10,
  };
  process.stderr.write(`${mode}: ${JSON.stringify(engine[mode])}\n`);
}

// Memory flat in history length: the same run at 15× the steps, every output written.
const longMode = 'usdt_market_neutral';
const long = child(longMode, 'memory', [`engine.stepMinutes=${LONG_STEP_MINUTES}`]);
const longRun = { mode: longMode, stepMinutes: LONG_STEP_MINUTES, steps: long.steps, peakRssMb: Math.round(long.peakRssMb * 10) / 10 };
process.stderr.write(`long run: ${JSON.stringify(longRun)}\n`);

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
const hostAfter = hostNow();
const results = {
  machine: { cpu, cores: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
  host: { before: hostBefore, after: hostAfter },
  date: new Date().toISOString(),
  engine,
  ...(Object.keys(skipped).length > 0 ? { skipped } : {}),
  longRun,
  load: { ...load, mode: 'usdt_market_neutral' },
  outputs: { ...outputs, mode: 'usdt_market_neutral' },
  synth: { oneYearMs: synthYearMs },
  cli,
  targets: {
    pure_lending: { stepsPerSec: 5_000_000 },
    btc_basis: { stepsPerSec: 2_500_000 },
    usdt_market_neutral: { stepsPerSec: 1_500_000, wholeRunMs: 300 },
    gcShare: 0.1,
    spread: 1.5,
    peakRssMb: 200,
    longRunPeakRssMb: 300,
    load: { coldMs: 1000, warmMs: 150 },
    cli: { helpMs: 400, backtestWallMs: 1000 },
  },
};
const write = (file: string, text: string): void => {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
};
write(path.join(here, 'results.json'), JSON.stringify(results, null, 2) + '\n');

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const rows = Object.entries(engine).map(([m, e]) => {
  return `| ${m} | ${e.steps.toLocaleString('en-US')} | ${e.stepsPerSec.toLocaleString('en-US')} | ${e.spread.toFixed(2)}× | ${e.hostSpread.toFixed(2)}× | ${pct(e.gcShare)} | ${e.stepsPerSecWithTimeseries.toLocaleString('en-US')} | ${e.spreadWithTimeseries.toFixed(2)}× | ${e.hostSpreadWithTimeseries.toFixed(2)}× | ${pct(e.gcShareWithTimeseries)} | ${e.peakRssMb} | ${e.wholeRunMs} |`;
});
const skippedNote = Object.keys(skipped).length > 0 ? `\nNot measured (could not load): ${Object.entries(skipped).map(([m, why]) => `${m} (${why})`).join('; ')}.\n` : '';
const ms = (s: { median: number; min: number; max: number }): string => `${s.median} (${s.min}–${s.max})`;
const md = `# Benchmarks

Measured by \`npm run bench\` on ${results.date.slice(0, 10)}: ${cpu}, ${results.machine.cores} cores, ${results.machine.memoryGb} GiB, Node ${process.version}.
Machine-readable figures: \`bench/results.json\`.
The host at the start and the end of this bench (\`bench/host.js\`): random loads over 64 MB took ${hostBefore.randomLoadNs} and
${hostAfter.randomLoadNs} ns, a sequential sum over 4 MB ran at ${hostBefore.streamGBps} and ${hostAfter.streamGBps} GB/s. The machine is a shared virtual
machine whose speed changes from day to day: compare bench runs with these figures beside them.

## What the user waits for (fresh processes, \`node bin/basis.js\`)

| command | median ms (fastest–slowest of ${cli.backtest.runs}) | target |
|---|---|---|
| \`basis --help\` | ${ms(cli.helpMs)} | < 400 |
| \`basis backtest --mode ${cli.backtest.mode} --out DIR\`, warm caches, every output written | ${ms(cli.backtest.wallMs)} | < 1,000 |

Parts of that backtest (medians, from its own \`time:\` line): ${Object.entries(cli.backtest.partsMs).map(([k, v]) => `${k} ${v} ms`).join(', ')}.
\`npx basis\` adds about 1.2 s of npm start-up to each of these.

## Engine, full history per mode

Steps/s is the median of ${RUNS} warm runs (after ${WARMUP} warm-ups and ${WARM_MS / 1000} s at least, a full collection,
and as many again for a third of the time) of the engine loop with events to memory, each
mode in a process of its own on the compiled code (\`bench/speed.js\`) as the CLI runs a backtest. The young
generation is collected before each run so that a run pays for its own short-lived garbage, the whole heap once
before the measured runs (a full collection before every run evicts the caches the run then refills). Spread is the
fastest of those runs over the slowest; GC is the garbage-collection pauses (PerformanceObserver \`gc\` entries) that
start inside the measured runs, as a share of their time. Host is the spread of a fixed reference loop (a sequential
sum over 4 MB, sized to last as long as one run) timed right after each measured run: what this machine's noise alone
gives a run of that length at those moments. The second group also records the per-step timeseries.
This machine is shared (2 cores, a virtual machine, other sessions may run tests at the same time): read medians and
spreads, not single runs. Peak RSS is a fresh process running one full backtest and writing all five result files.
Whole run is a fresh process: config load, data from the warm cache, engine, summary (median of 3).

| mode | steps | steps/s | spread | host | GC | steps/s with timeseries | spread | host | GC | peak RSS (MB) | whole run (ms) |
|---|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}
${skippedNote}
Targets: ≥ 5,000,000 steps/s for pure_lending, ≥ 2,500,000 for btc_basis, ≥ 1,500,000 for usdt_market_neutral,
GC < 10 % of engine time, spread < 1.5×, peak memory < 200 MB, whole usdt_market_neutral run from the warm cache < 300 ms.

Long history: ${longRun.mode} at \`engine.stepMinutes=${longRun.stepMinutes}\` (${longRun.steps.toLocaleString('en-US')} steps), every output
written, peak RSS ${longRun.peakRssMb} MB (target < 300 MB).

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
// The hand-written history (figures before and after a change, with their conditions) is kept below its marker.
const HISTORY = '<!-- history: kept by npm run bench -->';
const resultsMd = path.join(here, 'RESULTS.md');
const previous = existsSync(resultsMd) ? readFileSync(resultsMd, 'utf8') : '';
const history = previous.includes(HISTORY) ? previous.slice(previous.indexOf(HISTORY)) : '';
write(resultsMd, history === '' ? md : `${md}\n${history}`);
process.stdout.write(md);
