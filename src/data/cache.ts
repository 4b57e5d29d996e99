import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DataIssue, SeriesColumn, SeriesCoverage, SeriesKey } from './series.js';

/**
 * Binary columnar cache of an aligned timeline: one file =
 *   8-byte magic | u32 header length | u32 0 | header JSON (padded to 8) | per column: Float64 values, Uint8 source
 *   (padded to 8).
 * Keyed by a hash of everything the timeline depends on (inputs' content hashes, requirements, window, step,
 * policy, code version); the key is in the file name and checked again in the header. Written atomically
 * (temp file, then rename). Anything unreadable is treated as a miss by the caller and rebuilt.
 */
export const CACHE_FORMAT_VERSION = 2;
const MAGIC = 'BASISTL1';

export interface CachedTimeline {
  readonly startMs: number;
  readonly stepMs: number;
  readonly length: number;
  readonly synthetic: boolean;
  readonly columns: readonly SeriesColumn[];
  readonly coverage: readonly SeriesCoverage[];
  readonly issues: readonly DataIssue[];
}

interface Header {
  version: number;
  key: string;
  startMs: number;
  stepMs: number;
  length: number;
  synthetic: boolean;
  columns: { key: SeriesKey; fallbackKey?: SeriesKey; values: number; source: number }[];
  coverage: SeriesCoverage[];
  issues: DataIssue[];
  bodyBytes: number;
}

const pad8 = (n: number): number => (n + 7) & ~7;

export function cacheFile(cacheDir: string, key: string): string {
  return path.join(cacheDir, `timeline-${key.slice(0, 24)}.bin`);
}

export function writeCache(file: string, key: string, t: CachedTimeline): void {
  const len = t.length;
  const colBytes = pad8(len * 8) + pad8(len);
  const columns: Header['columns'] = t.columns.map((c, i) => ({
    key: c.key,
    ...(c.fallbackKey ? { fallbackKey: c.fallbackKey } : {}),
    values: i * colBytes,
    source: i * colBytes + pad8(len * 8),
  }));
  const header: Header = { version: CACHE_FORMAT_VERSION, key, startMs: t.startMs, stepMs: t.stepMs, length: len, synthetic: t.synthetic, columns, coverage: [...t.coverage], issues: [...t.issues], bodyBytes: colBytes * t.columns.length };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const headLen = pad8(16 + json.length);
  const buf = Buffer.alloc(headLen + header.bodyBytes);
  buf.write(MAGIC, 0, 'latin1');
  buf.writeUInt32LE(json.length, 8);
  json.copy(buf, 16);
  t.columns.forEach((c, i) => {
    const col = columns[i]!;
    Buffer.from(c.values.buffer, c.values.byteOffset, len * 8).copy(buf, headLen + col.values);
    Buffer.from(c.source.buffer, c.source.byteOffset, len).copy(buf, headLen + col.source);
  });
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, buf);
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw err;
  }
}

/** null when absent; throws (any error) when present but unreadable or not matching `key`. */
export function readCache(file: string, key: string): CachedTimeline | null {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  if (raw.length < 16 || raw.toString('latin1', 0, 8) !== MAGIC) throw new Error('bad magic');
  const jsonLen = raw.readUInt32LE(8);
  if (16 + jsonLen > raw.length) throw new Error('truncated header');
  const header = JSON.parse(raw.toString('utf8', 16, 16 + jsonLen)) as Header;
  if (header.version !== CACHE_FORMAT_VERSION || header.key !== key) throw new Error('key mismatch');
  const headLen = pad8(16 + jsonLen);
  if (raw.length !== headLen + header.bodyBytes) throw new Error('truncated body');
  // One aligned copy of the body so Float64Array views are 8-byte aligned whatever Buffer pooling did.
  const body = new ArrayBuffer(header.bodyBytes);
  new Uint8Array(body).set(raw.subarray(headLen));
  const len = header.length;
  const columns: SeriesColumn[] = header.columns.map((c) => ({
    key: c.key,
    values: new Float64Array(body, c.values, len),
    source: new Uint8Array(body, c.source, len),
    ...(c.fallbackKey ? { fallbackKey: c.fallbackKey } : {}),
  }));
  return { startMs: header.startMs, stepMs: header.stepMs, length: len, synthetic: header.synthetic, columns, coverage: header.coverage, issues: header.issues };
}
