import type { GasFloatParams } from '../domain/params.js';
import type { Decision, FlowAnswer, Strategy, StrategyContext } from './strategy.js';
import { AAVE_IDX } from '../components/slots.js';
import { floatEth } from './common.js';

/** pure_lending_eth: wrap ETH and supply WETH on AAVE v3, ETH share class (domain.md §3.3). */
export interface PureLendingEthParams {
  readonly kind: 'pure_lending_eth';
  /** Wallet ETH kept unwrapped for gas (the share-class token is the gas token: no swap needed). */
  readonly gasFloat: GasFloatParams;
}

declare module '../domain/params.js' {
  interface StrategyParamsByMode {
    pure_lending_eth: PureLendingEthParams;
  }
}

/** Below this, idle wallet ETH is float noise, not a deposit worth a wrap and a supply. */
const DUST_ETH = 1e-9;

/**
 * Wraps the wallet's ETH beyond the gas float into WETH and supplies it on AAVE v3; interest accrues in the WETH
 * liquidity index, so there is nothing to trade afterwards. Only idle wallet ETH (a deposit) triggers action.
 */
export class PureLendingEthStrategy implements Strategy {
  halted = false;
  /** Slot of the wallet's ETH, looked up on the first step: decide reads it every step. */
  private ethSlot = -1;
  constructor(private readonly p: PureLendingEthParams) {}

  decide(ctx: StrategyContext): Decision | null {
    if (this.ethSlot < 0) this.ethSlot = ctx.positions.slotOf('wallet:BaseToken:ETH');
    const idle = (ctx.positions.amounts[this.ethSlot] as number) - floatEth(ctx, this.p.gasFloat);
    if (idle <= DUST_ETH) return null;
    return {
      reason: 'entry',
      detail: `wrap and supply ${idle.toFixed(6)} idle ETH`,
      orders: [
        { kind: 'wrap_eth', amountEth: idle },
        (c) => ({ kind: 'aave_supply', asset: 'WETH', amount: c.positions.amount('wallet:BaseToken:WETH'), walletToken: 'WETH' }),
      ],
    };
  }

  /** A deposit is idle wallet ETH: wrapped and supplied like the entry. */
  deploy(ctx: StrategyContext): FlowAnswer {
    const d = this.decide(ctx);
    return d === null ? null : { ...d, reason: 'deposit' };
  }

  /**
   * The book is the supplied WETH: withdraw what is missing as ETH into the wallet. The share class is the gas token,
   * so the withdrawal's own gas comes out of the same ETH: it is withdrawn too, or the payment would fall short by it.
   */
  release(ctx: StrategyContext, amountShare: number): FlowAnswer {
    const supplied = ctx.positions.amount('aave_v3:aToken:aWETH') * (ctx.m.liquidityIndex[AAVE_IDX.WETH] as number);
    if (!(supplied > 0)) return null;
    const need = amountShare + ctx.costs.gasEthFor('COLLATERAL_WITHDRAWN');
    return {
      reason: 'withdrawal',
      detail: `withdraw ${need.toFixed(6)} ETH from AAVE for a withdrawal`,
      orders: [{ kind: 'aave_withdraw', asset: 'WETH', amount: need < supplied ? need : Infinity, walletToken: 'ETH' }],
    };
  }
}
