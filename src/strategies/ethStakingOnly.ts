import type { GasFloatParams, LstParams } from '../domain/params.js';
import type { Order } from '../orders/order.js';
import { LST_IDX } from '../components/slots.js';
import type { Decision, DecisionReason, FlowAnswer, Strategy, StrategyContext } from './strategy.js';
import { RELEASE_MARGIN, floatEth } from './common.js';
import { PositionRef } from '../components/positionRef.js';

/** How the staking book leaves its LST. */
export interface StakingExitParams {
  /** queue: redeem at the exchange rate through the protocol's withdrawal queue; dex: sell the LST for ETH now. */
  readonly route: 'queue' | 'dex';
  /** Delay between a withdrawal request and its claim (EtherFi: 7 days; Lido: days). */
  readonly queueDelayHours: number;
  /** Unwind the whole book at this instant (ISO, UTC when no zone is given); null: hold to the end. */
  readonly at: string | null;
  /** Emergency exit when the LST/ETH exchange rate falls this far below its highest value so far (slashing). */
  readonly rateDrawdown: number;
}

/** eth_staking_only: all capital staked into one LST, unlevered and unhedged, ETH share class (domain.md §3.6). */
export interface EthStakingOnlyParams {
  readonly kind: 'eth_staking_only';
  readonly lst: LstParams;
  readonly exit: StakingExitParams;
  /** Wallet ETH (rewards) above max(gas float target, this share of the staked ETH) is staked. */
  readonly restakeFraction: number;
  readonly gasFloat: GasFloatParams;
}

declare module '../domain/params.js' {
  interface StrategyParamsByMode {
    eth_staking_only: EthStakingOnlyParams;
  }
}

/**
 * Stakes the wallet's ETH beyond the gas float into the LST (minted at the exchange rate, which carries the staking
 * yield), restakes rewards once they are worth it, and exits through the withdrawal queue or a DEX: at a scheduled
 * instant, or as an emergency when the exchange rate falls below its peak by more than the configured drawdown.
 * A queued exit is claimed once its delay has elapsed.
 */
export class EthStakingOnlyStrategy implements Strategy {
  halted = false;
  private entered = false;
  private peakRate = 0;
  /** When the queued exit can be claimed; NaN when nothing waits. */
  private claimableMs = Number.NaN;
  private readonly walletEth = new PositionRef('wallet:BaseToken:ETH');
  /** The wallet's LST, which the book holds. */
  private readonly staked: PositionRef;

  /** `exitAtMs`: `exit.at` as epoch ms (null: no scheduled exit). */
  constructor(
    private readonly p: EthStakingOnlyParams,
    private readonly exitAtMs: number | null,
  ) {
    this.staked = new PositionRef(`wallet:BaseToken:${p.lst.token}`);
  }

  decide(ctx: StrategyContext): Decision | null {
    const lst = this.p.lst.token;
    const now = ctx.m.timestampMs;
    if (this.halted) {
      if (!(this.claimableMs <= now)) return null;
      this.claimableMs = Number.NaN;
      return { reason: 'exit', detail: `claim the queued ${lst} withdrawal`, orders: [{ kind: 'lst_claim', lst }] };
    }
    const rate = ctx.m.lstRate[LST_IDX[lst]] as number;
    if (rate > this.peakRate) this.peakRate = rate;
    if (this.entered) {
      const drop = 1 - rate / this.peakRate;
      if (drop > this.p.exit.rateDrawdown) return this.exit(ctx, 'emergency', `${lst}/ETH rate ${rate.toFixed(6)} is ${(drop * 100).toFixed(3)} % below its peak ${this.peakRate.toFixed(6)}`);
      if (this.exitAtMs !== null && now >= this.exitAtMs) return this.exit(ctx, 'exit', `scheduled exit at ${this.p.exit.at}`);
    }
    const float = floatEth(ctx, this.p.gasFloat);
    const wallet = this.walletEth.amount(ctx.positions);
    if (!this.entered) {
      this.entered = true;
      const idle = wallet - float - ctx.costs.gasEthFor('STAKE_DEPOSIT');
      if (!(idle > 0)) return null;
      return { reason: 'entry', detail: `stake ${idle.toFixed(6)} ETH into ${lst}`, orders: [{ kind: 'stake', lst, amountEth: idle }] };
    }
    const threshold = Math.max(this.p.gasFloat.targetEth, this.p.restakeFraction * this.staked.amount(ctx.positions) * rate);
    // The stake's gas only lowers what can be staked: a wallet at or below the threshold before gas needs no estimate.
    if (wallet - float > threshold) {
      const idle = wallet - float - ctx.costs.gasEthFor('STAKE_DEPOSIT');
      if (idle > threshold) return { reason: 'rebalance', detail: `stake ${idle.toFixed(6)} idle wallet ETH`, orders: [{ kind: 'stake', lst, amountEth: idle }] };
    }
    if (ctx.costsOn && wallet < this.p.gasFloat.minEth) {
      // Sell just enough LST for the float; the DEX's cost and the swap's gas come out of what it buys.
      const needEth = this.p.gasFloat.targetEth - wallet + ctx.costs.gasEthFor('TOKEN_SWAP');
      const units = Math.min(ctx.positions.amount(`wallet:BaseToken:${lst}`), needEth / rate / (1 - this.p.lst.exitDiscount));
      if (units > 0) return { reason: 'gas_float', detail: `sell ${units.toFixed(6)} ${lst} for gas`, orders: [{ kind: 'dex_swap', from: lst, to: 'ETH', amountIn: units }] };
    }
    return null;
  }

  /** Unwinds the whole LST balance by the configured route; no entry afterwards. */
  private exit(ctx: StrategyContext, reason: DecisionReason, detail: string): Decision {
    const lst = this.p.lst.token;
    this.halted = true;
    const units = ctx.positions.amount(`wallet:BaseToken:${lst}`);
    const route = this.p.exit.route;
    if (route === 'queue') this.claimableMs = ctx.m.timestampMs + this.p.exit.queueDelayHours * 3_600_000;
    const order: Order =
      route === 'queue' ? { kind: 'lst_unstake', lst, amountLst: units, delayHours: this.p.exit.queueDelayHours } : { kind: 'dex_swap', from: lst, to: 'ETH', amountIn: units };
    return { reason, detail: `${detail}: ${route === 'queue' ? 'withdrawal queue' : 'DEX sale'} of ${units.toFixed(6)} ${lst}`, orders: units > 0 ? [order] : [] };
  }

  /** A deposit is idle wallet ETH: staked into the LST like the entry (after an exit, it stays in the wallet). */
  deploy(ctx: StrategyContext): FlowAnswer {
    if (this.halted) return null;
    const lst = this.p.lst.token;
    const idle = ctx.positions.amount('wallet:BaseToken:ETH') - floatEth(ctx, this.p.gasFloat) - ctx.costs.gasEthFor('STAKE_DEPOSIT');
    return idle > 0 ? { reason: 'deposit', detail: `stake the deposited ${idle.toFixed(6)} ETH into ${lst}`, orders: [{ kind: 'stake', lst, amountEth: idle }] } : null;
  }

  /**
   * A withdrawal is paid at once by selling the missing LST on a DEX (the queue would make the investor wait its
   * delay); its discount and slippage are booked, a little more is sold to cover them.
   */
  release(ctx: StrategyContext, amountShare: number): FlowAnswer {
    const lst = this.p.lst.token;
    const held = ctx.positions.amount(`wallet:BaseToken:${lst}`);
    if (!(held > 0)) return null;
    const rate = ctx.m.lstRate[LST_IDX[lst]] as number;
    const units = Math.min(held, (amountShare * (1 + RELEASE_MARGIN) + ctx.costs.gasEthFor('TOKEN_SWAP')) / rate / (1 - this.p.lst.exitDiscount));
    return { reason: 'withdrawal', detail: `sell ${units.toFixed(6)} ${lst} on a DEX for a withdrawal`, orders: [{ kind: 'dex_swap', from: lst, to: 'ETH', amountIn: units }] };
  }
}
