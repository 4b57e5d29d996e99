import { z } from 'zod';
import { RUN_STATUSES } from '../store/types.js';

/** Response schemas of the routes whose answers are small and fixed; they document the API at /docs and are enforced on the way out. */

const problemSchema = z.object({
  code: z.string(),
  message: z.string(),
  path: z.string().optional(),
  file: z.string().optional(),
  line: z.number().optional(),
  column: z.number().optional(),
  expected: z.string().optional(),
  received: z.string().optional(),
});

export const errorEnvelopeSchema = z
  .object({ error: z.object({ code: z.string().describe('stable code, e.g. API-001 (src/errors/codes.ts)'), message: z.string(), problems: z.array(problemSchema), requestId: z.string() }) })
  .describe('The one error envelope');

/** The envelope for every 4xx and 5xx a route answers. */
export const errorResponses = { '4xx': errorEnvelopeSchema, '5xx': errorEnvelopeSchema } as const;

export const runStatusSchema = z.enum(RUN_STATUSES);

export const runListItemSchema = z.object({
  id: z.string(),
  status: runStatusSchema,
  source: z.enum(['cli', 'api', 'sweep']),
  label: z.string().nullable(),
  mode: z.string(),
  shareClass: z.string(),
  start: z.string().nullable(),
  end: z.string().nullable(),
  capital: z.number(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  progress: z.number().describe('0..1'),
  apy: z.number().nullable(),
  finalEquity: z.number().nullable(),
  maxDrawdown: z.number().nullable(),
});

export const runListSchema = z.object({ total: z.number().int(), runs: z.array(runListItemSchema) });

export const backtestAcceptedSchema = z.object({
  id: z.string(),
  status: z.literal('queued'),
  links: z.object({ self: z.string(), progress: z.string(), summary: z.string() }),
});

export const cancelledSchema = z.object({ id: z.string(), status: z.literal('cancelled') });

export const validatedSchema = z.object({
  ok: z.literal(true),
  mode: z.string(),
  shareClass: z.string(),
  capital: z.number(),
  window: z.object({ start: z.string(), end: z.string() }),
  config: z.record(z.string(), z.unknown()).describe('the merged modes.<mode> section, secrets redacted'),
  diff: z.array(z.object({ path: z.string(), default: z.unknown(), value: z.unknown() })).describe('what differs from the defaults, paths relative to the section'),
});

export const healthSchema = z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() });

/** A route whose 200 answer is described in docs/api.md rather than here, and the envelope for its errors. */
export const documentedResponses = { 200: z.unknown().describe('see docs/api.md'), ...errorResponses } as const;
