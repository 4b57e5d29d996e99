import path from 'node:path';
import { BasisError } from '../errors/base.js';
import { MODE_NAMES, type ModeName, type RunParams } from '../domain/params.js';
import { PACKAGE_ROOT, loadConfig, modeWindow, resolveRunParams } from '../config/index.js';
import { loadRewardSchedule, openHistoricalData, parseTimestamp, resolveDataDir, type RewardSchedule } from '../data/index.js';
import { ethenaBenchmark } from '../data/benchmark.js';
import type { Timeline } from '../data/series.js';
import type { BasisEvent } from '../events/types.js';
import { eventsJsonlChunks } from '../events/hashChain.js';
import {
  apyWindowNote,
  computeMetrics,
  createProgress,
  timeseriesCsvChunks,
  renderReportHtml,
  writeResultsAtomically,
  type RunSummary,
  type TimeseriesFrame,
} from '../report/index.js';
import { EventDrivenStrategyEngine } from './engine.js';
import { isoUtc } from './clock.js';
import { preflight } from './preflight.js';

export interface BacktestRequest {
  readonly mode: string;
  readonly start?: string;
  readonly end?: string;
  readonly capital?: number;
  /** false = --no-costs: fees, slippage and gas off. */
  readonly costs?: boolean;
  /** "path=value" config overrides. */
  readonly set?: readonly string[];
  readonly dataDir?: string;
  readonly env?: string;
  readonly progress?: boolean;
  readonly recordTimeseries?: boolean;
  /** Injected timeline (benchmarks reuse one load). */
  readonly timeline?: Timeline;
}

export interface BacktestOutput {
  readonly summary: RunSummary;
  readonly frame: TimeseriesFrame;
  readonly events: readonly BasisEvent[];
  readonly engine: EventDrivenStrategyEngine;
  readonly params: RunParams;
  /** Where results go by default (config `paths.resultsDir`, relative to the package root). */
  readonly resultsDir: string;
}

/** The data module's UTC timestamp parser (a bare date-time is never read as local time), with a BT-001 error. */
function parseIso(what: string, iso: string): number {
  const ms = parseTimestamp(iso.trim());
  if (!Number.isFinite(ms)) {
    throw new BasisError('BT-001', `${what} is not an ISO date`, { problems: [{ code: 'BT-001', path: what, message: 'invalid date', expected: 'ISO 8601, e.g. 2024-06-01 or 2024-06-01T00:00:00Z', received: iso }] });
  }
  return ms;
}

/** The published reward schedule when the mode's LST config credits rewards, else undefined. */
export function rewardScheduleFor(params: RunParams, dataDir: string): RewardSchedule | undefined {
  const s = params.mode.strategy;
  return (s.kind === 'eth_leveraged' || s.kind === 'usdt_market_neutral') && s.lst.rewards === 'etherfi_published' ? loadRewardSchedule(dataDir) : undefined;
}

/** Resolves config and data for a request, runs the engine, and returns summary, timeseries and events. */
export async function runBacktest(req: BacktestRequest): Promise<BacktestOutput> {
  if (!(MODE_NAMES as readonly string[]).includes(req.mode)) {
    throw new BasisError('CFG-006', `unknown strategy mode "${req.mode}"`, { problems: [{ code: 'CFG-006', path: 'mode', message: 'unknown mode', expected: MODE_NAMES.join(' | '), received: req.mode }] });
  }
  const mode = req.mode as ModeName;
  const overrides = [...(req.set ?? [])];
  if (req.capital !== undefined) {
    if (!(req.capital > 0) || !Number.isFinite(req.capital)) {
      throw new BasisError('BT-001', 'capital must be a positive number', { problems: [{ code: 'BT-001', path: 'capital', message: 'invalid capital', expected: '> 0', received: String(req.capital) }] });
    }
    overrides.push(`modes.${mode}.initialCapital=${req.capital}`);
  }
  const t0 = performance.now();
  const dataDir = req.timeline?.dataDir ?? resolveDataDir(req.dataDir ?? null);
  const { config } = loadConfig({ ...(req.env !== undefined ? { env: req.env } : {}), overrides, dataDir });
  const params = resolveRunParams(config, mode);
  const window = modeWindow(config, mode);
  const startIso = req.start ?? window.start ?? undefined;
  const endIso = req.end ?? window.end ?? undefined;
  const startMs = startIso !== undefined ? parseIso('start', startIso) : undefined;
  const endMs = endIso !== undefined ? parseIso('end', endIso) : undefined;
  if (startMs !== undefined && endMs !== undefined && !(startMs < endMs)) {
    throw new BasisError('BT-001', 'start must be before end', { problems: [{ code: 'BT-001', path: 'start', message: 'empty range', expected: `< ${endIso}`, received: String(startIso) }] });
  }
  const timeline =
    req.timeline ??
    (await openHistoricalData({
      dataDir,
      requirements: params.mode.dataRequirements,
      policy: config.data,
      stepMinutes: params.engine.stepMinutes,
      fundingHoursUtc: params.engine.fundingHoursUtc,
      ...(startMs !== undefined ? { startMs } : {}),
      ...(endMs !== undefined ? { endMs } : {}),
      cacheDir: config.paths.cacheDir === null ? null : path.resolve(PACKAGE_ROOT, config.paths.cacheDir),
    }));
  const loadMs = performance.now() - t0;
  const startIndex = startMs !== undefined && req.timeline ? timeline.indexOf(startMs) : 0;
  const endIndex = endMs !== undefined && req.timeline ? timeline.indexOf(endMs) : timeline.length - 1;
  preflight(params, timeline, startIndex, req.costs !== false);

  const rewards = rewardScheduleFor(params, timeline.dataDir);
  const engine = new EventDrivenStrategyEngine(params, timeline, { costs: req.costs !== false, recordTimeseries: req.recordTimeseries !== false, ...(rewards ? { rewards } : {}) });
  const progress = createProgress(endIndex - startIndex + 1, { enabled: req.progress === true, label: `backtest ${mode}` });
  const result = engine.runBacktest(startIndex, endIndex, (done) => progress.update(done));
  progress.stop();

  const equity = engine.stepEquity.subarray(startIndex, endIndex + 1);
  const ts = timeline.timestampsMs.subarray(startIndex, endIndex + 1);
  const metrics = computeMetrics(equity, ts, result.initialEquity);
  const apyNote = apyWindowNote(ts, config.report.minApyWindowDays);
  const attributedPnl = engine.pnl.total();
  const benchmark = params.mode.shareClass === 'USDT' ? ethenaBenchmark(timeline.dataDir, ts) : null;
  const balancePnl = result.finalEquity - params.mode.initialCapital;
  const summary: RunSummary = {
    mode,
    shareClass: params.mode.shareClass,
    synthetic: timeline.synthetic,
    start: isoUtc(ts[0] as number),
    end: isoUtc(ts[ts.length - 1] as number),
    steps: result.steps,
    initialCapital: params.mode.initialCapital,
    finalEquity: result.finalEquity,
    totalReturn: metrics.totalReturn,
    apy: metrics.apy,
    maxDrawdown: metrics.maxDrawdown,
    volatility: metrics.volatility,
    sharpe: metrics.sharpe,
    sortino: metrics.sortino,
    rebalances: engine.rebalances,
    liquidations: engine.execution.liquidations,
    emergencyStops: engine.emergencyStops,
    feesPaid: engine.execution.feesPaid,
    gasPaid: engine.execution.gasPaid,
    attribution: engine.pnl.attribution(),
    reconciliation: { balancePnl, attributedPnl, residual: balancePnl - attributedPnl },
    timing: { loadMs, runMs: result.runMs, stepsPerSec: result.steps / (result.runMs / 1000) },
    ...(benchmark ? { benchmark } : {}),
    ...(apyNote !== undefined ? { apyNote } : {}),
  };
  const frame = engine.recorder.frame(startIndex, endIndex);
  return { summary, frame, events: engine.events.events, engine, params, resultsDir: path.resolve(PACKAGE_ROOT, config.paths.resultsDir) };
}

/**
 * Writes summary.json, config.json (every parameter the run used, so it can be reproduced), timeseries.csv,
 * events.jsonl and report.html into outDir, all or nothing.
 */
export async function writeBacktestResults(outDir: string, out: BacktestOutput): Promise<void> {
  const used = { mode: out.summary.mode, start: out.summary.start, end: out.summary.end, dataDir: out.engine.timeline.dataDir, synthetic: out.summary.synthetic, params: out.params };
  await writeResultsAtomically(outDir, [
    { name: 'summary.json', content: JSON.stringify(out.summary, null, 2) + '\n' },
    { name: 'config.json', content: JSON.stringify(used, null, 2) + '\n' },
    { name: 'timeseries.csv', content: () => timeseriesCsvChunks(out.frame) },
    { name: 'events.jsonl', content: () => eventsJsonlChunks(out.events) },
    { name: 'report.html', content: () => renderReportHtml(out.summary, out.frame, out.events.map((e) => ({ ...e }))) },
  ]);
}
