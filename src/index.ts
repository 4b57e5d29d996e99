/** The library API: `import { loadConfig, openHistoricalData, runBacktest } from 'basis'`. */
export * from './errors/base.js';
export * from './errors/codes.js';
export * from './domain/venues.js';
export * from './domain/tokens.js';
export * from './domain/positionKey.js';
export * from './domain/params.js';
export { loadConfig, resolveRunParams, modeWindow, redactSecrets, PACKAGE_ROOT, type LoadConfigOptions, type LoadedConfig, type BasisConfig } from './config/index.js';
export {
  openHistoricalData,
  checkData,
  formatDataCheck,
  resolveDataDir,
  parseCsv,
  loadRewardSchedule,
  CATALOG,
  SERIES_KEYS,
  SOURCE,
  type DataPolicy,
  type DataCheckReport,
  type OpenOptions,
  type SeriesKey,
  type Timeline,
  type MarketSnapshot,
  type RewardSchedule,
} from './data/index.js';
export { generateSynthetic, type SynthOptions, type SynthManifest } from './data/synth/index.js';
export { runBacktest, writeBacktestResults, writeBacktestRun, type BacktestRequest, type BacktestOutput } from './engine/backtest.js';
export { EventDrivenStrategyEngine, type EngineOptions, type EngineResult } from './engine/engine.js';
export { BacktestClock, LiveClock, type Clock, type SteppedClock } from './kernel/clock.js';
export { StrategyKernel, type KernelParts, type KernelPorts, type KernelResult } from './kernel/kernel.js';
export type { MarketFeed, FallbackStart } from './kernel/marketFeed.js';
export type { EventSink } from './kernel/eventSink.js';
export { FILLED, PENDING, type ExecutionClient, type MarketSettlement, type OrderOutcome, type VenueReports, type VenueFill } from './kernel/executionClient.js';
export * from './errors/families.js';
export type { Order } from './orders/order.js';
export type { BasisEvent, EventType } from './events/types.js';
export { verifyRun, type AuditReport, type AuditOptions } from './events/audit.js';
export { readPublicKey } from './events/signing.js';
export { computeMetrics, formatSummary, renderReportHtml, type RunSummary, type Attribution, type TimeseriesFrame } from './report/index.js';
export { main } from './cli/main.js';
