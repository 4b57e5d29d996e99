import { z } from 'zod';
import type { SeriesKey } from './series.js';
import { CATALOG } from './catalog.js';

/**
 * What the provider does at a grid step with no observation. Every fallback is explicit, configured and
 * reported; nothing is ever filled from the future.
 */
const seriesKeySchema = z.custom<SeriesKey>((v) => typeof v === 'string' && Object.hasOwn(CATALOG, v), {
  message: 'unknown series key',
});

export const seriesPolicySchema = z.strictObject({
  /** fail: a hole inside the run window is an unhandled problem; forward_fill: hold the last observation up
   * to maxStaleHours, then fail; fallback: hold up to maxStaleHours, then read `fallback` at the same step;
   * zero (funding only): a missing settlement pays nothing. */
  onMissing: z.enum(['fail', 'forward_fill', 'fallback', 'zero']),
  maxStaleHours: z.number().int().min(0),
  fallback: seriesKeySchema.nullable(),
});
export type SeriesPolicy = z.infer<typeof seriesPolicySchema>;

const rangeSchema = z
  .strictObject({ min: z.number().finite(), max: z.number().finite() })
  .refine((r) => r.min <= r.max, { message: 'min must not exceed max' });

/**
 * Plausibility bounds (configs/README.md gives each one's reason). A row outside them is a bad value: dropped, and
 * unhandled when it falls inside the run window. Prices are always > 0 and bounded per step by maxJumpFraction.
 */
export const boundsSchema = z.strictObject({
  /** Gas price, gwei. */
  gasPriceGwei: rangeSchema,
  /** Funding rate per 8 h settlement (fraction of notional). */
  fundingRatePer8h: rangeSchema,
  /** AAVE liquidity and variable borrow rates (APR, fraction). */
  aaveRate: rangeSchema,
  /** Largest relative growth of an AAVE index per day between two snapshots (indices never fall). */
  aaveIndexGrowthPerDay: z.number().positive(),
  /** EtherFi reward tokens per eETH (EIGEN per week, ETHFI per top-up). */
  rewardPerEeth: rangeSchema,
  /** Ethena sUSDe benchmark APR (fraction). */
  benchmarkApr: rangeSchema,
});
export type DataBounds = z.infer<typeof boundsSchema>;

export const cachePolicySchema = z.strictObject({
  /** Total size of the binary timeline cache; least recently used files are removed beyond it. */
  maxBytes: z.number().int().positive(),
});

export const dataPolicySchema = z.strictObject({
  /** A one-step relative move above this is reported (and fails unless the series policy tolerates it). */
  maxJumpFraction: z.number().positive(),
  /** How to resolve two different rows for one OKX funding settlement (data/README.md, okx quirk 2). */
  conflictingFundingRule: z.enum(['fail', 'okx_prefer_non_default']),
  defaults: z.strictObject({
    hourly_bar: seriesPolicySchema,
    funding: seriesPolicySchema,
    aave_daily: seriesPolicySchema,
    daily_step: seriesPolicySchema,
    oracle_interpolated: seriesPolicySchema,
    hourly_value: seriesPolicySchema,
  }),
  series: z.record(z.string(), seriesPolicySchema),
  bounds: boundsSchema,
  cache: cachePolicySchema,
});
export type DataPolicy = z.infer<typeof dataPolicySchema>;

export function policyFor(policy: DataPolicy, key: SeriesKey): SeriesPolicy {
  return policy.series[key] ?? policy.defaults[CATALOG[key].shape];
}
