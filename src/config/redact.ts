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
