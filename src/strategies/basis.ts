import type { GasFloatParams, PerpHedgeParams } from '../domain/params.js';
import type { CexVenue } from '../domain/venues.js';
import type { PositionKey } from '../domain/positionKey.js';
import type { Order } from '../orders/order.js';
import type { MarketState } from '../components/marketState.js';
import type { ExposureView } from '../components/exposureMonitor.js';
import { CEX_LIST } from '../components/slots.js';
import type { Decision, FlowAnswer, OrderStep, Strategy, StrategyContext } from './strategy.js';
import { RELEASE_MARGIN, affordableBase, closeAllPerps, collateralMoves, fundingTransfers, gasFloatTopUp, hedgeOrders, redeployPlan, shrinkTransfers, venueEquities, worstMarginRatio } from './common.js';

/** The asset a basis trade holds; its spot pair and perp share the symbol. */
export type BasisAsset = 'BTC' | 'ETH';

/** Spot long on the spot venue, the same amount short in perps (btc_basis on BTC, eth_basis on ETH; domain.md §3.4, §3.5). */
export interface BasisParams<K extends 'btc_basis' | 'eth_basis' = 'btc_basis' | 'eth_basis'> {
  readonly kind: K;
  readonly spotVenue: CexVenue;
  readonly hedge: PerpHedgeParams;
  /** Resize both legs when equity moved by more than this since the last rebalance. */
  readonly equityDeviation: number;
  readonly gasFloat: GasFloatParams;
}

declare module '../domain/params.js' {
  interface StrategyParamsByMode {
    btc_basis: BasisParams<'btc_basis'>;
    eth_basis: BasisParams<'eth_basis'>;
  }
}

/**
 * Long the asset (BTC for btc_basis, ETH for eth_basis) on the spot venue, short the same amount in perps split by
 * the hedge allocation; margin on each venue. Sizing: spot N and collateral M = N·r with E = N + M, so N = E/(1+r).
 * The operational loop: margin falls on a rally → sell spot and shrink shorts to the new target, then move the freed USDT to
 * the venues that need it; equity drifts (funding) → resize both legs.
 */
export class BasisStrategy implements Strategy {
  halted = false;
  private phase: 'idle' | 'funding' | 'active' | 'gathering' = 'idle';
  private lastRebalanceEquity = 0;
  private readonly pair: 'BTCUSDT' | 'ETHUSDT';
  private readonly spotKey: PositionKey;
  /** A deposit's funding has been sent; the 'funding' step grows the legs. */
  private deploying = false;

  constructor(
    private readonly p: BasisParams,
    private readonly asset: BasisAsset,
  ) {
    this.pair = asset === 'BTC' ? 'BTCUSDT' : 'ETHUSDT';
    this.spotKey = `${p.spotVenue}:BaseToken:${asset}`;
  }

  private px(m: MarketState): number {
    return this.asset === 'BTC' ? m.btcPx : m.ethPx;
  }

  /** Long units of the asset outside perps. For ETH that includes the wallet's gas float: a delta correction hedges
   * it too, since its price moves the book like the spot does. */
  private long(e: ExposureView): number {
    return this.asset === 'BTC' ? e.longBtc : e.longEth;
  }

  /**
   * Every step. It only tests the triggers; each decision is built by a method that takes the context and works
   * out its own figures (docs/kernel.md, "Hot path": a closure here, or a number computed here and handed to a
   * rarely taken branch, would allocate at every step).
   */
  decide(ctx: StrategyContext): Decision | null {
    const risk = ctx.risk;
    const h = this.p.hedge;
    if (this.phase === 'active' && risk.marginBreached) {
      const stop = this.marginEmergency(ctx);
      if (stop) return stop;
    }
    if (ctx.positions.inFlight.length > 0 || this.halted) return null;
    if (this.phase !== 'active') return this.advancePhase(ctx);
    // Active: margin, then equity drift, then delta drift; then collateral distribution.
    const worst = worstMarginRatio(ctx);
    if (worst > h.redeployMarginRatio && Number.isFinite(worst)) {
      const redeploy = this.redeploy(ctx);
      if (redeploy) return redeploy;
    }
    const drift = Math.abs(ctx.exposure.equity - this.lastRebalanceEquity) / this.lastRebalanceEquity;
    if (worst < ctx.params.mode.risk.marginRatioRebalance || drift > this.p.equityDeviation) return this.resize(ctx);
    if (risk.deltaRatio > h.deltaTolerance) return this.rehedge(ctx);
    // Only move collateral when a venue is meaningfully under target (avoids shuffling on noise).
    if (worst < h.redistributeMarginRatio) {
      const moves = collateralMoves(ctx, h, 'margin distribution');
      if (moves.length > 0) return this.redistribute(moves);
    }
    return null;
  }

  /** The only emergency here is a margin breach: the first venue in breach stops the book. */
  private marginEmergency(ctx: StrategyContext): Decision | null {
    const risk = ctx.risk;
    for (let c = 0; c < CEX_LIST.length; c++) {
      if (risk.marginLevel[c] === 'breach') return this.emergency(ctx, `${CEX_LIST[c]} margin ratio ${(risk.marginRatio[c] as number).toFixed(4)} below emergency ${ctx.params.mode.risk.marginRatioEmergency}`);
    }
    return null;
  }

  /** The entry (fund the venues, then both legs at once) and the second half of a redeploy. */
  private advancePhase(ctx: StrategyContext): Decision {
    const E = ctx.exposure.equity;
    const N = E / (1 + this.p.hedge.targetMarginRatio);
    if (this.phase === 'idle') {
      this.phase = 'funding';
      return this.fund(N, E - N);
    }
    const redeploy = this.phase === 'gathering';
    this.phase = 'active';
    this.lastRebalanceEquity = E;
    if (redeploy) return { reason: 'rebalance', detail: 'excess margin gathered at the spot venue: resize both legs', orders: this.legs(ctx, N) };
    return { reason: 'entry', detail: 'buy spot and open shorts at the same step', orders: this.legs(ctx, N) };
  }

  /** Every venue above the redeploy ratio: gather the excess margin at the spot venue, or null when too little. */
  private redeploy(ctx: StrategyContext): Decision | null {
    const h = this.p.hedge;
    const plan = redeployPlan(ctx, h, this.p.spotVenue);
    if (!(plan.usdt > 0)) return null;
    this.phase = 'gathering';
    return { reason: 'rebalance', detail: `margin ratio ${worstMarginRatio(ctx).toFixed(4)} above ${h.redeployMarginRatio} on every venue: gather ${plan.usdt.toFixed(2)} USDT at ${this.p.spotVenue} to grow both legs`, orders: plan.transfers };
  }

  /** Both legs to the equity now: a margin ratio below the rebalance level or equity drift since the last resize. */
  private resize(ctx: StrategyContext): Decision {
    const E = ctx.exposure.equity;
    const worst = worstMarginRatio(ctx);
    const level = ctx.params.mode.risk.marginRatioRebalance;
    const drift = Math.abs(E - this.lastRebalanceEquity) / this.lastRebalanceEquity;
    this.lastRebalanceEquity = E;
    return {
      reason: 'rebalance',
      detail: worst < level ? `margin ratio ${worst.toFixed(4)} below ${level}` : `equity moved ${(drift * 100).toFixed(2)}% since last rebalance`,
      orders: this.legs(ctx, E / (1 + this.p.hedge.targetMarginRatio)),
    };
  }

  private rehedge(ctx: StrategyContext): Decision {
    return { reason: 'delta', detail: `net ${this.asset} delta ${(ctx.risk.deltaRatio * 100).toFixed(2)}% of the hedge`, orders: hedgeOrders(ctx, this.p.hedge.hedgeAllocation, this.pair, this.long(ctx.exposure)) };
  }

  private redistribute(moves: readonly Order[]): Decision {
    return { reason: 'margin_support', detail: `bring every venue back to margin ratio ${this.p.hedge.targetMarginRatio}`, orders: moves };
  }

  /** Entry, first step: the wallet's USDT to the venues, spot share to the spot venue, margin split by allocation. */
  private fund(N: number, M: number): Decision {
    return { reason: 'entry', detail: `fund venues: spot ${N.toFixed(2)} USDT, margin ${M.toFixed(2)} USDT`, orders: this.fundingOrders() };
  }

  /** The gas float, then the wallet's USDT to the venues: the spot share to the spot venue, margin by allocation. */
  private fundingOrders(): OrderStep[] {
    const h = this.p.hedge;
    return [
      (c) => gasFloatTopUp(c, this.p.gasFloat),
      // Split what the wallet holds after buying the gas float; gas for the sends comes from that float.
      (c) => fundingTransfers(c, (usdt) => {
        const n = usdt / (1 + h.targetMarginRatio);
        return CEX_LIST.map((v) => (usdt - n) * h.hedgeAllocation[v] + (v === this.p.spotVenue ? n : 0));
      }),
    ];
  }

  /** Spot to N/P on the spot venue and shorts to the same size split by allocation. */
  private legs(ctx: StrategyContext, notionalUsdt: number): Decision['orders'] {
    const target = notionalUsdt / this.px(ctx.m);
    const venue = this.p.spotVenue;
    const { spotKey, pair } = this;
    return [
      (c) => {
        const have = c.positions.amount(spotKey);
        // Below the venue's minimum order there is nothing to send.
        if (Math.abs(target - have) * this.px(c.m) < c.params.cex[venue].minOrderUsdt) return null;
        if (target < have) return { kind: 'spot_trade', venue, pair, side: 'sell', sizeBase: have - target };
        // Buy only what the venue's USDT pays for (fees and slippage included) beyond the margin its own short
        // needs once the hedge has followed: spending that margin left the venue's short with nothing to pay
        // fees and funding from. The rest waits for collateral moves.
        const h = this.p.hedge;
        const reserve = h.targetMarginRatio * h.hedgeAllocation[venue] * target * this.px(c.m);
        const size = Math.min(target - have, affordableBase(c, venue, pair, c.positions.amount(`${venue}:BaseToken:USDT`) - reserve));
        return size > 1e-9 ? { kind: 'spot_trade', venue, pair, side: 'buy', sizeBase: size } : null;
      },
      // The hedge follows the spot actually held, so delta stays neutral whatever the buy could afford.
      (c) => hedgeOrders(c, this.p.hedge.hedgeAllocation, pair, c.positions.amount(spotKey)),
    ];
  }

  /**
   * The only emergency here is a margin breach, which is on the short side: the shorts close first (no
   * liquidation can follow), the spot is sold at the same step, so the book is flat within the step.
   */
  private emergency(ctx: StrategyContext, why: string): Decision {
    this.halted = true;
    const spot = ctx.positions.amount(this.spotKey);
    const orders: Order[] = closeAllPerps(ctx);
    if (spot > 0) orders.push({ kind: 'spot_trade', venue: this.p.spotVenue, pair: this.pair, side: 'sell', sizeBase: spot });
    return { reason: 'emergency', detail: why, orders };
  }

  /**
   * A deposit funds the venues as the entry did (spot share to the spot venue, margin split by allocation); once it
   * has arrived, the 'funding' step resizes both legs to the new equity.
   */
  deploy(ctx: StrategyContext): FlowAnswer {
    if (this.halted || this.deploying) {
      this.deploying = false;
      return null;
    }
    if (this.phase !== 'active' || ctx.positions.inFlight.length > 0) return 'wait';
    this.phase = 'funding';
    this.deploying = true;
    return { reason: 'deposit', detail: 'fund venues with the deposit; both legs grow once it arrives', orders: this.fundingOrders() };
  }

  /**
   * Unwinds 1:1: sells the same fraction of the spot as the withdrawal is of equity, shrinks the shorts to the
   * spot left, and brings home from each venue the same fraction of its equity, the spot proceeds included (transfer latency
   * applies), so every venue keeps its margin ratio.
   */
  release(ctx: StrategyContext, amountShare: number): FlowAnswer {
    const h = this.p.hedge;
    const need = amountShare * (1 + RELEASE_MARGIN);
    if (this.halted) {
      const sweep = shrinkTransfers(ctx, 1, venueEquities(ctx), 'withdrawal');
      return sweep.length > 0 ? { reason: 'withdrawal', detail: `bring ${need.toFixed(2)} USDT home for a withdrawal`, orders: sweep } : null;
    }
    if (this.phase !== 'active' || ctx.positions.inFlight.length > 0) return 'wait';
    const E = ctx.exposure.equity;
    const fraction = Math.min(1, need / E);
    const before = venueEquities(ctx);
    const venue = this.p.spotVenue;
    const { spotKey, pair } = this;
    this.lastRebalanceEquity = E - amountShare;
    return {
      reason: 'withdrawal',
      detail: `unwind ${(fraction * 100).toFixed(2)}% of the book for a withdrawal of ${amountShare.toFixed(2)} USDT`,
      orders: [
        (c) => {
          const have = c.positions.amount(spotKey);
          const sell = fraction >= 1 ? have : have * fraction;
          return sell * this.px(c.m) >= c.params.cex[venue].minOrderUsdt || (fraction >= 1 && sell > 0) ? { kind: 'spot_trade', venue, pair, side: 'sell', sizeBase: sell } : null;
        },
        (c) => hedgeOrders(c, h.hedgeAllocation, pair, c.positions.amount(spotKey)),
        (c) => shrinkTransfers(c, fraction, before, 'withdrawal'),
      ],
    };
  }
}
