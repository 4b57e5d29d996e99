import { assertNever } from '../errors/base.js';
import { RejectedError } from '../errors/families.js';
import type { GasOperation, RunParams } from '../domain/params.js';
import type { LstToken } from '../domain/tokens.js';
import type { CexVenue } from '../domain/venues.js';
import type { Order } from '../orders/order.js';
import type { RewardClaim } from '../domain/rewards.js';
import { parsePositionKey, type PositionKey } from '../domain/positionKey.js';
import type { BasisEvent } from '../events/types.js';
import type { MarketState } from '../components/marketState.js';
import { Book } from '../components/book.js';
import { TransferManager, type TransferLedger } from '../components/transferManager.js';
import { FILLED, PENDING, type CapitalFlowEvent, type ExecutionClient, type MarketSettlement, type OrderOutcome } from '../kernel/executionClient.js';
import type { KernelPorts } from '../kernel/kernel.js';
import { SimDesk } from './simulated/desk.js';
import { perpTrade, spotTrade } from './simulated/cex.js';
import { aaveBook, aaveBorrow, aaveRepay, aaveSupply, aaveWithdraw } from './simulated/aave.js';
import { claimUnstaked, dexSwap, requestUnstake, stake, wrapEth } from './simulated/staking.js';
import { atomic, deleverageInTx, leverageInTx, loopLeverage } from './simulated/leverage.js';
import { creditReward, liquidateAave, liquidateCex, settleFunding } from './simulated/settlement.js';
import { transferLedger } from './simulated/transfers.js';

/**
 * Simulated venues for a backtest: fills at the tick's price with venue fees, size-bucket slippage, gas at the step's gas
 * price × ETH price (paid from the wallet's ETH), CEX withdrawal fees and transfer latency. Costs can be
 * switched off for validation (--no-costs). Atomic groups apply every delta or none. Each operation family
 * lives in its own file under simulated/.
 *
 * The venues keep their own book of the accounts (what each venue holds) and report every change through the
 * kernel's report port, where the position monitor applies it: the kernel's positions never change otherwise.
 * Every answer is immediate, so `submit` returns a plain outcome (no promise per order).
 */
export class SimulatedExecution implements ExecutionClient, MarketSettlement {
  private readonly d: SimDesk;
  private readonly ledger: TransferLedger;
  private readonly transfers: TransferManager;

  constructor(params: RunParams, ports: KernelPorts, costsOn: boolean) {
    const book = new Book(params.mode.positions);
    this.d = new SimDesk(params, book, ports.reports, costsOn);
    this.transfers = new TransferManager(params, book, ports.exposure, costsOn);
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

  at(m: MarketState): void {
    this.d.m = m;
  }

  gasEthFor(op: GasOperation): number {
    return this.d.gasEthFor(op);
  }

  aaveBook(lst: LstToken): { collateralEth: number; debtEth: number } {
    return aaveBook(this.d, lst);
  }

  submit(order: Order, parent: number | undefined): OrderOutcome {
    this.d.parent = parent;
    this.d.inOrder = true;
    try {
      this.dispatch(order);
      this.d.closeOpen();
      return order.kind === 'transfer' ? PENDING : FILLED;
    } catch (err) {
      // A refusal moved nothing the kernel saw; take back what the venue began. Anything else stops the run.
      if (!(err instanceof RejectedError)) throw err;
      this.d.undoOpen();
      return { status: 'rejected', error: err };
    } finally {
      this.d.parent = undefined;
      this.d.inOrder = false;
    }
  }

  /** Submits and throws the refusal, for callers that treat a refused order as an error. */
  execute(order: Order, parent?: number): void {
    const outcome = this.submit(order, parent);
    if (outcome.status === 'rejected') throw outcome.error;
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
        this.transfers.start({ token: order.token, from: order.from, to: order.to, amount: order.amount, purpose: order.purpose }, this.ledger, d.m.timestampMs);
        return;
      default:
        return assertNever(order, 'order');
    }
  }

  /** Credits transfers whose latency has elapsed and starts their next leg. */
  settleArrivals(): void {
    this.transfers.settleArrivals(this.ledger, this.d.m.timestampMs);
    this.d.closeOpen();
  }

  settleFunding(): void {
    settleFunding(this.d);
    this.d.closeOpen();
  }

  creditReward(claim: RewardClaim): boolean {
    const credited = creditReward(this.d, claim);
    this.d.closeOpen();
    return credited;
  }

  liquidateAave(healthFactor: number): void {
    liquidateAave(this.d, healthFactor);
    this.d.closeOpen();
  }

  capitalFlow(type: CapitalFlowEvent, key: PositionKey, amount: number, details: BasisEvent['details']): number {
    const tx = this.d.tx();
    tx.move(key, amount);
    const { venue, symbol } = parsePositionKey(key);
    const order = this.d.emit(type, tx, { venue, token: symbol, ...(details ? { details } : {}) });
    this.d.closeOpen();
    return order;
  }

  /** The venues' side of the accounts (what each venue holds), for tests that set up a venue state directly. */
  get venueBook(): Book {
    return this.d.pm;
  }

  liquidateCex(venue: CexVenue, marginRatio: number): void {
    liquidateCex(this.d, venue, marginRatio);
    this.d.closeOpen();
  }
}
