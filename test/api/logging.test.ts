import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loggerOptions } from '../../src/api/logger.js';
import { call, SHORT_BODY, startServer, type TestServer } from './helpers.js';

const TOKEN = 'log-test-token-5c2e9a';

/** Collects the JSON lines written to it. */
class Lines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString().split('\n').filter((l) => l !== ''));
    done();
  }
}

describe('server logs', () => {
  const sink = new Lines();
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ token: TOKEN, logger: { level: 'info', stream: sink } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('are JSON lines with the request id, and never carry the bearer token', async () => {
    const r = await call(`${t.url}/api/v1/backtests/validate`, { body: SHORT_BODY, token: TOKEN, headers: { 'x-request-id': 'log-req-1' } });
    expect(r.status).toBe(200);
    await call(`${t.url}/api/v1/backtests/validate`, { body: { mode: 'nope' }, token: 'wrong-token-value' });
    const parsed = sink.lines.map((l) => JSON.parse(l) as { reqId?: string; msg?: string });
    expect(parsed.some((l) => l.reqId === 'log-req-1')).toBe(true);
    const all = sink.lines.join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('wrong-token-value');
  });

  it('redact authorization headers, token fields, secret-named config values and URL paths', () => {
    const out = new Lines();
    const log = pino(loggerOptions('info'), out);
    log.info({ req: { headers: { authorization: `Bearer ${TOKEN}` } }, token: TOKEN, config: { secrets: { binance: { apiKey: 'k-123', secret: 's-456' } }, alchemy: { privateKey: '0xabc' }, engine: { stepMinutes: 60 } } }, 'calling https://eth.example.org/v2/key-789 now');
    const line = out.lines.join('\n');
    for (const s of [TOKEN, 'k-123', 's-456', '0xabc', 'key-789']) expect(line).not.toContain(s);
    expect(line).toContain('"stepMinutes":60');
    expect(line).toContain('https://eth.example.org/…');
  });
});
