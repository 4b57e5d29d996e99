import { ERROR_CODES, type ErrorCode } from './codes.js';

/** One precise problem: where it is, what was expected, what was found. Errors are data (zod/fastify style). */
export interface Problem {
  readonly code: ErrorCode;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly path?: string;
  readonly expected?: string;
  readonly received?: string;
}

/**
 * Base error for everything Basis reports to a user. Carries a stable code, the list of problems
 * (a config report has many) and an optional cause chain. User errors print without a stack.
 */
export class BasisError extends Error {
  override readonly name = 'BasisError';
  readonly code: ErrorCode;
  readonly problems: readonly Problem[];

  constructor(code: ErrorCode, message: string, options: { problems?: readonly Problem[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.problems = options.problems ?? [];
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exitCode;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].httpStatus;
  }

  /** Follows the cause chain; returns the first error matching `fn`, or the deepest one. */
  walk(fn?: (err: unknown) => boolean): unknown {
    return walkCause(this, fn);
  }
}

function walkCause(start: unknown, fn?: (err: unknown) => boolean): unknown {
  let current = start;
  for (;;) {
    if (fn?.(current)) return current;
    const next = current instanceof Error ? current.cause : undefined;
    if (next === undefined) return fn ? undefined : current;
    current = next;
  }
}

export function formatProblem(p: Problem): string {
  const where = [p.file, p.line !== undefined ? `line ${p.line}` : undefined, p.column !== undefined ? `col ${p.column}` : undefined]
    .filter((x) => x !== undefined)
    .join(':');
  const parts = [`${p.code}`, where || undefined, p.path ? `at ${p.path}` : undefined, p.message];
  const detail = [p.expected !== undefined ? `expected ${p.expected}` : undefined, p.received !== undefined ? `found ${p.received}` : undefined]
    .filter((x) => x !== undefined)
    .join(', ');
  return parts.filter((x) => x).join(' ') + (detail ? ` (${detail})` : '');
}

export function formatError(err: BasisError): string {
  const lines = [`error ${err.code}: ${err.message}`];
  for (const p of err.problems) lines.push(`  - ${formatProblem(p)}`);
  return lines.join('\n');
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}
