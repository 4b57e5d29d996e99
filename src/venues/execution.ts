import type { GasOperation, RunParams } from '../domain/params.js';
import type { LstToken } from '../domain/tokens.js';
import type { CexVenue } from '../domain/venues.js';
import type { Order } from '../orders/order.js';
import type { RewardPayout } from '../domain/rewards.js';
import type { EventLogger } from '../events/logger.js';
import type { MarketState } from '../components/marketState.js';
import type { PnlCalculator } from '../components/pnlCalculator.js';
import type { PositionMonitor } from '../components/positionMonitor.js';
import type { TransferManager } from '../components/transferManager.js';
import { SimulatedExecution } from './simulatedExecution.js';

/**
 * How the engine acts on venues. The backtest fills against the data; live trading implements the same
 * interface over ccxt (CEX) and viem (on-chain) adapters, so strategy and engine code do not change.
 */
export interface ExecutionInterface {
  /** The market and step the next orders execute at. */
  at(m: MarketState, stepIndex: number): void;
  /** Executes one order (an atomic group applies all of its deltas or none); throws a coded error if refused.
   * `parent` is the order number of the decision event the order belongs to. */
  execute(order: Order, parent?: number): void;
  /** Gas for an operation at the current gas price, in ETH (0 with costs off). */
  gasEthFor(op: GasOperation): number;
  /** The AAVE position of one LST in ETH terms at the current oracle and indices. */
  aaveBook(lst: LstToken): { collateralEth: number; debtEth: number };
  readonly feesPaid: number;
  readonly gasPaid: number;
  readonly liquidations: number;
}

/**
 * What happens to positions without an order of ours: transfers landing, funding, reward payouts, and the
 * liquidations the market would apply. Simulated in backtest; observed by the position refresh in live.
 */
export interface MarketSettlement {
  settleArrivals(): void;
  settleFunding(): void;
  /** False when the claim cannot pay its gas yet: nothing changed, claim again at a later step. */
  creditReward(payout: RewardPayout, avgEethBalance: number, priceEth: number): boolean;
  liquidateAave(lst: LstToken, healthFactor: number): void;
  liquidateCex(venue: CexVenue, marginRatio: number): void;
}

export interface ExecutionDeps {
  readonly params: RunParams;
  readonly positions: PositionMonitor;
  readonly pnl: PnlCalculator;
  readonly events: EventLogger;
  readonly transfers: TransferManager;
  readonly costs: boolean;
}

export type ExecutionMode = 'backtest';

/** The factory the engine gets its execution interfaces from. */
export function createExecution(mode: ExecutionMode, d: ExecutionDeps): { execution: ExecutionInterface; settlement: MarketSettlement } {
  switch (mode) {
    case 'backtest': {
      const sim = new SimulatedExecution(d.params, d.positions, d.pnl, d.events, d.costs, d.transfers);
      return { execution: sim, settlement: sim };
    }
  }
}
