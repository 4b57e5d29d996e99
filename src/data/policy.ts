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
});
export type DataPolicy = z.infer<typeof dataPolicySchema>;

export function policyFor(policy: DataPolicy, key: SeriesKey): SeriesPolicy {
  return policy.series[key] ?? policy.defaults[CATALOG[key].shape];
}
