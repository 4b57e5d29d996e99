import { internalized } from '../internalize.js';

/**
 * A copy of plain config data whose strings are all internalized (see {@link internalized}): strings read from YAML
 * or JSON are not, and the engine compares config strings (share class, venues, tokens) with literals every step.
 */
export function internStrings<T>(value: T): T {
  const seen = new Map<string, string>();
  const intern = (s: string): string => {
    let t = seen.get(s);
    if (t === undefined) {
      t = internalized(s);
      seen.set(s, t);
    }
    return t;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return intern(v);
    if (Array.isArray(v)) {
      const out = v.map(walk);
      return Object.isFrozen(v) ? Object.freeze(out) : out;
    }
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x);
      return Object.isFrozen(v) ? Object.freeze(out) : out;
    }
    return v;
  };
  return walk(value) as T;
}
