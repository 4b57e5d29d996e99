import { BasisError } from '../../errors/base.js';
import { redactUrl, redactUrlsIn } from '../../config/redact.js';
import { errorMessage, withRetry, type RetryPolicy } from './retry.js';

/** An HTTP failure worth retrying: 429 or 5xx. */
export class RetryableHttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** A URL for messages and logs: scheme and host only (RPC keys live in the path), through the one redaction function. */
export const endpointOf = (url: string): string => redactUrl(url);

/**
 * GET or POST JSON with retries on network errors, timeouts, 429 and 5xx. Any other failure, or a body that is
 * not JSON, is DPR-009 naming `source` and the endpoint.
 */
export async function fetchJson(
  source: string,
  url: string,
  init: { method?: 'GET' | 'POST'; body?: unknown; timeoutMs: number; retry: RetryPolicy; log: (line: string) => void },
): Promise<unknown> {
  const endpoint = endpointOf(url);
  const once = async (): Promise<unknown> => {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: { accept: 'application/json', ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    const text = await res.text();
    if (res.status === 429 || res.status >= 500) throw new RetryableHttpError(`HTTP ${res.status}`, res.status);
    if (!res.ok) throw new BasisError('DPR-009', `${source}: ${init.method ?? 'GET'} ${endpoint} answered HTTP ${res.status}: ${redactUrlsIn(text.slice(0, 200))}`);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new BasisError('DPR-009', `${source}: ${endpoint} returned a body that is not JSON: ${redactUrlsIn(JSON.stringify(text.slice(0, 80)))}`);
    }
  };
  try {
    return await withRetry(
      once,
      init.retry,
      (err) => err instanceof RetryableHttpError || (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError' || err instanceof TypeError)),
      (err, attempt, delay) => init.log(`${source}: ${endpoint} failed (${errorMessage(err)}); retry ${attempt}/${init.retry.attempts - 1} in ${delay} ms`),
      (err) => (err instanceof RetryableHttpError && err.status === 429 ? 4 : 1),
    );
  } catch (err) {
    if (err instanceof BasisError) throw err;
    throw new BasisError('DPR-009', `${source}: ${init.method ?? 'GET'} ${endpoint} failed after ${init.retry.attempts} attempts: ${errorMessage(err)}`, {
      cause: err,
      problems: [{ code: 'DPR-009', message: errorMessage(err), path: endpoint }],
    });
  }
}
