import { createHash } from 'node:crypto';
import type { BasisEvent } from './types.js';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * events.jsonl is a hash chain: each line carries sha256(previous hash + the event's JSON without its
 * hash), so an edited, removed, inserted or reordered line breaks every hash after it.
 */
export function chainHash(prev: string, eventJson: string): string {
  return createHash('sha256').update(prev).update(eventJson).digest('hex');
}

export function formatEventsJsonl(events: readonly BasisEvent[]): string {
  const lines: string[] = new Array<string>(events.length);
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const json = JSON.stringify(events[i]);
    const hash = chainHash(prev, json);
    lines[i] = `${json.slice(0, -1)},"hash":"${hash}"}`;
    prev = hash;
  }
  return lines.join('\n') + (lines.length ? '\n' : '');
}
