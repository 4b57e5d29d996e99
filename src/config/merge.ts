import type { Problem } from '../errors/base.js';
import { formatSource, pathKey, whereOf, type PathSeg, type ValueSource } from './sources.js';

export type PlainObject = Record<string, unknown>;

/** Keys that would reach Object.prototype through a merge; rejected in every layer (CFG-013). */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/** A CFG-013 problem for a forbidden key at `path`, located at `src`. */
export function forbiddenKeyProblem(path: readonly PathSeg[], src: ValueSource): Problem {
  return {
    code: 'CFG-013',
    ...whereOf(src),
    path: pathKey(path),
    message: `forbidden key "${String(path[path.length - 1])}" (it could change every object's prototype)`,
    expected: 'an ordinary key name',
    received: String(path[path.length - 1]),
  };
}

export function isPlainObject(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return v === undefined ? v : (structuredClone(v) as T);
}

/**
 * The merged raw configuration plus the source of every node. Objects merge key by key; a scalar, null or
 * array replaces what was there (arrays are replaced whole, never concatenated). An object meeting a
 * non-null scalar or array (or the reverse) is a layer conflict (CFG-007).
 */
export class TrackedTree {
  readonly root: PlainObject = {};
  /** Source of every node (objects, arrays, their items, scalars) by pathKey. */
  readonly sources = new Map<string, ValueSource>();

  /** Merge `value` at `at`; `sourceAt(rel)` gives the source of the node at relative path `rel`. */
  apply(at: readonly PathSeg[], value: unknown, sourceAt: (rel: readonly PathSeg[]) => ValueSource, problems: Problem[]): void {
    let parent: PlainObject = this.root;
    for (let i = 0; i < at.length - 1; i++) {
      const seg = String(at[i]);
      const next = parent[seg];
      if (!isPlainObject(next)) {
        if (next !== undefined && next !== null) {
          this.conflict(at.slice(0, i + 1), sourceAt([]), problems);
          return;
        }
        parent[seg] = {};
        this.sources.set(pathKey(at.slice(0, i + 1)), sourceAt([]));
      }
      parent = parent[seg] as PlainObject;
    }
    if (at.length === 0) {
      if (!isPlainObject(value)) throw new Error('root layer must be an object');
      this.mergeInto(this.root, value, [], [], sourceAt, problems);
      return;
    }
    this.mergeKey(parent, String(at[at.length - 1]), value, [...at], [], sourceAt, problems);
  }

  private mergeInto(target: PlainObject, value: PlainObject, path: PathSeg[], rel: PathSeg[], sourceAt: (rel: readonly PathSeg[]) => ValueSource, problems: Problem[]): void {
    for (const [k, v] of Object.entries(value)) this.mergeKey(target, k, v, [...path, k], [...rel, k], sourceAt, problems);
  }

  private mergeKey(parent: PlainObject, key: string, v: unknown, path: PathSeg[], rel: PathSeg[], sourceAt: (rel: readonly PathSeg[]) => ValueSource, problems: Problem[]): void {
    const src = sourceAt(rel);
    // Checked before any read or write: `parent['__proto__']` is Object.prototype itself.
    if (isForbiddenKey(key)) {
      problems.push(forbiddenKeyProblem(path, src));
      return;
    }
    const existing = Object.hasOwn(parent, key) ? parent[key] : undefined;
    if (isPlainObject(v)) {
      if (existing !== undefined && existing !== null && !isPlainObject(existing)) {
        this.conflict(path, src, problems);
        return;
      }
      if (!isPlainObject(existing)) {
        parent[key] = {};
        this.dropUnder(path);
      }
      this.sources.set(pathKey(path), src);
      this.mergeInto(parent[key] as PlainObject, v, path, rel, sourceAt, problems);
      return;
    }
    if (isPlainObject(existing)) {
      this.conflict(path, src, problems);
      return;
    }
    const hidden = forbiddenIn(v, path);
    if (hidden) {
      problems.push(forbiddenKeyProblem(hidden, sourceAt([...rel, ...hidden.slice(path.length)])));
      return;
    }
    parent[key] = clone(v);
    this.dropUnder(path);
    this.recordSubtree(v, path, rel, sourceAt);
  }

  private recordSubtree(v: unknown, path: PathSeg[], rel: PathSeg[], sourceAt: (rel: readonly PathSeg[]) => ValueSource): void {
    this.sources.set(pathKey(path), sourceAt(rel));
    if (Array.isArray(v)) v.forEach((item, i) => this.recordSubtree(item, [...path, i], [...rel, i], sourceAt));
    else if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) this.recordSubtree(x, [...path, k], [...rel, k], sourceAt);
  }

  private dropUnder(path: PathSeg[]): void {
    const prefix = pathKey(path) + '.';
    for (const k of [...this.sources.keys()]) if (k.startsWith(prefix)) this.sources.delete(k);
  }

  private conflict(path: readonly PathSeg[], src: ValueSource, problems: Problem[]): void {
    const prior = this.sourceOf(path);
    const existing = this.get(path);
    problems.push({
      code: 'CFG-007',
      ...(src.file !== undefined ? { file: src.file } : { file: formatSource(src) }),
      ...(src.line !== undefined ? { line: src.line } : {}),
      path: pathKey(path),
      message: `cannot merge: this layer gives ${isPlainObject(existing) ? 'a value' : 'an object'} where ${prior ? formatSource(prior) : 'a lower layer'} gives ${isPlainObject(existing) ? 'an object' : 'a value'}`,
      expected: isPlainObject(existing) ? 'an object (to merge into)' : typeName(existing),
      received: isPlainObject(existing) ? 'a scalar, list or null' : 'an object',
    });
  }

  get(path: readonly PathSeg[]): unknown {
    let cur: unknown = this.root;
    for (const seg of path) {
      if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
      else if (isPlainObject(cur)) cur = Object.hasOwn(cur, String(seg)) ? cur[String(seg)] : undefined;
      else return undefined;
    }
    return cur;
  }

  /** Source of the node at `path`, or of its nearest ancestor that has one. */
  sourceOf(path: readonly PathSeg[]): ValueSource | undefined {
    for (let n = path.length; n > 0; n--) {
      const s = this.sources.get(pathKey(path.slice(0, n)));
      if (s) return s;
    }
    return undefined;
  }
}

/** The path of the first forbidden key anywhere inside `v` (arrays included), or undefined. */
function forbiddenIn(v: unknown, path: readonly PathSeg[]): PathSeg[] | undefined {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = forbiddenIn(v[i], [...path, i]);
      if (hit) return hit;
    }
  } else if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (isForbiddenKey(k)) return [...path, k];
      const hit = forbiddenIn(x, [...path, k]);
      if (hit) return hit;
    }
  }
  return undefined;
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
