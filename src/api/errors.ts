import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { BasisError, type Problem } from '../errors/base.js';
import { ERROR_CODES, type ErrorCode } from '../errors/codes.js';
import { redactUrlsIn } from '../config/redact.js';

/** The one error body every route answers with (docs/api.md "Errors"). */
export interface ErrorEnvelope {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly problems: readonly Problem[];
    readonly requestId: string;
  };
}

export function envelope(err: BasisError, requestId: string): ErrorEnvelope {
  return { error: { code: err.code, message: redactUrlsIn(err.message), problems: err.problems.map((p) => ({ ...p, message: redactUrlsIn(p.message) })), requestId } };
}

function describeReceived(v: unknown): string {
  if (v === undefined) return 'nothing (missing)';
  const s = JSON.stringify(v);
  return s === undefined ? typeof v : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function expectedOf(params: Record<string, unknown>, keyword: string, message: string): string {
  if (typeof params.expected === 'string') return params.expected;
  if (Array.isArray(params.values)) return params.values.map((v) => JSON.stringify(v)).join(' | ');
  if (keyword === 'too_small' && params.minimum !== undefined) return `${params.inclusive === true ? '>=' : '>'} ${String(params.minimum)}`;
  if (keyword === 'too_big' && params.maximum !== undefined) return `${params.inclusive === true ? '<=' : '<'} ${String(params.maximum)}`;
  if (keyword === 'unrecognized_keys') return 'no such key';
  if (typeof params.format === 'string') return params.format;
  return message;
}

/**
 * A request that failed its route's zod schema → API-001 with one problem per field: the path inside the part of
 * the request that was wrong (`body.capital`, `query.limit`), what the schema expected and what was sent.
 */
export function validationError(err: Omit<FastifyError, 'validation'> & { validation: ReadonlyArray<{ instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }> }, req: FastifyRequest): BasisError {
  const context = (err as { validationContext?: string }).validationContext ?? 'body';
  const part = context === 'querystring' ? 'query' : context;
  const source: unknown = context === 'querystring' ? req.query : context === 'params' ? req.params : context === 'headers' ? req.headers : req.body;
  const problems: Problem[] = [];
  for (const v of err.validation) {
    const segs = v.instancePath.split('/').filter((s) => s !== '');
    const message = v.message ?? v.keyword;
    if (v.keyword === 'unrecognized_keys' && Array.isArray(v.params.keys)) {
      for (const key of v.params.keys as unknown[]) {
        problems.push({ code: 'API-001', path: [part, ...segs, String(key)].join('.'), message: `unknown field "${String(key)}"`, expected: 'no such field', received: describeReceived(valueAt(source, [...segs, String(key)])) });
      }
      continue;
    }
    problems.push({ code: 'API-001', path: [part, ...segs].join('.'), message, expected: expectedOf(v.params, v.keyword, message), received: describeReceived(valueAt(source, segs)) });
  }
  const fields = [...new Set(problems.map((p) => p.path))].join(', ');
  return new BasisError('API-001', `request invalid: ${fields}`, { problems });
}

function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}

/** Any thrown value → the BasisError the client is told about; an unexpected one becomes API-009 with nothing of its text. */
export function toBasisError(err: unknown, req: FastifyRequest): BasisError {
  if (err instanceof BasisError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) return validationError(err, req);
  const fe = err as Partial<FastifyError>;
  if (fe.statusCode === 429) return new BasisError('API-004', 'rate limit exceeded: too many requests; retry later');
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new BasisError('API-001', 'request invalid: send JSON (content-type: application/json)', { problems: [{ code: 'API-001', path: 'headers.content-type', message: 'unsupported media type', expected: 'application/json', received: String(req.headers['content-type'] ?? 'nothing') }] });
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe.statusCode === 400 && err instanceof SyntaxError)) {
    return new BasisError('API-001', 'request invalid: the body is not valid JSON', { problems: [{ code: 'API-001', path: 'body', message: 'malformed JSON', expected: 'a JSON object' }] });
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new BasisError('API-001', 'request invalid: the body is too large', { problems: [{ code: 'API-001', path: 'body', message: 'body too large', expected: 'at most 1 MiB' }] });
  if (isErrorCode(fe.code)) return new BasisError(fe.code, fe.message ?? ERROR_CODES[fe.code].title);
  // Fastify's own refusals of a malformed request (a bad header, a bad length): its message names the problem.
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500 && typeof fe.code === 'string' && fe.code.startsWith('FST_')) {
    return new BasisError('API-001', `request invalid: ${fe.message ?? fe.code}`, { problems: [{ code: 'API-001', message: fe.message ?? fe.code, received: fe.code }] });
  }
  return new BasisError('API-009', 'internal server error; the server log has the details under this request id');
}

/** Sends the envelope with the HTTP status of the code in the registry. */
export function sendError(reply: FastifyReply, err: BasisError): FastifyReply {
  return reply.code(err.httpStatus).type('application/json; charset=utf-8').send(envelope(err, reply.request.id));
}

/** The error and not-found handlers: one envelope for everything, no stack trace ever in a body. */
export function installErrorHandlers(app: FastifyInstance, onError: (code: string) => void): void {
  app.setErrorHandler((err, req, reply) => {
    const be = toBasisError(err, req);
    onError(be.code);
    if (be.httpStatus >= 500) req.log.error({ err, code: be.code }, 'request failed');
    else req.log.info({ code: be.code, problems: be.problems.length }, be.message);
    return sendError(reply, be);
  });
  app.setNotFoundHandler((req, reply) => {
    const be = new BasisError('API-007', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`, { problems: [{ code: 'API-007', path: 'url', message: 'no such route', expected: 'a route listed at /docs', received: `${req.method} ${req.url.split('?')[0] ?? ''}` }] });
    onError(be.code);
    return sendError(reply, be);
  });
}
