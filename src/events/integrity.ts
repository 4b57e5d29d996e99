import { createHash, type Hash } from 'node:crypto';

/**
 * What summary.json records about the files written next to it, so `audit verify` can tell a file that was
 * edited, replaced, truncated or re-chained after the run from the one the run wrote.
 */
export interface SummaryIntegrity {
  /** The `hash` field of the last line of events.jsonl (the head of the hash chain). */
  readonly eventsFinalHash: string;
  /** Number of lines in events.jsonl. */
  readonly events: number;
  /** SHA-256 (hex) of timeseries.csv, byte for byte. */
  readonly timeseriesSha256: string;
  /** SHA-256 (hex) of config.json, byte for byte. */
  readonly configSha256: string;
}

/** The Ed25519 signature over the canonical summary (see {@link canonicalJson}); absent when the run had no key. */
export interface SummarySignature {
  readonly algorithm: 'ed25519';
  /** `sha256:` + hex SHA-256 of the public key's SPKI DER encoding. */
  readonly publicKeyFingerprint: string;
  /** Base64 of the 64-byte signature. */
  readonly value: string;
}

export { sha256Hex } from '../contentHash.js';

/**
 * Passes chunks through as their UTF-8 bytes while feeding those to `hash`, so a file is hashed as it is written
 * instead of being read back (timeseries.csv is several MB), and each chunk is encoded once, not once per use.
 */
export function* hashingChunks(chunks: Iterable<string>, hash: Hash): Generator<Buffer> {
  for (const chunk of chunks) {
    const bytes = Buffer.from(chunk, 'utf8');
    hash.update(bytes);
    yield bytes;
  }
}

export function digestChunks(chunks: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

/**
 * JSON with object keys sorted at every level and no whitespace: the bytes a signature covers. The value is
 * round-tripped through JSON first, so undefined fields vanish and non-finite numbers become null exactly as
 * in the file a verifier parses.
 */
export function canonicalJson(value: unknown): string {
  return canonical(JSON.parse(JSON.stringify(value)) as unknown);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
