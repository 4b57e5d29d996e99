import type { GasFloatParams, LeverageParams, LstParams, PerpHedgeParams } from '../domain/params.js';
import type { CexVenue } from '../domain/venues.js';
import { CEX_IDX, CEX_LIST } from '../components/slots.js';
import type { Decision, OrderStep, Strategy, StrategyContext } from './strategy.js';
import { affordableBase, closeAllPerps, collateralMoves, fundingTransfers, gasFloatTopUp, hedgeOrders, minMove, redeployPlan, withdrawable, worstMarginRatio } from './common.js';
import { entryOrder, leverableEth, ltvBandOrder, targetLtv } from './leverage.js';

/** usdt_market_neutral: the leveraged LST book hedged with ETH perps, USDT share class (domain.md §3.9). */
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

declare module '../domain/params.js' {
  interface StrategyParamsByMode {
    usdt_market_neutral: UsdtMarketNeutralParams;
  }
}

type Params = UsdtMarketNeutralParams;

/**
 * A share `a` of equity runs the leveraged staking loop on chain; the rest is USDT margin on the CEXs
 * shorting ETH perps for the REALIZED net ETH of the book (LST value − debt + wallet ETH), never the gross
 * collateral. Entry: fund venues → buy ETH and open the hedge at the same step → withdraw ETH → lever.
 * Rally: margin support sells a slice of the on-chain book (atomic deleverage → ETH to the spot venue →
 * sell → shrink shorts by the same ETH → move USDT to the venues short of margin).
 */
export class UsdtMarketNeutralStrategy implements Strategy {
  halted = false;
  private phase: 'idle' | 'funding' | 'withdrawing' | 'active' | 'supporting' | 'gathering' = 'idle';
  private supportEth = 0;
  /** USDT being gathered at the spot venue to redeploy into the staking book. */
  private redeployUsdt = 0;

  constructor(private readonly p: Params) {}

  decide(ctx: StrategyContext): Decision | null {
    const { risk, exposure, positions } = ctx;
    const p = this.p;
    const lst = p.lst.token;
    const ltv = targetLtv(ctx.params.aave, p.leverage);
    if (this.halted) {
      // After the stop, ETH still arriving (a transfer that was in flight) is sold when it lands.
      if (positions.inFlight.length > 0) return null;
      const stray = positions.amount(`${p.spotVenue}:BaseToken:ETH`) + Math.max(0, positions.amount('wallet:BaseToken:ETH') - p.gasFloat.targetEth);
      return stray > 0 ? { reason: 'emergency', detail: `sell ${stray.toFixed(4)} ETH that arrived after the emergency stop`, orders: this.sellLongEth() } : null;
    }
    if (this.phase === 'active' || this.phase === 'supporting' || this.phase === 'gathering') {
      if (risk.hfLevel === 'breach') return this.emergency(ctx, `health factor ${risk.healthFactor.toFixed(4)} below ${ctx.params.mode.risk.healthFactorEmergency}`);
      for (let c = 0; c < 3; c++) {
        if (risk.marginLevel[c] === 'breach') return this.emergency(ctx, `${CEX_LIST[c]} margin ratio ${(risk.marginRatio[c] as number).toFixed(4)} below ${ctx.params.mode.risk.marginRatioEmergency}`);
      }
    }
    // The AAVE band is on chain and independent of transfers in flight.
    if (this.phase === 'active' || this.phase === 'supporting' || this.phase === 'gathering') {
      const band = ltvBandOrder(ctx, lst, p.leverage, ltv);
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
          detail: `lever the ETH to LTV ${ltv.toFixed(4)} and hedge the realized net ETH`,
          orders: [
            (c) => entryOrder(lst, p.leverage, leverableEth(c, float), ltv),
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
      for (let c = 0; c < 3; c++) {
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
            { kind: 'atomic_deleverage', lst, targetLtv: ltv, releaseEth },
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
    // ETH left idle in the wallet (a leverage that could not run) goes into the book.
    const idle = leverableEth(ctx, ctx.costsOn ? p.gasFloat.targetEth : 0);
    if (idle > Math.max(p.gasFloat.targetEth, p.leverage.idleEthFraction * exposure.longEth)) {
      return { reason: 'rebalance', detail: `lever ${idle.toFixed(4)} idle wallet ETH`, orders: [entryOrder(lst, p.leverage, idle, ltv), (c) => hedgeOrders(c, p.hedge.hedgeAllocation, 'ETHUSDT', c.exposure.longEth)] };
    }
    if (ctx.costsOn && positions.amount('wallet:BaseToken:ETH') < p.gasFloat.minEth && exposure.aaveDebtEth > 0) {
      const release = p.gasFloat.targetEth - positions.amount('wallet:BaseToken:ETH');
      return { reason: 'gas_float', detail: `release ${release.toFixed(4)} ETH for gas`, orders: [{ kind: 'atomic_deleverage', lst, targetLtv: ltv, releaseEth: release }] };
    }
    return null;
  }

  /**
   * Unwind in a safe order: the on-chain book first (full flash deleverage, LST and ETH sold), the hedges last, so
   * the book is never long without its shorts.
   */
  private emergency(ctx: StrategyContext, why: string): Decision {
    this.halted = true;
    const lst = this.p.lst.token;
    const orders: OrderStep[] = [];
    if (ctx.exposure.aaveDebtEth > 0) orders.push({ kind: 'atomic_deleverage', lst, targetLtv: 0, releaseEth: Infinity });
    orders.push(...this.sellLongEth(), (c) => closeAllPerps(c));
    return { reason: 'emergency', detail: why, orders };
  }

  /** Sells every long ETH the strategy can reach, each step sized on what the previous left: wallet LST, wallet
   * ETH above the gas float, spot-venue ETH. */
  private sellLongEth(): OrderStep[] {
    const lst = this.p.lst.token;
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
}
