import type { CexVenueParams, GasFloatParams, PerpHedgeParams } from '../domain/params.js';
import type { CexVenue } from '../domain/venues.js';
import type { PerpSymbol } from '../domain/tokens.js';
import type { Order } from '../orders/order.js';
import { CEX_LIST, SYM_IDX, perpIdx } from '../components/slots.js';
import type { StrategyContext } from './strategy.js';
import { swapBps } from '../venues/costs.js';

/** What the per-step checks answer when there is nothing to do (shared: answering allocates nothing). */
const NO_ORDERS: readonly Order[] = Object.freeze([]);
const NO_REDEPLOY = Object.freeze({ usdt: 0, transfers: NO_ORDERS });

/** Base units a spot buy of `usdt` can pay for, fees and slippage included. */
export function affordableBase(ctx: StrategyContext, venue: CexVenue, pair: 'BTCUSDT' | 'ETHUSDT', usdt: number): number {
  if (!(usdt > 0)) return 0;
  const px = pair === 'BTCUSDT' ? ctx.m.btcPx : ctx.m.ethPx;
  if (!ctx.costsOn) return usdt / px;
  const curve = pair === 'BTCUSDT' ? ctx.params.costs.slippage.spotBTCUSDT : ctx.params.costs.slippage.spotETHUSDT;
  const fee = ctx.params.cex[venue].spotFees.takerRate;
  // The bucket is that of the notional bought (what the fill is charged on), not of the USDT spent.
  const bps = swapBps(curve, (b) => usdt / (1 + b / 1e4 + fee));
  return usdt / (px * (1 + bps / 1e4 + fee));
}

/** The smallest collateral move worth making at this equity. */
export function minMove(hedge: PerpHedgeParams, equity: number): number {
  return Math.max(hedge.minMoveUsdt, equity * hedge.minMoveFraction);
}

/** Wallet ETH kept back for gas: the float's target, none when costs are off. */
export function floatEth(ctx: StrategyContext, float: GasFloatParams): number {
  return ctx.costsOn ? float.targetEth : 0;
}

/** Gas ETH the wallet needs: a USDT book buys it with a gasless swap (gas paid from the ETH it receives). */
export function gasFloatTopUp(ctx: StrategyContext, float: GasFloatParams): Order | null {
  if (!ctx.costsOn) return null;
  const have = ctx.positions.amount('wallet:BaseToken:ETH');
  if (have >= float.minEth) return null;
  const usdt = ctx.positions.amount('wallet:BaseToken:USDT');
  if (usdt <= 0) return null;
  // Enough USDT that, after the pool's cost and the swap's own gas (paid from its output), the float is full.
  const ethNeeded = float.targetEth - have + ctx.costs.gasEthFor('TOKEN_SWAP');
  // The pool charges the bucket of the USDT swapped in, which is the output plus that very cost.
  const bps = swapBps(ctx.params.costs.slippage.dexETHUSDT, (b) => (ethNeeded * ctx.m.ethPx) / (1 - b / 1e4));
  const need = (ethNeeded * ctx.m.ethPx) / (1 - bps / 1e4);
  return { kind: 'dex_swap', from: 'USDT', to: 'ETH', amountIn: Math.min(need, usdt) };
}

export function perpSize(ctx: StrategyContext, venue: CexVenue, sym: PerpSymbol): number {
  const key = `${venue}:Perp:${sym}`;
  return ctx.positions.has(key) ? ctx.positions.amount(key) : 0;
}

/**
 * Per-venue short sizes for a total hedge, by allocation. An adjustment below the venue's minimum order is not
 * sent (the venue would reject it); closing a position to zero always is.
 */
export function hedgeOrders(ctx: StrategyContext, alloc: Readonly<Record<CexVenue, number>>, sym: PerpSymbol, totalShortBase: number): Order[] {
  const out: Order[] = [];
  CEX_LIST.forEach((v, c) => {
    const target = -totalShortBase * alloc[v];
    const delta = target - perpSize(ctx, v, sym);
    if (delta === 0) return;
    const mark = ctx.m.perpMark[perpIdx(c, SYM_IDX[sym])] as number;
    if (target !== 0 && Math.abs(delta) * mark < ctx.params.cex[v].minOrderUsdt) return;
    out.push({ kind: 'perp_trade', venue: v, symbol: sym, deltaBase: delta, reduceOnly: target === 0 });
  });
  return out;
}

/**
 * USDT a venue lets us withdraw: the wallet balance less any unrealized loss and the initial margin of the open
 * perps, as the exchanges compute it. Unrealized profit is not withdrawable: counting it once emptied a venue's
 * wallet while its short stayed open, and the next fee or funding payment had nothing to come from.
 */
export function withdrawable(ctx: StrategyContext, venue: CexVenue, c: number): number {
  const e = ctx.exposure;
  return (e.cexCollateral[c] as number) + Math.min(0, e.perpUpnl[c] as number) - cexAt(ctx.params.cex, c).initialMarginRate * (e.perpNotional[c] as number);
}

// cexAt reads venue c of CEX_LIST by property name; this fails to compile if that list changes order.
const CEX_ORDER: readonly ['binance', 'bybit', 'okx'] = CEX_LIST;

/**
 * The parameters of venue c of CEX_LIST. Per step, `cex[venue]` with a varying venue name is a megamorphic
 * (hashed) load; a load by a fixed name is one instruction.
 */
function cexAt(cex: Readonly<Record<CexVenue, CexVenueParams>>, c: number): CexVenueParams {
  return c === 0 ? cex[CEX_ORDER[0]] : c === 1 ? cex[CEX_ORDER[1]] : cex[CEX_ORDER[2]];
}

/**
 * Moves USDT from venues above the hedge's target margin ratio to those below it, via withdraw → deposit; no move
 * smaller than minMove at the current equity. Takes the hedge rather than the ratio and the minimum move: numbers
 * a per-step caller computed and passed here would be boxed at each of its steps (docs/kernel.md, "Hot path").
 */
export function collateralMoves(ctx: StrategyContext, hedge: PerpHedgeParams, purpose: string): readonly Order[] {
  const targetRatio = hedge.targetMarginRatio;
  const minMoveUsdt = minMove(hedge, ctx.exposure.equity);
  // The usual step has no venue both short and long of margin by a minimum move: answer it without building lists.
  let short = false;
  let long = false;
  for (let c = 0; c < 3; c++) {
    const eq = (ctx.exposure.cexCollateral[c] as number) + (ctx.exposure.perpUpnl[c] as number);
    const want = (ctx.exposure.perpNotional[c] as number) * targetRatio;
    if (Math.min(eq - want, withdrawable(ctx, CEX_LIST[c] as CexVenue, c)) > minMoveUsdt) long = true;
    else if (want - eq > minMoveUsdt) short = true;
  }
  return short && long ? collateralTransfers(ctx, targetRatio, minMoveUsdt, purpose) : NO_ORDERS;
}

/** collateralMoves once some venue has a surplus and another a deficit. A function of its own: the closure below
 * makes its function allocate a context on every call, which the per-step check must not. */
function collateralTransfers(ctx: StrategyContext, targetRatio: number, minMoveUsdt: number, purpose: string): Order[] {
  const surplus: Array<[CexVenue, number]> = [];
  const deficit: Array<[CexVenue, number]> = [];
  CEX_LIST.forEach((v, c) => {
    const notional = ctx.exposure.perpNotional[c] as number;
    const eq = (ctx.exposure.cexCollateral[c] as number) + (ctx.exposure.perpUpnl[c] as number);
    const want = notional * targetRatio;
    const free = Math.min(eq - want, withdrawable(ctx, v, c));
    if (free > minMoveUsdt) surplus.push([v, free]);
    else if (want - eq > minMoveUsdt) deficit.push([v, want - eq]);
  });
  const out: Order[] = [];
  surplus.sort((a, b) => b[1] - a[1]);
  for (const d of deficit) {
    let need = d[1];
    for (const s of surplus) {
      if (need <= minMoveUsdt) break;
      const amt = Math.min(need, s[1]);
      if (amt <= minMoveUsdt) continue;
      out.push({ kind: 'transfer', token: 'USDT', from: s[0], to: d[0], amount: amt, purpose });
      s[1] -= amt;
      need -= amt;
    }
  }
  return out;
}

export function closeAllPerps(ctx: StrategyContext): Order[] {
  const out: Order[] = [];
  for (const s of ctx.positions.slots) {
    if (s.def.kind !== 'perp') continue;
    const size = ctx.positions.amounts[s.index] as number;
    if (size !== 0) out.push({ kind: 'perp_trade', venue: s.venue as CexVenue, symbol: s.symbol as PerpSymbol, deltaBase: -size, reduceOnly: true });
  }
  return out;
}

/** Wallet → CEX transfers splitting the wallet's USDT by `split` (one amount per CEX, in CEX_LIST order). */
export function fundingTransfers(ctx: StrategyContext, split: (walletUsdt: number) => number[]): Order[] {
  const usdt = ctx.positions.amount('wallet:BaseToken:USDT');
  const amounts = split(usdt);
  const out: Order[] = [];
  CEX_LIST.forEach((v, c) => {
    const amount = amounts[c] ?? 0;
    if (amount > 0) out.push({ kind: 'transfer', token: 'USDT', from: 'wallet', to: v, amount, purpose: 'entry funding' });
  });
  return out;
}

/** Lowest margin ratio over venues with an open perp (Infinity when none): the risk monitor's, computed once per assessment. */
export function worstMarginRatio(ctx: StrategyContext): number {
  const worst = ctx.risk.worstMarginRatio;
  // Constant, then overwrite (see healthFactor): `worst === worst ? worst : Infinity` allocates at each step.
  let w = Infinity;
  if (worst === worst) w = worst;
  return w;
}

/**
 * The reverse of margin support. After a sell-off the shorts have fed every venue's collateral; the excess
 * goes back into the position. With total CEX equity Q, notional N and target ratio r, putting Y = (Q − rN)/(1+r)
 * of USDT into spot + hedge leaves every venue at r: venue v keeps r·(notional_v + Y·a_v) and sends the rest to
 * the spot venue, where the USDT is spent. Nothing when Y is below minMove at the current equity.
 */
export function redeployPlan(ctx: StrategyContext, hedge: PerpHedgeParams, spotVenue: CexVenue): { readonly usdt: number; readonly transfers: readonly Order[] } {
  const r = hedge.targetMarginRatio;
  const minMoveUsdt = minMove(hedge, ctx.exposure.equity);
  let equity = 0;
  let notional = 0;
  for (let c = 0; c < CEX_LIST.length; c++) {
    equity += (ctx.exposure.cexCollateral[c] as number) + (ctx.exposure.perpUpnl[c] as number);
    notional += ctx.exposure.perpNotional[c] as number;
  }
  const usdt = (equity - r * notional) / (1 + r);
  if (!(usdt > minMoveUsdt)) return NO_REDEPLOY;
  // A loop, not forEach: a closure would make every call (most answer NO_REDEPLOY above) allocate its context.
  const transfers: Order[] = [];
  for (let c = 0; c < CEX_LIST.length; c++) {
    const v = CEX_LIST[c] as CexVenue;
    if (v === spotVenue) continue;
    const eq = (ctx.exposure.cexCollateral[c] as number) + (ctx.exposure.perpUpnl[c] as number);
    const keep = r * ((ctx.exposure.perpNotional[c] as number) + usdt * hedge.hedgeAllocation[v]);
    const send = Math.min(eq - keep, withdrawable(ctx, v, c));
    if (send > minMoveUsdt) transfers.push({ kind: 'transfer', token: 'USDT', from: v, to: spotVenue, amount: send, purpose: 'redeploy excess margin' });
  }
  return { usdt, transfers };
}

/** Each venue's equity (USDT collateral + unrealized perp P&L), in CEX_LIST order. */
export function venueEquities(ctx: StrategyContext): number[] {
  return CEX_LIST.map((_, c) => (ctx.exposure.cexCollateral[c] as number) + (ctx.exposure.perpUpnl[c] as number));
}

/**
 * CEX → wallet USDT transfers that leave each venue with (1 − fraction) of the equity it had before the unwind
 * (`before`), so every venue keeps its margin ratio once its perps have shrunk by the same fraction; the spot sale's
 * proceeds are part of what the spot venue sends. No venue sends more than it lets us withdraw.
 */
export function shrinkTransfers(ctx: StrategyContext, fraction: number, before: readonly number[], purpose: string): Order[] {
  const out: Order[] = [];
  CEX_LIST.forEach((v, c) => {
    const eq = (ctx.exposure.cexCollateral[c] as number) + (ctx.exposure.perpUpnl[c] as number);
    const amount = Math.min(eq - (1 - fraction) * (before[c] as number), withdrawable(ctx, v, c));
    if (amount > 0) out.push({ kind: 'transfer', token: 'USDT', from: v, to: 'wallet', amount, purpose });
  });
  return out;
}

/** Extra fraction a withdrawal's unwind releases above its need, for the trading costs of the unwind itself. */
export const RELEASE_MARGIN = 0.005;
