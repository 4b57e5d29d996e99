import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/engine/backtest.js';
import { MODE_NAMES } from '../../src/modes/registry.js';
import { call, DATA_DIR, readSse, SHORT_BODY, startServer, waitFinal, type ErrorBody, type TestServer } from './helpers.js';

let t: TestServer;
let api: string;

beforeAll(async () => {
  t = await startServer();
  api = `${t.url}/api/v1`;
});
afterAll(async () => {
  await t.close();
});

function problemOf(body: unknown): ErrorBody['error']['problems'][number] | undefined {
  return (body as ErrorBody).error.problems[0];
}

describe('service routes', () => {
  it('answers /health, /health/detailed with store, data freshness and workers, and /metrics in Prometheus text', async () => {
    const h = await call(`${t.url}/health`);
    expect(h.status).toBe(200);
    expect(h.json.status).toBe('ok');
    const d = await call<{ store: Record<string, unknown>; data: Record<string, unknown>; workers: Record<string, unknown>; redis: unknown }>(`${t.url}/health/detailed`);
    expect(d.status).toBe(200);
    expect(d.json.store).toMatchObject({ kind: 'sqlite', ok: true, runs: expect.any(Number) });
    expect(d.json.data).toMatchObject({ ok: true, dataDir: DATA_DIR });
    expect(Date.parse(d.json.data.newest as string)).toBeGreaterThan(Date.parse('2025-01-01'));
    expect(d.json.workers).toMatchObject({ threads: 1, queued: 0, running: 0 });
    expect(d.json.redis).toBeNull();
    const m = await call(`${t.url}/metrics`);
    expect(m.headers.get('content-type')).toContain('text/plain');
    expect(m.text).toMatch(/^# TYPE basis_runs gauge$/m);
    expect(m.text).toMatch(/^# TYPE basis_run_duration_seconds histogram$/m);
    expect(m.text).toMatch(/^basis_queue_depth 0$/m);
  });

  it('serves the OpenAPI document and its UI at /docs, and the web app (or how to build it) at /', async () => {
    const doc = await call<{ openapi: string; paths: Record<string, unknown> }>(`${t.url}/docs/json`);
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.json.paths)).toEqual(expect.arrayContaining(['/api/v1/backtests', '/api/v1/backtests/{id}/events', '/api/v1/modes', '/api/v1/compare']));
    const ui = await fetch(`${t.url}/docs`, { redirect: 'follow' });
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/<html/i);
    const root = await call(`${t.url}/`);
    expect(root.status).toBe(200);
    expect(root.text).toMatch(/<html/i);
  });

  it('echoes a request id, makes one when none is sent, and answers unknown routes with API-007 in the envelope', async () => {
    const given = await call(`${t.url}/health`, { headers: { 'x-request-id': 'my-req-1' } });
    expect(given.headers.get('x-request-id')).toBe('my-req-1');
    const nf = await call<ErrorBody>(`${api}/nope`, { headers: { 'x-request-id': 'my-req-2' } });
    expect(nf.status).toBe(404);
    expect(nf.json.error).toMatchObject({ code: 'API-007', requestId: 'my-req-2' });
    expect(nf.text).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('modes', () => {
  it('lists every mode with title, explanation, parameter JSON Schema, defaults and data window', async () => {
    const r = await call<{ modes: Array<Record<string, unknown> & { parameters: { properties?: Record<string, unknown> }; explanation: { risks: string[]; yieldSources: string[] } }> }>(`${api}/modes`);
    expect(r.status).toBe(200);
    expect(r.json.modes.map((m) => m.name)).toEqual([...MODE_NAMES]);
    const mn = r.json.modes.find((m) => m.name === 'usdt_market_neutral');
    expect(mn).toMatchObject({ shareClass: 'USDT', title: expect.stringMatching(/market neutral/i), defaults: { capital: expect.any(Number) } });
    expect(mn?.explanation.risks.length).toBeGreaterThan(0);
    expect(mn?.explanation.yieldSources.length).toBeGreaterThan(0);
    expect(Object.keys(mn?.parameters.properties ?? {})).toEqual(expect.arrayContaining(['kind', 'lst', 'leverage', 'hedge']));
    const btc = r.json.modes.find((m) => m.name === 'btc_basis');
    expect(btc?.window).toEqual({ start: '2024-01-01T00:00:00.000Z', end: expect.stringMatching(/^2025-09-/) });
    expect(JSON.stringify(btc?.parameters)).not.toContain('readOnly');
    expect(btc?.parameters).toMatchObject({ type: 'object', additionalProperties: false, properties: { spotVenue: { enum: ['binance', 'bybit', 'okx'] }, hedge: { properties: { targetMarginRatio: { type: 'number', exclusiveMinimum: 0 } } } } });
    expect(btc?.parameterDefaults).toMatchObject({ kind: 'btc_basis', hedge: { targetMarginRatio: expect.any(Number) } });
  });

  it('answers one mode with its merged section, the whole config with secrets redacted, and its data check', async () => {
    const one = await call<{ config: { strategy: { kind: string } } }>(`${api}/modes/btc_basis`);
    expect(one.json.config.strategy.kind).toBe('btc_basis');
    const cfg = await call<{ env: string; config: { secrets: { binance: { apiKey: unknown } } } }>(`${api}/modes/btc_basis/config`);
    expect(cfg.json.env).toBe('dev');
    expect(cfg.json.config.secrets.binance.apiKey === null || cfg.json.config.secrets.binance.apiKey === '[redacted]').toBe(true);
    const check = await call<{ ok: boolean; files: Array<{ path: string; rows: number | null }>; problems: unknown[] }>(`${api}/modes/btc_basis/data-check`);
    expect(check.status).toBe(200);
    expect(check.json.ok).toBe(true);
    expect(check.json.files.some((f) => f.path.includes('BTCUSDT') && (f.rows ?? 0) > 1000)).toBe(true);
  });

  it("gives each mode the window its aligned data really covers (the data check's timeline)", async () => {
    const { json } = await call<{ modes: Array<{ name: string; window: { start: string; end: string } | null }> }>(`${api}/modes`);
    for (const mode of ['btc_basis', 'eth_basis', 'usdt_market_neutral']) {
      const check = await call<{ window: { start: string; end: string } }>(`${api}/modes/${mode}/data-check`);
      expect(json.modes.find((m) => m.name === mode)?.window).toEqual({ start: check.json.window.start, end: check.json.window.end });
    }
  });

  it('refuses an unknown mode with CFG-006 naming params.mode', async () => {
    for (const p of ['', '/config', '/data-check']) {
      const r = await call<ErrorBody>(`${api}/modes/nope${p}`);
      expect(r.status).toBe(404);
      expect(r.json.error.code).toBe('CFG-006');
      expect(problemOf(r.json)).toMatchObject({ path: 'params.mode', received: 'nope' });
    }
  });
});

describe('POST /backtests/validate', () => {
  it('returns the merged mode section and what differs from the defaults', async () => {
    const r = await call<{ ok: boolean; window: { start: string; end: string }; config: { strategy: { hedge: { targetMarginRatio: number } } }; diff: Array<{ path: string; default: unknown; value: unknown }> }>(`${api}/backtests/validate`, {
      body: { ...SHORT_BODY, capital: 250000, strategy: { hedge: { targetMarginRatio: 1.5 } } },
    });
    expect(r.status).toBe(200);
    expect(r.json.window).toEqual({ start: '2024-06-01T00:00:00.000Z', end: '2024-08-01T00:00:00.000Z' });
    expect(r.json.config.strategy.hedge.targetMarginRatio).toBe(1.5);
    expect(r.json.diff).toEqual(expect.arrayContaining([{ path: 'strategy.hedge.targetMarginRatio', default: 1, value: 1.5 }, { path: 'initialCapital', default: 100000, value: 250000 }]));
    expect(r.json.diff).toHaveLength(2);
  });

  it.each([
    ['an unknown mode', { mode: 'nope' }, 'CFG-006', 'mode'],
    ['a negative capital', { ...SHORT_BODY, capital: -5 }, 'API-001', 'body.capital'],
    ['a capital of the wrong type', { ...SHORT_BODY, capital: '100' }, 'API-001', 'body.capital'],
    ['an unknown field', { ...SHORT_BODY, capitol: 5 }, 'API-001', 'body.capitol'],
    ['a missing mode', { start: '2024-06-01' }, 'API-001', 'body.mode'],
    ['a strategy value out of range', { ...SHORT_BODY, strategy: { hedge: { targetMarginRatio: -1 } } }, 'CFG-005', 'modes.btc_basis.strategy.hedge.targetMarginRatio'],
    ['a strategy key that does not exist', { ...SHORT_BODY, strategy: { hedge: { nope: 1 } } }, 'CFG-012', 'modes.btc_basis.strategy.hedge.nope'],
    ['a --set of the wrong type', { ...SHORT_BODY, set: ['modes.btc_basis.strategy.equityDeviation=abc'] }, 'CFG-012', 'modes.btc_basis.strategy.equityDeviation'],
    ['a start before the data', { ...SHORT_BODY, start: '2020-01-01T00:00:00Z' }, 'CFG-011', 'start'],
    ['an end after the data', { ...SHORT_BODY, end: '2030-01-01T00:00:00Z' }, 'CFG-011', 'end'],
    ['a date that is no date', { ...SHORT_BODY, start: '2024-02-30' }, 'BT-001', 'start'],
    ['an empty window', { ...SHORT_BODY, start: '2024-08-01T00:00:00Z', end: '2024-06-01T00:00:00Z' }, 'BT-001', 'start'],
    ['a flow outside the window', { ...SHORT_BODY, flows: [{ at: '2025-01-01T00:00:00Z', amount: 1000 }] }, 'FLOW-003', 'flows[0]'],
    ['a capital that cannot build the book (the preflight)', { mode: 'usdt_market_neutral', start: '2024-06-01T00:00:00Z', end: '2024-08-01T00:00:00Z', capital: 50 }, 'STRAT-004', 'modes.usdt_market_neutral.initialCapital'],
    ['a withdrawal larger than the book', { ...SHORT_BODY, flows: [{ at: '2024-07-01T00:00:00Z', amount: -500000 }] }, 'FLOW-005', 'flows[0]'],
  ])('refuses %s with a coded 4xx naming the field', async (_what, body, code, path) => {
    const r = await call<ErrorBody>(`${api}/backtests/validate`, { body });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.json.error.code).toBe(code);
    expect(r.json.error.problems.map((p) => p.path)).toContain(path);
    expect(r.json.error.requestId).toBe(r.headers.get('x-request-id'));
  });

  it('refuses a body that is not JSON with API-001', async () => {
    const res = await fetch(`${api}/backtests/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"mode":' });
    const body = (await res.json()) as ErrorBody;
    expect(res.status).toBe(400);
    expect(body.error.code).toBe('API-001');
  });

  it('stores nothing for a refused POST /backtests', async () => {
    const before = (await call<{ total: number }>(`${api}/backtests`)).json.total;
    const r = await call<ErrorBody>(`${api}/backtests`, { body: { ...SHORT_BODY, capital: 0 } });
    expect(r.status).toBe(400);
    expect((await call<{ total: number }>(`${api}/backtests`)).json.total).toBe(before);
  });
});

describe('a backtest over HTTP', () => {
  let id: string;
  let second: string;
  let events: Awaited<ReturnType<typeof readSse>>;

  beforeAll(async () => {
    const r = await call<{ id: string; status: string; links: { progress: string } }>(`${api}/backtests`, { body: { ...SHORT_BODY, label: 'api test' } });
    expect(r.status).toBe(202);
    expect(r.json.status).toBe('queued');
    id = r.json.id;
    events = await readSse(`${t.url}${r.json.links.progress}`);
    const r2 = await call<{ id: string }>(`${api}/backtests`, { body: { ...SHORT_BODY, strategy: { hedge: { targetMarginRatio: 1.5 } } } });
    second = r2.json.id;
    await waitFinal(t.url, second);
  });

  it('streams progress and ends the stream with the completed status', () => {
    const last = events[events.length - 1];
    expect(last).toEqual({ event: 'status', data: { status: 'completed' } });
    const progress = events.filter((e) => e.event === 'progress').map((e) => e.data.fraction as number);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress[progress.length - 1]).toBe(1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] as number);
  });

  it('finishes with exactly the final equity runBacktest computes for the same request', async () => {
    const detail = await call<{ status: string; finalEquity: number; summary: { finalEquity: number }; timings: { runMs: number }; error: unknown; label: string }>(`${api}/backtests/${id}`);
    expect(detail.json).toMatchObject({ status: 'completed', error: null, label: 'api test' });
    const summary = await call<{ finalEquity: number; integrity: { eventsFinalHash: string } }>(`${api}/backtests/${id}/summary`);
    const direct = await runBacktest({ ...SHORT_BODY, dataDir: DATA_DIR });
    expect(summary.json.finalEquity).toBe(direct.summary.finalEquity);
    expect(detail.json.finalEquity).toBe(direct.summary.finalEquity);
    expect(summary.json.integrity.eventsFinalHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('downsamples the timeseries keeping the extremes of each column', async () => {
    const full = await call<{ timestampsMs: number[]; columns: Record<string, Array<number | null>>; points: number; downsampled: boolean }>(`${api}/backtests/${id}/timeseries?columns=equity,marginRatio:binance`);
    expect(full.json.downsampled).toBe(false);
    expect(Object.keys(full.json.columns)).toEqual(['equity', 'marginRatio:binance']);
    const n = full.json.timestampsMs.length;
    expect(n).toBeGreaterThan(1000);
    const small = await call<typeof full.json>(`${api}/backtests/${id}/timeseries?columns=equity&points=100`);
    expect(small.json.downsampled).toBe(true);
    expect(small.json.points).toBeLessThanOrEqual(100);
    const eq = (full.json.columns.equity ?? []).filter((v): v is number => v !== null);
    const kept = (small.json.columns.equity ?? []).filter((v): v is number => v !== null);
    expect(Math.max(...kept)).toBe(Math.max(...eq));
    expect(Math.min(...kept)).toBe(Math.min(...eq));
    expect(small.json.timestampsMs[0]).toBe(full.json.timestampsMs[0]);
    expect(small.json.timestampsMs[small.json.timestampsMs.length - 1]).toBe(full.json.timestampsMs[n - 1]);
    const bad = await call<ErrorBody>(`${api}/backtests/${id}/timeseries?columns=nope`);
    expect(bad.status).toBe(400);
    expect(problemOf(bad.json)).toMatchObject({ code: 'API-001', path: 'query.columns', received: 'nope' });
    const badPoints = await call<ErrorBody>(`${api}/backtests/${id}/timeseries?points=abc`);
    expect(badPoints.status).toBe(400);
    expect(problemOf(badPoints.json)).toMatchObject({ path: 'query.points', received: '"abc"' });
  });

  it('pages and filters the events, each with a readable line', async () => {
    type Page = { total: number; types: string[]; venues: string[]; events: Array<{ order: number; type: string; venue: string | null; text: string; timestampMs: number; event: { balances?: Record<string, number> } }> };
    const all = await call<Page>(`${api}/backtests/${id}/events?limit=5`);
    expect(all.json.total).toBeGreaterThan(20);
    expect(all.json.events).toHaveLength(5);
    expect(all.json.types).toContain('FUNDING_SETTLED');
    expect(all.json.venues).toContain('binance');
    const funding = await call<Page>(`${api}/backtests/${id}/events?type=FUNDING_SETTLED&venue=bybit&limit=1000`);
    expect(funding.json.total).toBeGreaterThan(0);
    expect(funding.json.total).toBeLessThan(all.json.total);
    for (const e of funding.json.events) {
      expect(e.type).toBe('FUNDING_SETTLED');
      expect(e.venue).toBe('bybit');
      expect(e.text).toMatch(/^Funding settled BTCUSDT on bybit: /);
      expect(e.text).not.toContain('{');
    }
    const from = '2024-07-01T00:00:00Z';
    const later = await call<Page>(`${api}/backtests/${id}/events?type=FUNDING_SETTLED&from=${from}&limit=1000`);
    expect(later.json.total).toBeGreaterThan(0);
    for (const e of later.json.events) expect(e.timestampMs).toBeGreaterThanOrEqual(Date.parse(from));
    const text = await call<Page>(`${api}/backtests/${id}/events?q=PERP_OPEN&limit=1000`);
    expect(text.json.total).toBeGreaterThan(0);
    const second = await call<Page>(`${api}/backtests/${id}/events?offset=1&limit=1`);
    expect(second.json.events[0]?.order).toBe(all.json.events[1]?.order);
    const bad = await call<ErrorBody>(`${api}/backtests/${id}/events?limit=0&from=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems.map((p) => p.path).sort()).toEqual(['query.from', 'query.limit']);
  });

  it("serves the run's config and files", async () => {
    const cfg = await call<{ config: { modes: Record<string, unknown> }; run: { request: unknown } }>(`${api}/backtests/${id}/config`);
    expect(cfg.status).toBe(200);
    expect(cfg.json.config.modes.btc_basis).toBeDefined();
    expect(cfg.json.run.request).toMatchObject({ start: SHORT_BODY.start, end: SHORT_BODY.end });
    const sum = await fetch(`${api}/backtests/${id}/files/summary.json`);
    expect(sum.status).toBe(200);
    expect(sum.headers.get('content-disposition')).toContain(`${id}-summary.json`);
    expect(((await sum.json()) as { finalEquity: number }).finalEquity).toBeGreaterThan(0);
    const html = await fetch(`${api}/backtests/${id}/files/report.html`);
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toMatch(/<html/i);
    const csv = await fetch(`${api}/backtests/${id}/files/timeseries.csv`);
    expect((await csv.text()).split('\n')[0]).toMatch(/^timestamp/);
    const bad = await call<ErrorBody>(`${api}/backtests/${id}/files/secrets.txt`);
    expect(bad.status).toBe(400);
    expect(problemOf(bad.json)?.path).toBe('params.name');
  });

  it('lists runs newest first, filtered by status, mode and text', async () => {
    const list = await call<{ total: number; runs: Array<{ id: string; status: string; finalEquity: number | null }> }>(`${api}/backtests?status=completed&mode=btc_basis`);
    expect(list.json.runs.map((r) => r.id)).toEqual([second, id]);
    const q = await call<{ runs: Array<{ id: string }> }>(`${api}/backtests?q=api%20test`);
    expect(q.json.runs.map((r) => r.id)).toEqual([id]);
    const bad = await call<ErrorBody>(`${api}/backtests?status=done`);
    expect(bad.status).toBe(400);
    expect(problemOf(bad.json)).toMatchObject({ path: 'query.status', received: '"done"' });
  });

  it('compares runs: metrics, only the differing config paths, overlaid equity', async () => {
    const c = await call<{ runs: Array<{ id: string }>; metrics: Array<{ name: string; values: Array<number | null> }>; configDiff: Array<{ path: string; values: unknown[] }>; equity: { timestampsMs: number[]; series: Array<Array<number | null>> } }>(`${api}/compare?ids=${id},${second}&points=200`);
    expect(c.status).toBe(200);
    expect(c.json.runs.map((r) => r.id)).toEqual([id, second]);
    expect(c.json.metrics.find((m) => m.name === 'finalEquity')?.values).toHaveLength(2);
    expect(c.json.configDiff).toEqual([{ path: 'config.modes.btc_basis.strategy.hedge.targetMarginRatio', values: [1, 1.5] }]);
    expect(c.json.equity.series).toHaveLength(2);
    expect(c.json.equity.series[0]).toHaveLength(c.json.equity.timestampsMs.length);
    const one = await call<ErrorBody>(`${api}/compare?ids=${id}`);
    expect(one.status).toBe(400);
    expect(problemOf(one.json)?.path).toBe('query.ids');
    const missing = await call<ErrorBody>(`${api}/compare?ids=${id},nope`);
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('STORE-003');
  });

  it('deletes a finished run (204), after which it is gone (404 STORE-003)', async () => {
    const del = await call(`${api}/backtests/${second}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    const gone = await call<ErrorBody>(`${api}/backtests/${second}`);
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('STORE-003');
    const again = await call<ErrorBody>(`${api}/backtests/${second}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('counts the runs and requests in /metrics', async () => {
    const m = await call(`${t.url}/metrics`);
    expect(m.text).toMatch(/^basis_runs\{status="completed"\} 1$/m);
    expect(m.text).toMatch(/^basis_run_duration_seconds_count\{mode="btc_basis",status="completed"\} 2$/m);
    expect(m.text).toMatch(/^basis_errors_total\{code="STORE-003"\} \d+$/m);
    expect(m.text).toMatch(/^basis_http_requests_total\{method="POST",route="\/api\/v1\/backtests",status="202"\} 2$/m);
    const steps = Number(/^basis_backtest_steps_total (\d+)$/m.exec(m.text)?.[1]);
    expect(steps).toBeGreaterThan(1000);
  });
});

describe('every mode definition', () => {
  it('has a title and a plain-language explanation of its yield sources and risks', async () => {
    const { modeDefinition } = await import('../../src/modes/registry.js');
    for (const m of MODE_NAMES) {
      const d = modeDefinition(m);
      expect(d.title.length).toBeGreaterThan(5);
      expect(d.explanation.summary.length).toBeGreaterThan(20);
      expect(d.explanation.yieldSources.length).toBeGreaterThan(0);
      expect(d.explanation.risks.length).toBeGreaterThan(1);
    }
  });
});

describe('the web app and failures', () => {
  it('serves a built web app from its directory, index.html at /', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const web = mkdtempSync(path.join(tmpdir(), 'basis-web-'));
    writeFileSync(path.join(web, 'index.html'), '<!doctype html><html><body>basis web app</body></html>');
    writeFileSync(path.join(web, 'app.js'), 'console.log(1)');
    const s = await startServer({ webDir: web });
    try {
      expect((await call(`${s.url}/`)).text).toContain('basis web app');
      expect((await fetch(`${s.url}/app.js`)).headers.get('content-type')).toContain('javascript');
      expect((await call(`${s.url}/api/v1/modes`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it('reports a configured Redis that does not answer, and the health as degraded (503)', async () => {
    const { createServer } = await import('node:net');
    // A port that was free a moment ago and is closed now: nothing listens there.
    const probe = createServer();
    await new Promise<void>((res) => probe.listen(0, '127.0.0.1', () => res()));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((res) => probe.close(() => res()));
    process.env.REDIS_URL = `redis://:secret-pass@127.0.0.1:${port}/0`;
    try {
      const d = await call<{ status: string; redis: { ok: boolean; url: string; error?: string } }>(`${t.url}/health/detailed`);
      expect(d.status).toBe(503);
      expect(d.json.status).toBe('degraded');
      expect(d.json.redis).toMatchObject({ ok: false, url: `redis://127.0.0.1:${port}/…` });
      expect(d.text).not.toContain('secret-pass');
    } finally {
      delete process.env.REDIS_URL;
    }
  });

  it('answers an unexpected failure (its store gone) with API-009 and nothing of the error in the body', async () => {
    const s = await startServer();
    await s.store.close();
    const r = await call<ErrorBody>(`${s.url}/api/v1/backtests`);
    expect(r.status).toBe(500);
    expect(r.json.error).toMatchObject({ code: 'API-009', problems: [], requestId: r.headers.get('x-request-id') });
    expect(r.text).not.toMatch(/destroyed|kysely|sqlite|\.ts:\d+/i);
    await s.server.close();
    const { rmSync } = await import('node:fs');
    rmSync(s.dir, { recursive: true, force: true });
  });
});
