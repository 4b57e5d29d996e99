import type { GasFloatParams, PerpHedgeParams } from '../domain/params.js';
import type { CexVenue } from '../domain/venues.js';
import type { Order } from '../orders/order.js';
import { CEX_LIST } from '../components/slots.js';
import type { Decision, OrderStep, Strategy, StrategyContext } from './strategy.js';
import { affordableBase, closeAllPerps, collateralMoves, fundingTransfers, gasFloatTopUp, hedgeOrders, minMove, redeployPlan, worstMarginRatio } from './common.js';

/** btc_basis: BTC spot long against perp shorts split over the CEXs (domain.md §3.4). */
export interface BtcBasisParams {
  readonly kind: 'btc_basis';
  readonly spotVenue: CexVenue;
  readonly hedge: PerpHedgeParams;
  /** Resize both legs when equity moved by more than this since the last rebalance. */
  readonly equityDeviation: number;
  readonly gasFloat: GasFloatParams;
}

declare module '../domain/params.js' {
  interface StrategyParamsByMode {
    btc_basis: BtcBasisParams;
  }
}

type Params = BtcBasisParams;

/**
 * Long BTC spot on the spot venue, short the same BTC in perps split by the hedge allocation; margin on each
 * venue. Sizing: spot N and collateral M = N·r with E = N + M, so N = E/(1+r). The operational loop:
 * margin falls on a rally → sell spot and shrink shorts to the new target, then move the freed USDT to
 * the venues that need it; equity drifts (funding) → resize both legs.
 */
export class BtcBasisStrategy implements Strategy {
  halted = false;
  private phase: 'idle' | 'funding' | 'active' | 'gathering' = 'idle';
  private lastRebalanceEquity = 0;

  constructor(private readonly p: Params) {}

  decide(ctx: StrategyContext): Decision | null {
    const { risk, exposure } = ctx;
    const h = this.p.hedge;
    if (this.phase === 'active') {
      for (let c = 0; c < 3; c++) {
        if (risk.marginLevel[c] === 'breach') return this.emergency(ctx, `${CEX_LIST[c]} margin ratio ${(risk.marginRatio[c] as number).toFixed(4)} below emergency ${ctx.params.mode.risk.marginRatioEmergency}`);
      }
    }
    if (ctx.positions.inFlight.length > 0 || this.halted) return null;
    const E = exposure.equity;
    const N = E / (1 + h.targetMarginRatio);
    const M = E - N;
    if (this.phase === 'idle') {
      this.phase = 'funding';
      const orders: OrderStep[] = [
        (c) => gasFloatTopUp(c, this.p.gasFloat),
        // Split what the wallet holds after buying the gas float; gas for the sends comes from that float.
        (c) => fundingTransfers(c, (usdt) => {
          const n = usdt / (1 + h.targetMarginRatio);
          return CEX_LIST.map((v) => (usdt - n) * h.hedgeAllocation[v] + (v === this.p.spotVenue ? n : 0));
        }),
      ];
      return { reason: 'entry', detail: `fund venues: spot ${N.toFixed(2)} USDT, margin ${M.toFixed(2)} USDT`, orders };
    }
    if (this.phase === 'funding' || this.phase === 'gathering') {
      const redeploy = this.phase === 'gathering';
      this.phase = 'active';
      if (redeploy) {
        this.lastRebalanceEquity = E;
        return { reason: 'rebalance', detail: 'excess margin gathered at the spot venue: resize both legs', orders: this.legs(ctx, N) };
      }
      this.lastRebalanceEquity = E;
      return { reason: 'entry', detail: 'buy spot and open shorts at the same step', orders: this.legs(ctx, N) };
    }
    // Active: margin, then equity drift, then delta drift; then collateral distribution.
    const worst = worstMarginRatio(ctx);
    if (worst > h.redeployMarginRatio && Number.isFinite(worst)) {
      const plan = redeployPlan(ctx, h, this.p.spotVenue, minMove(h, E));
      if (plan.usdt > 0) {
        this.phase = 'gathering';
        return { reason: 'rebalance', detail: `margin ratio ${worst.toFixed(4)} above ${h.redeployMarginRatio} on every venue: gather ${plan.usdt.toFixed(2)} USDT at ${this.p.spotVenue} to grow both legs`, orders: plan.transfers };
      }
    }
    const drift = Math.abs(E - this.lastRebalanceEquity) / this.lastRebalanceEquity;
    if (worst < ctx.params.mode.risk.marginRatioRebalance || drift > this.p.equityDeviation) {
      this.lastRebalanceEquity = E;
      return {
        reason: 'rebalance',
        detail: worst < ctx.params.mode.risk.marginRatioRebalance ? `margin ratio ${worst.toFixed(4)} below ${ctx.params.mode.risk.marginRatioRebalance}` : `equity moved ${(drift * 100).toFixed(2)}% since last rebalance`,
        orders: this.legs(ctx, N),
      };
    }
    if (risk.deltaRatio > h.deltaTolerance) {
      return { reason: 'delta', detail: `net BTC delta ${(risk.deltaRatio * 100).toFixed(2)}% of the hedge`, orders: hedgeOrders(ctx, h.hedgeAllocation, 'BTCUSDT', exposure.longBtc) };
    }
    // Only move collateral when a venue is meaningfully under target (avoids shuffling on noise).
    const moves = worst < h.redistributeMarginRatio ? collateralMoves(ctx, h.targetMarginRatio, minMove(h, E), 'margin distribution') : [];
    if (moves.length > 0) return { reason: 'margin_support', detail: `bring every venue back to margin ratio ${h.targetMarginRatio}`, orders: moves };
    return null;
  }

  /** Spot to N/P on the spot venue and shorts to the same size split by allocation. */
  private legs(ctx: StrategyContext, notionalUsdt: number): Decision['orders'] {
    const target = notionalUsdt / ctx.m.btcPx;
    const venue = this.p.spotVenue;
    const spotKey = `${venue}:BaseToken:BTC`;
    return [
      (c) => {
        const have = c.positions.amount(spotKey);
        // Below the venue's minimum order there is nothing to send.
        if (Math.abs(target - have) * c.m.btcPx < c.params.cex[venue].minOrderUsdt) return null;
        if (target < have) return { kind: 'spot_trade', venue, pair: 'BTCUSDT', side: 'sell', sizeBase: have - target };
        // Buy only what the venue's USDT pays for (fees and slippage included) beyond the margin its own short
        // needs once the hedge has followed: spending that margin left the venue's short with nothing to pay
        // fees and funding from. The rest waits for collateral moves.
        const h = this.p.hedge;
        const reserve = h.targetMarginRatio * h.hedgeAllocation[venue] * target * c.m.btcPx;
        const size = Math.min(target - have, affordableBase(c, venue, 'BTCUSDT', c.positions.amount(`${venue}:BaseToken:USDT`) - reserve));
        return size > 1e-9 ? { kind: 'spot_trade', venue, pair: 'BTCUSDT', side: 'buy', sizeBase: size } : null;
      },
      // The hedge follows the spot actually held, so delta stays neutral whatever the buy could afford.
      (c) => hedgeOrders(c, this.p.hedge.hedgeAllocation, 'BTCUSDT', c.positions.amount(spotKey)),
    ];
  }

  /**
   * The only emergency here is a margin breach, which is on the short side: the shorts close first (no
   * liquidation can follow), the spot is sold at the same step, so the book is flat within the step.
   */
  private emergency(ctx: StrategyContext, why: string): Decision {
    this.halted = true;
    const spot = ctx.positions.amount(`${this.p.spotVenue}:BaseToken:BTC`);
    const orders: Order[] = closeAllPerps(ctx);
    if (spot > 0) orders.push({ kind: 'spot_trade', venue: this.p.spotVenue, pair: 'BTCUSDT', side: 'sell', sizeBase: spot });
    return { reason: 'emergency', detail: why, orders };
  }
}
