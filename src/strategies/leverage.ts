import type { AaveParams, LeverageParams } from '../domain/params.js';
import type { LstToken } from '../domain/tokens.js';
import type { Order } from '../orders/order.js';
import type { StrategyContext } from './strategy.js';

/** λ = e-mode max LTV × (1 − buffer): the buffer is the largest adverse LST/ETH oracle move to absorb. */
export function targetLtv(aave: AaveParams, lev: LeverageParams): number {
  return aave.emode.ltv * (1 - lev.targetLtvBuffer);
}

export function entryOrder(lst: LstToken, lev: LeverageParams, inputEth: number, ltv: number): Order {
  return lev.entryMethod === 'atomic'
    ? { kind: 'atomic_leverage', lst, inputEth, targetLtv: ltv }
    : { kind: 'loop_leverage', lst, inputEth, targetLtv: ltv, minBorrowEth: lev.loopMinBorrowEth, maxIterations: lev.loopMaxIterations };
}

/**
 * Keeps LTV inside [λ − releverBand, λ + deleverBand]: carry moves it slowly (LTV drifts at about b − y a
 * year), oracle moves of the LST rate quickly. Returns the order and why, or null inside the band. It works out
 * the target itself: the strategies ask every tick, and a number passed to a call V8 does not inline is boxed.
 */
export function ltvBandOrder(ctx: StrategyContext, lst: LstToken, lev: LeverageParams): { order: Order; why: string } | null {
  const ltv = targetLtv(ctx.params.aave, lev);
  const cur = ctx.risk.ltv;
  if (ctx.exposure.aaveDebtEth <= 0) return null;
  if (cur > ltv + lev.deleverBand) {
    return { order: { kind: 'atomic_deleverage', lst, targetLtv: ltv, releaseEth: 0 }, why: `LTV ${cur.toFixed(4)} above ${(ltv + lev.deleverBand).toFixed(4)}` };
  }
  if (cur < ltv - lev.releverBand) {
    return { order: { kind: 'atomic_leverage', lst, inputEth: 0, targetLtv: ltv }, why: `LTV ${cur.toFixed(4)} below ${(ltv - lev.releverBand).toFixed(4)}` };
  }
  return null;
}

/** Wallet ETH that can go into the book: all of it but the gas float and the gas of the entry itself. */
export function leverableEth(ctx: StrategyContext, floatEth: number): number {
  const gas = ctx.costs.gasEthFor('ATOMIC_ENTRY') + ctx.costs.gasEthFor('SET_EMODE_ONCE');
  return ctx.positions.amount('wallet:BaseToken:ETH') - floatEth - gas;
}
