/**
 * Share-class accounting of a fund with deposits and withdrawals, as pure functions.
 *
 * - The initial capital issues units at NAV 1. A deposit issues amount / NAV units and a withdrawal redeems
 *   amount / NAV units, NAV being equity / units just before the flow, so a flow never moves NAV per share.
 * - Time-weighted return is the growth of NAV per share: a deposit is not return.
 * - Money-weighted return is the annual rate r at which the dated flows (capital and deposits in, withdrawals and
 *   the final equity out) have zero net present value: the investor's own return, weighted by money at work.
 */

const MS_PER_YEAR = 365.25 * 86400 * 1000;

export function navPerShare(equity: number, units: number): number {
  return equity / units;
}

/** Units a deposit issues (> 0) or a withdrawal redeems (< 0) at the NAV per share before it. */
export function unitsForFlow(amount: number, nav: number): number {
  return amount / nav;
}

/**
 * NAV per share of each step, from the equity after each step and the units after each step's flows. A step whose
 * units are 0 (everything withdrawn) has no NAV: NaN.
 */
export function navSeries(equity: Float64Array, units: Float64Array): Float64Array {
  const out = new Float64Array(equity.length);
  for (let i = 0; i < equity.length; i++) {
    const u = units[i] as number;
    out[i] = u > 0 ? navPerShare(equity[i] as number, u) : NaN;
  }
  return out;
}

/**
 * Units outstanding after each step: `initialUnits` before any change, then each change (step offset into the
 * series, units after it) holds from its step on. Changes come in step order.
 */
export function unitsSeries(n: number, initialUnits: number, changes: ReadonlyArray<{ readonly offset: number; readonly unitsAfter: number }>): Float64Array {
  const out = new Float64Array(n);
  let k = 0;
  let u = initialUnits;
  for (let i = 0; i < n; i++) {
    while (k < changes.length && (changes[k] as { offset: number }).offset <= i) u = (changes[k++] as { unitsAfter: number }).unitsAfter;
    out[i] = u;
  }
  return out;
}

export interface DatedCashflow {
  readonly atMs: number;
  /** From the investor's side: money put in is negative, money taken out (and the final equity) positive. */
  readonly amount: number;
}

/** Net present value of the cashflows at annual rate r, discounted to the first one. */
export function npv(flows: readonly DatedCashflow[], r: number): number {
  if (flows.length === 0) return 0;
  const t0 = (flows[0] as DatedCashflow).atMs;
  let s = 0;
  for (const f of flows) s += f.amount / Math.pow(1 + r, (f.atMs - t0) / MS_PER_YEAR);
  return s;
}

/**
 * The money-weighted annual return (IRR) of dated cashflows: the r > −1 with npv(r) = 0, by bisection on a bracket
 * widened until the sign changes. NaN when no rate solves it (all flows one sign, or no root below 1e6 a year).
 */
export function moneyWeightedReturn(flows: readonly DatedCashflow[]): number {
  if (flows.length < 2) return NaN;
  let lo = -0.999999;
  let hi = 1;
  let fLo = npv(flows, lo);
  let fHi = npv(flows, hi);
  while (Math.sign(fLo) === Math.sign(fHi) && hi < 1e6) {
    hi *= 4;
    fHi = npv(flows, hi);
  }
  if (!(Math.sign(fLo) !== Math.sign(fHi))) return NaN;
  for (let k = 0; k < 200 && hi - lo > 1e-13; k++) {
    const mid = (lo + hi) / 2;
    const fMid = npv(flows, mid);
    if (fMid === 0) return mid;
    if (Math.sign(fMid) === Math.sign(fLo)) {
      lo = mid;
      fLo = fMid;
    } else hi = mid;
  }
  return (lo + hi) / 2;
}
