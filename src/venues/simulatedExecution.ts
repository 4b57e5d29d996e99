import { assertNever } from '../errors/base.js';
import type { GasOperation, RunParams } from '../domain/params.js';
import type { LstToken } from '../domain/tokens.js';
import type { CexVenue } from '../domain/venues.js';
import type { Order } from '../orders/order.js';
import type { EventLogger } from '../events/logger.js';
import type { RewardPayout } from '../domain/rewards.js';
import type { MarketState } from '../components/marketState.js';
import type { PositionMonitor } from '../components/positionMonitor.js';
import type { PnlCalculator } from '../components/pnlCalculator.js';
import type { TransferLedger, TransferManager } from '../components/transferManager.js';
import type { ExecutionInterface, MarketSettlement } from './execution.js';
import { SimDesk } from './simulated/desk.js';
import { perpTrade, spotTrade } from './simulated/cex.js';
import { aaveBook, aaveBorrow, aaveRepay, aaveSupply, aaveWithdraw } from './simulated/aave.js';
import { claimUnstaked, dexSwap, requestUnstake, stake, wrapEth } from './simulated/staking.js';
import { atomic, deleverageInTx, leverageInTx, loopLeverage } from './simulated/leverage.js';
import { creditReward, liquidateAave, liquidateCex, settleFunding } from './simulated/settlement.js';
import { transferLedger } from './simulated/transfers.js';

/**
 * Backtest execution: fills at the step's price with venue fees, size-bucket slippage, gas at the step's gas
 * price × ETH price (paid from the wallet's ETH), CEX withdrawal fees and transfer latency. Costs can be
 * switched off for validation (--no-costs). Atomic groups apply every delta or none. Each operation family
 * lives in its own file under simulated/.
 */
export class SimulatedExecution implements ExecutionInterface, MarketSettlement {
  private readonly d: SimDesk;
  private readonly ledger: TransferLedger;

  constructor(
    params: RunParams,
    pm: PositionMonitor,
    calc: PnlCalculator,
    log: EventLogger,
    costsOn: boolean,
    private readonly transfers: TransferManager,
  ) {
    this.d = new SimDesk(params, pm, calc, log, costsOn);
    this.ledger = transferLedger(this.d);
  }

  get feesPaid(): number {
    return this.d.feesPaid;
  }
  get gasPaid(): number {
    return this.d.gasPaid;
  }
  get liquidations(): number {
    return this.d.liquidations;
  }

  at(m: MarketState, stepIndex: number): void {
    this.d.m = m;
    this.d.stepIndex = stepIndex;
  }

  gasEthFor(op: GasOperation): number {
    return this.d.gasEthFor(op);
  }

  aaveBook(lst: LstToken): { collateralEth: number; debtEth: number } {
    return aaveBook(this.d, lst);
  }

  execute(order: Order, parent?: number): void {
    this.d.parent = parent;
    try {
      this.dispatch(order);
    } finally {
      this.d.parent = undefined;
    }
  }

  private dispatch(order: Order): void {
    const d = this.d;
    switch (order.kind) {
      case 'spot_trade':
        return spotTrade(d, order);
      case 'perp_trade':
        return perpTrade(d, order);
      case 'aave_supply':
        return aaveSupply(d, order.asset, order.amount, order.walletToken);
      case 'aave_withdraw':
        return aaveWithdraw(d, order.asset, order.amount, order.walletToken);
      case 'wrap_eth':
        return wrapEth(d, order.amountEth);
      case 'aave_borrow':
        return aaveBorrow(d, order.asset, order.amount);
      case 'aave_repay':
        return aaveRepay(d, order.asset, order.amount);
      case 'stake':
        return stake(d, order.lst, order.amountEth);
      case 'dex_swap':
        return dexSwap(d, order);
      case 'lst_unstake':
        return requestUnstake(d, order);
      case 'lst_claim':
        return claimUnstaked(d, order.lst);
      case 'atomic_leverage':
        return atomic(d, 'ATOMIC_LEVERAGE_ENTRY', () => leverageInTx(d, order.lst, order.inputEth, order.targetLtv));
      case 'atomic_deleverage':
        return atomic(d, 'ATOMIC_DELEVERAGE', () => deleverageInTx(d, order.lst, order.targetLtv, order.releaseEth));
      case 'loop_leverage':
        return loopLeverage(d, order);
      case 'transfer':
        this.transfers.start({ token: order.token, from: order.from, to: order.to, amount: order.amount, purpose: order.purpose }, this.ledger, d.stepIndex);
        return;
      default:
        return assertNever(order, 'order');
    }
  }

  /** Credits transfers whose latency has elapsed and starts their next leg. */
  settleArrivals(): void {
    this.transfers.settleArrivals(this.ledger, this.d.stepIndex);
  }

  settleFunding(): void {
    settleFunding(this.d);
  }

  creditReward(payout: RewardPayout, avgEethBalance: number, priceEth: number): boolean {
    return creditReward(this.d, payout, avgEethBalance, priceEth);
  }

  liquidateAave(lst: LstToken, healthFactor: number): void {
    liquidateAave(this.d, lst, healthFactor);
  }

  liquidateCex(venue: CexVenue, marginRatio: number): void {
    liquidateCex(this.d, venue, marginRatio);
  }
}
