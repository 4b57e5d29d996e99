import type { LeverageParams } from '../domain/params.js';
import type { LstToken } from '../domain/tokens.js';
import type { Order } from '../orders/order.js';
import { LST_IDX } from '../components/slots.js';
import type { StrategyContext } from './strategy.js';
import { entryOrder, leverableEth, ltvBandOrder, targetLtv } from './leverage.js';

/**
 * The on-chain half of a hedged staking mode: how wallet ETH goes in, how ETH comes back out for margin or gas, what
 * keeps it in shape and how an emergency unwinds it. The hedge, margin and phase logic around it is the same for the
 * leveraged book (usdt_market_neutral) and the plain one (usdt_market_neutral_no_leverage).
 */
export interface StakingBook {
  readonly lst: LstToken;
  /** What entering does, for the decision's detail ("lever the ETH to LTV 0.9094"). */
  describeEntry(ctx: StrategyContext): string;
  /** The verb of the idle-ETH rebalance ("lever", "stake"). */
  readonly verb: string;
  /** Wallet ETH above max(gas float, this share of the long ETH) goes into the book. */
  readonly idleEthFraction: number;
  /** The book's net ETH (LST value less debt), which a withdrawal releases a fraction of. */
  netEth(ctx: StrategyContext): number;
  /** Wallet ETH the book can take now: all but `floatEth` and the entry's own gas. */
  deployable(ctx: StrategyContext, floatEth: number): number;
  enter(ctx: StrategyContext, inputEth: number): Order;
  /** Leaves about `releaseEth` more ETH in the wallet. */
  release(ctx: StrategyContext, releaseEth: number): Order;
  /** True while the book holds something `release` can take from. */
  canRelease(ctx: StrategyContext): boolean;
  /** An order that keeps the book in its band (LTV), or null. */
  maintain(ctx: StrategyContext): { order: Order; why: string } | null;
  /** Orders turning the book into wallet LST and ETH, which the emergency then sells. */
  unwind(ctx: StrategyContext): Order[];
}

/** LST supplied on AAVE under e-mode against WETH debt, at λ = e-mode LTV × (1 − buffer). */
export function leveragedBook(lst: LstToken, lev: LeverageParams): StakingBook {
  const ltv = (ctx: StrategyContext): number => targetLtv(ctx.params.aave, lev);
  return {
    lst,
    verb: 'lever',
    idleEthFraction: lev.idleEthFraction,
    describeEntry: (ctx) => `lever the ETH to LTV ${ltv(ctx).toFixed(4)}`,
    netEth: (ctx) => {
      const aave = ctx.costs.aaveBook(lst);
      return aave.collateralEth - aave.debtEth + walletLstEth(ctx, lst);
    },
    deployable: (ctx, floatEth) => leverableEth(ctx, floatEth),
    enter: (ctx, inputEth) => entryOrder(lst, lev, inputEth, ltv(ctx)),
    release: (ctx, releaseEth) => ({ kind: 'atomic_deleverage', lst, targetLtv: ltv(ctx), releaseEth }),
    canRelease: (ctx) => ctx.exposure.aaveDebtEth > 0,
    maintain: (ctx) => ltvBandOrder(ctx, lst, lev),
    unwind: (ctx) => (ctx.exposure.aaveDebtEth > 0 ? [{ kind: 'atomic_deleverage', lst, targetLtv: 0, releaseEth: Infinity }] : []),
  };
}

/**
 * The LST held in the wallet. ETH comes back out by selling LST on a DEX: the protocol's unstake queue takes days,
 * margin support cannot wait for it.
 */
export function walletBook(lst: LstToken, idleEthFraction: number): StakingBook {
  const key = `wallet:BaseToken:${lst}`;
  return {
    lst,
    verb: 'stake',
    idleEthFraction,
    describeEntry: () => `stake the ETH into ${lst}`,
    netEth: (ctx) => walletLstEth(ctx, lst),
    deployable: (ctx, floatEth) => ctx.positions.amount('wallet:BaseToken:ETH') - floatEth - ctx.costs.gasEthFor('STAKE_DEPOSIT'),
    enter: (_ctx, inputEth) => ({ kind: 'stake', lst, amountEth: inputEth }),
    release: (ctx, releaseEth) => ({ kind: 'dex_swap', from: lst, to: 'ETH', amountIn: Math.min(ctx.positions.amount(key), releaseEth / (ctx.m.lstRate[LST_IDX[lst]] as number)) }),
    canRelease: (ctx) => ctx.positions.amount(key) > 0,
    maintain: () => null,
    unwind: () => [],
  };
}

/** ETH value of the LST held in the wallet, at the oracle exchange rate. */
function walletLstEth(ctx: StrategyContext, lst: LstToken): number {
  const key = `wallet:BaseToken:${lst}`;
  return ctx.positions.has(key) ? ctx.positions.amount(key) * (ctx.m.lstRate[LST_IDX[lst]] as number) : 0;
}
