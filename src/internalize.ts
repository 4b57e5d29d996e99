/**
 * The internalized copy of a string: the one V8 keeps in its table of unique strings, which holds every property
 * name and string literal. Strings built at run time (split, concatenation, YAML and JSON values) are not, and two
 * strings compare by pointer only when both are internalized; otherwise `===` calls a routine that compares lengths
 * and characters, which the per-step code pays on every compare of a config or key string with a literal. A string
 * used as a property name is internalized, so reading it back as a key gives that copy.
 */
export function internalized(s: string): string {
  return Object.keys({ [s]: 0 })[0] as string;
}
