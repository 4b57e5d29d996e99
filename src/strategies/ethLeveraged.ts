import type { GasFloatParams, LeverageParams, LstParams } from '../domain/params.js';
import type { Decision, FlowAnswer, Strategy, StrategyContext } from './strategy.js';
import { entryOrder, leverableEth, ltvBandOrder, targetLtv } from './leverage.js';
import { RELEASE_MARGIN, floatEth } from './common.js';
import { PositionRef } from '../components/positionRef.js';

/** eth_leveraged: LST collateral against WETH debt in AAVE e-mode, unhedged (domain.md §3.7). */
export interface EthLeveragedParams {
  readonly kind: 'eth_leveraged';
  readonly lst: LstParams;
  readonly leverage: LeverageParams;
  readonly gasFloat: GasFloatParams;
}

declare module '../domain/params.js' {
  interface StrategyParamsByMode {
    eth_leveraged: EthLeveragedParams;
  }
}

type Params = EthLeveragedParams;

/**
 * Stake ETH into the LST, supply it under e-mode, borrow WETH and restake to λ (flash-loan entry or loop).
 * Net ETH stays equal to equity; leverage multiplies the carry (y − b·λ)/(1 − λ). Holds LTV in its band
 * and keeps a wallet ETH float for gas, released from the book when it runs low.
 */
export class EthLeveragedStrategy implements Strategy {
  halted = false;
  private entered = false;
  private readonly walletEth = new PositionRef('wallet:BaseToken:ETH');
  constructor(private readonly p: Params) {}

  /**
   * Every step. It only tests the triggers: each decision is built by a method that takes the context alone and
   * works out its own figures (see docs/kernel.md, "Hot path": a number computed here and handed to a rarely
   * taken branch is boxed at every step).
   */
  decide(ctx: StrategyContext): Decision | null {
    if (this.halted) return null;
    if (this.entered && ctx.risk.hfLevel === 'breach') {
      this.halted = true;
      return this.emergency(ctx);
    }
    if (!this.entered) {
      this.entered = true;
      return this.enter(ctx);
    }
    const band = ltvBandOrder(ctx, this.p.lst.token, this.p.leverage);
    if (band) return { reason: 'rebalance', detail: band.why, orders: [band.order] };
    // Rewards land as wallet ETH: above the threshold they join the book. The entry's gas only lowers what can be
    // levered, so a wallet at or below the threshold before gas needs no gas estimate.
    const walletEth = this.walletEth.amount(ctx.positions);
    if (walletEth - floatEth(ctx, this.p.gasFloat) > this.idleThreshold(ctx)) {
      const idle = this.leverIdle(ctx);
      if (idle) return idle;
    }
    if (ctx.costsOn && walletEth < this.p.gasFloat.minEth && ctx.exposure.aaveDebtEth > 0) return this.releaseForGas(ctx);
    return null;
  }

  /** Idle wallet ETH above this joins the book. */
  private idleThreshold(ctx: StrategyContext): number {
    return Math.max(this.p.gasFloat.targetEth, this.p.leverage.idleEthFraction * ctx.exposure.longEth);
  }

  private enter(ctx: StrategyContext): Decision {
    const ltv = targetLtv(ctx.params.aave, this.p.leverage);
    const input = leverableEth(ctx, floatEth(ctx, this.p.gasFloat));
    return { reason: 'entry', detail: `lever ${input.toFixed(4)} ETH to LTV ${ltv.toFixed(4)}`, orders: [entryOrder(this.p.lst.token, this.p.leverage, input, ltv)] };
  }

  /** Levers the idle wallet ETH, or null when the entry's gas leaves it at or below the threshold. */
  private leverIdle(ctx: StrategyContext): Decision | null {
    const idle = leverableEth(ctx, floatEth(ctx, this.p.gasFloat));
    if (!(idle > this.idleThreshold(ctx))) return null;
    return { reason: 'rebalance', detail: `lever ${idle.toFixed(4)} idle wallet ETH`, orders: [entryOrder(this.p.lst.token, this.p.leverage, idle, targetLtv(ctx.params.aave, this.p.leverage))] };
  }

  /** Tops the gas float up from the book: a flash deleverage at the target LTV leaving the ETH in the wallet. */
  private releaseForGas(ctx: StrategyContext): Decision {
    const release = this.p.gasFloat.targetEth - this.walletEth.amount(ctx.positions);
    return {
      reason: 'gas_float',
      detail: `release ${release.toFixed(4)} ETH for gas`,
      orders: [{ kind: 'atomic_deleverage', lst: this.p.lst.token, targetLtv: targetLtv(ctx.params.aave, this.p.leverage), releaseEth: release }],
    };
  }

  /** Full flash deleverage, then the LST it leaves in the wallet sold for ETH. */
  private emergency(ctx: StrategyContext): Decision {
    const lst = this.p.lst.token;
    return {
      reason: 'emergency',
      detail: `health factor ${ctx.risk.healthFactor.toFixed(4)} below ${ctx.params.mode.risk.healthFactorEmergency}`,
      orders: [
        { kind: 'atomic_deleverage', lst, targetLtv: 0, releaseEth: Infinity },
        (c) => {
          const left = c.positions.amount(`wallet:BaseToken:${lst}`);
          return left > 0 ? { kind: 'dex_swap', from: lst, to: 'ETH', amountIn: left } : null;
        },
      ],
    };
  }

  /** A deposit of ETH is levered into the book at the target LTV, as the entry was. */
  deploy(ctx: StrategyContext): FlowAnswer {
    if (this.halted) return null;
    if (!this.entered) return 'wait';
    const ltv = targetLtv(ctx.params.aave, this.p.leverage);
    const input = leverableEth(ctx, floatEth(ctx, this.p.gasFloat));
    if (!(input > 0)) return null;
    return { reason: 'deposit', detail: `lever ${input.toFixed(4)} deposited ETH to LTV ${ltv.toFixed(4)}`, orders: [entryOrder(this.p.lst.token, this.p.leverage, input, ltv)] };
  }

  /**
   * Shrinks the levered book 1:1 in one flash deleverage that keeps the target LTV and leaves the ETH in the
   * wallet. The swap inside costs a little, so a little more is released; what is left over stays as wallet ETH.
   */
  release(ctx: StrategyContext, amountShare: number): FlowAnswer {
    if (this.halted) {
      const lst = this.p.lst.token;
      const units = ctx.positions.amount(`wallet:BaseToken:${lst}`);
      return units > 0 ? { reason: 'withdrawal', detail: `sell ${units.toFixed(4)} ${lst} for a withdrawal`, orders: [{ kind: 'dex_swap', from: lst, to: 'ETH', amountIn: units }] } : null;
    }
    if (!this.entered) return 'wait';
    const ltv = targetLtv(ctx.params.aave, this.p.leverage);
    const releaseEth = amountShare * (1 + RELEASE_MARGIN) + (ctx.costsOn ? ctx.costs.gasEthFor('ATOMIC_DELEVERAGE_ONE_SWAP') : 0);
    return {
      reason: 'withdrawal',
      detail: `deleverage to release ${releaseEth.toFixed(4)} ETH for a withdrawal`,
      orders: [{ kind: 'atomic_deleverage', lst: this.p.lst.token, targetLtv: ltv, releaseEth }],
    };
  }
}
