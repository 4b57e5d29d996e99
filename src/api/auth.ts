import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import { BasisError } from '../errors/base.js';

/** 127.0.0.0/8, ::1 and `localhost`: the only binds allowed without a token. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '::ffff:127.0.0.1';
}

/** API-005: a non-loopback bind without BASIS_API_TOKEN would expose every mutating route to the network. */
export function assertSafeBind(host: string, token: string | null): void {
  if (!isLoopbackHost(host) && token === null) {
    throw new BasisError('API-005', `refusing to listen on ${host} without BASIS_API_TOKEN: anyone on the network could start and delete runs. Set BASIS_API_TOKEN (clients then send "authorization: Bearer <token>") or bind to 127.0.0.1`, {
      problems: [{ code: 'API-005', path: '--host', message: 'non-loopback host without a token', expected: 'BASIS_API_TOKEN set, or --host 127.0.0.1', received: host }],
    });
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Checks `authorization: Bearer <token>`: 401 API-002 when missing, 403 API-003 when wrong. Compared as SHA-256
 * digests with timingSafeEqual, so neither the token's bytes nor its length leak through timing.
 */
export function checkBearer(req: FastifyRequest, token: string): void {
  const header = req.headers.authorization;
  const m = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  if (!m?.[1]) {
    throw new BasisError('API-002', 'authentication required: send "authorization: Bearer <BASIS_API_TOKEN>"', {
      problems: [{ code: 'API-002', path: 'headers.authorization', message: header === undefined ? 'no authorization header' : 'not a bearer token', expected: 'Bearer <token>', received: header === undefined ? 'nothing' : 'a header of another scheme' }],
    });
  }
  if (!timingSafeEqual(digest(m[1].trim()), digest(token))) {
    throw new BasisError('API-003', 'token refused', { problems: [{ code: 'API-003', path: 'headers.authorization', message: 'the bearer token is not the server\'s', expected: 'the value of BASIS_API_TOKEN', received: 'another token' }] });
  }
}
