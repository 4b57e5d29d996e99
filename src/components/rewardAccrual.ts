import type { RewardClaim, RewardPayout, RewardPrograms } from '../domain/rewards.js';
import type { MarketState } from './marketState.js';
import type { PositionsView } from './positionMonitor.js';
import { AAVE_IDX, LST_IDX } from './slots.js';
import { grownF64 } from '../growable.js';

const HOUR_MS = 3_600_000;

/**
 * The eETH-hours held since the run started (wallet weETH plus supplied weETH, at the exchange rate), recorded per
 * tick against time, and the published payouts due by now, each paid on the balance over its own period: only
 * past holdings count, never later ones.
 */
export class RewardAccrual {
  private times = new Float64Array(4096);
  private integral = new Float64Array(4096);
  private n = 0;
  private cursor = 0;
  /** Slots of wallet weETH and supplied weETH (−1 when the mode has none). */
  private readonly wallet: number;
  private readonly supplied: number;
  private readonly claim: { payout: RewardPayout; avgEethBalance: number; priceEth: number };

  constructor(
    readonly programs: RewardPrograms,
    positions: PositionsView,
  ) {
    this.wallet = positions.has('wallet:BaseToken:weETH') ? positions.slotOf('wallet:BaseToken:weETH') : -1;
    this.supplied = positions.has('aave_v3:aToken:aweETH') ? positions.slotOf('aave_v3:aToken:aweETH') : -1;
    // NaN rather than 0: the fields hold doubles from the first claim on (0 would start them as small integers).
    this.claim = { payout: { token: 'EIGEN', payoutMs: NaN, periodStartMs: NaN, periodEndMs: NaN, perEeth: NaN, source: '' }, avgEethBalance: NaN, priceEth: NaN };
  }

  /**
   * Adds the holdings after the previous tick (valued at its market `prev`) over the time since then. The time is
   * read from the object holding it (the kernel's tick time), not passed as a number, which would be boxed per tick.
   */
  accrue(at: { readonly nowMs: number }, prev: MarketState, positions: PositionsView): void {
    const nowMs = at.nowMs;
    const n = this.n;
    if (n === this.times.length) {
      this.times = grownF64(this.times, n + 1);
      this.integral = grownF64(this.integral, n + 1);
    }
    let value = 0;
    if (n > 0) {
      const a = positions.amounts;
      const wallet = this.wallet >= 0 ? (a[this.wallet] as number) : 0;
      const supplied = this.supplied >= 0 ? (a[this.supplied] as number) * (prev.liquidityIndex[AAVE_IDX.weETH] as number) : 0;
      const hours = (nowMs - (this.times[n - 1] as number)) / HOUR_MS;
      value = (this.integral[n - 1] as number) + (wallet + supplied) * (prev.lstRate[LST_IDX.weETH] as number) * hours;
    }
    this.times[n] = nowMs;
    this.integral[n] = value;
    this.n = n + 1;
  }

  /** The next payout due by now whose period overlaps the run, or null (payouts wholly before the run are skipped). */
  nextDue(at: { readonly nowMs: number }): RewardPayout | null {
    const nowMs = at.nowMs;
    const payouts = this.programs.payouts;
    const runStart = this.times[0] as number;
    while (this.cursor < payouts.length) {
      const p = payouts[this.cursor] as RewardPayout;
      if (p.payoutMs > nowMs) return null;
      if (p.periodEndMs > runStart) return p;
      this.cursor++;
    }
    return null;
  }

  /** Marks the payout nextDue returned as credited. */
  credited(): void {
    this.cursor++;
  }

  /** The claim of payout p at the tick's time: {@link claim}, filled (read it before the next call). */
  claimFor(p: RewardPayout, at: { readonly nowMs: number }): RewardClaim {
    const c = this.claim;
    c.payout = p;
    c.avgEethBalance = this.averageEeth(p);
    c.priceEth = this.programs.priceEth(p.token, at.nowMs);
    return c;
  }

  /** Average eETH held over a payout's period (holdings before the run count as none). */
  private averageEeth(p: RewardPayout): number {
    return (this.at(p.periodEndMs) - this.at(p.periodStartMs)) / ((p.periodEndMs - p.periodStartMs) / HOUR_MS);
  }

  /** The integral at the last tick at or before t (0 up to the run's start). */
  private at(tMs: number): number {
    const times = this.times;
    if (tMs <= (times[0] as number)) return 0;
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((times[mid] as number) <= tMs) lo = mid;
      else hi = mid - 1;
    }
    return this.integral[lo] as number;
  }
}
