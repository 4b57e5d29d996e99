import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import type { Problem } from '../errors/base.js';
import type { ErrorCode } from '../errors/codes.js';
import { forbiddenKeyProblem, isForbiddenKey, isPlainObject, typeName, type TrackedTree } from './merge.js';
import { isSecretName, isSecretPath, REDACTED } from './redact.js';
import { pathKey, whereOf, type PathSeg, type ValueSource } from './sources.js';

/** Prefix of the variables that override config values: BASIS__SECTION__KEY[__KEY…]=value. */
export const ENV_PREFIX = 'BASIS__';

/**
 * Resolves override segments against the keys that exist in the merged tree, case-insensitively
 * (`BTC_BASIS` → `btc_basis`, `STEPMINUTES` → `stepMinutes`); array items by index. Unknown → undefined.
 */
export function resolveExistingPath(root: unknown, segments: readonly string[]): PathSeg[] | undefined {
  const out: PathSeg[] = [];
  let cur: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg) || Number(seg) >= cur.length) return undefined;
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else if (isPlainObject(cur)) {
      const key = Object.hasOwn(cur, seg) ? seg : Object.keys(cur).find((k) => k.toLowerCase() === seg.toLowerCase());
      if (key === undefined) return undefined;
      out.push(key);
      cur = cur[key];
    } else {
      return undefined;
    }
  }
  return out.length > 0 ? out : undefined;
}

type Coerced = { ok: true; value: unknown } | { ok: false; expected: string };

/** Converts an override string to the type of the value already at the path. */
export function coerceToExisting(raw: string, existing: unknown): Coerced {
  const json = (): Coerced => {
    try {
      return { ok: true, value: JSON.parse(raw) as unknown };
    } catch {
      return { ok: false, expected: 'valid JSON' };
    }
  };
  switch (typeName(existing)) {
    case 'number': {
      const n = raw.trim() === '' ? Number.NaN : Number(raw);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, expected: 'a number' };
    }
    case 'boolean':
      if (raw === 'true' || raw === 'false') return { ok: true, value: raw === 'true' };
      return { ok: false, expected: 'true or false' };
    case 'array': {
      const r = json();
      return r.ok && Array.isArray(r.value) ? r : { ok: false, expected: 'a JSON array, e.g. ["a","b"]' };
    }
    case 'object': {
      const r = json();
      return r.ok && isPlainObject(r.value) ? r : { ok: false, expected: 'a JSON object' };
    }
    case 'null': {
      // Unset value (a secret, an optional path): JSON only when it clearly is JSON, else the raw string.
      const t = raw.trim();
      if (t === 'null') return { ok: true, value: null };
      return /^[[{"]/.test(t) ? json() : { ok: true, value: raw };
    }
    default:
      return { ok: true, value: raw };
  }
}

interface OverrideSpec {
  readonly segments: readonly string[];
  readonly raw: string;
  readonly source: ValueSource;
  readonly code: ErrorCode;
  /** How the user wrote it, for messages. */
  readonly label: string;
}

function applyOne(tree: TrackedTree, o: OverrideSpec, problems: Problem[]): void {
  const where = o.source.layer === 'cli' ? { file: o.label } : whereOf(o.source);
  // Segments match keys case-insensitively, so BASIS__ENGINE__CONSTRUCTOR names `constructor` too.
  const bad = o.segments.find((seg) => isForbiddenKey(seg.toLowerCase()));
  if (bad !== undefined) {
    problems.push({ ...forbiddenKeyProblem(o.segments.slice(0, o.segments.indexOf(bad) + 1), o.source), ...where, path: o.segments.join('.') });
    return;
  }
  const path = resolveExistingPath(tree.root, o.segments);
  if (path === undefined) {
    problems.push({
      code: o.code,
      ...where,
      path: o.segments.join('.'),
      message: `${o.label} names no config value`,
      expected: 'the path of an existing value (segments match keys case-insensitively)',
      received: o.segments.join('.'),
    });
    return;
  }
  const existing = tree.get(path);
  const c = coerceToExisting(o.raw, existing);
  if (!c.ok) {
    problems.push({
      code: o.code,
      ...where,
      path: pathKey(path),
      message: `${o.label} has a value of the wrong type`,
      expected: c.expected,
      received: isSecretPath(path) ? REDACTED : JSON.stringify(o.raw),
    });
    return;
  }
  const last = path[path.length - 1];
  if (typeof last === 'number') {
    const arr = tree.get(path.slice(0, -1)) as unknown[];
    arr[last] = c.value;
    tree.sources.set(pathKey(path), o.source);
    return;
  }
  tree.apply(path, c.value, () => o.source, problems);
}

/** `--set path=value` overrides (dotted path). Bad ones: CFG-012. */
export function applySetOverrides(tree: TrackedTree, overrides: readonly string[], problems: Problem[]): void {
  for (const o of overrides) {
    const eq = o.indexOf('=');
    if (eq <= 0) {
      // Without "=" the path and value cannot be told apart, so a secret-looking override is not echoed.
      const shown = isSecretName(o) ? REDACTED : o;
      problems.push({ code: 'CFG-012', file: `--set ${shown}`, message: 'override must be path=value', expected: 'path=value, e.g. modes.btc_basis.initialCapital=5000', received: shown });
      continue;
    }
    const path = o.slice(0, eq).trim();
    applyOne(tree, { segments: path.split('.'), raw: o.slice(eq + 1), source: { layer: 'cli', variable: `${path}=…` }, code: 'CFG-012', label: `--set ${path}` }, problems);
  }
}

function envSegments(name: string): string[] {
  return name.slice(ENV_PREFIX.length).split('__');
}

/** `BASIS__*` variables from the process environment (sorted for a stable order). Bad ones: CFG-010. */
export function applyEnvOverrides(tree: TrackedTree, environ: Record<string, string | undefined>, problems: Problem[]): void {
  for (const name of Object.keys(environ).sort()) {
    const raw = environ[name];
    if (!name.startsWith(ENV_PREFIX) || raw === undefined) continue;
    applyOne(tree, { segments: envSegments(name), raw, source: { layer: 'environ', variable: name }, code: 'CFG-010', label: `environment variable ${name}` }, problems);
  }
}

/**
 * A deploy/.env* file: parsed with dotenv (never injected into process.env); its BASIS__* keys override like
 * environment variables. Other keys are ignored. A missing file is skipped.
 */
export function applyDotenvFile(tree: TrackedTree, absPath: string, display: string, problems: Problem[]): void {
  let text: string;
  try {
    text = readFileSync(absPath, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return;
    problems.push({ code: 'CFG-001', file: display, message: `env file could not be read: ${err instanceof Error ? err.message : String(err)}` });
    return;
  }
  const parsed = dotenv.parse(text);
  const lines = text.split(/\r?\n/);
  for (const name of Object.keys(parsed)) {
    if (!name.startsWith(ENV_PREFIX)) continue;
    const re = new RegExp(`^\\s*(export\\s+)?${name}\\s*[=:]`);
    let line: number | undefined;
    lines.forEach((l, i) => {
      if (re.test(l)) line = i + 1; // dotenv keeps the last definition
    });
    const source: ValueSource = { layer: 'dotenv', file: display, ...(line !== undefined ? { line } : {}), variable: name };
    applyOne(tree, { segments: envSegments(name), raw: parsed[name] ?? '', source, code: 'CFG-010', label: `${name} in ${display}` }, problems);
  }
}
