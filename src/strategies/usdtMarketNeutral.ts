import type { GasFloatParams, LeverageParams, LstParams, PerpHedgeParams } from '../domain/params.js';
import type { CexVenue } from '../domain/venues.js';
import { CEX_IDX, CEX_LIST, SYM_IDX, perpIdx } from '../components/slots.js';
import type { Decision, FlowAnswer, OrderStep, Strategy, StrategyContext } from './strategy.js';
import { RELEASE_MARGIN, affordableBase, closeAllPerps, collateralMoves, floatEth, fundingTransfers, gasFloatTopUp, hedgeOrders, minMove, perpSize, redeployPlan, shrinkTransfers, venueEquities, withdrawable, worstMarginRatio } from './common.js';
import type { Order } from '../orders/order.js';
import { slippageBps, swapBps } from '../venues/costs.js';
import type { StakingBook } from './stakingBook.js';
import { PositionRef } from '../components/positionRef.js';

/** The hedged staking book, USDT share class: usdt_market_neutral (domain.md §3.9) levers it on AAVE. */
export interface UsdtMarketNeutralParams {
  readonly kind: 'usdt_market_neutral';
  readonly lst: LstParams;
  readonly leverage: LeverageParams;
  /** Share of equity put into the on-chain staking book; the rest is USDT margin on CEXs. */
  readonly stakeAllocation: number;
  readonly spotVenue: CexVenue;
  readonly hedge: PerpHedgeParams;
  readonly gasFloat: GasFloatParams;
}

/** usdt_market_neutral_no_leverage (domain.md §3.8): the same book with the LST held in the wallet, no AAVE loop. */
export interface UsdtMarketNeutralNoLeverageParams {
  readonly kind: 'usdt_market_neutral_no_leverage';
  readonly lst: LstParams;
  readonly stakeAllocation: number;
  readonly spotVenue: CexVenue;
  readonly hedge: PerpHedgeParams;
  readonly gasFloat: GasFloatParams;
  /** Wallet ETH above max(gas float target, this share of the long ETH) is staked into the book. */
  readonly idleEthFraction: number;
}

declare module '../domain/params.js' {
  interface StrategyParamsByMode {
    usdt_market_neutral: UsdtMarketNeutralParams;
    usdt_market_neutral_no_leverage: UsdtMarketNeutralNoLeverageParams;
  }
}

type Params = UsdtMarketNeutralParams | UsdtMarketNeutralNoLeverageParams;
type Phase = 'idle' | 'funding' | 'withdrawing' | 'active' | 'supporting' | 'gathering';

/**
 * A share `a` of equity runs a staking book on chain (the leveraged loop for usdt_market_neutral, the LST held in
 * the wallet for usdt_market_neutral_no_leverage); the rest is USDT margin on the CEXs shorting ETH perps for the
 * REALIZED net ETH of the book (LST value − debt + wallet ETH), never the gross collateral. Entry: fund venues →
 * buy ETH and open the hedge at the same step → withdraw ETH → stake (and lever).
 * Rally: margin support sells a slice of the on-chain book (deleverage or LST sale → ETH to the spot venue →
 * sell → shrink shorts by the same ETH → move USDT to the venues short of margin).
 */
export class UsdtMarketNeutralStrategy implements Strategy {
  halted = false;
  private phase: Phase = 'idle';
  private supportEth = 0;
  /** USDT being gathered at the spot venue to redeploy into the staking book. */
  private redeployUsdt = 0;
  /** Where the deployment of a deposit stands (null: none under way). */
  private deposit: { stage: 'bought' | 'levered' | 'done'; spendUsdt: number; marginUsdt: number } | null = null;
  private readonly walletEth = new PositionRef('wallet:BaseToken:ETH');

  constructor(
    private readonly p: Params,
    private readonly book: StakingBook,
  ) {}

  /**
   * Every step. It only tests the triggers; each decision is built by a method that takes the context and works
   * out its own figures (docs/kernel.md, "Hot path": a closure here, or a number computed here and handed to a
   * rarely taken branch, would allocate at every step).
   */
  decide(ctx: StrategyContext): Decision | null {
    const { risk, positions } = ctx;
    const p = this.p;
    if (this.halted) return positions.inFlight.length > 0 ? null : this.sellStray(ctx);
    const running = this.phase === 'active' || this.phase === 'supporting' || this.phase === 'gathering';
    if (running && (risk.hfLevel === 'breach' || risk.marginBreached)) {
      const stop = this.riskEmergency(ctx);
      if (stop) return stop;
    }
    // The AAVE band is on chain and independent of transfers in flight.
    if (running) {
      const band = this.book.maintain(ctx);
      if (band) return { reason: 'rebalance', detail: band.why, orders: [band.order] };
    }
    if (positions.inFlight.length > 0) return null;
    if (this.phase !== 'active') return this.advancePhase(ctx, this.phase);
    // Margin: when the CEX side as a whole is short, release ETH from the book (it also shrinks the hedge);
    // when only some venues are, move surplus USDT between venues.
    const worst = worstMarginRatio(ctx);
    if (worst < ctx.params.mode.risk.marginRatioRebalance) {
      const support = this.marginSupport(ctx);
      if (support) return support;
    }
    if (worst > p.hedge.redeployMarginRatio && Number.isFinite(worst)) {
      const redeploy = this.redeploy(ctx);
      if (redeploy) return redeploy;
    }
    if (risk.deltaRatio > p.hedge.deltaTolerance) return this.rehedge(ctx);
    if (worst < p.hedge.redistributeMarginRatio) {
      const moves = collateralMoves(ctx, p.hedge, 'margin distribution');
      if (moves.length > 0) return this.redistribute(moves);
    }
    // ETH left idle in the wallet (a leverage that could not run, rewards) goes into the book. Its entry gas only
    // lowers what can be deployed, so a wallet at or below the threshold before gas needs no gas estimate.
    const walletEth = this.walletEth.amount(positions);
    if (walletEth - floatEth(ctx, this.p.gasFloat) > this.idleThreshold(ctx)) {
      const idle = this.deployIdle(ctx);
      if (idle) return idle;
    }
    if (ctx.costsOn && walletEth < p.gasFloat.minEth && this.book.canRelease(ctx)) return this.releaseForGas(ctx);
    return null;
  }

  /** After the stop, ETH still arriving (a transfer that was in flight) is sold when it lands. */
  private sellStray(ctx: StrategyContext): Decision | null {
    const p = this.p;
    const stray = ctx.positions.amount(`${p.spotVenue}:BaseToken:ETH`) + Math.max(0, ctx.positions.amount('wallet:BaseToken:ETH') - p.gasFloat.targetEth);
    return stray > 0 ? { reason: 'emergency', detail: `sell ${stray.toFixed(4)} ETH that arrived after the emergency stop`, orders: this.sellLongEth() } : null;
  }

  /** A health factor or a venue's margin ratio in breach stops the book. */
  private riskEmergency(ctx: StrategyContext): Decision | null {
    const risk = ctx.risk;
    if (risk.hfLevel === 'breach') return this.emergency(ctx, `health factor ${risk.healthFactor.toFixed(4)} below ${ctx.params.mode.risk.healthFactorEmergency}`);
    for (let c = 0; risk.marginBreached && c < CEX_LIST.length; c++) {
      if (risk.marginLevel[c] === 'breach') return this.emergency(ctx, `${CEX_LIST[c]} margin ratio ${(risk.marginRatio[c] as number).toFixed(4)} below ${ctx.params.mode.risk.marginRatioEmergency}`);
    }
    return null;
  }

  /** Idle wallet ETH above this goes into the book. */
  private idleThreshold(ctx: StrategyContext): number {
    return Math.max(this.p.gasFloat.targetEth, this.book.idleEthFraction * ctx.exposure.longEth);
  }

  /**
   * The CEX side below the rebalance ratio: as a whole short of margin, ETH is released from the book (margin
   * support, first half: ETH out of the book and on to the spot venue, where the next phase sells it); otherwise
   * USDT moves between venues. Null when neither is worth a move.
   */
  private marginSupport(ctx: StrategyContext): Decision | null {
    const p = this.p;
    const exposure = ctx.exposure;
    const r = p.hedge.targetMarginRatio;
    const worst = worstMarginRatio(ctx);
    let notional = 0;
    let cexEq = 0;
    for (let c = 0; c < CEX_LIST.length; c++) {
      notional += exposure.perpNotional[c] as number;
      cexEq += (exposure.cexCollateral[c] as number) + (exposure.perpUpnl[c] as number);
    }
    const releaseUsdt = (r * notional - cexEq) / (1 + r);
    if (releaseUsdt > minMove(p.hedge, exposure.equity)) {
      const releaseEth = releaseUsdt / ctx.m.ethPx;
      this.phase = 'supporting';
      this.supportEth = releaseEth;
      return {
        reason: 'margin_support',
        detail: `margin ratio ${worst.toFixed(4)}: release ${releaseEth.toFixed(4)} ETH from the on-chain book for margin`,
        orders: [
          this.book.release(ctx, releaseEth),
          (c) => {
            const keep = floatEth(c, p.gasFloat);
            const amt = Math.min(releaseEth, c.positions.amount('wallet:BaseToken:ETH') - keep);
            return amt > 0 ? { kind: 'transfer', token: 'ETH', from: 'wallet', to: p.spotVenue, amount: amt, purpose: 'margin support' } : null;
          },
        ],
      };
    }
    const moves = collateralMoves(ctx, p.hedge, 'margin support');
    return moves.length > 0 ? { reason: 'margin_support', detail: `margin ratio ${worst.toFixed(4)}: move USDT between venues`, orders: moves } : null;
  }

  /** Every venue above the redeploy ratio: gather the excess margin at the spot venue, or null when too little. */
  private redeploy(ctx: StrategyContext): Decision | null {
    const p = this.p;
    const plan = redeployPlan(ctx, p.hedge, p.spotVenue);
    if (!(plan.usdt > 0)) return null;
    this.phase = 'gathering';
    this.redeployUsdt = plan.usdt;
    return { reason: 'rebalance', detail: `margin ratio ${worstMarginRatio(ctx).toFixed(4)} above ${p.hedge.redeployMarginRatio} on every venue: gather ${plan.usdt.toFixed(2)} USDT to redeploy`, orders: plan.transfers };
  }

  private rehedge(ctx: StrategyContext): Decision {
    return { reason: 'delta', detail: `net ETH delta ${(ctx.risk.deltaRatio * 100).toFixed(2)}% of the hedge`, orders: hedgeOrders(ctx, this.p.hedge.hedgeAllocation, 'ETHUSDT', ctx.exposure.longEth) };
  }

  private redistribute(moves: readonly Order[]): Decision {
    return { reason: 'margin_support', detail: `bring venues back to margin ratio ${this.p.hedge.targetMarginRatio}`, orders: moves };
  }

  /** Idle wallet ETH into the book and the hedge after it, or null when the entry's gas leaves too little. */
  private deployIdle(ctx: StrategyContext): Decision | null {
    if (!(this.book.deployable(ctx, floatEth(ctx, this.p.gasFloat)) > this.idleThreshold(ctx))) return null;
    return this.idleDecision(ctx);
  }

  /**
   * Apart from deployIdle, which runs every tick while idle ETH waits for enough to cover the entry's gas: the
   * decision's order step is a closure, and a function holding one allocates its context at every call.
   */
  private idleDecision(ctx: StrategyContext): Decision {
    const p = this.p;
    const idle = this.book.deployable(ctx, floatEth(ctx, p.gasFloat));
    return { reason: 'rebalance', detail: `${this.book.verb} ${idle.toFixed(4)} idle wallet ETH`, orders: [this.book.enter(ctx, idle), (c) => hedgeOrders(c, p.hedge.hedgeAllocation, 'ETHUSDT', c.exposure.longEth)] };
  }

  /** Tops the gas float up from the book. */
  private releaseForGas(ctx: StrategyContext): Decision {
    const release = this.p.gasFloat.targetEth - this.walletEth.amount(ctx.positions);
    return { reason: 'gas_float', detail: `release ${release.toFixed(4)} ETH for gas`, orders: [this.book.release(ctx, release)] };
  }

  /** The entry and the multi-step operations (support, redeploy) move one phase per decision. */
  private advancePhase(ctx: StrategyContext, phase: Exclude<Phase, 'active'>): Decision {
    const p = this.p;
    const book = this.book;
    const E = ctx.exposure.equity;
    const onchain = E * p.stakeAllocation;
    const margin = E - onchain;
    switch (phase) {
      case 'idle': {
        this.phase = 'funding';
        const orders: OrderStep[] = [
          (c) => gasFloatTopUp(c, p.gasFloat),
          (c) => fundingTransfers(c, (usdt) => CEX_LIST.map((v) => usdt * (1 - p.stakeAllocation) * p.hedge.hedgeAllocation[v] + (v === p.spotVenue ? usdt * p.stakeAllocation : 0))),
        ];
        return { reason: 'entry', detail: `fund venues: ${onchain.toFixed(2)} USDT to buy ETH, ${margin.toFixed(2)} USDT margin`, orders };
      }
      case 'funding': {
        this.phase = 'withdrawing';
        const sizeEth = onchain / ctx.m.ethPx;
        return {
          reason: 'entry',
          detail: `buy ${sizeEth.toFixed(4)} ETH and hedge it at the same step`,
          orders: [
            (c) => {
              // The spot venue received a·E to buy with plus its margin share (1 − a)·E·alloc: spend the first part.
              const a = p.stakeAllocation;
              const usdt = (c.positions.amount(`${p.spotVenue}:BaseToken:USDT`) * a) / (a + (1 - a) * p.hedge.hedgeAllocation[p.spotVenue]);
              return { kind: 'spot_trade', venue: p.spotVenue, pair: 'ETHUSDT', side: 'buy', sizeBase: Math.min(sizeEth, affordableBase(c, p.spotVenue, 'ETHUSDT', usdt)) };
            },
            (c) => hedgeOrders(c, p.hedge.hedgeAllocation, 'ETHUSDT', c.positions.amount(`${p.spotVenue}:BaseToken:ETH`)),
            (c) => ({ kind: 'transfer', token: 'ETH', from: p.spotVenue, to: 'wallet', amount: c.positions.amount(`${p.spotVenue}:BaseToken:ETH`), purpose: 'move ETH on chain to stake' }),
          ],
        };
      }
      case 'withdrawing': {
        this.phase = 'active';
        const float = floatEth(ctx, p.gasFloat);
        return {
          reason: 'entry',
          detail: `${book.describeEntry(ctx)} and hedge the realized net ETH`,
          orders: [
            (c) => book.enter(c, book.deployable(c, float)),
            (c) => hedgeOrders(c, p.hedge.hedgeAllocation, 'ETHUSDT', c.exposure.longEth),
          ],
        };
      }
      case 'supporting': {
        // The released ETH has arrived at the spot venue: sell it, shrink shorts by the same ETH, then redistribute.
        this.phase = 'active';
        const eth = this.supportEth;
        this.supportEth = 0;
        return {
          reason: 'margin_support',
          detail: `sell ${eth.toFixed(4)} ETH released from the book and shrink shorts equally`,
          orders: [
            (c) => {
              const have = c.positions.amount(`${p.spotVenue}:BaseToken:ETH`);
              return have > 0 ? { kind: 'spot_trade', venue: p.spotVenue, pair: 'ETHUSDT', side: 'sell', sizeBase: have } : null;
            },
            (c) => hedgeOrders(c, p.hedge.hedgeAllocation, 'ETHUSDT', c.exposure.longEth),
          ],
        };
      }
      case 'gathering': {
        // The excess margin is at the spot venue: buy ETH with it, hedge it at once, send it on chain to stake.
        this.phase = 'withdrawing';
        const spend = this.redeployUsdt;
        this.redeployUsdt = 0;
        const c = CEX_IDX[p.spotVenue];
        return {
          reason: 'rebalance',
          detail: `redeploy ${spend.toFixed(2)} USDT of excess margin into the staking book`,
          orders: [
            (x) => {
              const eq = (x.exposure.cexCollateral[c] as number) + (x.exposure.perpUpnl[c] as number);
              const added = spend * p.hedge.hedgeAllocation[p.spotVenue];
              const keep = p.hedge.targetMarginRatio * ((x.exposure.perpNotional[c] as number) + added);
              // Only USDT the venue would let us withdraw is spendable: the short's unrealized profit counts towards
              // its margin ratio but cannot pay for spot, and spending it left the short nothing to pay fees from.
              const cash = withdrawable(x, p.spotVenue, c) - x.params.cex[p.spotVenue].initialMarginRate * added;
              const size = affordableBase(x, p.spotVenue, 'ETHUSDT', Math.min(spend, eq - keep, cash));
              return size > 0 ? { kind: 'spot_trade', venue: p.spotVenue, pair: 'ETHUSDT', side: 'buy', sizeBase: size } : null;
            },
            (x) => hedgeOrders(x, p.hedge.hedgeAllocation, 'ETHUSDT', x.exposure.longEth),
            (x) => {
              const eth = x.positions.amount(`${p.spotVenue}:BaseToken:ETH`);
              return eth > 0 ? { kind: 'transfer', token: 'ETH', from: p.spotVenue, to: 'wallet', amount: eth, purpose: 'redeploy into the staking book' } : null;
            },
          ],
        };
      }
    }
  }

  /**
   * Unwind in a safe order: the on-chain book first (full flash deleverage, LST and ETH sold), the hedges last, so
   * the book is never long without its shorts.
   */
  private emergency(ctx: StrategyContext, why: string): Decision {
    this.halted = true;
    const orders: OrderStep[] = this.book.unwind(ctx);
    orders.push(...this.sellLongEth(), (c) => closeAllPerps(c));
    return { reason: 'emergency', detail: why, orders };
  }

  /** Sells every long ETH the strategy can reach, each step sized on what the previous left: wallet LST, wallet
   * ETH above the gas float, spot-venue ETH. */
  private sellLongEth(): OrderStep[] {
    const lst = this.book.lst;
    const venue = this.p.spotVenue;
    return [
      (c) => {
        const units = c.positions.amount(`wallet:BaseToken:${lst}`);
        return units > 0 ? { kind: 'dex_swap', from: lst, to: 'ETH', amountIn: units } : null;
      },
      (c) => {
        const eth = c.positions.amount('wallet:BaseToken:ETH') - floatEth(c, this.p.gasFloat);
        return eth > 0 ? { kind: 'dex_swap', from: 'ETH', to: 'USDT', amountIn: eth } : null;
      },
      (c) => {
        const eth = c.positions.amount(`${venue}:BaseToken:ETH`);
        return eth > 0 ? { kind: 'spot_trade', venue, pair: 'ETHUSDT', side: 'sell', sizeBase: eth } : null;
      },
    ];
  }

  /**
   * A deposit grows every part of the book by the same factor, in three steps a step apart (transfers land in
   * between): (1) the spot venue receives the on-chain book's share of the deposit to buy ETH with, the rest waits
   * in the wallet; (2) the ETH is bought and every venue's short grows by the factor the long grows by, while the
   * wallet sends each venue exactly the margin (and the trade's costs) that keeps it at the margin ratio it has now,
   * the ETH going on chain; (3) it is levered and the shorts follow the realized net ETH by the same factor. Every
   * venue keeps the ratio the rest of the book has, so the grown book meets the same triggers at the same prices as
   * the book without the deposit, and the deposit earns what the book earns less the costs of deploying it.
   */
  deploy(ctx: StrategyContext, amountShare: number): FlowAnswer {
    const p = this.p;
    if (this.halted) {
      this.deposit = null;
      return null;
    }
    if (this.phase !== 'active' || ctx.positions.inFlight.length > 0) return 'wait';
    const d = this.deposit;
    const venue = p.spotVenue;
    if (d === null) {
      // The on-chain share of the book as it stands, the deposit (still wallet cash) left out.
      const book = ctx.exposure.equity - ctx.positions.amount('wallet:BaseToken:USDT');
      const cexShare = venueEquities(ctx).reduce((a, eq) => a + Math.max(0, eq), 0) / book;
      const onchainShare = Math.max(0, 1 - cexShare);
      const deposit = { stage: 'bought' as const, spendUsdt: 0, marginUsdt: 0 };
      this.deposit = deposit;
      return {
        reason: 'deposit',
        detail: `send the spot venue the book's on-chain share of the deposit (${(onchainShare * 100).toFixed(2)}%) to buy ETH; the margin waits in the wallet`,
        orders: [
          (c) => gasFloatTopUp(c, p.gasFloat),
          (c) => {
            const usdt = Math.min(c.positions.amount('wallet:BaseToken:USDT'), amountShare);
            deposit.spendUsdt = usdt * onchainShare;
            deposit.marginUsdt = usdt - deposit.spendUsdt;
            return deposit.spendUsdt > 0 ? { kind: 'transfer', token: 'USDT', from: 'wallet', to: venue, amount: deposit.spendUsdt, purpose: 'deposit: ETH purchase' } : null;
          },
        ],
      };
    }
    if (d.stage === 'bought') {
      this.deposit = { stage: 'levered', spendUsdt: 0, marginUsdt: 0 };
      const plan = depositPlan(ctx, p, d.spendUsdt, Math.min(d.marginUsdt, ctx.positions.amount('wallet:BaseToken:USDT')));
      return {
        reason: 'deposit',
        detail: `buy ${plan.eth.toFixed(4)} ETH with the deposit, grow every short by ${((plan.growth - 1) * 100).toFixed(2)}% and send each venue the margin that keeps its ratio; the ETH goes on chain`,
        orders: [
          () => (plan.eth > 0 ? { kind: 'spot_trade', venue, pair: 'ETHUSDT', side: 'buy', sizeBase: plan.eth } : null),
          (c) => scaledShorts(c, plan.shortsBase, plan.growth),
          (c) => {
            const eth = c.positions.amount(`${venue}:BaseToken:ETH`);
            return eth > 0 ? { kind: 'transfer', token: 'ETH', from: venue, to: 'wallet', amount: eth, purpose: 'deposit into the staking book' } : null;
          },
          (c) => {
            // Each venue is brought back to the ratio it had before the trades; the spot venue's need is net of
            // what the purchase left there.
            const need = CEX_LIST.map((_, k) => Math.max(0, (plan.ratio[k] as number) * (c.exposure.perpNotional[k] as number) - (c.exposure.cexCollateral[k] as number) - (c.exposure.perpUpnl[k] as number)));
            const total = need.reduce((a, b) => a + b, 0);
            // What the cost estimate left over goes with the margin, in proportion, rather than idle in the wallet.
            const scale = total > 0 ? Math.min(c.positions.amount('wallet:BaseToken:USDT'), d.marginUsdt) / total : 0;
            const out: Order[] = [];
            CEX_LIST.forEach((v, k) => {
              const amount = (need[k] as number) * scale;
              if (amount > 0) out.push({ kind: 'transfer', token: 'USDT', from: 'wallet', to: v, amount, purpose: 'deposit: margin' });
            });
            return out;
          },
        ],
      };
    }
    if (d.stage === 'levered') {
      this.deposit = { stage: 'done', spendUsdt: 0, marginUsdt: 0 };
      const book = this.book;
      const float = floatEth(ctx, p.gasFloat);
      let shortsBase: number[] = [];
      let longBefore = 0;
      return {
        reason: 'deposit',
        detail: `${book.describeEntry(ctx)} (the deposited ETH) and scale the shorts to the realized net ETH`,
        orders: [
          (c) => {
            shortsBase = CEX_LIST.map((v) => -perpSize(c, v, 'ETHUSDT'));
            longBefore = c.exposure.longEth;
            return book.enter(c, book.deployable(c, float));
          },
          (c) => (longBefore > 0 ? scaledShorts(c, shortsBase, c.exposure.longEth / longBefore) : null),
        ],
      };
    }
    this.deposit = null;
    return null;
  }

  /**
   * Unwinds 1:1: a flash deleverage releases the same fraction of the on-chain net ETH as the withdrawal is of
   * equity (LTV kept), the ETH is sold for USDT in the wallet, the shorts shrink to the ETH left, and each venue
   * sends home the same fraction of its equity (transfer latency applies), so every venue keeps its margin ratio.
   */
  release(ctx: StrategyContext, amountShare: number): FlowAnswer {
    const p = this.p;
    const float = floatEth(ctx, p.gasFloat);
    const need = amountShare * (1 + RELEASE_MARGIN);
    if (this.halted) {
      const sweep = shrinkTransfers(ctx, 1, venueEquities(ctx), 'withdrawal');
      return sweep.length > 0 ? { reason: 'withdrawal', detail: `bring ${need.toFixed(2)} USDT home for a withdrawal`, orders: sweep } : null;
    }
    if (this.phase !== 'active' || ctx.positions.inFlight.length > 0) return 'wait';
    const fraction = Math.min(1, need / ctx.exposure.equity);
    const netEth = this.book.netEth(ctx);
    if (fraction >= 1) return { reason: 'withdrawal', detail: `unwind the whole book for a withdrawal of ${amountShare.toFixed(2)} USDT`, orders: this.releaseAll(ctx, float) };
    // The book as it stands: each venue keeps its margin ratio and its share of the shorts, the long and the shorts
    // shrink by the same factor, so the smaller book meets the same triggers at the same prices.
    const e = ctx.exposure;
    const long0 = e.longEth;
    const shorts0 = CEX_LIST.map((v) => -perpSize(ctx, v, 'ETHUSDT'));
    // A venue without a short keeps nothing back.
    const ratio0 = CEX_LIST.map((_, c) => ((e.perpNotional[c] as number) > 0 ? ((e.cexCollateral[c] as number) + (e.perpUpnl[c] as number)) / (e.perpNotional[c] as number) : 0));
    const idle0 = Math.max(0, ctx.positions.amount('wallet:BaseToken:ETH') - float);
    const keepEth = (c: StrategyContext): number => c.positions.amount('wallet:BaseToken:ETH') - float;
    // `amountShare` is what the withdrawal needs beyond the wallet's USDT now: what it still owes at a later step.
    const wallet0 = ctx.positions.amount('wallet:BaseToken:USDT');
    const owedNow = (c: StrategyContext): number => need - (c.positions.amount('wallet:BaseToken:USDT') - wallet0) - usdtComingHome(c);
    const orders: OrderStep[] = [
      this.book.release(ctx, netEth * fraction),
      (c) => {
        // The release's cost came out of the book (ETH the release took beyond what reached the wallet), and the
        // shorts will shrink with it, which lets the venues send more: sell only the ETH that, with what the venues
        // then send, brings the wallet the withdrawal. ETH left over stays hedged in the wallet like any idle ETH.
        const released = keepEth(c) - idle0;
        const costEth = Math.max(0, netEth - this.book.netEth(c) - released);
        const cexEq = venueEquities(c).reduce((x, y) => x + y, 0);
        const fromVenues = cexEq / long0;
        const sellAt = (bps: number): number => (owedNow(c) - costEth * fromVenues) / (c.m.ethPx * (1 - bps / 1e4) + fromVenues);
        const sell = Math.min(keepEth(c), sellAt(c.costsOn ? swapBps(c.params.costs.slippage.dexETHUSDT, (bps) => sellAt(bps) * c.m.ethPx) : 0));
        return sell > 0 ? { kind: 'dex_swap', from: 'ETH', to: 'USDT', amountIn: sell } : null;
      },
      (c) => (long0 > 0 ? scaledShorts(c, shorts0, c.exposure.longEth / long0) : null),
      (c) => {
        // Each venue sends what leaves it at its ratio; no more than the withdrawal still needs, none idle.
        const owed = owedNow(c);
        const sends = CEX_LIST.map((v, k) => {
          const eq = (c.exposure.cexCollateral[k] as number) + (c.exposure.perpUpnl[k] as number);
          return Math.max(0, Math.min(eq - (ratio0[k] as number) * (c.exposure.perpNotional[k] as number), withdrawable(c, v, k)));
        });
        const total = sends.reduce((x, y) => x + y, 0);
        const scale = total > owed ? Math.max(0, owed) / total : 1;
        const out: Order[] = [];
        CEX_LIST.forEach((v, k) => {
          const amount = (sends[k] as number) * scale;
          if (amount > 0) out.push({ kind: 'transfer', token: 'USDT', from: v, to: 'wallet', amount, purpose: 'withdrawal' });
        });
        return out;
      },
      // A venue lets us withdraw only what its open shorts' losses and initial margin leave: what the venues could
      // not send comes from the on-chain book instead, so one unwind covers the withdrawal. Only a wallet short of
      // the withdrawal itself (not of the margin kept for costs) pays for this second unwind.
      (c) => (owedNow(c) > need - amountShare && this.book.canRelease(c) ? this.book.release(c, (owedNow(c) * (1 + RELEASE_MARGIN)) / c.m.ethPx) : null),
      (c) => {
        const eth = Math.min(keepEth(c), (owedNow(c) * (1 + RELEASE_MARGIN)) / c.m.ethPx);
        return owedNow(c) > need - amountShare && eth > 0 ? { kind: 'dex_swap', from: 'ETH', to: 'USDT', amountIn: eth } : null;
      },
      (c) => (long0 > 0 ? scaledShorts(c, shorts0, c.exposure.longEth / long0) : null),
    ];
    return { reason: 'withdrawal', detail: `unwind ${(fraction * 100).toFixed(2)}% of the book for a withdrawal of ${amountShare.toFixed(2)} USDT`, orders };
  }

  /** A withdrawal of the whole book: full unwind, every ETH sold, the shorts closed, each venue swept home. */
  private releaseAll(ctx: StrategyContext, float: number): OrderStep[] {
    const before = venueEquities(ctx);
    const orders: OrderStep[] = [];
    if (this.book.netEth(ctx) > 0) {
      const unwind = this.book.unwind(ctx);
      orders.push(...(unwind.length > 0 ? unwind : [this.book.release(ctx, Infinity)]));
    }
    orders.push(
      (c) => {
        const eth = c.positions.amount('wallet:BaseToken:ETH') - float;
        return eth > 0 ? { kind: 'dex_swap', from: 'ETH', to: 'USDT', amountIn: eth } : null;
      },
      (c) => hedgeOrders(c, this.p.hedge.hedgeAllocation, 'ETHUSDT', c.exposure.longEth),
      (c) => shrinkTransfers(c, 1, before, 'withdrawal'),
    );
    return orders;
  }
}

/** USDT in flight to the wallet. */
function usdtComingHome(ctx: StrategyContext): number {
  let sum = 0;
  for (const t of ctx.positions.inFlight) if (t.to === 'wallet:BaseToken:USDT') sum += t.amount;
  return sum;
}

/** Perp orders bringing each venue's short to `factor` × its size in `shortsBase` (ETH, positive for a short). */
function scaledShorts(ctx: StrategyContext, shortsBase: readonly number[], factor: number): Order[] {
  const out: Order[] = [];
  CEX_LIST.forEach((v, c) => {
    const delta = -(shortsBase[c] as number) * factor - perpSize(ctx, v, 'ETHUSDT');
    const mark = ctx.m.perpMark[perpIdx(c, SYM_IDX.ETHUSDT)] as number;
    if (delta !== 0 && Math.abs(delta) * mark >= ctx.params.cex[v].minOrderUsdt) out.push({ kind: 'perp_trade', venue: v, symbol: 'ETHUSDT', deltaBase: delta, reduceOnly: false });
  });
  return out;
}

interface DepositPlan {
  /** ETH to buy at the spot venue. */
  readonly eth: number;
  /** Factor every short grows by: (long ETH + eth) / long ETH. */
  readonly growth: number;
  /** Each venue's short before the deposit (ETH, positive). */
  readonly shortsBase: readonly number[];
  /** Each venue's margin ratio before the deposit (the spot venue's without the purchase money). */
  readonly ratio: readonly number[];
}

/**
 * Sizes the deposit's ETH purchase so that the purchase money at the spot venue (`spendUsdt`, already there) and
 * the margin in the wallet (`walletUsdt`) are both used: buying x ETH grows every short by x / long ETH, and each
 * venue then needs its current margin ratio (measured without the purchase money) times its added notional, plus
 * the perp trade's fee and slippage. Without any short yet the allocation and target ratio stand in.
 */
function depositPlan(ctx: StrategyContext, p: Params, spendUsdt: number, walletUsdt: number): DepositPlan {
  const e = ctx.exposure;
  const spotIdx = CEX_IDX[p.spotVenue];
  const shortsBase = CEX_LIST.map((v) => -perpSize(ctx, v, 'ETHUSDT'));
  const totalShort = shortsBase.reduce((a, b) => a + b, 0);
  const long = e.longEth;
  const hedged = totalShort > 0 && long > 0;
  // Short ETH added per ETH bought, on each venue.
  const perEth = CEX_LIST.map((v, c) => (hedged ? (shortsBase[c] as number) / long : p.hedge.hedgeAllocation[v]));
  const ratio = CEX_LIST.map((_, c) => {
    const notional = e.perpNotional[c] as number;
    const own = (e.cexCollateral[c] as number) + (e.perpUpnl[c] as number) - (c === spotIdx ? spendUsdt : 0);
    return notional > 0 ? own / notional : p.hedge.targetMarginRatio;
  });
  const mark = CEX_LIST.map((_, c) => ctx.m.perpMark[perpIdx(c, SYM_IDX.ETHUSDT)] as number);
  const marginFor = (eth: number): number[] =>
    CEX_LIST.map((v, c) => {
      const notional = eth * (perEth[c] as number) * (mark[c] as number);
      const cost = ctx.costsOn ? slippageBps(ctx.params.costs.slippage.perp, notional) / 1e4 + ctx.params.cex[v].perpFees.takerRate : 0;
      return notional * ((ratio[c] as number) + cost);
    });
  const spendable = affordableBase(ctx, p.spotVenue, 'ETHUSDT', spendUsdt);
  // Margin per ETH bought and purchase cost per ETH, at the sizes of a first estimate, then at the sizes they give.
  let eth = spendable;
  for (let pass = 0; pass < 2 && eth > 0; pass++) {
    const margin = marginFor(eth).reduce((a, b) => a + b, 0) / eth;
    const price = spendUsdt / spendable;
    eth = Math.min(spendable, (spendUsdt + walletUsdt) / (price + margin));
  }
  const growth = hedged ? (long + eth) / long : 1;
  return {
    eth,
    growth,
    shortsBase: hedged ? shortsBase : CEX_LIST.map((_, c) => (perEth[c] as number) * eth),
    ratio,
  };
}
