import type { SeriesPolicy } from './policy.js';
import { compoundedInterestFactor, linearInterestFactor } from '../protocols/aave/interest.js';
import { DAY_MS, HOUR_MS, type RawSeries } from './raw.js';
import { SOURCE, type SeriesColumn, type SeriesKey } from './series.js';
import { isSettlement } from '../domain/fundingSchedule.js';

export interface Grid {
  readonly startMs: number;
  readonly stepMs: number;
  readonly length: number;
}

export interface AlignStats {
  observed: number;
  /** accrued (AAVE inside a day) + held inside the normal interval (daily series) + forward-filled. */
  filled: number;
  /** Holds beyond the normal interval, allowed by the policy's maxStaleHours. */
  policyFilled: number;
  maxStaleMs: number;
  fallback: number;
  fallbackFirst: number;
  fallbackLast: number;
  missing: number;
  missingFirst: number;
  missingLast: number;
  /** Gas rows stamped before they were observable: the previous sample was held. */
  lagged: number;
  /** Steps that matter (funding: settlement steps only). */
  steps: number;
}

export interface Aligned {
  readonly column: SeriesColumn;
  readonly stats: AlignStats;
}


function newStats(): AlignStats {
  return { observed: 0, filled: 0, policyFilled: 0, maxStaleMs: 0, fallback: 0, fallbackFirst: NaN, fallbackLast: NaN, missing: 0, missingFirst: NaN, missingLast: NaN, lagged: 0, steps: 0 };
}

/**
 * Writes one step's value. The three tails are shared by every shape: take the fallback series at the same step,
 * or leave the step missing.
 */
class Writer {
  readonly values: Float64Array;
  readonly source: Uint8Array;
  readonly stats = newStats();
  constructor(
    private readonly grid: Grid,
    private readonly policy: SeriesPolicy,
    private readonly fallback: SeriesColumn | null,
  ) {
    this.values = new Float64Array(grid.length).fill(NaN);
    this.source = new Uint8Array(grid.length).fill(SOURCE.missing);
  }
  observed(i: number, v: number): void {
    this.values[i] = v;
    this.source[i] = SOURCE.observed;
    this.stats.observed++;
  }
  filled(i: number, v: number, tag: 1 | 2, staleMs: number, policyHold: boolean): void {
    this.values[i] = v;
    this.source[i] = tag;
    this.stats.filled++;
    if (policyHold) {
      this.stats.policyFilled++;
      if (staleMs > this.stats.maxStaleMs) this.stats.maxStaleMs = staleMs;
    }
  }
  /** No own value at step i: fallback per policy, else missing. */
  tail(i: number): void {
    const s = this.stats;
    const t = this.grid.startMs + i * this.grid.stepMs;
    if (this.policy.onMissing === 'fallback' && this.fallback) {
      const v = this.fallback.values[i]!;
      if (v === v) {
        this.values[i] = v;
        this.source[i] = SOURCE.fallback;
        s.fallback++;
        if (s.fallback === 1) s.fallbackFirst = t;
        s.fallbackLast = t;
        return;
      }
    }
    s.missing++;
    if (s.missing === 1) s.missingFirst = t;
    s.missingLast = t;
  }
  done(key: SeriesKey): Aligned {
    const usesFallback = this.policy.onMissing === 'fallback' && this.fallback !== null;
    return {
      column: { key, values: this.values, source: this.source, ...(usesFallback ? { fallbackKey: this.fallback!.key } : {}) },
      stats: this.stats,
    };
  }
}

const holds = (p: SeriesPolicy): boolean => p.onMissing === 'forward_fill' || p.onMissing === 'fallback';

/**
 * Hourly bars stamped at their OPEN. At grid time t: the open of the bar stamped t; else the close of the last bar
 * before t, observable at that bar's end, held up to maxStaleHours from that observation (forward_fill/fallback
 * policies); then the fallback series at the same step; else missing.
 */
export function alignBars(raw: RawSeries, grid: Grid, policy: SeriesPolicy, fallback: SeriesColumn | null): Aligned {
  const w = new Writer(grid, policy, fallback);
  const { times, values } = raw;
  const close = raw.close!;
  const n = times.length;
  const bar = raw.intervalMs;
  const maxStale = policy.maxStaleHours * HOUR_MS;
  const hold = holds(policy);
  let j = 0;
  for (let i = 0; i < grid.length; i++) {
    const t = grid.startMs + i * grid.stepMs;
    while (j < n && times[j]! < t) j++;
    if (j < n && times[j] === t) {
      w.observed(i, values[j]!);
      continue;
    }
    const k = j - 1;
    if (k >= 0) {
      const end = times[k]! + bar;
      if (end > t) {
        // Off-grid bar still open at t: its open is what is known.
        w.filled(i, values[k]!, SOURCE.forwardFilled, 0, false);
        continue;
      }
      const stale = t - end;
      if (hold && stale <= maxStale) {
        w.filled(i, close[k]!, SOURCE.forwardFilled, stale, true);
        continue;
      }
    }
    w.tail(i);
  }
  w.stats.steps = grid.length;
  return w.done(raw.key);
}

/**
 * Funding: the rate at its settlement step, NaN between settlements (source `missing`, not counted). A missing
 * settlement: fallback venue's rate (source fallback), zero (source fallback, value 0), the last rate within
 * maxStaleHours (forward_fill), or missing (fail).
 */
export function alignFunding(raw: RawSeries, grid: Grid, policy: SeriesPolicy, fallback: SeriesColumn | null, hoursUtc: readonly number[]): Aligned {
  const w = new Writer(grid, policy, fallback);
  const { times, values } = raw;
  const n = times.length;
  const maxStale = policy.maxStaleHours * HOUR_MS;
  let j = 0;
  let steps = 0;
  for (let i = 0; i < grid.length; i++) {
    const t = grid.startMs + i * grid.stepMs;
    while (j < n && times[j]! < t) j++;
    if (!isSettlement(t, hoursUtc)) continue;
    steps++;
    if (j < n && times[j] === t) {
      w.observed(i, values[j]!);
      continue;
    }
    if (policy.onMissing === 'zero') {
      w.values[i] = 0;
      w.source[i] = SOURCE.fallback;
      w.stats.fallback++;
      if (w.stats.fallback === 1) w.stats.fallbackFirst = t;
      w.stats.fallbackLast = t;
      continue;
    }
    if (policy.onMissing === 'forward_fill' && j > 0 && t - times[j - 1]! <= maxStale) {
      w.filled(i, values[j - 1]!, SOURCE.forwardFilled, t - times[j - 1]!, true);
      continue;
    }
    w.tail(i);
  }
  w.stats.steps = steps;
  return w.done(raw.key);
}

/**
 * AAVE daily snapshots brought to the grid the way the protocol accrues, from snapshot d only:
 * liquidityIndex(t) = L_d·(1 + r_d·Δs/31536000) (MathUtils.calculateLinearInterest), borrowIndex(t) =
 * B_d·(1 + b_d/31536000)^Δs as the contract approximates it (MathUtils.calculateCompoundedInterest, three binomial
 * terms; protocols/aave/interest.ts), rates held. At a snapshot the real value is returned, so
 * index ratios between snapshots are exact. Inside 24 h this is normal (source accrued); longer (a missing
 * snapshot) needs forward_fill/fallback with maxStaleHours. Beyond the last snapshot: missing.
 */
export function alignAave(raw: RawSeries, grid: Grid, policy: SeriesPolicy, fallback: SeriesColumn | null): Aligned {
  const w = new Writer(grid, policy, fallback);
  const { times, values } = raw;
  const rates = raw.rates;
  const n = times.length;
  const maxStale = Math.max(policy.maxStaleHours * HOUR_MS, 0);
  const hold = holds(policy);
  let j = 0;
  for (let i = 0; i < grid.length; i++) {
    const t = grid.startMs + i * grid.stepMs;
    while (j < n && times[j]! <= t) j++;
    const k = j - 1; // last snapshot ≤ t
    if (k < 0 || (k === n - 1 && times[k] !== t)) {
      w.tail(i);
      continue;
    }
    if (times[k] === t) {
      w.observed(i, values[k]!);
      continue;
    }
    const dt = t - times[k]!;
    const normal = dt < DAY_MS;
    if (!normal && !(hold && dt <= maxStale)) {
      w.tail(i);
      continue;
    }
    let v = values[k]!;
    if (raw.accrual === 'linear') v = v * linearInterestFactor(rates![k]!, dt / 1000);
    else if (raw.accrual === 'compound') v = v * compoundedInterestFactor(rates![k]!, dt / 1000);
    w.filled(i, v, SOURCE.accrued, dt, !normal);
  }
  w.stats.steps = grid.length;
  return w.done(raw.key);
}

/**
 * A daily observation held until the next one (oracle snapshots, USDT oracle, Ethena benchmark): observed at the
 * snapshot step, forward-filled for the rest of the day; beyond 24 h only per policy (maxStaleHours from the
 * observation), then fallback, else missing.
 */
export function alignDaily(raw: RawSeries, grid: Grid, policy: SeriesPolicy, fallback: SeriesColumn | null): Aligned {
  const w = new Writer(grid, policy, fallback);
  const { times, values } = raw;
  const n = times.length;
  const maxStale = policy.maxStaleHours * HOUR_MS;
  const hold = holds(policy);
  let j = 0;
  for (let i = 0; i < grid.length; i++) {
    const t = grid.startMs + i * grid.stepMs;
    while (j < n && times[j]! <= t) j++;
    const k = j - 1;
    if (k < 0) {
      w.tail(i);
      continue;
    }
    const dt = t - times[k]!;
    if (dt === 0) w.observed(i, values[k]!);
    else if (dt < raw.intervalMs) w.filled(i, values[k]!, SOURCE.forwardFilled, dt, false);
    else if (hold && dt <= maxStale) w.filled(i, values[k]!, SOURCE.forwardFilled, dt, true);
    else w.tail(i);
  }
  w.stats.steps = grid.length;
  return w.done(raw.key);
}

/**
 * Real hourly observations (gas). A row is usable from max(label, sampled block time): a row stamped t but sampled
 * after t is not used at t; the previous usable row is held one step instead (counted as lagged). A missing row
 * is forward-filled within maxStaleHours per policy, then fallback, else missing.
 */
export function alignHourlyValue(raw: RawSeries, grid: Grid, policy: SeriesPolicy, fallback: SeriesColumn | null): Aligned {
  const w = new Writer(grid, policy, fallback);
  const { times, values } = raw;
  const obs = raw.obsTimes ?? times;
  const n = times.length;
  const maxStale = policy.maxStaleHours * HOUR_MS;
  const hold = holds(policy);
  let j = 0;
  for (let i = 0; i < grid.length; i++) {
    const t = grid.startMs + i * grid.stepMs;
    while (j < n && times[j]! < t) j++;
    if (j < n && times[j] === t && obs[j]! <= t) {
      w.observed(i, values[j]!);
      continue;
    }
    // latest earlier row already observable at t
    let k = j - 1;
    while (k >= 0 && obs[k]! > t) k--;
    if (k >= 0) {
      const stale = t - obs[k]!;
      const lag = j < n && times[j] === t; // this step has a row, sampled after t
      if (lag && stale <= Math.max(maxStale, grid.stepMs + raw.intervalMs)) {
        w.filled(i, values[k]!, SOURCE.forwardFilled, stale, false);
        w.stats.lagged++;
        continue;
      }
      if (hold && stale <= maxStale) {
        w.filled(i, values[k]!, SOURCE.forwardFilled, stale, true);
        continue;
      }
    }
    w.tail(i);
  }
  w.stats.steps = grid.length;
  return w.done(raw.key);
}
