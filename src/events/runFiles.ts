import { z } from 'zod';
import { SHARE_CLASSES } from '../domain/tokens.js';
import type { Problem } from '../errors/base.js';
import { ATTRIBUTION_PARTS } from '../domain/attribution.js';
import { EVENT_TYPES, type BasisEvent } from './types.js';

/**
 * The shapes `audit verify` accepts for the files of a run directory. A line or summary that does not match
 * is EVT-005 naming the file, the line and the field, before any check reads a field of it.
 */

const finite = z.number();
const numberRecord = z.record(z.string(), finite);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'a 64-digit lowercase hex SHA-256');

/** One line of events.jsonl: a {@link BasisEvent} plus its chain hash. Unknown fields are refused. */
export const eventLineSchema = z.strictObject({
  type: z.enum(EVENT_TYPES),
  status: z.enum(['completed', 'failed', 'rolled_back', 'pending']),
  venue: z.string().optional(),
  token: z.string().optional(),
  parent: z.number().int().positive().optional(),
  deltas: z.array(z.tuple([z.string(), finite])),
  balances: numberRecord.optional(),
  perpEntries: numberRecord.optional(),
  inFlight: z.record(z.string(), z.strictObject({ token: z.string(), amount: finite, to: z.string() })).optional(),
  pnl: z.partialRecord(z.enum(ATTRIBUTION_PARTS), finite).optional(),
  gasUnits: finite.optional(),
  gasPriceGwei: finite.optional(),
  gasEth: finite.optional(),
  feeAmount: finite.optional(),
  feeToken: z.string().optional(),
  details: z.record(z.string(), z.union([finite, z.string(), z.boolean(), z.null()])).optional(),
  order: z.number().int().positive(),
  timestampMs: finite,
  hash: hex64,
});

export type EventLine = BasisEvent & { readonly hash: string };

const EVENT_TYPE_SET: ReadonlySet<unknown> = new Set(EVENT_TYPES);
const STATUS_SET: ReadonlySet<unknown> = new Set(['completed', 'failed', 'rolled_back', 'pending']);
const PART_SET: ReadonlySet<unknown> = new Set(ATTRIBUTION_PARTS);
const HEX64 = /^[0-9a-f]{64}$/;

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optStr = (v: unknown): boolean => v === undefined || typeof v === 'string';
const optNum = (v: unknown): boolean => v === undefined || isNum(v);
function optRecord(v: unknown, ok: (x: unknown, k: string) => boolean): boolean {
  if (v === undefined) return true;
  if (!isObj(v)) return false;
  for (const k in v) if (!ok(v[k], k)) return false;
  return true;
}

/**
 * A fast accept for {@link eventLineSchema}: true only for values the schema accepts (never wider), so a log of
 * tens of thousands of good lines skips zod, and anything it refuses goes to zod for the precise problem.
 */
export function isEventLine(v: unknown): v is EventLine {
  if (!isObj(v)) return false;
  let n = 0;
  for (const k in v) {
    if (!Object.hasOwn(v, k)) return false;
    n++;
  }
  // No field beyond the six required and the optional ones present (the schema is strict).
  let known = 6;
  for (const k of OPTIONAL_EVENT_FIELDS) if (v[k] !== undefined) known++;
  if (n !== known) return false;
  if (!EVENT_TYPE_SET.has(v['type']) || !STATUS_SET.has(v['status'])) return false;
  if (!Number.isSafeInteger(v['order']) || (v['order'] as number) < 1 || !isNum(v['timestampMs'])) return false;
  if (typeof v['hash'] !== 'string' || !HEX64.test(v['hash'])) return false;
  const deltas = v['deltas'];
  if (!Array.isArray(deltas)) return false;
  for (const d of deltas) if (!Array.isArray(d) || d.length !== 2 || typeof d[0] !== 'string' || !isNum(d[1])) return false;
  const parent = v['parent'];
  if (parent !== undefined && (!Number.isSafeInteger(parent) || (parent as number) < 1)) return false;
  return (
    optStr(v['venue']) &&
    optStr(v['token']) &&
    optStr(v['feeToken']) &&
    optNum(v['gasUnits']) &&
    optNum(v['gasPriceGwei']) &&
    optNum(v['gasEth']) &&
    optNum(v['feeAmount']) &&
    optRecord(v['balances'], isNum) &&
    optRecord(v['perpEntries'], isNum) &&
    optRecord(v['pnl'], (x, k) => PART_SET.has(k) && isNum(x)) &&
    optRecord(v['details'], (x) => x === null || isNum(x) || typeof x === 'string' || typeof x === 'boolean') &&
    optRecord(v['inFlight'], (x) => isObj(x) && Object.keys(x).length === 3 && typeof x['token'] === 'string' && isNum(x['amount']) && typeof x['to'] === 'string')
  );
}

const OPTIONAL_EVENT_FIELDS = ['venue', 'token', 'parent', 'balances', 'perpEntries', 'inFlight', 'pnl', 'gasUnits', 'gasPriceGwei', 'gasEth', 'feeAmount', 'feeToken', 'details'] as const;

const signatureSchema = z.strictObject({
  algorithm: z.literal('ed25519'),
  publicKeyFingerprint: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  value: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
});

const isoString = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'an ISO-8601 timestamp');

/**
 * The fields of summary.json the audit reads; others (timing, benchmark, fields added later) pass through
 * unchecked but stay covered by the signature.
 */
export const summaryFileSchema = z.looseObject({
  shareClass: z.enum(SHARE_CLASSES),
  start: isoString,
  end: isoString,
  steps: z.number().int().nonnegative(),
  initialCapital: finite,
  finalEquity: finite,
  totalReturn: finite,
  apy: finite,
  maxDrawdown: finite,
  volatility: finite,
  sharpe: finite,
  sortino: finite,
  attribution: z.strictObject(Object.fromEntries(ATTRIBUTION_PARTS.map((p) => [p, finite])) as Record<(typeof ATTRIBUTION_PARTS)[number], typeof finite>),
  reconciliation: z.looseObject({ balancePnl: finite, attributedPnl: finite, residual: finite, netFlows: finite.optional() }),
  integrity: z.strictObject({ eventsFinalHash: hex64, events: z.number().int().nonnegative(), timeseriesSha256: hex64, configSha256: hex64 }),
  signature: signatureSchema.optional(),
});

export type SummaryFile = z.infer<typeof summaryFileSchema>;

/** The first issue of a failed parse as one EVT-005 problem: which field, what was expected, what was there. */
export function shapeProblem(error: z.ZodError, value: unknown, file: string, line?: number): Problem {
  const issue = error.issues[0];
  const at = issue ? issue.path.map(String).join('.') : '';
  const found = issue ? describeAt(value, issue.path) : describe(value);
  return {
    code: 'EVT-005',
    file,
    ...(line !== undefined ? { line } : {}),
    ...(at !== '' ? { path: at } : {}),
    message: issue ? issueMessage(issue) : 'malformed',
    received: found,
  };
}

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown field(s) ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}

function describeAt(value: unknown, at: readonly PropertyKey[]): string {
  let v: unknown = value;
  for (const k of at) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return 'nothing (missing)';
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return describe(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
