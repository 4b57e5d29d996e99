import { createHash, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BasisError } from '../errors/base.js';
import type { ModeName, RunParams } from '../domain/params.js';
import { MODE_NAMES, isModeName } from '../modes/registry.js';
import { PACKAGE_ROOT, REDACTED, isSecretName, isSecretPath, loadConfig, modeFlows, modeWindow, redactSecrets, resolveRunParams, type BasisConfig } from '../config/index.js';
import { loadRewardSchedule, openHistoricalData, parseTimestamp, resolveDataDir, type DataPolicy, type RewardSchedule } from '../data/index.js';
import { ethenaBenchmark, loadBenchmark } from '../data/benchmark.js';
import type { SeriesKey, Timeline } from '../data/series.js';
import type { ShareClass } from '../domain/tokens.js';
import { derivedColumns, type NamedColumn } from '../report/derivedColumns.js';
import type { BasisEvent } from '../events/types.js';
import { GENESIS_HASH, chainHeadOf, eventsJsonlChunks, type ChainHead } from '../events/hashChain.js';
import { digestChunks, hashingChunks, sha256Hex, type SummaryIntegrity } from '../events/integrity.js';
import { loadAuditKey, signSummary } from '../events/signing.js';
import {
  apyWindowNote,
  computeMetrics,
  createProgress,
  timeseriesCsvChunks,
  assertReportBundle,
  renderReportHtml,
  writeResultsAtomically,
  writeRunToResults,
  type ResultFile,
  type RunSummary,
  type WriteResultsOptions,
  type WrittenRun,
  type TimeseriesFrame,
} from '../report/index.js';
import { EventDrivenStrategyEngine } from './engine.js';
import { isoUtc } from '../kernel/clock.js';
import { preflight } from './preflight.js';
import { currentBuild, dataFingerprint, runInfoRows, type RunRecord } from './runRecord.js';
import type { ProtectedDir } from '../runs/guard.js';
import { flowRecords, flowsFromConfig, parseFlowSpec, parseFlowsCsv, validateFlows, type Flow } from '../flows/schedule.js';
import { moneyWeightedReturn, navSeries, unitsSeries } from '../flows/returns.js';

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
  /** Config directory (default: BASIS_CONFIG_DIR, else the package configs/). */
  readonly configDir?: string;
  /**
   * An already merged and validated configuration (a recorded run's, for --from-run): used as is, so no
   * config file is read and `set`, `capital`, `env` and `configDir` must not be given.
   */
  readonly config?: BasisConfig;
  /** Environment name recorded with a given `config`. */
  readonly configEnv?: string;
  readonly progress?: boolean;
  /**
   * Awaited once the config is merged and the run's parameters resolved, before any data is read: the results
   * store records the run here, so a run killed while loading or running is still on record.
   */
  readonly onResolved?: (resolved: { readonly params: RunParams; readonly config: BasisConfig; readonly env: string }) => void | Promise<void>;
  /** Called about a hundred times per run with the steps done and the steps in the run (the API streams it). */
  readonly onProgress?: (done: number, total: number) => void;
  readonly recordTimeseries?: boolean;
  /** Injected timeline (benchmarks reuse one load). */
  readonly timeline?: Timeline;
  /** Capital flows as `TIME=AMOUNT` (--flow, repeatable): + deposit, − withdrawal of the share-class token. */
  readonly flows?: readonly string[];
  /** A CSV of flows (--flows), columns timestamp,amount. */
  readonly flowsFile?: string;
}

export interface BacktestOutput {
  readonly summary: RunSummary;
  readonly frame: TimeseriesFrame;
  readonly events: readonly BasisEvent[];
  readonly engine: EventDrivenStrategyEngine;
  readonly params: RunParams;
  /** Where results go by default (config `paths.resultsDir`, relative to the package root). */
  readonly resultsDir: string;
  /** What the run was made from (recorded in config.json under `run`). */
  readonly run: RunRecord;
  /** The merged configuration the run used, secrets redacted (recorded in config.json under `config`). */
  readonly config: BasisConfig;
}

/** The data module's UTC timestamp parser (a bare date-time is never read as local time), with a BT-001 error. */
function parseIso(what: string, iso: string): number {
  const ms = parseTimestamp(iso.trim());
  if (!Number.isFinite(ms)) {
    throw new BasisError('BT-001', `${what} is not a real UTC date: ${JSON.stringify(iso)}`, {
      problems: [{ code: 'BT-001', path: what, message: 'invalid date', expected: 'a real calendar date, e.g. 2024-06-01, 2024-06-01T00:00Z or 2024-06-01T00:00:00Z', received: iso }],
    });
  }
  return ms;
}

/** The request's flows, in the order given: --flow specs, then the --flows file, then the mode config's `flows`. */
function readFlows(req: BacktestRequest, config: BasisConfig, mode: ModeName): Flow[] {
  const out: Flow[] = (req.flows ?? []).map((spec, i) => parseFlowSpec(spec, i + 1));
  if (req.flowsFile !== undefined) {
    const file = path.resolve(req.flowsFile);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      throw new BasisError('FLOW-002', `flows file ${file} cannot be read`, {
        cause: err,
        problems: [{ code: 'FLOW-002', file, message: code === 'ENOENT' ? 'no such file' : 'the file cannot be read', expected: 'a CSV with columns timestamp,amount', received: typeof code === 'string' ? code : 'unreadable' }],
      });
    }
    out.push(...parseFlowsCsv(text, file));
  }
  out.push(...flowsFromConfig(modeFlows(config, mode), `modes.${mode}.flows`));
  return out;
}

/**
 * The LST exchange rates the dashboard's staking views read: the ones the book holds (recorded), or for an ETH
 * book that holds none, weETH's from the data when present (its "staked ETH" benchmark).
 */
function lstRatesFor(recorded: TimeseriesFrame, shareClass: ShareClass, timeline: Timeline, startIndex: number, endIndex: number): NamedColumn[] {
  const held = recorded.columns.filter((c) => c.name.startsWith('lstRate:')).map((c) => ({ name: c.name.slice('lstRate:'.length), values: c.values }));
  if (held.length > 0 || shareClass !== 'ETH') return held;
  const key: SeriesKey = 'oracle:weETH:ETH';
  return timeline.has(key) ? [{ name: 'weETH', values: timeline.series(key).values.subarray(startIndex, endIndex + 1) }] : [];
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** A --set override as it may be recorded: the value of a secret-named path (or of anything without "=") redacted. */
export function redactOverride(o: string): string {
  const eq = o.indexOf('=');
  if (eq <= 0) return isSecretName(o) ? REDACTED : o;
  return isSecretPath(o.slice(0, eq).split('.')) ? `${o.slice(0, eq)}=${REDACTED}` : o;
}

/**
 * The published reward schedule when the mode's LST config credits rewards, else undefined; read through the
 * reward cache in `cacheDir` (null: no cache, the CSVs are parsed).
 */
export function rewardScheduleFor(params: RunParams, dataDir: string, policy: DataPolicy, cacheDir: string | null): RewardSchedule | undefined {
  return params.capabilities.publishedRewards ? loadRewardSchedule(dataDir, policy, cacheDir) : undefined;
}

/** Resolves config and data for a request, runs the engine, and returns summary, timeseries and events. */
export async function runBacktest(req: BacktestRequest): Promise<BacktestOutput> {
  if (!isModeName(req.mode)) {
    throw new BasisError('CFG-006', `unknown strategy mode "${req.mode}"`, { problems: [{ code: 'CFG-006', path: 'mode', message: 'unknown mode', expected: MODE_NAMES.join(' | '), received: req.mode }] });
  }
  const mode = req.mode as ModeName;
  if (req.config !== undefined && (req.capital !== undefined || (req.set ?? []).length > 0 || req.env !== undefined || req.configDir !== undefined)) {
    throw new BasisError('BT-001', 'a recorded config cannot be combined with capital, --set, --env or a config directory', { problems: [{ code: 'BT-001', path: 'config', message: 'conflicting request', expected: 'either a recorded config or config options' }] });
  }
  const overrides = [...(req.set ?? [])];
  if (req.capital !== undefined) {
    if (!(req.capital > 0) || !Number.isFinite(req.capital)) {
      throw new BasisError('BT-001', 'capital must be a positive number', { problems: [{ code: 'BT-001', path: 'capital', message: 'invalid capital', expected: '> 0', received: String(req.capital) }] });
    }
    overrides.push(`modes.${mode}.initialCapital=${req.capital}`);
  }
  const t0 = performance.now();
  const dataDir = req.timeline?.dataDir ?? resolveDataDir(req.dataDir ?? null);
  const loaded =
    req.config === undefined
      ? loadConfig({ ...(req.env !== undefined ? { env: req.env } : {}), ...(req.configDir !== undefined ? { configDir: req.configDir } : {}), overrides, dataDir })
      : { config: req.config, env: req.configEnv ?? 'unknown' };
  const { config } = loaded;
  const configMs = performance.now() - t0;
  const params = resolveRunParams(config, mode);
  const requestedFlows = readFlows(req, config, mode);
  await req.onResolved?.({ params, config: redactSecrets(config), env: loaded.env });
  const window = modeWindow(config, mode);
  const startIso = req.start ?? window.start ?? undefined;
  const endIso = req.end ?? window.end ?? undefined;
  const startMs = startIso !== undefined ? parseIso('start', startIso) : undefined;
  const endMs = endIso !== undefined ? parseIso('end', endIso) : undefined;
  if (startMs !== undefined && endMs !== undefined && !(startMs < endMs)) {
    throw new BasisError('BT-001', 'start must be before end', { problems: [{ code: 'BT-001', path: 'start', message: 'empty range', expected: `< ${endIso}`, received: String(startIso) }] });
  }
  const cacheDir = config.paths.cacheDir === null ? null : path.resolve(PACKAGE_ROOT, config.paths.cacheDir);
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
      cacheDir,
    }));
  const loadMs = performance.now() - t0;
  const startIndex = startMs !== undefined && req.timeline ? timeline.indexOf(startMs) : 0;
  const endIndex = endMs !== undefined && req.timeline ? timeline.indexOf(endMs) : timeline.length - 1;
  preflight(params, timeline, startIndex, req.costs !== false);
  const flows = validateFlows(requestedFlows, { startMs: timeline.timestampsMs[startIndex] as number, endMs: timeline.timestampsMs[endIndex] as number, initialCapital: params.mode.initialCapital, shareClass: params.mode.shareClass });

  const rewards = rewardScheduleFor(params, timeline.dataDir, config.data, cacheDir);
  // Read (and validated) before the run, so bad benchmark data fails fast like every other input.
  const benchmarkData = params.mode.shareClass === 'USDT' ? loadBenchmark(timeline.dataDir, config.data) : null;
  const engine = new EventDrivenStrategyEngine(params, timeline, { costs: req.costs !== false, recordTimeseries: req.recordTimeseries !== false, ...(rewards ? { rewards } : {}), ...(flows.length > 0 ? { flows } : {}) });
  const progress = createProgress(endIndex - startIndex + 1, { enabled: req.progress === true, label: `backtest ${mode}` });
  const total = endIndex - startIndex + 1;
  const onProgress = req.onProgress;
  const result = engine.runBacktest(startIndex, endIndex, (done) => {
    progress.update(done);
    onProgress?.(done, total);
  });
  progress.stop();

  const equity = engine.stepEquity.subarray(startIndex, endIndex + 1);
  const ts = timeline.timestampsMs.subarray(startIndex, endIndex + 1);
  const flowOut = engine.flows?.outcome();
  // With flows the metrics are time-weighted: computed on NAV per share (units issued and redeemed at NAV), from 1.
  const units = flowOut ? unitsSeries(equity.length, params.mode.initialCapital, flowOut.unitChanges.map((c) => ({ offset: timeline.indexOf(c.atMs) - startIndex, unitsAfter: c.unitsAfter }))) : null;
  const nav = units ? navSeries(equity, units) : null;
  const metrics = nav ? computeMetrics(nav, ts, 1) : computeMetrics(equity, ts, result.initialEquity);
  const apyNote = apyWindowNote(ts, config.report.minApyWindowDays);
  const attributedPnl = engine.pnl.total();
  const benchmark = ethenaBenchmark(benchmarkData?.aprs ?? null, ts);
  const netFlows = flowOut?.netFlows ?? 0;
  const balancePnl = result.finalEquity - params.mode.initialCapital - netFlows;
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
    reconciliation: { balancePnl, attributedPnl, residual: balancePnl - attributedPnl, ...(flowOut ? { netFlows } : {}) },
    ...(flowOut && nav
      ? {
          flows: {
            count: flows.length,
            deposits: flowOut.deposits,
            withdrawals: flowOut.withdrawals,
            netFlows,
            finalUnits: flowOut.units,
            finalNavPerShare: nav[nav.length - 1] as number,
            moneyWeightedApy: finiteOrNull(moneyWeightedReturn([...flowOut.cashflows, { atMs: ts[ts.length - 1] as number, amount: result.finalEquity }])),
            deployCosts: flowOut.deployCosts,
            unwindCosts: flowOut.unwindCosts,
            pending: flowOut.pending,
          },
        }
      : {}),
    timing: { loadMs, configMs, dataMs: loadMs - configMs, runMs: result.runMs, stepsPerSec: result.steps / (result.runMs / 1000), backtestMs: performance.now() - t0 },
    ...(benchmark ? { benchmark } : {}),
    ...(apyNote !== undefined ? { apyNote } : {}),
  };
  const recorded = engine.recorder.frame(startIndex, endIndex);
  const frame: TimeseriesFrame =
    req.recordTimeseries !== false
      ? {
          timestampsMs: recorded.timestampsMs,
          columns: [
            ...recorded.columns,
            ...(nav && units ? [{ name: 'navPerShare', values: nav }, { name: 'units', values: units }] : []),
            ...derivedColumns({ timestampsMs: ts, shareClass: params.mode.shareClass, initialCapital: params.mode.initialCapital, lstRates: lstRatesFor(recorded, params.mode.shareClass, timeline, startIndex, endIndex), benchmarkAprs: benchmarkData?.aprs ?? null }),
          ],
        }
      : recorded;
  const run: RunRecord = {
    ...currentBuild(),
    env: loaded.env,
    costs: req.costs !== false,
    capital: params.mode.initialCapital,
    shareClass: params.mode.shareClass,
    window: { start: summary.start, end: summary.end, endInclusive: true },
    request: { start: req.start ?? null, end: req.end ?? null, set: (req.set ?? []).map(redactOverride), ...(req.flows !== undefined && req.flows.length > 0 ? { flows: [...req.flows] } : {}), ...(req.flowsFile !== undefined ? { flowsFile: path.resolve(req.flowsFile) } : {}) },
    ...(flows.length > 0 ? { flows: flowRecords(flows) } : {}),
    dataDir: timeline.dataDir,
    synthetic: timeline.synthetic,
    data: dataFingerprint(timeline, [...(rewards?.inputs ?? []), ...(benchmarkData ? [benchmarkData.input] : [])]),
  };
  return {
    summary,
    frame,
    // Built on first read: the writers read the columnar log itself, so a CLI run never builds every event object.
    get events(): readonly BasisEvent[] {
      return engine.events.events;
    },
    engine,
    params,
    resultsDir: path.resolve(PACKAGE_ROOT, config.paths.resultsDir),
    run,
    config: redactSecrets(config),
  };
}

export interface BacktestWriteOptions extends WriteResultsOptions {
  /** Ed25519 key that signs summary.json; default: BASIS_AUDIT_KEY from the environment or deploy/.env*; null: unsigned. */
  readonly auditKey?: KeyObject | null;
}

/** What config.json records: every parameter the run used and what it was made from, so it can be reproduced. */
export function runConfigDocument(out: BacktestOutput): RunConfigDocument {
  return { mode: out.summary.mode, start: out.summary.start, end: out.summary.end, dataDir: out.engine.timeline.dataDir, synthetic: out.summary.synthetic, run: out.run, params: out.params, config: out.config };
}

export interface RunConfigDocument {
  readonly mode: ModeName;
  readonly start: string;
  readonly end: string;
  readonly dataDir: string;
  readonly synthetic: boolean;
  readonly run: RunRecord;
  readonly params: RunParams;
  readonly config: BasisConfig;
}

/**
 * The five result files of a run: config.json (every parameter the run used, so it can be reproduced),
 * timeseries.csv, events.jsonl, report.html and, last, summary.json, which records the chain head of events.jsonl
 * and the SHA-256 of timeseries.csv and config.json, taken from the chunks as they are written, and is signed when
 * an audit key is configured (`basis audit verify` checks all of it).
 */
function resultFiles(out: BacktestOutput, opts: BacktestWriteOptions, written: { integrity?: SummaryIntegrity }): ResultFile[] {
  // The key is read before anything is written, so a bad key fails the run without leaving half a directory.
  assertReportBundle();
  const key = opts.auditKey === undefined ? loadAuditKey({ deployDir: path.join(PACKAGE_ROOT, 'deploy'), env: out.run.env }) : (opts.auditKey ?? undefined);
  const configJson = JSON.stringify(runConfigDocument(out), null, 2) + '\n';
  let timeseriesSha256: string | undefined;
  function* timeseries(): Generator<Buffer> {
    const hash = createHash('sha256');
    yield* hashingChunks(timeseriesCsvChunks(out.frame), hash);
    timeseriesSha256 = hash.digest('hex');
  }
  let head: ChainHead | undefined;
  function* events(): Generator<string> {
    const h: ChainHead = { hash: GENESIS_HASH, lines: 0 };
    yield* eventsJsonlChunks(out.engine.events, undefined, h);
    head = h;
  }
  const summaryJson = (): string => {
    // The hashes come from the writes; should a writer ever produce summary.json first, they are taken in a pass of their own.
    timeseriesSha256 ??= digestChunks(timeseriesCsvChunks(out.frame));
    head ??= chainHeadOf(out.engine.events);
    const integrity: SummaryIntegrity = { eventsFinalHash: head.hash, events: head.lines, timeseriesSha256, configSha256: sha256Hex(configJson) };
    written.integrity = integrity;
    const summary = { ...out.summary, integrity };
    return JSON.stringify(key ? { ...summary, signature: signSummary(summary, key) } : summary, null, 2) + '\n';
  };
  return [
    { name: 'config.json', content: configJson },
    { name: 'timeseries.csv', content: timeseries },
    { name: 'events.jsonl', content: events },
    { name: 'report.html', content: () => renderReportHtml(out.summary, out.frame, out.engine.events, { runInfo: runInfoRows(out.run), params: out.params }) },
    { name: 'summary.json', content: summaryJson },
  ];
}

/** The run's data directory: a run is never written over, into or above it. */
export function dataDirGuard(dataDir: string): ProtectedDir {
  return { path: dataDir, what: 'the data directory', inside: true };
}

/**
 * Writes the run's files into outDir, all or nothing. outDir must be new or empty, or (with `force`) an earlier
 * Basis run, which is kept until the new one is complete.
 */
export async function writeBacktestResults(outDir: string, out: BacktestOutput, options: BacktestWriteOptions = {}): Promise<WrittenBacktest> {
  const w: { integrity?: SummaryIntegrity } = {};
  const written = await writeResultsAtomically(outDir, resultFiles(out, options, w), { ...options, protectedDirs: [dataDirGuard(out.engine.timeline.dataDir), ...(options.protectedDirs ?? [])] });
  return { ...written, integrity: writtenIntegrity(w) };
}

/** A written run and the integrity block its summary.json records (the store keeps the event chain head). */
export interface WrittenBacktest extends WrittenRun {
  readonly integrity: SummaryIntegrity;
}

function writtenIntegrity(w: { integrity?: SummaryIntegrity }): SummaryIntegrity {
  if (w.integrity === undefined) throw new Error('summary.json was not written: the run files are incomplete');
  return w.integrity;
}

/** Writes the run into its own new directory `<resultsDir>/<mode>/<stamp>-<runId>/` and points `latest` at it. */
export async function writeBacktestRun(out: BacktestOutput, options: Omit<BacktestWriteOptions, 'force'> = {}): Promise<WrittenBacktest & { latest: string | null }> {
  const w: { integrity?: SummaryIntegrity } = {};
  const written = await writeRunToResults(out.resultsDir, out.summary.mode, resultFiles(out, options, w), { ...options, protectedDirs: [dataDirGuard(out.engine.timeline.dataDir), ...(options.protectedDirs ?? [])] });
  return { ...written, integrity: writtenIntegrity(w) };
}
