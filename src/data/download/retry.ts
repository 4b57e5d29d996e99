import { redactUrlsIn } from '../../config/redact.js';

/** Retries with exponential backoff and jitter-free, deterministic delays (easier to reason about in tests). */
export interface RetryPolicy {
  /** Total attempts, including the first. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 };

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn`; when it throws and `retryable(err)` says so, waits base·2^k (× `slowdown(err)`, capped) and tries
 * again, up to `policy.attempts` times. The last error is rethrown.
 */
export async function withRetry<T>(
  fn: () => Promise<T>,
  policy: RetryPolicy,
  retryable: (err: unknown) => boolean,
  onRetry: (err: unknown, attempt: number, delayMs: number) => void,
  slowdown: (err: unknown) => number = () => 1,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= policy.attempts || !retryable(err)) throw err;
      const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1) * slowdown(err));
      onRetry(err, attempt, delay);
      await sleep(delay);
    }
  }
}

/** Short message of any thrown value. */
export function errorMessage(err: unknown): string {
  // fetch's own errors quote the whole URL ("Failed to parse URL from https://…/v2/<key>").
  const text = redactUrlsIn(err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err));
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}
