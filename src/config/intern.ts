/**
 * A copy of plain config data whose strings are all internalized (V8's table of unique strings, which holds every
 * property name and string literal). Strings read from YAML or JSON are not, and the engine compares config strings
 * (share class, venues, tokens) with literals every step: two internalized strings compare as one pointer
 * comparison, any other pair through a call that compares lengths and characters. A string becomes a property name
 * internalized; reading it back as a key gives that internalized string.
 */
export function internStrings<T>(value: T): T {
  const seen = new Map<string, string>();
  const intern = (s: string): string => {
    let t = seen.get(s);
    if (t === undefined) {
      t = Object.keys({ [s]: 0 })[0] as string;
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

