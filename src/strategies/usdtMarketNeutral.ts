import type { GasFloatParams, LeverageParams, LstParams, PerpHedgeParams } from '../domain/params.js';
import type { CexVenue } from '../domain/venues.js';
import { CEX_IDX, CEX_LIST } from '../components/slots.js';
import type { Decision, FlowAnswer, OrderStep, Strategy, StrategyContext } from './strategy.js';
import { RELEASE_MARGIN, affordableBase, closeAllPerps, collateralMoves, fundingTransfers, gasFloatTopUp, hedgeOrders, minMove, redeployPlan, shrinkTransfers, venueEquities, withdrawable, worstMarginRatio } from './common.js';
import type { StakingBook } from './stakingBook.js';

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
  private phase: 'idle' | 'funding' | 'withdrawing' | 'active' | 'supporting' | 'gathering' = 'idle';
  private supportEth = 0;
  /** USDT being gathered at the spot venue to redeploy into the staking book. */
  private redeployUsdt = 0;
  /** Where the deployment of a deposit stands (null: none under way). */
  private deposit: { stage: 'bought' | 'levered' | 'done'; spendUsdt: number } | null = null;

  constructor(
    private readonly p: Params,
    private readonly book: StakingBook,
  ) {}

  decide(ctx: StrategyContext): Decision | null {
    const { risk, exposure, positions } = ctx;
    const p = this.p;
    const book = this.book;
    if (this.halted) {
      // After the stop, ETH still arriving (a transfer that was in flight) is sold when it lands.
      if (positions.inFlight.length > 0) return null;
      const stray = positions.amount(`${p.spotVenue}:BaseToken:ETH`) + Math.max(0, positions.amount('wallet:BaseToken:ETH') - p.gasFloat.targetEth);
      return stray > 0 ? { reason: 'emergency', detail: `sell ${stray.toFixed(4)} ETH that arrived after the emergency stop`, orders: this.sellLongEth() } : null;
    }
    if (this.phase === 'active' || this.phase === 'supporting' || this.phase === 'gathering') {
      if (risk.hfLevel === 'breach') return this.emergency(ctx, `health factor ${risk.healthFactor.toFixed(4)} below ${ctx.params.mode.risk.healthFactorEmergency}`);
      for (let c = 0; c < CEX_LIST.length; c++) {
        if (risk.marginLevel[c] === 'breach') return this.emergency(ctx, `${CEX_LIST[c]} margin ratio ${(risk.marginRatio[c] as number).toFixed(4)} below ${ctx.params.mode.risk.marginRatioEmergency}`);
      }
    }
    // The AAVE band is on chain and independent of transfers in flight.
    if (this.phase === 'active' || this.phase === 'supporting' || this.phase === 'gathering') {
      const band = book.maintain(ctx);
      if (band) return { reason: 'rebalance', detail: band.why, orders: [band.order] };
    }
    if (positions.inFlight.length > 0) return null;
    const E = exposure.equity;
    const onchain = E * p.stakeAllocation;
    const margin = E - onchain;
    switch (this.phase) {
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
        const float = ctx.costsOn ? p.gasFloat.targetEth : 0;
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
      case 'active':
        break;
    }
    // Margin: when the CEX side as a whole is short, release ETH from the book (it also shrinks the hedge);
    // when only some venues are, move surplus USDT between venues.
    const worst = worstMarginRatio(ctx);
    const r = p.hedge.targetMarginRatio;
    if (worst < ctx.params.mode.risk.marginRatioRebalance) {
      let notional = 0;
      let cexEq = 0;
      for (let c = 0; c < CEX_LIST.length; c++) {
        notional += exposure.perpNotional[c] as number;
        cexEq += (exposure.cexCollateral[c] as number) + (exposure.perpUpnl[c] as number);
      }
      const releaseUsdt = (r * notional - cexEq) / (1 + r);
      if (releaseUsdt > minMove(p.hedge, E)) {
        const releaseEth = releaseUsdt / ctx.m.ethPx;
        this.phase = 'supporting';
        this.supportEth = releaseEth;
        return {
          reason: 'margin_support',
          detail: `margin ratio ${worst.toFixed(4)}: release ${releaseEth.toFixed(4)} ETH from the on-chain book for margin`,
          orders: [
            book.release(ctx, releaseEth),
            (c) => {
              const keep = c.costsOn ? p.gasFloat.targetEth : 0;
              const amt = Math.min(releaseEth, c.positions.amount('wallet:BaseToken:ETH') - keep);
              return amt > 0 ? { kind: 'transfer', token: 'ETH', from: 'wallet', to: p.spotVenue, amount: amt, purpose: 'margin support' } : null;
            },
          ],
        };
      }
      const moves = collateralMoves(ctx, r, minMove(p.hedge, E), 'margin support');
      if (moves.length > 0) return { reason: 'margin_support', detail: `margin ratio ${worst.toFixed(4)}: move USDT between venues`, orders: moves };
    }
    if (worst > p.hedge.redeployMarginRatio && Number.isFinite(worst)) {
      const plan = redeployPlan(ctx, p.hedge, p.spotVenue, minMove(p.hedge, E));
      if (plan.usdt > 0) {
        this.phase = 'gathering';
        this.redeployUsdt = plan.usdt;
        return { reason: 'rebalance', detail: `margin ratio ${worst.toFixed(4)} above ${p.hedge.redeployMarginRatio} on every venue: gather ${plan.usdt.toFixed(2)} USDT to redeploy`, orders: plan.transfers };
      }
    }
    if (risk.deltaRatio > p.hedge.deltaTolerance) {
      return { reason: 'delta', detail: `net ETH delta ${(risk.deltaRatio * 100).toFixed(2)}% of the hedge`, orders: hedgeOrders(ctx, p.hedge.hedgeAllocation, 'ETHUSDT', exposure.longEth) };
    }
    if (worst < p.hedge.redistributeMarginRatio) {
      const moves = collateralMoves(ctx, r, minMove(p.hedge, E), 'margin distribution');
      if (moves.length > 0) return { reason: 'margin_support', detail: `bring venues back to margin ratio ${r}`, orders: moves };
    }
    // ETH left idle in the wallet (a leverage that could not run, rewards) goes into the book.
    const idle = book.deployable(ctx, ctx.costsOn ? p.gasFloat.targetEth : 0);
    if (idle > Math.max(p.gasFloat.targetEth, book.idleEthFraction * exposure.longEth)) {
      return { reason: 'rebalance', detail: `${book.verb} ${idle.toFixed(4)} idle wallet ETH`, orders: [book.enter(ctx, idle), (c) => hedgeOrders(c, p.hedge.hedgeAllocation, 'ETHUSDT', c.exposure.longEth)] };
    }
    if (ctx.costsOn && positions.amount('wallet:BaseToken:ETH') < p.gasFloat.minEth && book.canRelease(ctx)) {
      const release = p.gasFloat.targetEth - positions.amount('wallet:BaseToken:ETH');
      return { reason: 'gas_float', detail: `release ${release.toFixed(4)} ETH for gas`, orders: [book.release(ctx, release)] };
    }
    return null;
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
        const eth = c.positions.amount('wallet:BaseToken:ETH') - (c.costsOn ? this.p.gasFloat.targetEth : 0);
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
   * between): (1) each venue receives its share of the deposit in proportion to its equity now, and the spot venue
   * also the on-chain book's share; (2) that share buys ETH, hedged at once, and the ETH goes on chain; (3) it is
   * levered to the target LTV and the hedge follows the realized net ETH. Margin ratios and the on-chain share stay
   * what they were, so the deposit earns what the book earns.
   */
  deploy(ctx: StrategyContext, amountShare: number): FlowAnswer {
    const p = this.p;
    if (this.halted) {
      this.deposit = null;
      return null;
    }
    if (this.phase !== 'active' || ctx.positions.inFlight.length > 0) return 'wait';
    const d = this.deposit;
    if (d === null) {
      // Shares of the book as it stands, the deposit (still wallet cash) left out.
      const book = ctx.exposure.equity - ctx.positions.amount('wallet:BaseToken:USDT');
      const venueShares = venueEquities(ctx).map((eq) => Math.max(0, eq) / book);
      const onchainShare = Math.max(0, 1 - venueShares.reduce((a, b) => a + b, 0));
      this.deposit = { stage: 'bought', spendUsdt: 0 };
      const spotIdx = CEX_IDX[p.spotVenue];
      return {
        reason: 'deposit',
        detail: `fund venues with the deposit in proportion to the book: ${(onchainShare * 100).toFixed(2)}% to stake`,
        orders: [
          (c) => gasFloatTopUp(c, p.gasFloat),
          (c) =>
            fundingTransfers(c, (usdt) => {
              const amount = Math.min(usdt, amountShare);
              (this.deposit as { spendUsdt: number }).spendUsdt = amount * onchainShare;
              return CEX_LIST.map((_, k) => amount * (venueShares[k] as number) + (k === spotIdx ? amount * onchainShare : 0));
            }),
        ],
      };
    }
    if (d.stage === 'bought') {
      this.deposit = { stage: 'levered', spendUsdt: 0 };
      const venue = p.spotVenue;
      return {
        reason: 'deposit',
        detail: `buy ETH with ${d.spendUsdt.toFixed(2)} USDT of the deposit, hedge it and send it on chain`,
        orders: [
          (c) => {
            const size = affordableBase(c, venue, 'ETHUSDT', Math.min(d.spendUsdt, c.positions.amount(`${venue}:BaseToken:USDT`)));
            return size > 0 ? { kind: 'spot_trade', venue, pair: 'ETHUSDT', side: 'buy', sizeBase: size } : null;
          },
          (c) => hedgeOrders(c, p.hedge.hedgeAllocation, 'ETHUSDT', c.exposure.longEth),
          (c) => {
            const eth = c.positions.amount(`${venue}:BaseToken:ETH`);
            return eth > 0 ? { kind: 'transfer', token: 'ETH', from: venue, to: 'wallet', amount: eth, purpose: 'deposit into the staking book' } : null;
          },
        ],
      };
    }
    if (d.stage === 'levered') {
      this.deposit = { stage: 'done', spendUsdt: 0 };
      const book = this.book;
      const float = ctx.costsOn ? p.gasFloat.targetEth : 0;
      return {
        reason: 'deposit',
        detail: `${book.describeEntry(ctx)} (the deposited ETH) and hedge the realized net ETH`,
        orders: [(c) => book.enter(c, book.deployable(c, float)), (c) => hedgeOrders(c, p.hedge.hedgeAllocation, 'ETHUSDT', c.exposure.longEth)],
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
    const float = ctx.costsOn ? p.gasFloat.targetEth : 0;
    const need = amountShare * (1 + RELEASE_MARGIN);
    if (this.halted) {
      const sweep = shrinkTransfers(ctx, 1, venueEquities(ctx), 'withdrawal');
      return sweep.length > 0 ? { reason: 'withdrawal', detail: `bring ${need.toFixed(2)} USDT home for a withdrawal`, orders: sweep } : null;
    }
    if (this.phase !== 'active' || ctx.positions.inFlight.length > 0) return 'wait';
    const fraction = Math.min(1, need / ctx.exposure.equity);
    const before = venueEquities(ctx);
    const netEth = this.book.netEth(ctx);
    const full = fraction >= 1;
    const orders: OrderStep[] = [];
    if (netEth > 0) {
      const unwind = this.book.unwind(ctx);
      if (full && unwind.length > 0) orders.push(...unwind);
      else orders.push(this.book.release(ctx, full ? Infinity : netEth * fraction));
    }
    orders.push(
      (c) => {
        const eth = c.positions.amount('wallet:BaseToken:ETH') - float;
        return eth > 0 ? { kind: 'dex_swap', from: 'ETH', to: 'USDT', amountIn: eth } : null;
      },
      (c) => hedgeOrders(c, p.hedge.hedgeAllocation, 'ETHUSDT', c.exposure.longEth),
      (c) => shrinkTransfers(c, fraction, before, 'withdrawal'),
      // A venue lets us withdraw only what its open shorts' losses and initial margin leave: what the venues could
      // not send comes from the on-chain book instead, so one unwind covers the withdrawal.
      (c) => {
        const shortUsdt = need - c.positions.amount('wallet:BaseToken:USDT') - usdtComingHome(c);
        return shortUsdt > 0 && this.book.canRelease(c) ? this.book.release(c, (shortUsdt * (1 + RELEASE_MARGIN)) / c.m.ethPx) : null;
      },
      (c) => {
        const eth = c.positions.amount('wallet:BaseToken:ETH') - float;
        return eth > 0 ? { kind: 'dex_swap', from: 'ETH', to: 'USDT', amountIn: eth } : null;
      },
      (c) => hedgeOrders(c, p.hedge.hedgeAllocation, 'ETHUSDT', c.exposure.longEth),
    );
    return { reason: 'withdrawal', detail: `unwind ${(fraction * 100).toFixed(2)}% of the book for a withdrawal of ${amountShare.toFixed(2)} USDT`, orders };
  }
}

/** USDT in flight to the wallet. */
function usdtComingHome(ctx: StrategyContext): number {
  let sum = 0;
  for (const t of ctx.positions.inFlight) if (t.to === 'wallet:BaseToken:USDT') sum += t.amount;
  return sum;
}
