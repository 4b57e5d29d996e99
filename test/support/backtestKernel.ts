import type { RunParams } from '../../src/domain/params.js';
import type { RewardPrograms } from '../../src/domain/rewards.js';
import type { Timeline } from '../../src/data/series.js';
import { StrategyKernel } from '../../src/kernel/kernel.js';
import { BacktestClock } from '../../src/kernel/clock.js';
import { HistoricalFeed } from '../../src/engine/historicalFeed.js';
import { SimulatedExecution } from '../../src/venues/simulatedExecution.js';
import { createStrategy } from '../../src/modes/registry.js';

/**
 * The kernel assembled as the backtest assembles it (historical feed over the whole timeline, backtest clock,
 * simulated venues with costs on, the mode's strategy and rewards), with a tick observer of the test's own in place
 * of the engine's recorders.
 */
export function backtestKernel(params: RunParams, timeline: Timeline, rewards: RewardPrograms | undefined, onTick: (kernel: StrategyKernel) => void): StrategyKernel {
  return new StrategyKernel({
    params,
    clock: new BacktestClock(),
    feed: new HistoricalFeed(timeline, params.mode),
    strategy: createStrategy(params.mode.strategy),
    execution: (ports) => new SimulatedExecution(params, ports, true),
    costs: true,
    ...(rewards ? { rewards } : {}),
    onTick,
  });
}
