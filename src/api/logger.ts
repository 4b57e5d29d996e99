import type { DestinationStream, LoggerOptions } from 'pino';
import { REDACTED, isSecretName, redactUrlsIn } from '../config/redact.js';

/** Paths pino censors before a line is written: credentials in headers and any token-named field. */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  '*.*.token',
  'apiToken',
  '*.apiToken',
];

/** Plain data nested deeper than this is logged as is (a config is about six levels deep). */
const MAX_DEPTH = 10;

const isPlain = (v: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * Secret-named properties of plain objects and arrays redacted, at any depth. Anything else (a request, a
 * socket, an Error) is left to pino's serializers: walking it would follow its cycles.
 */
function redactPlain(v: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH || seen.has(v)) return v;
  if (Array.isArray(v)) {
    seen.add(v);
    return v.map((x) => redactPlain(x, depth + 1, seen));
  }
  if (!isPlain(v)) return v;
  seen.add(v);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, isSecretName(k) && x !== null ? REDACTED : redactPlain(x, depth + 1, seen)]));
}

/**
 * pino options of the server: JSON lines, the paths above censored, every secret-named property (key, secret,
 * password, passphrase, private: the config's own rule) redacted at any depth, and URLs in messages cut to their
 * host (RPC keys live in URL paths).
 */
export function loggerOptions(level: string, stream?: DestinationStream): LoggerOptions & { stream?: DestinationStream } {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    formatters: {
      log(obj: Record<string, unknown>): Record<string, unknown> {
        const out: Record<string, unknown> = {};
        const seen = new WeakSet<object>();
        for (const [k, v] of Object.entries(obj)) {
          if (isSecretName(k) && v !== null && v !== undefined) out[k] = REDACTED;
          else if (typeof v === 'string') out[k] = redactUrlsIn(v);
          else out[k] = redactPlain(v, 0, seen);
        }
        return out;
      },
    },
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((a) => (typeof a === 'string' ? redactUrlsIn(a) : a)) as typeof args;
        method.apply(this, redacted);
      },
    },
    ...(stream !== undefined ? { stream } : {}),
  };
}
