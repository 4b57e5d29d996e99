/**
 * Allocation in a fresh process started with --expose-gc, printed as one JSON line.
 *
 * `<mode> <dataDir>`: a steady-state window of that mode's run. The engine runs the full history eight times (and for
 * two seconds at least) to let the JIT settle, then three more times; in each, a full GC at 50 % empties the heap,
 * and the heap used at 90 % (with no GC in between, checked) is what the steps between allocated. The least of the
 * three is reported. Then the steps one by one: the kernel assembled as the backtest assembles it, with a tick
 * observer that reads the heap after every tick (the same warm-up, then three measured runs), each tick classed by
 * the events it recorded: quiet (none), funding (funding settlements only) or other (decisions and their orders,
 * transfers, rewards, fallbacks, risk levels). Per class: its ticks, and the least over the three runs of the bytes
 * they allocated and of the ticks that allocated anything.
 *
 * `events`: the funding-settlement path of the event log alone: one reused move and detail row, recorded 200,000 times
 * to warm up, then the least heap growth of three windows of 100,000 (each after a full GC).
 *
 * Usage: node --expose-gc --import tsx allocationProbe.ts <mode> <dataDir> | events
 */
import path from 'node:path';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { loadConfig, resolveRunParams } from '../../src/config/index.js';
import { openHistoricalData, resolveDataDir } from '../../src/data/index.js';
import { EventDrivenStrategyEngine } from '../../src/engine/engine.js';
import { rewardScheduleFor } from '../../src/engine/backtest.js';
import { PACKAGE_ROOT } from '../../src/packageRoot.js';
import { backtestKernel } from './backtestKernel.js';
import { Book } from '../../src/components/book.js';
import type { PositionKey } from '../../src/domain/positionKey.js';
import { EventLogger } from '../../src/events/logger.js';
import { PART_INDEX } from '../../src/components/pnlCalculator.js';
import { DetailRow } from '../../src/events/detailRow.js';

const [mode = 'usdt_market_neutral', dataArg, stepArg] = process.argv.slice(2);
const gc = (globalThis as { gc?: (o?: { type: 'major' | 'minor' }) => void }).gc;
if (gc === undefined) throw new Error('run with --expose-gc');

if (mode === 'events') {
  const book = new Book(['wallet:BaseToken:USDT', 'binance:BaseToken:USDT', 'binance:Perp:ETHUSDT', 'bybit:BaseToken:USDT', 'bybit:Perp:ETHUSDT'] as PositionKey[]);
  const usdt = book.slotOf('binance:BaseToken:USDT');
  book.apply(usdt, 1e6);
  book.apply(book.slotOf('binance:Perp:ETHUSDT'), -10);
  book.perpEntry[book.slotOf('binance:Perp:ETHUSDT')] = 3000;
  const clock = { nowMs: 0 };
  const log = new EventLogger(book, clock);
  // A funding payment as the simulated venues record it: one reused move by slot booked to one P&L part, its
  // details in one reused row (the log copies what it is given).
  const FUNDING = PART_INDEX.funding;
  const row = new DetailRow(['rate8h', 'markUsdt', 'sizeBase', 'paymentUsdt', 'fallback'], ['fallback']);
  const details = row.values;
  const move = { slot: usdt, amount: 0, part: FUNDING, valueShare: 0 };
  // In a function of its own (not module top level) so the loop is optimized like the engine's.
  const settleMany = (from: number, to: number): void => {
    for (let k = from; k < to; k++) {
      clock.nowMs += 28_800_000;
      const payment = 1 + (k % 7) * 0.25;
      move.amount = payment;
      move.valueShare = payment;
      book.applyMove(move);
      details[0] = 1e-4 * (k % 5);
      details[1] = 3000 + k;
      details[2] = -10;
      details[3] = payment;
      details[4] = k % 2 === 0 ? 1 : 0;
      log.recordMove('FUNDING_SETTLED', 'binance', 'ETHUSDT', undefined, move, row);
    }
  };
  const N = 100_000;
  settleMany(0, 2 * N);
  // The least of three windows: a compilation finishing on the main thread inside one window allocates too.
  let least = Infinity;
  for (let w = 1; w <= 3; w++) {
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    settleMany(2 * N * w, 2 * N * w + N);
    least = Math.min(least, process.memoryUsage().heapUsed - heap0);
  }
  process.stdout.write(JSON.stringify({ mode, events: N, allocatedBytes: least, bytesPerEvent: least / N, recorded: log.length }) + '\n');
  process.exit(0);
}
const dataDir = resolveDataDir(dataArg ?? null);
const { config } = loadConfig({ dataDir, ...(stepArg ? { overrides: [`engine.stepMinutes=${stepArg}`] } : {}) });
const params = resolveRunParams(config, mode as Parameters<typeof resolveRunParams>[1]);
const cacheDir = config.paths.cacheDir === null ? null : path.resolve(PACKAGE_ROOT, config.paths.cacheDir);
const timeline = await openHistoricalData({ dataDir, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: params.engine.stepMinutes, fundingHoursUtc: params.engine.fundingHoursUtc, cacheDir });
const rewards = rewardScheduleFor(params, dataDir, config.data, cacheDir);
const engine = (): EventDrivenStrategyEngine => new EventDrivenStrategyEngine(params, timeline, { costs: true, recordTimeseries: process.env['PROBE_TS'] !== '0', ...(rewards ? { rewards } : {}) });
/**
 * Eight runs and two seconds at least: V8 optimizes on background threads, and on a loaded machine (the test suite's
 * other workers) eight runs of a fast mode (a few milliseconds each) can end before those compilations land, which
 * would measure the interpreter's boxing instead of the engine's steady state.
 */
function warmUp(run: () => unknown): void {
  const until = performance.now() + 2000;
  for (let k = 0; k < 8 || performance.now() < until; k++) run();
}
warmUp(() => engine().runBacktest(0, timeline.length - 1));

const gcs: PerformanceEntry[] = [];
const observer = new PerformanceObserver((list) => void gcs.push(...list.getEntries()));
observer.observe({ entryTypes: ['gc'] });
/** One run's window: heap growth between 50 % and 90 % of the history, with a full GC at its start. */
function window(): { steps: number; bytes: number; from: number; to: number } {
  let from = { step: 0, heap: 0, t: 0 };
  let to = { step: 0, heap: 0, t: 0 };
  engine().runBacktest(0, timeline.length - 1, (done) => {
    const pct = Math.round((100 * done) / timeline.length);
    if (pct === 50 && from.step === 0) {
      gc?.();
      from = { step: done, heap: process.memoryUsage().heapUsed, t: performance.now() };
    } else if (pct === 90 && to.step === 0) {
      to = { step: done, heap: process.memoryUsage().heapUsed, t: performance.now() };
    }
  });
  return { steps: to.step - from.step, bytes: to.heap - from.heap, from: from.t, to: to.t };
}
// The least of three windows: a compilation that V8 finishes on the main thread inside a window allocates its code
// there, once; what every window allocates is the steps' own.
const windows = [window(), window(), window()];
// GC entries arrive asynchronously: wait a turn so the windows' are in.
await new Promise((resolve) => setTimeout(resolve, 50));
observer.disconnect();
const least = windows.reduce((a, b) => (b.bytes < a.bytes ? b : a));
const gcInWindow = gcs.filter((e) => e.startTime > least.from + 1 && e.startTime < least.to).length;

type TickClass = 'quiet' | 'funding' | 'other';
interface ClassFigures {
  ticks: number;
  bytes: number;
  allocating: number;
}
/** One run of the kernel with the heap read after every tick; the bytes of each class of tick. */
function perTick(): Record<TickClass, ClassFigures> {
  const heapAfter = new Float64Array(timeline.length + 1);
  const eventsAfter = new Int32Array(timeline.length + 1);
  let n = 0;
  const kernel = backtestKernel(params, timeline, rewards, (k) => {
    heapAfter[n] = process.memoryUsage().heapUsed;
    eventsAfter[n] = k.events.length;
    n++;
  });
  kernel.runSync();
  const figures: Record<TickClass, ClassFigures> = { quiet: { ticks: 0, bytes: 0, allocating: 0 }, funding: { ticks: 0, bytes: 0, allocating: 0 }, other: { ticks: 0, bytes: 0, allocating: 0 } };
  // The first tick holds the run's start (initial capital, entry); a tick whose heap shrank had a GC in it.
  for (let t = 1; t < n; t++) {
    const bytes = (heapAfter[t] as number) - (heapAfter[t - 1] as number);
    if (bytes < 0) continue;
    let cls: TickClass = 'quiet';
    for (let e = eventsAfter[t - 1] as number; e < (eventsAfter[t] as number); e++) {
      if (kernel.events.at(e)?.type === 'FUNDING_SETTLED') cls = cls === 'quiet' ? 'funding' : cls;
      else cls = 'other';
    }
    const f = figures[cls];
    f.ticks++;
    f.bytes += bytes;
    if (bytes > 0) f.allocating++;
  }
  return figures;
}
warmUp(perTick);
const runs = [perTick(), perTick(), perTick()];
const byClass = Object.fromEntries(
  (['quiet', 'funding', 'other'] as const).map((c) => {
    const best = runs.reduce((a, b) => (b[c].bytes < a[c].bytes ? b : a))[c];
    return [c, { ticks: best.ticks, bytes: best.bytes, allocating: Math.min(...runs.map((r) => r[c].allocating)), bytesPerTick: best.ticks > 0 ? best.bytes / best.ticks : 0 }];
  }),
);
process.stdout.write(JSON.stringify({ mode, steps: least.steps, allocatedBytes: least.bytes, bytesPerStep: least.bytes / least.steps, windows: windows.map((w) => Math.round(w.bytes / w.steps)), gcInWindow, ticks: byClass }) + '\n');
