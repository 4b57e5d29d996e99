import type { RunParams } from '../domain/params.js';
import type { Order } from '../orders/order.js';
import type { MarketState } from '../components/marketState.js';
import type { PositionsView } from '../components/positionMonitor.js';
import type { ExposureView } from '../components/exposureMonitor.js';
import type { RiskView } from '../components/riskMonitor.js';
import type { ExecutionClient } from '../kernel/executionClient.js';

/** What a strategy sees: read-only views of market, positions, exposure and risk at the current tick. */
export interface StrategyContext {
  readonly params: RunParams;
  readonly m: MarketState;
  readonly positions: PositionsView;
  readonly exposure: ExposureView;
  readonly risk: RiskView;
  /** Cost estimates and AAVE book figures (no side effects). */
  readonly costs: Pick<ExecutionClient, 'gasEthFor' | 'aaveBook'>;
  readonly costsOn: boolean;
  /** The kernel clock's time of this tick. */
  readonly nowMs: number;
}

/** An order, or a function computing orders from the balances left by the previous ones. */
export type OrderStep = Order | ((ctx: StrategyContext) => Order | readonly Order[] | null);

export type DecisionReason = 'entry' | 'rebalance' | 'emergency' | 'margin_support' | 'delta' | 'gas_float' | 'continue' | 'deposit' | 'withdrawal';

/**
 * What a flow hook answers: orders to run now, 'wait' (not at this step: the book is mid-sequence; asked again next
 * step) or null (nothing to do for this flow).
 */
export type FlowAnswer = Decision | 'wait' | null;

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
  /**
   * A deposit of `amountShare` share-class units has landed in the wallet: deploy it like a partial entry, growing
   * every leg in proportion. Called before `decide` from the step the deposit lands, every step until it answers
   * null (a deployment may take several steps, each returning its orders).
   */
  deploy(ctx: StrategyContext, amountShare: number): FlowAnswer;
  /**
   * A withdrawal needs `amountShare` more share-class units free in the wallet than it holds: unwind the book 1:1
   * (every leg shrunk in proportion) so that at least that much arrives there, now or by transfers in flight.
   */
  release(ctx: StrategyContext, amountShare: number): FlowAnswer;
  /** True once an emergency stop has unwound the book; no further entries. */
  readonly halted: boolean;
}
