import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Problem } from '../errors/base.js';
import { pathKey, type PathSeg } from './sources.js';

/** A config file parsed with a line for every key and item (JSON is parsed as YAML 1.2, which it is). */
export interface ParsedFile {
  /** Display path (relative to the config directory's parent). */
  readonly file: string;
  readonly value: Record<string, unknown>;
  /** pathKey(path in file) → 1-based line. */
  readonly lines: ReadonlyMap<string, number>;
}

/** Alias expansions allowed per file: ample for hand-written config, far below a "billion laughs" document. */
const MAX_ALIAS_COUNT = 100;

export function lineOf(parsed: ParsedFile, path: readonly PathSeg[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const line = parsed.lines.get(pathKey(path.slice(0, n)));
    if (line !== undefined) return line;
  }
  return undefined;
}

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';
}

/**
 * Reads and parses one file. Returns undefined and adds a problem when it cannot (CFG-001 unreadable,
 * CFG-003 missing and required, CFG-004 syntax); returns null when it is optional and absent.
 */
export function parseConfigFile(absPath: string, display: string, required: boolean, problems: Problem[]): ParsedFile | null | undefined {
  let text: string;
  try {
    text = readFileSync(absPath, 'utf8');
  } catch (err) {
    if (isMissing(err)) {
      if (!required) return null;
      problems.push({ code: 'CFG-003', file: display, message: 'required config file is missing', expected: 'a file at this path' });
      return undefined;
    }
    const reason = err instanceof Error ? err.message : String(err);
    problems.push({ code: 'CFG-001', file: display, message: `config file could not be read: ${reason}` });
    return undefined;
  }
  return parseConfigText(text, display, problems);
}

export function parseConfigText(text: string, display: string, problems: Problem[]): ParsedFile | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const before = problems.length;
  for (const e of doc.errors) {
    const pos = lc.linePos(e.pos[0]);
    problems.push({ code: 'CFG-004', file: display, line: pos.line, column: pos.col, message: `syntax error: ${e.message.split('\n')[0]}` });
  }
  if (display.endsWith('.json') && doc.errors.length === 0) {
    try {
      JSON.parse(text);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const m = /position (\d+)/.exec(msg);
      const pos = m ? lc.linePos(Number(m[1])) : undefined;
      problems.push({
        code: 'CFG-004',
        file: display,
        ...(pos ? { line: pos.line, column: pos.col } : {}),
        message: `invalid JSON: ${msg}`,
      });
    }
  }
  if (problems.length > before) return undefined;
  if (!isMap(doc.contents)) {
    problems.push({ code: 'CFG-004', file: display, line: 1, message: 'the file must hold a mapping (object) at the top level', expected: 'mapping', received: doc.contents === null ? 'empty document' : 'scalar or list' });
    return undefined;
  }
  const lines = new Map<string, number>();
  lines.set('', 1);
  walk(doc.contents, [], lc, lines);
  let value: Record<string, unknown>;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>;
  } catch (err) {
    // yaml throws a ReferenceError when expanding aliases would exceed maxAliasCount (a "billion laughs" file).
    if (!(err instanceof ReferenceError)) throw err;
    problems.push({ code: 'CFG-014', file: display, message: 'YAML aliases expand too far (an alias bomb?)', expected: `at most ${MAX_ALIAS_COUNT} alias expansions`, received: 'more' });
    return undefined;
  }
  return { file: display, value, lines };
}

function walk(node: unknown, path: PathSeg[], lc: LineCounter, lines: Map<string, number>): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const p = [...path, key];
      const range = (pair.key as { range?: [number, number, number] } | null)?.range ?? (pair.value as { range?: [number, number, number] } | null)?.range;
      if (range) lines.set(pathKey(p), lc.linePos(range[0]).line);
      walk(pair.value, p, lc, lines);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const p = [...path, i];
      const range = (item as { range?: [number, number, number] } | null)?.range;
      if (range) lines.set(pathKey(p), lc.linePos(range[0]).line);
      walk(item, p, lc, lines);
    });
  }
}
