import type { BenchmarkAprs } from '../data/benchmark.js';
import type { ShareClass } from '../domain/tokens.js';

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
/** The LST exchange rate moves in daily oracle steps: a week smooths the step edges into a readable yield. */
const STAKING_WINDOW_MS = 7 * DAY_MS;

export interface NamedColumn {
  readonly name: string;
  readonly values: Float64Array;
}

/**
 * The staking yield of an LST as an APR: the growth of its ETH exchange rate over the trailing week (or since the
 * window start, once a day has passed), annualised simply. NaN until a day of history exists.
 */
export function stakingAprSeries(timestampsMs: Float64Array, lstRate: Float64Array): Float64Array {
  const n = timestampsMs.length;
  const out = new Float64Array(n).fill(NaN);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const t = timestampsMs[i] as number;
    while (j < i && (timestampsMs[j] as number) < t - STAKING_WINDOW_MS) j++;
    const dt = t - (timestampsMs[j] as number);
    const r0 = lstRate[j] as number;
    const r1 = lstRate[i] as number;
    if (dt >= DAY_MS && r0 > 0 && r1 > 0) out[i] = ((r1 / r0 - 1) * YEAR_MS) / dt;
  }
  return out;
}

/**
 * Value in the share class of the initial capital put in the benchmark at the start, step by step: the Ethena
 * sUSDe APR of each step's day (as data/benchmark.ts accrues it; days without data do not grow).
 */
export function ethenaEquitySeries(timestampsMs: Float64Array, aprs: BenchmarkAprs, initialCapital: number): Float64Array {
  const n = timestampsMs.length;
  const out = new Float64Array(n);
  let growth = 1;
  if (n > 0) out[0] = initialCapital;
  for (let i = 1; i < n; i++) {
    const t0 = timestampsMs[i - 1] as number;
    const rate = aprs.get(t0 - (t0 % DAY_MS));
    if (rate !== undefined) growth *= 1 + (rate * ((timestampsMs[i] as number) - t0)) / YEAR_MS;
    out[i] = initialCapital * growth;
  }
  return out;
}

/** Initial ETH capital staked in the LST at the start: it grows with the LST's ETH exchange rate. */
export function stakedEquitySeries(lstRate: Float64Array, initialCapital: number): Float64Array {
  const r0 = lstRate[0] as number;
  return Float64Array.from(lstRate, (r) => (r0 > 0 ? (initialCapital * r) / r0 : NaN));
}

export interface DerivedColumnsInput {
  readonly timestampsMs: Float64Array;
  readonly shareClass: ShareClass;
  readonly initialCapital: number;
  /** ETH per LST over the run window, by LST token (the ones the book holds, or the one its benchmark stakes). */
  readonly lstRates: readonly NamedColumn[];
  readonly benchmarkAprs: BenchmarkAprs | null;
}

/**
 * Columns computed from the run window after the run (no cost on the step loop):
 * `stakingApr:<lst>` for each LST rate given, and the benchmark equity the dashboard overlays:
 * `benchmark:sUSDe` for a USDT book, `benchmark:ETH` (holding the initial ETH) and `benchmark:<lst>` (staking it)
 * for an ETH book, all in the share class and starting at the initial capital.
 */
export function derivedColumns(input: DerivedColumnsInput): NamedColumn[] {
  const { timestampsMs, initialCapital } = input;
  const out: NamedColumn[] = input.lstRates.map((c) => ({ name: `stakingApr:${c.name}`, values: stakingAprSeries(timestampsMs, c.values) }));
  if (input.shareClass === 'USDT') {
    if (input.benchmarkAprs) out.push({ name: 'benchmark:sUSDe', values: ethenaEquitySeries(timestampsMs, input.benchmarkAprs, initialCapital) });
  } else {
    out.push({ name: 'benchmark:ETH', values: new Float64Array(timestampsMs.length).fill(initialCapital) });
    const staked = input.lstRates[0];
    if (staked) out.push({ name: `benchmark:${staked.name}`, values: stakedEquitySeries(staked.values, initialCapital) });
  }
  return out;
}
