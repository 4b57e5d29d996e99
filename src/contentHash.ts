import { createHash } from 'node:crypto';

/** Hex SHA-256 of some bytes (or a string's UTF-8): the one content hash of data inputs, caches and run files. */
export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}
