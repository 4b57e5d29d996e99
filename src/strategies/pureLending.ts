import type { StrategyParams } from '../domain/params.js';
import type { Decision, FlowAnswer, Strategy, StrategyContext } from './strategy.js';
import { gasFloatTopUp } from './common.js';
import { AAVE_IDX } from '../components/slots.js';

type Params = Extract<StrategyParams, { kind: 'pure_lending' }>;

/** Supply all USDT to AAVE v3 and hold; interest accrues in the liquidity index, so there is nothing to trade. */
export class PureLendingStrategy implements Strategy {
  halted = false;
  constructor(private readonly p: Params) {}

  decide(ctx: StrategyContext): Decision | null {
    const idle = ctx.positions.amount('wallet:BaseToken:USDT');
    // Only idle wallet cash triggers action (deposits); index growth never does.
    if (idle <= 1e-6) return null;
    return {
      reason: 'entry',
      detail: `supply ${idle.toFixed(2)} idle USDT`,
      orders: [
        (c) => gasFloatTopUp(c, this.p.gasFloat),
        (c) => ({ kind: 'aave_supply', asset: 'USDT', amount: c.positions.amount('wallet:BaseToken:USDT') }),
      ],
    };
  }

  /** A deposit is idle wallet cash: supplied like the entry (decide would do the same at this step). */
  deploy(ctx: StrategyContext): FlowAnswer {
    const d = this.decide(ctx);
    return d === null ? null : { ...d, reason: 'deposit' };
  }

  /** The whole book is the supplied USDT: withdraw what is missing (gas comes from the ETH float). */
  release(ctx: StrategyContext, amountShare: number): FlowAnswer {
    const supplied = ctx.positions.amount('aave_v3:aToken:aUSDT') * (ctx.m.liquidityIndex[AAVE_IDX.USDT] as number);
    if (!(supplied > 0)) return null;
    return {
      reason: 'withdrawal',
      detail: `withdraw ${amountShare.toFixed(2)} USDT from AAVE for a withdrawal`,
      orders: [{ kind: 'aave_withdraw', asset: 'USDT', amount: amountShare < supplied ? amountShare : Infinity }],
    };
  }
}
