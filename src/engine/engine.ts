import type { RunParams } from '../domain/params.js';
import type { RewardPrograms } from '../domain/rewards.js';
import type { Timeline } from '../data/series.js';
import { StrategyKernel, type KernelResult } from '../kernel/kernel.js';
import { BacktestClock } from '../kernel/clock.js';
import type { EventSink } from '../kernel/eventSink.js';
import { SimulatedExecution } from '../venues/simulatedExecution.js';
import { createStrategy } from '../modes/registry.js';
import { HistoricalFeed } from './historicalFeed.js';
import { FlowDriver } from '../flows/driver.js';
import type { Flow } from '../flows/schedule.js';
import { Recorder } from './recorder.js';

export interface EngineOptions {
  /** Fees, slippage and gas on (false = --no-costs, for validation). */
  readonly costs: boolean;
  /** Record the per-step timeseries (off for the pure-speed benchmark). */
  readonly recordTimeseries: boolean;
  /** Published restaking rewards to credit (modes whose LST config enables them). */
  readonly rewards?: RewardPrograms;
  /** Deposits and withdrawals of the run, validated and in time order. */
  readonly flows?: readonly Flow[];
  /** Sinks that receive every event as it is recorded, beside the memory log. */
  readonly sinks?: readonly EventSink[];
}

export interface EngineResult {
  readonly startIndex: number;
  readonly endIndex: number;
  readonly steps: number;
  readonly initialEquity: number;
  readonly finalEquity: number;
  readonly runMs: number;
}

/**
 * The backtest: one assembly of the strategy kernel with a historical feed over the timeline, a backtest clock
 * driven by it, the simulated venues and the memory event log, plus the per-step recorders the report reads.
 */
export class EventDrivenStrategyEngine {
  readonly kernel: StrategyKernel;
  readonly feed: HistoricalFeed;
  readonly execution: SimulatedExecution;
  readonly recorder: Recorder;
  /** Equity in the share class after each step, by grid index. */
  readonly stepEquity: Float64Array;
  private progress: ((done: number) => void) | undefined;
  private progressEvery = 1;
  private startIndex = 0;

  constructor(
    readonly params: RunParams,
    readonly timeline: Timeline,
    readonly options: EngineOptions,
  ) {
    this.feed = new HistoricalFeed(timeline, params.mode);
    this.stepEquity = new Float64Array(timeline.length);
    let venues: SimulatedExecution | undefined;
    this.kernel = new StrategyKernel({
      params,
      clock: new BacktestClock(),
      feed: this.feed,
      strategy: createStrategy(params.mode.strategy),
      execution: (ports) => (venues = new SimulatedExecution(params, ports, options.costs)),
      costs: options.costs,
      ...(options.rewards ? { rewards: options.rewards } : {}),
      ...(options.sinks ? { sinks: options.sinks } : {}),
      ...(options.flows && options.flows.length > 0 ? { flows: (host) => new FlowDriver(options.flows as readonly Flow[], params.mode.shareClass, params.mode.initialCapital, host) } : {}),
      onTick: () => this.afterTick(),
    });
    this.execution = venues as SimulatedExecution;
    this.recorder = new Recorder(timeline, this.kernel.positions, options.recordTimeseries);
  }

  get positions(): StrategyKernel['positions'] {
    return this.kernel.positions;
  }
  get events(): StrategyKernel['events'] {
    return this.kernel.events;
  }
  get pnl(): StrategyKernel['pnl'] {
    return this.kernel.pnl;
  }
  get exposure(): StrategyKernel['exposure'] {
    return this.kernel.exposure;
  }
  get risk(): StrategyKernel['risk'] {
    return this.kernel.risk;
  }
  get settlement(): SimulatedExecution {
    return this.execution;
  }
  get rebalances(): number {
    return this.kernel.rebalances;
  }
  get flows(): FlowDriver | null {
    return this.kernel.flows;
  }
  get emergencyStops(): number {
    return this.kernel.emergencyStops;
  }

  /** Runs steps startIndex..endIndex inclusive. An engine runs once: each request gets fresh components. */
  runBacktest(startIndex: number, endIndex: number, onProgress?: (done: number) => void): EngineResult {
    this.feed.select(startIndex, endIndex);
    this.feed.assertComplete();
    this.startIndex = startIndex;
    this.progress = onProgress;
    this.progressEvery = Math.max(1, Math.floor((endIndex - startIndex + 1) / 100));
    const r: KernelResult = this.kernel.runSync();
    return { startIndex, endIndex, steps: r.ticks, initialEquity: r.initialEquity, finalEquity: r.finalEquity, runMs: r.runMs };
  }

  private afterTick(): void {
    const k = this.kernel;
    const i = this.feed.index;
    this.stepEquity[i] = k.exposure.equity;
    if (this.options.recordTimeseries) {
      this.recorder.record(i, k.market, k.exposure, k.risk, k.pnl, k.fundingTick);
    }
    if (this.progress && (i - this.startIndex) % this.progressEvery === 0) this.progress(i - this.startIndex + 1);
  }

  /** The marks the final balances are valued at (for audit replay). */
  marks(): Record<string, number> {
    return this.kernel.marks();
  }
}
