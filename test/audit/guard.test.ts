import { describe, expect, it } from 'vitest';
import { eventLineSchema, isEventLine } from '../../src/events/runFiles.js';
import { freshRun, parseEvents, type Json } from './helpers.js';

const ODD_VALUES: readonly unknown[] = [null, 5, -1, 1.5, 'x', '', true, [], {}, [['k', 1]], { k: 'v' }, { k: 1 }];

/** Every way to break one field of an event: remove it, replace it, add a stranger, and the same one level down. */
function* mutations(e: Json): Generator<unknown> {
  for (const k of Object.keys(e)) {
    const rest = { ...e };
    delete rest[k];
    yield rest;
    for (const v of ODD_VALUES) yield { ...e, [k]: v };
    const inner = e[k];
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      for (const [ik, iv] of Object.entries(inner)) {
        for (const v of ODD_VALUES) yield { ...e, [k]: { ...inner, [ik]: v } };
        if (iv !== null && typeof iv === 'object') for (const v of ODD_VALUES) yield { ...e, [k]: { ...inner, [ik]: { ...iv, extra: v } } };
      }
      yield { ...e, [k]: { ...inner, supplyInterestX: 1 } };
    }
    if (Array.isArray(inner)) {
      for (const v of ODD_VALUES) yield { ...e, [k]: [...inner, v] };
      for (const v of ODD_VALUES) yield { ...e, [k]: [[String(v), v]] };
    }
  }
  yield { ...e, extra: 1 };
  yield null;
  yield 42;
  yield [e];
}

describe('the fast event guard', () => {
  it('accepts every line of a real run and never accepts what the schema refuses', async () => {
    const events = parseEvents(await freshRun());
    let refused = 0;
    const types = new Set<unknown>();
    for (const e of events) {
      expect(isEventLine(e), JSON.stringify(e)).toBe(true);
      expect(eventLineSchema.safeParse(e).success).toBe(true);
      if (types.has(e['type'])) continue;
      types.add(e['type']);
      for (const m of mutations(e)) {
        if (isEventLine(m)) expect(eventLineSchema.safeParse(m).success, JSON.stringify(m)).toBe(true);
        else refused++;
      }
    }
    expect(types.size).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(500);
  });
});
