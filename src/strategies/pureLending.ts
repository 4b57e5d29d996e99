import type { GasFloatParams } from '../domain/params.js';
import type { Decision, FlowAnswer, Strategy, StrategyContext } from './strategy.js';
import { gasFloatTopUp } from './common.js';
import { AAVE_IDX } from '../components/slots.js';

/** pure_lending: supply the share class's stablecoin on AAVE v3 (domain.md §3.2). */
export interface PureLendingParams {
  readonly kind: 'pure_lending';
  readonly lendingAsset: 'USDT';
  readonly gasFloat: GasFloatParams;
}

declare module '../domain/params.js' {
  interface StrategyParamsByMode {
    pure_lending: PureLendingParams;
  }
}

type Params = PureLendingParams;

/** Supply all USDT to AAVE v3 and hold; interest accrues in the liquidity index, so there is nothing to trade. */
export class PureLendingStrategy implements Strategy {
  halted = false;
  /** Slot of the wallet's USDT, looked up on the first step: decide reads it every step. */
  private idleSlot = -1;
  constructor(private readonly p: Params) {}

  decide(ctx: StrategyContext): Decision | null {
    if (this.idleSlot < 0) this.idleSlot = ctx.positions.slotOf('wallet:BaseToken:USDT');
    const idle = ctx.positions.amounts[this.idleSlot] as number;
    // Only idle wallet cash triggers action (deposits); index growth never does.
    if (idle <= 1e-6) return null;
    return this.supply(idle);
  }

  /** Built outside decide, which runs every step: its closures would make decide allocate a context per call. */
  private supply(idle: number): Decision {
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
