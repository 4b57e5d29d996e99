import type { DestinationStream, LoggerOptions } from 'pino';
import { REDACTED, isSecretName, redactSecrets, redactUrlsIn } from '../config/redact.js';

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
        for (const [k, v] of Object.entries(obj)) {
          if (isSecretName(k)) out[k] = REDACTED;
          else if (v instanceof Error) out[k] = v;
          else if (typeof v === 'string') out[k] = redactUrlsIn(v);
          else out[k] = redactSecrets(v);
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
