/**
 * Performance metrics on the total fund equity in the share class (domain spec §4.10).
 *
 * Definitions (all on the `equity` series, one value per step):
 * - totalReturn = final / initialCapital − 1
 * - years = (t_last − t_first) seconds / (365.25 · 86400)
 * - apy = (final / initialCapital)^(1/years) − 1 (0 when the period is empty; −1 when equity is wiped out)
 * - r_i = e_i / e_{i−1} − 1 (simple per-step returns; steps whose previous equity is ≤ 0 or not finite are skipped)
 * - stepsPerYear = 365.25 · 86400 s / median step length
 * - volatility = sample stdev(r) · √stepsPerYear
 * - sharpe = mean(r) · stepsPerYear / volatility (no risk-free rate; 0 when volatility is 0)
 * - sortino = mean(r) · stepsPerYear / (√mean(min(r, 0)²) · √stepsPerYear) (0 when there is no downside)
 * - maxDrawdown = min(e / runningPeak − 1) ≤ 0 (0 when equity never falls below a previous peak)
 *
 * A per-step stdev below {@link ZERO_VOL_EPSILON} is floating-point noise (a series growing at a constant rate
 * computed with `Math.pow` wobbles at ~1e-16) and counts as zero, so Sharpe of a riskless series is 0, not 1e12.
 */

export interface Metrics {
  readonly totalReturn: number;
  readonly apy: number;
  readonly maxDrawdown: number;
  readonly volatility: number;
  readonly sharpe: number;
  readonly sortino: number;
}

export const SECONDS_PER_YEAR = 365.25 * 86400;
const MS_PER_YEAR = SECONDS_PER_YEAR * 1000;

/** Per-step return stdev below this is treated as zero (see module doc). */
export const ZERO_VOL_EPSILON = 1e-12;

/**
 * One pass over the series with O(1) extra memory. The median step is read off the same pass when steps are
 * uniform (min step = max step, the normal case); only irregular timestamps need a sorted copy of the step lengths.
 */
export function computeMetrics(equity: Float64Array, timestampsMs: Float64Array, initialCapital: number): Metrics {
  const n = equity.length;
  if (timestampsMs.length !== n) {
    throw new RangeError(`equity has ${n} values but timestamps has ${timestampsMs.length}`);
  }
  if (n === 0 || !(initialCapital > 0)) {
    return { totalReturn: 0, apy: 0, maxDrawdown: 0, volatility: 0, sharpe: 0, sortino: 0 };
  }

  // Welford running mean/variance of returns, downside sum of squares, running peak and drawdown, step range.
  let count = 0;
  let mean = 0;
  let m2 = 0;
  let downSq = 0;
  let peak = equity[0]!;
  let maxDd = 0;
  let minStep = Infinity;
  let maxStep = -Infinity;
  for (let i = 1; i < n; i++) {
    const prev = equity[i - 1]!;
    const e = equity[i]!;
    if (e > peak) peak = e;
    else if (peak > 0) {
      const dd = e / peak - 1;
      if (dd < maxDd) maxDd = dd;
    }
    const step = timestampsMs[i]! - timestampsMs[i - 1]!;
    if (step < minStep) minStep = step;
    if (step > maxStep) maxStep = step;
    if (prev > 0 && Number.isFinite(prev) && Number.isFinite(e)) {
      const r = e / prev - 1;
      count++;
      const delta = r - mean;
      mean += delta / count;
      m2 += delta * (r - mean);
      if (r < 0) downSq += r * r;
    }
  }

  const final = equity[n - 1]!;
  const growth = final / initialCapital;
  const totalReturn = growth - 1;
  const years = (timestampsMs[n - 1]! - timestampsMs[0]!) / MS_PER_YEAR;
  let apy = 0;
  if (years > 0) apy = growth > 0 ? Math.pow(growth, 1 / years) - 1 : -1;

  let volatility = 0;
  let sharpe = 0;
  let sortino = 0;
  if (count >= 2) {
    const medianStep = minStep === maxStep ? minStep : medianStepMs(timestampsMs);
    const stepsPerYear = medianStep > 0 ? MS_PER_YEAR / medianStep : 0;
    const sd = Math.sqrt(m2 / (count - 1));
    const rootSteps = Math.sqrt(stepsPerYear);
    if (sd >= ZERO_VOL_EPSILON && stepsPerYear > 0) {
      volatility = sd * rootSteps;
      sharpe = (mean * stepsPerYear) / volatility;
    }
    const downDev = Math.sqrt(downSq / count);
    if (downDev >= ZERO_VOL_EPSILON && stepsPerYear > 0) sortino = (mean * stepsPerYear) / (downDev * rootSteps);
  }
  return { totalReturn, apy, maxDrawdown: maxDd, volatility, sharpe, sortino };
}

/** Median of positive step lengths (irregular timelines only; allocates one array of n − 1 steps). */
function medianStepMs(ts: Float64Array): number {
  const steps = new Float64Array(ts.length - 1);
  for (let i = 1; i < ts.length; i++) steps[i - 1] = ts[i]! - ts[i - 1]!;
  steps.sort();
  const m = steps.length >> 1;
  return steps.length % 2 === 1 ? steps[m]! : (steps[m - 1]! + steps[m]!) / 2;
}

/** e_i / runningPeak_i − 1 per step (≤ 0); 0 while equity is at a new high or the peak is not positive. */
export function drawdownSeries(equity: Float64Array): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (Number.isNaN(e)) {
      out[i] = NaN;
      continue;
    }
    if (e > peak) peak = e;
    out[i] = peak > 0 ? e / peak - 1 : 0;
  }
  return out;
}

/**
 * What to show instead of an APY annualised from a window shorter than `minDays` (days from the first to the last
 * step), or undefined when the window is long enough for the figure to mean something.
 */
export function apyWindowNote(timestampsMs: Float64Array, minDays: number): string | undefined {
  const n = timestampsMs.length;
  const spanMs = n > 0 ? timestampsMs[n - 1]! - timestampsMs[0]! : 0;
  return spanMs < minDays * 86_400_000 ? `n/a (window < ${minDays} days)` : undefined;
}
