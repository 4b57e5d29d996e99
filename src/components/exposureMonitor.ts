import type { ShareClass } from '../domain/tokens.js';
import type { MarketState } from './marketState.js';
import type { PositionsView, Numeraire, ReadonlyFloat64Array } from './positionMonitor.js';
import { CEX_LIST, type Slot } from './slots.js';

/** Share-class value of one unit of each numeraire at market m. */
export function pxUsdt(sc: ShareClass, m: MarketState): number {
  return sc === 'USDT' ? 1 : 1 / m.ethPx;
}
export function pxEth(sc: ShareClass, m: MarketState): number {
  return sc === 'USDT' ? m.ethPx : 1;
}
export function pxBtc(sc: ShareClass, m: MarketState): number {
  return sc === 'USDT' ? m.btcPx : m.btcPx / m.ethPx;
}
export function pxOf(sc: ShareClass, n: Numeraire, m: MarketState): number {
  return n === 'usdt' ? pxUsdt(sc, m) : n === 'eth' ? pxEth(sc, m) : pxBtc(sc, m);
}

/**
 * Share-class value of numeraire units. A numeraire with zero units contributes nothing even when the mode
 * has no price for it (pure lending has no BTC price: 0 × NaN must not poison equity).
 */
export function valueOf(sc: ShareClass, m: MarketState, usdtUnits: number, ethUnits: number, btcUnits: number): number {
  return (
    (usdtUnits !== 0 ? usdtUnits * pxUsdt(sc, m) : 0) +
    (ethUnits !== 0 ? ethUnits * pxEth(sc, m) : 0) +
    (btcUnits !== 0 ? btcUnits * pxBtc(sc, m) : 0)
  );
}

/**
 * Positions → exposure: numeraire units (USDT, ETH, BTC), equity in the share class, net delta per
 * underlying in its own units (never a mixed-unit sum), and the per-venue figures the risk monitor needs.
 * Equity includes perp unrealized P&L and transfers in flight (domain.md §10).
 */
export class ExposureMonitor {
  usdtUnits = 0;
  ethUnits = 0;
  btcUnits = 0;
  equity = 0;
  inFlightValue = 0;
  netDeltaEth = 0;
  netDeltaBtc = 0;
  /** Long ETH held outside perps (ETH units) and total short perp ETH. */
  longEth = 0;
  shortEth = 0;
  longBtc = 0;
  shortBtc = 0;
  /** ETH-denominated AAVE book (oracle values). */
  aaveCollateralEth = 0;
  aaveDebtEth = 0;
  aaveCollateralUsdt = 0;
  /** Per CEX: USDT collateral, perp |notional| and uPnL in USDT. */
  readonly cexCollateral = new Float64Array(3);
  readonly perpNotional = new Float64Array(3);
  readonly perpUpnl = new Float64Array(3);
  private readonly cexUsdtSlot: Int32Array;

  /**
   * Slots before `prefixEnd` are plain tokens or empty: their value moves with prices only, so their unit sums (in
   * slot order, the order the loop adds them) are kept until a balance changes, and a step starts its loop at the
   * first slot the market revalues (a basis book's perps). The sums are the loop's own partial sums, bit for bit.
   */
  private prefixVersion = -1;
  private prefixEnd = 0;
  private prefixUsdt = 0;
  private prefixEth = 0;
  private prefixBtc = 0;

  constructor(private readonly shareClass: ShareClass, private readonly slots: readonly Slot[]) {
    this.cexUsdtSlot = new Int32Array(3).fill(-1);
    for (const s of slots) {
      const c = s.venue === 'binance' ? 0 : s.venue === 'bybit' ? 1 : s.venue === 'okx' ? 2 : -1;
      if (c >= 0 && s.def.kind === 'usdt') this.cexUsdtSlot[c] = s.index;
    }
  }

  compute(pm: PositionsView, m: MarketState): void {
    if (pm.version !== this.prefixVersion) this.takePrefix(pm);
    let u = this.prefixUsdt;
    let e = this.prefixEth;
    let b = this.prefixBtc;
    let longEth = this.prefixEth;
    let shortEth = 0;
    let longBtc = this.prefixBtc;
    let shortBtc = 0;
    let coll = 0;
    let debt = 0;
    let collUsdt = 0;
    // Three entries each: plain stores, cheaper than two calls to the fill builtin every step.
    for (let c = 0; c < 3; c++) {
      this.perpNotional[c] = 0;
      this.perpUpnl[c] = 0;
    }
    const amounts = pm.amounts;
    for (let i = this.prefixEnd; i < this.slots.length; i++) {
      const a = amounts[i] as number;
      if (a === 0) continue;
      const d = (this.slots[i] as Slot).def;
      switch (d.kind) {
        case 'usdt':
          u += a;
          break;
        case 'eth':
          e += a;
          longEth += a;
          break;
        case 'btc':
          b += a;
          longBtc += a;
          break;
        case 'lst': {
          const v = a * (m.lstRate[d.lst] as number);
          e += v;
          longEth += v;
          break;
        }
        case 'aToken': {
          const under = a * (m.liquidityIndex[d.asset] as number);
          if (d.numeraire === 'usdt') {
            u += under;
            collUsdt += under;
          } else {
            const v = d.lst >= 0 ? under * (m.lstRate[d.lst] as number) : under;
            e += v;
            longEth += v;
            coll += v;
          }
          break;
        }
        case 'debt': {
          const owed = a * (m.borrowIndex[d.asset] as number);
          if (d.numeraire === 'usdt') u -= owed;
          else {
            e -= owed;
            longEth -= owed;
            debt += owed;
          }
          break;
        }
        case 'perp': {
          const mark = m.perpMark[d.perp] as number;
          const upnl = a * (mark - (pm.perpEntry[i] as number));
          u += upnl;
          this.perpUpnl[d.cex] = (this.perpUpnl[d.cex] as number) + upnl;
          this.perpNotional[d.cex] = (this.perpNotional[d.cex] as number) + Math.abs(a) * mark;
          if (d.sym === 1) {
            if (a < 0) shortEth -= a;
            else longEth += a;
          } else if (a < 0) shortBtc -= a;
          else longBtc += a;
          break;
        }
      }
    }
    let flight = 0;
    // Indexed: an empty for-of still sets up an iterator every step.
    const inFlight = pm.inFlight;
    for (let k = 0; k < inFlight.length; k++) {
      const t = inFlight[k] as (typeof inFlight)[number];
      if (t.numeraire === 'usdt') u += t.amount;
      else if (t.numeraire === 'eth') {
        e += t.amount;
        longEth += t.amount;
      } else {
        b += t.amount;
        longBtc += t.amount;
      }
      flight += t.amount * pxOf(this.shareClass, t.numeraire, m);
    }
    for (let c = 0; c < CEX_LIST.length; c++) {
      const s = this.cexUsdtSlot[c] as number;
      this.cexCollateral[c] = s >= 0 ? (amounts[s] as number) : 0;
    }
    this.usdtUnits = u;
    this.ethUnits = e;
    this.btcUnits = b;
    this.equity = valueOf(this.shareClass, m, u, e, b);
    this.inFlightValue = flight;
    this.longEth = longEth;
    this.shortEth = shortEth;
    this.longBtc = longBtc;
    this.shortBtc = shortBtc;
    this.netDeltaEth = longEth - shortEth;
    this.netDeltaBtc = longBtc - shortBtc;
    this.aaveCollateralEth = coll;
    this.aaveDebtEth = debt;
    this.aaveCollateralUsdt = collUsdt;
  }

  private takePrefix(pm: PositionsView): void {
    const amounts = pm.amounts;
    let u = 0;
    let e = 0;
    let b = 0;
    let i = 0;
    for (; i < this.slots.length; i++) {
      const a = amounts[i] as number;
      if (a === 0) continue;
      const kind = (this.slots[i] as Slot).def.kind;
      // ETH and BTC units count as long too: the loop adds the same amounts to both sums, so they stay equal.
      if (kind === 'usdt') u += a;
      else if (kind === 'eth') e += a;
      else if (kind === 'btc') b += a;
      else break;
    }
    this.prefixEnd = i;
    this.prefixUsdt = u;
    this.prefixEth = e;
    this.prefixBtc = b;
    this.prefixVersion = pm.version;
  }
}

/** What strategies and other components read of the exposure: its figures, never `compute`. */
export type ExposureView = Readonly<Omit<ExposureMonitor, 'compute' | 'cexCollateral' | 'perpNotional' | 'perpUpnl'>> & {
  readonly cexCollateral: ReadonlyFloat64Array;
  readonly perpNotional: ReadonlyFloat64Array;
  readonly perpUpnl: ReadonlyFloat64Array;
};
