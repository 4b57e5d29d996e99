import type { RunParams } from '../domain/params.js';
import type { Order } from '../orders/order.js';
import type { MarketState } from '../components/marketState.js';
import type { PositionMonitor } from '../components/positionMonitor.js';
import type { ExposureMonitor } from '../components/exposureMonitor.js';
import type { RiskMonitor } from '../components/riskMonitor.js';
import type { SimulatedExecution } from '../venues/simulatedExecution.js';

/** What a strategy sees: read-only views of market, positions, exposure and risk at the current step. */
export interface StrategyContext {
  readonly params: RunParams;
  readonly m: MarketState;
  readonly positions: Readonly<Pick<PositionMonitor, 'amount' | 'has' | 'inFlight' | 'slots' | 'amounts'>>;
  readonly exposure: Readonly<ExposureMonitor>;
  readonly risk: Readonly<RiskMonitor>;
  /** Cost estimates and AAVE book figures (no side effects). */
  readonly costs: Pick<SimulatedExecution, 'gasEthFor' | 'aaveBook'>;
  readonly costsOn: boolean;
  readonly stepIndex: number;
}

/** An order, or a function computing orders from the balances left by the previous ones. */
export type OrderStep = Order | ((ctx: StrategyContext) => Order | readonly Order[] | null);

export type DecisionReason = 'entry' | 'rebalance' | 'emergency' | 'exit' | 'margin_support' | 'delta' | 'gas_float' | 'continue';

export interface Decision {
  readonly reason: DecisionReason;
  /** Why, in words, for the REBALANCE / EMERGENCY_STOP event. */
  readonly detail: string;
  /** Executed in order; each reads the balances the previous left. */
  readonly orders: ReadonlyArray<OrderStep>;
}

/**
 * One per mode. `decide` returns null on the fast path (nothing to do), which is almost every step.
 * Order of checks for every mode: emergency (reduce only) → pending transfers → entry → risk-driven
 * rebalances → drift → nothing.
 */
export interface Strategy {
  decide(ctx: StrategyContext): Decision | null;
  /** True once an emergency stop has unwound the book; no further entries. */
  readonly halted: boolean;
}
