/**
 * Where a configuration value came from. Layers, lowest to highest precedence:
 *   default < env < share_class < venue < mode < local < cli (--set) < environ (BASIS__* variables) < dotenv (deploy/.env*)
 */
export const LAYERS = ['default', 'env', 'share_class', 'venue', 'mode', 'local', 'cli', 'environ', 'dotenv'] as const;
export type LayerName = (typeof LAYERS)[number];

export interface ValueSource {
  readonly layer: LayerName;
  /** Config file relative to the parent of the config (or deploy) directory, e.g. `configs/modes/btc_basis.yaml`. */
  readonly file?: string;
  /** 1-based line of the key in that file. */
  readonly line?: number;
  /** The environment variable or `--set` override that supplied the value. */
  readonly variable?: string;
}

export interface ExplainedValue {
  /** Dotted path, e.g. `modes.btc_basis.initialCapital`; arrays are one value. */
  readonly path: string;
  /** The value, with secrets redacted. */
  readonly value: unknown;
  readonly source: ValueSource;
}

export type PathSeg = string | number;

export function pathKey(path: readonly PathSeg[]): string {
  return path.join('.');
}

/** `configs/modes/x.yaml:12`, `$BASIS__ENGINE__STEPMINUTES`, `--set engine.stepMinutes=5`. */
export function formatSource(s: ValueSource): string {
  if (s.file !== undefined) {
    const at = s.line !== undefined ? `${s.file}:${s.line}` : s.file;
    return s.variable !== undefined ? `${at} (${s.variable})` : at;
  }
  if (s.layer === 'cli') return `--set ${s.variable ?? ''}`;
  return `$${s.variable ?? ''}`;
}

/** Problem location fields for a source. */
export function whereOf(s: ValueSource | undefined): { file?: string; line?: number } {
  if (s === undefined) return {};
  if (s.file !== undefined) return s.line !== undefined ? { file: s.file, line: s.line } : { file: s.file };
  return { file: s.layer === 'cli' ? `--set ${s.variable ?? ''}` : `$${s.variable ?? ''}` };
}
