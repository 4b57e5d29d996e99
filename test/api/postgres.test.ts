import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { runBacktest } from '../../src/engine/backtest.js';
import { call, DATA_DIR, readSse, SHORT_BODY, startServer, type TestServer } from './helpers.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** A schema of this test file's own, dropped at the end. */
const schema = `basis_api_${process.pid}_${Date.now() % 1e6}`;

let t: TestServer;
let api: string;

beforeAll(async () => {
  t = await startServer({ storeAccess: { url: PG_URL, schema, env: {} } });
  api = `${t.url}/api/v1`;
});
afterAll(async () => {
  await t.close();
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`drop schema if exists ${schema} cascade`);
  await c.end();
});

describe('the API on a PostgreSQL store', () => {
  it('reports the store in /health/detailed', async () => {
    const d = await call<{ store: { kind: string; ok: boolean; location: string } }>(`${t.url}/health/detailed`);
    expect(d.json.store).toMatchObject({ kind: 'postgres', ok: true });
    expect(d.json.store.location).toContain('127.0.0.1:5432/test');
  });

  it('runs a backtest in a worker thread that writes to the same schema, with the final equity of runBacktest', async () => {
    const posted = await call<{ id: string; links: { progress: string } }>(`${api}/backtests`, { body: SHORT_BODY });
    expect(posted.status).toBe(202);
    const events = await readSse(`${t.url}${posted.json.links.progress}`);
    expect(events[events.length - 1]).toEqual({ event: 'status', data: { status: 'completed' } });
    const id = posted.json.id;
    const summary = await call<{ finalEquity: number }>(`${api}/backtests/${id}/summary`);
    const direct = await runBacktest({ ...SHORT_BODY, dataDir: DATA_DIR });
    expect(summary.json.finalEquity).toBe(direct.summary.finalEquity);
    const list = await call<{ total: number; runs: Array<{ id: string; status: string }> }>(`${api}/backtests`);
    expect(list.json.runs).toEqual([expect.objectContaining({ id, status: 'completed' })]);
    const page = await call<{ total: number; events: Array<{ type: string; text: string }> }>(`${api}/backtests/${id}/events?type=SPOT_TRADE&limit=10`);
    expect(page.json.total).toBeGreaterThan(0);
    expect(page.json.events.every((e) => e.type === 'SPOT_TRADE' && e.text.startsWith('Spot trade'))).toBe(true);
    const ts = await call<{ points: number; downsampled: boolean }>(`${api}/backtests/${id}/timeseries?points=50&columns=equity`);
    expect(ts.json).toMatchObject({ downsampled: true });
    expect(ts.json.points).toBeLessThanOrEqual(50);
    expect((await call(`${api}/backtests/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await call(`${api}/backtests`)).json.total).toBe(0);
  });
});
