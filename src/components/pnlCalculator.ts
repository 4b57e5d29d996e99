import type { ShareClass } from '../domain/tokens.js';
import type { BookedMove } from '../domain/move.js';
import { ATTRIBUTION_PARTS, type Attribution, type AttributionPart } from '../domain/attribution.js';
import { pxBtc, pxEth, pxUsdt, type ExposureMonitor } from './exposureMonitor.js';
import type { MarketState } from './marketState.js';
import type { PositionsView } from './positionMonitor.js';
import type { Slot } from './slots.js';

export const PART_INDEX: Readonly<Record<AttributionPart, number>> = Object.fromEntries(
  ATTRIBUTION_PARTS.map((p, i) => [p, i]),
) as Record<AttributionPart, number>;
const P = PART_INDEX;
// The parts a market move books every step, resolved once (a string-keyed lookup per part per step otherwise).
const SUPPLY = P.supplyInterest;
const BORROW = P.borrowCost;
const STAKING = P.stakingYield;
const BASIS = P.basis;
const PRICE = P.price;

/**
 * Attribution that adds up by construction. A step's market move (positions fixed, market m0 → m1) is
 * split by changing one market variable group at a time — AAVE supply indices, borrow indices, LST
 * exchange rates, perp basis, then prices — so the parts telescope to exactly the equity change. Every
 * action (fees, slippage, gas, funding, transfers, liquidations) books its own cost where it happens.
 * Balance P&L minus the attributed sum is then float noise only.
 */
export class PnlCalculator {
  /** Cumulative attribution per part since the run started. */
  readonly cumulative = new Float64Array(ATTRIBUTION_PARTS.length);
  initialEquity = 0;
  private running = 0;

  /**
   * The slots whose value a market move changes by more than their numeraire's price (LST, AAVE supply and debt,
   * perps), in slot order: plain tokens only move with prices, which the price part takes from the exposure.
   */
  private readonly moving: Int32Array;

  constructor(private readonly shareClass: ShareClass, private readonly slots: readonly Slot[]) {
    this.moving = Int32Array.from(slots.filter((s) => s.def.kind !== 'usdt' && s.def.kind !== 'eth' && s.def.kind !== 'btc').map((s) => s.index));
  }

  book(part: AttributionPart, valueShare: number): void {
    this.add(P[part], valueShare);
  }

  /** {@link book} by the part's index in ATTRIBUTION_PARTS (what venue fills carry). */
  bookIndex(part: number, valueShare: number): void {
    this.add(part, valueShare);
  }

  /** A booked move's value, to its part (a zero value books nothing); {@link add} written out (see BookedMove). */
  bookMove(m: BookedMove): void {
    const v = m.valueShare;
    if (v === 0) return;
    this.cumulative[m.part] = (this.cumulative[m.part] as number) + v;
    this.running += v;
  }

  private add(i: number, valueShare: number): void {
    this.cumulative[i] = (this.cumulative[i] as number) + valueShare;
    this.running += valueShare;
  }

  /**
   * Σ attribution kept as it is booked, for the per-step reconciliation check: one read instead of a sum over the
   * parts each step. It differs from {@link total} only by the order of the float additions (noise far below the
   * check's tolerance), and a NaN or infinity booked anywhere makes it non-finite just the same.
   */
  get runningTotal(): number {
    return this.running;
  }

  /** Splits the change in value of the (unchanged) book between m0 and m1 into named parts. */
  marketMove(pm: PositionsView, exp: ExposureMonitor, m0: MarketState, m1: MarketState): void {
    let dUSupply = 0;
    let dESupply = 0;
    let dUBorrow = 0;
    let dEBorrow = 0;
    let dEStake = 0;
    let dUPerpPrice = 0;
    let dUBasis = 0;
    const amounts = pm.amounts;
    const moving = this.moving;
    for (let k = 0; k < moving.length; k++) {
      const i = moving[k] as number;
      const a = amounts[i] as number;
      if (a === 0) continue;
      const d = (this.slots[i] as Slot).def;
      switch (d.kind) {
        case 'lst':
          dEStake += a * ((m1.lstRate[d.lst] as number) - (m0.lstRate[d.lst] as number));
          break;
        case 'aToken': {
          const l0 = m0.liquidityIndex[d.asset] as number;
          const l1 = m1.liquidityIndex[d.asset] as number;
          if (d.numeraire === 'usdt') dUSupply += a * (l1 - l0);
          else if (d.lst < 0) dESupply += a * (l1 - l0);
          else {
            const r0 = m0.lstRate[d.lst] as number;
            const r1 = m1.lstRate[d.lst] as number;
            dESupply += a * (l1 - l0) * r0;
            dEStake += a * l1 * (r1 - r0);
          }
          break;
        }
        case 'debt': {
          const db = a * ((m1.borrowIndex[d.asset] as number) - (m0.borrowIndex[d.asset] as number));
          if (d.numeraire === 'usdt') dUBorrow -= db;
          else dEBorrow -= db;
          break;
        }
        case 'perp': {
          const p = d.perp;
          const s0 = m0.spotForSym(d.sym);
          const s1 = m1.spotForSym(d.sym);
          const k0 = m0.perpMark[p] as number;
          const k1 = m1.perpMark[p] as number;
          dUPerpPrice += a * (s1 - s0);
          dUBasis += a * (k1 - s1 - (k0 - s0));
          break;
        }
      }
    }
    const sc = this.shareClass;
    const u0 = pxUsdt(sc, m0);
    const e0 = pxEth(sc, m0);
    const b0 = pxBtc(sc, m0);
    // Units after the non-price changes are the exposure at m1 (computed by the caller before this call).
    // Zero-unit numeraires are skipped: the mode may have no price for them (0 × NaN).
    const priceMove =
      (exp.usdtUnits !== 0 ? exp.usdtUnits * (pxUsdt(sc, m1) - u0) : 0) +
      (exp.ethUnits !== 0 ? exp.ethUnits * (pxEth(sc, m1) - e0) : 0) +
      (exp.btcUnits !== 0 ? exp.btcUnits * (pxBtc(sc, m1) - b0) : 0);
    this.add(SUPPLY, (dUSupply !== 0 ? dUSupply * u0 : 0) + (dESupply !== 0 ? dESupply * e0 : 0));
    this.add(BORROW, (dUBorrow !== 0 ? dUBorrow * u0 : 0) + (dEBorrow !== 0 ? dEBorrow * e0 : 0));
    this.add(STAKING, dEStake !== 0 ? dEStake * e0 : 0);
    this.add(BASIS, dUBasis !== 0 ? dUBasis * u0 : 0);
    this.add(PRICE, (dUPerpPrice !== 0 ? dUPerpPrice * u0 : 0) + priceMove);
  }

  attribution(): Attribution {
    const out = {} as Attribution;
    ATTRIBUTION_PARTS.forEach((p, i) => (out[p] = this.cumulative[i] as number));
    return out;
  }

  total(): number {
    let s = 0;
    for (let i = 0; i < this.cumulative.length; i++) s += this.cumulative[i] as number;
    return s;
  }
}
