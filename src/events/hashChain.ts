import { hash as oneShotHash } from 'node:crypto';
import type { EventSource } from './store.js';

export const GENESIS_HASH = '0'.repeat(64);

/**
 * events.jsonl is a hash chain: each line carries sha256(previous hash + the event's JSON without its
 * hash), so an edited, removed, inserted or reordered line breaks every hash after it.
 */
export function chainHash(prev: string, eventJson: string): string {
  // One-shot hashing of the concatenation (the same bytes as two updates) is about 3x cheaper than a Hash object
  // per line, which dominated writing and verifying 70k-line logs.
  return oneShotHash('sha256', prev + eventJson, 'hex');
}

export function formatEventsJsonl(events: EventSource): string {
  return [...eventsJsonlChunks(events)].join('');
}

/** Where the chain ended, filled in while the chunks are written (summary.json records it). */
export interface ChainHead {
  hash: string;
  lines: number;
}

/** The same lines in chunks of about `chunkChars` characters, so a writer never holds the whole log as one string. */
export function* eventsJsonlChunks(events: EventSource, chunkChars = 1 << 16, head: ChainHead = { hash: GENESIS_HASH, lines: 0 }): Generator<string> {
  let chunk = '';
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const json = JSON.stringify(events.at(i));
    const hash = chainHash(prev, json);
    chunk += `${json.slice(0, -1)},"hash":"${hash}"}\n`;
    prev = hash;
    head.hash = hash;
    head.lines = i + 1;
    if (chunk.length >= chunkChars || i === events.length - 1) {
      yield chunk;
      chunk = '';
    }
  }
}

/** The head of the chain over `events` without formatting the lines (what eventsJsonlChunks ends on). */
export function chainHeadOf(events: EventSource): ChainHead {
  let prev = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) prev = chainHash(prev, JSON.stringify(events.at(i)));
  return { hash: prev, lines: events.length };
}
