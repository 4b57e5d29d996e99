import { z } from 'zod';
import { parseTimestamp } from '../data/csv.js';
import { LST_TOKENS } from '../domain/tokens.js';
import { CEX_VENUES } from '../domain/venues.js';

/**
 * The zod pieces strategy sections are made of: shared by config/schema.ts and by the mode definitions
 * (src/modes), which assemble their own `strategy` schema from them. This module imports no mode, so the
 * registry can build on it without an import cycle through the config schema.
 */

export const fraction = z.number().min(0).max(1);
export const positiveFraction = z.number().gt(0).lt(1);
export const nonNegative = z.number().min(0);
export const cexVenueSchema = z.enum(CEX_VENUES);

export const gasFloatSchema = z.strictObject({ targetEth: nonNegative, minEth: nonNegative }).readonly();

export const lstSchema = z
  .strictObject({
    token: z.enum(LST_TOKENS),
    stakingVenue: z.enum(['etherfi', 'lido']),
    exitDiscount: fraction,
    rewards: z.enum(['base_only', 'etherfi_published']),
  })
  .readonly();

export const leverageSchema = z
  .strictObject({
    entryMethod: z.enum(['atomic', 'loop']),
    targetLtvBuffer: positiveFraction,
    releverBand: positiveFraction,
    deleverBand: positiveFraction,
    loopMinBorrowEth: z.number().positive(),
    loopMaxIterations: z.number().int().positive(),
    idleEthFraction: fraction,
  })
  .readonly();

export const hedgeSchema = z
  .strictObject({
    hedgeAllocation: z.record(cexVenueSchema, fraction).readonly(),
    targetMarginRatio: z.number().positive(),
    deltaTolerance: fraction,
    redeployMarginRatio: z.number().positive(),
    redistributeMarginRatio: z.number().positive(),
    minMoveUsdt: z.number().nonnegative(),
    minMoveFraction: fraction,
  })
  .readonly();

const isoDateTime = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
/** Every ISO form the tool prints (seconds and zone optional, UTC when absent); the date must exist. */
export const isoDateSchema = z
  .string()
  .regex(isoDateTime, 'ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])')
  .refine((s) => !Number.isNaN(parseTimestamp(s)), { message: 'no such calendar date or time', params: { expected: 'a real UTC date, e.g. 2024-02-29 or 2024-06-01T00:00Z' } });

/** An instant accepted by isoDateSchema, in epoch ms (UTC when no zone is given). */
export function isoToMs(iso: string): number {
  return parseTimestamp(iso);
}
