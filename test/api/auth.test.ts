import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { BasisError } from '../../src/errors/base.js';
import { buildServer } from '../../src/api/server.js';
import { isLoopbackHost } from '../../src/api/auth.js';
import { call, SHORT_BODY, startServer, type ErrorBody, type TestServer } from './helpers.js';

const TOKEN = 'test-token-7d1f';

describe('with BASIS_API_TOKEN set', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ token: TOKEN, rateLimit: { max: 3, timeWindowMs: 60_000 } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a mutating call without the token (401 API-002) and with a wrong one (403 API-003), before validating it', async () => {
    const none = await call<ErrorBody>(`${t.url}/api/v1/backtests`, { body: { mode: 'nope' } });
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('API-002');
    expect(none.json.error.problems[0]?.path).toBe('headers.authorization');
    const wrong = await call<ErrorBody>(`${t.url}/api/v1/backtests`, { body: SHORT_BODY, token: 'not-it' });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.code).toBe('API-003');
    const basic = await call<ErrorBody>(`${t.url}/api/v1/backtests/anything`, { method: 'DELETE', headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
  });

  it('accepts the token, and leaves reads open on a loopback bind', async () => {
    const ok = await call<{ ok: boolean }>(`${t.url}/api/v1/backtests/validate`, { body: SHORT_BODY, token: TOKEN });
    expect(ok.status).toBe(200);
    expect(ok.json.ok).toBe(true);
    expect((await call(`${t.url}/api/v1/modes`)).status).toBe(200);
    expect((await call(`${t.url}/api/v1/backtests`)).status).toBe(200);
  });

  it('rate limits the mutating routes with 429 API-004 in the envelope (validation gets ten times the limit)', async () => {
    const codes: number[] = [];
    let last: ErrorBody | undefined;
    for (let i = 0; i < 5; i++) {
      const r = await call<ErrorBody>(`${t.url}/api/v1/backtests`, { body: { mode: 'nope' }, token: TOKEN });
      codes.push(r.status);
      if (r.status === 429) last = r.json;
    }
    expect(codes).toContain(429);
    expect(codes.slice(codes.indexOf(429)).every((c) => c === 429)).toBe(true);
    expect(last?.error.code).toBe('API-004');
    expect(last?.error.message).toMatch(/at most 3 requests per 60 s/);
    expect((await call(`${t.url}/api/v1/backtests/validate`, { body: SHORT_BODY, token: TOKEN })).status).toBe(200);
    // Reads are not rate limited.
    for (let i = 0; i < 5; i++) expect((await call(`${t.url}/health`)).status).toBe(200);
  });
});

describe('binding', () => {
  it('tells loopback hosts from the others', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', 'example.org']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('refuses a non-loopback host without a token (API-005) before it listens', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'basis-api-bind-'));
    const store = await openStore({ file: path.join(dir, 'store.sqlite') });
    let err: unknown;
    try {
      await buildServer({ store, storeAccess: { file: path.join(dir, 'store.sqlite') }, host: '0.0.0.0', token: null, logger: false });
    } catch (e) {
      err = e;
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(err).toBeInstanceOf(BasisError);
    expect((err as BasisError).code).toBe('API-005');
    expect((err as BasisError).problems[0]).toMatchObject({ path: '--host', received: '0.0.0.0' });
  });

  it('on a non-loopback bind with a token, reads need the token too', async () => {
    const t = await startServer({ host: '0.0.0.0', token: TOKEN });
    try {
      const port = new URL(t.url).port;
      const base = `http://127.0.0.1:${port}`;
      const anon = await call<ErrorBody>(`${base}/api/v1/modes`);
      expect(anon.status).toBe(401);
      expect(anon.json.error.code).toBe('API-002');
      expect((await call(`${base}/api/v1/modes`, { token: TOKEN })).status).toBe(200);
      expect((await call(`${base}/health`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
