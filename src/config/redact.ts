import type { PathSeg } from './sources.js';

/** A property whose name contains one of these words holds a secret; so does everything beneath it. */
export const SECRET_NAME = /key|secret|password|passphrase|private/i;
export const REDACTED = '[redacted]';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** True when any segment of the path is secret-named (e.g. `secrets.alchemy.rpcUrl` through `secrets`). */
export function isSecretPath(path: readonly PathSeg[]): boolean {
  return path.some((seg) => typeof seg === 'string' && isSecretName(seg));
}

function redactAll(v: unknown): unknown {
  if (v === null || v === undefined) return v;
  if (Array.isArray(v)) return v.map(redactAll);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redactAll(x)]));
  return REDACTED;
}

/**
 * A deep copy with every value under a secret-named property replaced by "[redacted]". null stays null, so an
 * unset secret still shows as unset. Names matched: key, secret, password, passphrase, private (case-insensitive).
 */
export function redactSecrets<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, isSecretName(k) ? redactAll(x) : walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * A URL as it may be printed: scheme and host only. Path, query, fragment and user:password are dropped (RPC
 * providers put the API key in the path: `…/v2/<key>`); `/…` marks that something was dropped. Text that is not a
 * URL is not echoed at all.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return '[unparseable URL, not shown]';
  }
  if (u.host === '') return `${u.protocol}…`;
  const dropped = u.username !== '' || u.password !== '' || (u.pathname !== '' && u.pathname !== '/') || u.search !== '' || u.hash !== '';
  return `${u.protocol}//${u.host}${dropped ? '/…' : ''}`;
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

/** Every `scheme://…` inside free text (an error message, a log line) through redactUrl. */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (m) => redactUrl(m.replace(/[),.;:]+$/, '')) + (/[),.;:]+$/.exec(m)?.[0] ?? ''));
}
