import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open.js';
import { call, DATA_DIR, LONG_BODY, readSse, SHORT_BODY, startServer, waitFinal, waitRunning, type ErrorBody, type SseEvent, type TestServer } from './helpers.js';

let t: TestServer;
let api: string;

beforeAll(async () => {
  t = await startServer({ workers: 1, queue: 1 });
  api = `${t.url}/api/v1`;
});
afterAll(async () => {
  await t.close();
});

describe('the job queue', () => {
  it('queues one run behind the running one, refuses the next with 429 API-006, and cancels both', async () => {
    const a = await call<{ id: string }>(`${api}/backtests`, { body: LONG_BODY });
    expect(a.status).toBe(202);
    // The stream of A: cancelled as soon as it is seen running, so it is cancelled mid-run.
    let cancelA: Promise<{ status: number; json: unknown }> | undefined;
    const streamA = readSse(`${api}/backtests/${a.json.id}/progress`, (e: SseEvent) => {
      if (e.event === 'progress' && (e.data.fraction as number) > 0 && cancelA === undefined) cancelA = call(`${api}/backtests/${a.json.id}`, { method: 'DELETE' });
    });
    const b = await call<{ id: string }>(`${api}/backtests`, { body: LONG_BODY });
    expect(b.status).toBe(202);
    const c = await call<ErrorBody>(`${api}/backtests`, { body: LONG_BODY });
    expect(c.status).toBe(429);
    expect(c.json.error.code).toBe('API-006');
    const listed = await call<{ total: number }>(`${api}/backtests`);
    expect(listed.json.total).toBe(2);

    const delB = await call<{ id: string; status: string }>(`${api}/backtests/${b.json.id}`, { method: 'DELETE' });
    expect(delB.status).toBe(200);
    expect(delB.json).toEqual({ id: b.json.id, status: 'cancelled' });

    const events = await streamA;
    expect(cancelA).toBeDefined();
    expect((await cancelA)?.json).toEqual({ id: a.json.id, status: 'cancelled' });
    expect(events[events.length - 1]).toEqual({ event: 'status', data: { status: 'cancelled' } });
    const runA = await call<{ status: string; finishedAt: string | null; summary: unknown }>(`${api}/backtests/${a.json.id}`);
    expect(runA.json).toMatchObject({ status: 'cancelled', summary: null });
    expect(runA.json.finishedAt).not.toBeNull();
    const runB = await call<{ status: string; startedAt: string | null }>(`${api}/backtests/${b.json.id}`);
    expect(runB.json).toMatchObject({ status: 'cancelled', startedAt: null });

    // A cancelled run has no results, and the queue is free again.
    const sum = await call<ErrorBody>(`${api}/backtests/${a.json.id}/summary`);
    expect(sum.status).toBe(409);
    expect(sum.json.error.code).toBe('API-008');
    const health = await call<{ workers: { running: number; queued: number } }>(`${t.url}/health/detailed`);
    expect(health.json.workers).toMatchObject({ running: 0, queued: 0 });
    // The cancelled stream of B ends at once with its final status.
    const streamB = await readSse(`${api}/backtests/${b.json.id}/progress`);
    expect(streamB[0]).toEqual({ event: 'status', data: { status: 'cancelled' } });
  });

  it('starts the run waiting behind a running run that is cancelled', async () => {
    const a = await call<{ id: string }>(`${api}/backtests`, { body: LONG_BODY });
    await waitRunning(t.url, a.json.id);
    const b = await call<{ id: string }>(`${api}/backtests`, { body: SHORT_BODY });
    expect((await call<{ status: string }>(`${api}/backtests/${b.json.id}`)).json.status).toBe('queued');
    // Cancelling a running run ends its thread; the run behind it must still get one.
    expect((await call(`${api}/backtests/${a.json.id}`, { method: 'DELETE' })).status).toBe(200);
    const final = await waitFinal(t.url, b.json.id);
    expect(final['status']).toBe('completed');
    expect((await call<{ status: string }>(`${api}/backtests/${a.json.id}`)).json.status).toBe('cancelled');
  });

  it('refuses to cancel or delete a run that does not exist (404 STORE-003)', async () => {
    const r = await call<ErrorBody>(`${api}/backtests/nope`, { method: 'DELETE' });
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('STORE-003');
  });
});

describe('a run carried out by another server on the same store', () => {
  it('is followed through the store: its stream shows it running, then cancelled', async () => {
    const other = await startServer({ workers: 1, storeAccess: { file: `${t.dir}/store.sqlite` } });
    try {
      const posted = await call<{ id: string }>(`${api}/backtests`, { body: LONG_BODY });
      const id = posted.json.id;
      let seen: Promise<SseEvent[]> | undefined;
      let cancel: Promise<unknown> | undefined;
      const local = readSse(`${api}/backtests/${id}/progress`, (e) => {
        if (e.event !== 'progress' || (e.data.fraction as number) <= 0 || seen !== undefined) return;
        // Running here; the other server knows it only from the store, and cancels nothing itself.
        seen = readSse(`${other.url}/api/v1/backtests/${id}/progress`, (o) => {
          if (o.event === 'status' && o.data.status === 'running' && cancel === undefined) cancel = call(`${api}/backtests/${id}`, { method: 'DELETE' });
        });
      });
      await local;
      const remote = await (seen as Promise<SseEvent[]>);
      expect(await cancel).toMatchObject({ status: 200 });
      expect(remote[0]).toEqual({ event: 'status', data: { status: 'running' } });
      expect(remote[remote.length - 1]).toEqual({ event: 'status', data: { status: 'cancelled' } });
    } finally {
      await other.close();
    }
  });
});

describe('a worker that cannot reach the store', () => {
  it('leaves the run failed with the store error, not queued', async () => {
    const s = await startServer({ workers: 1 });
    // A second server on the same SQLite store whose threads are pointed at a PostgreSQL nobody listens on.
    const { buildServer } = await import('../../src/api/server.js');
    const server = await buildServer({ store: s.store, storeAccess: { url: 'postgres://postgres@127.0.0.1:1/none' }, workers: 1, logger: false, token: null, dataDir: DATA_DIR });
    try {
      const url = await server.listen(0);
      const posted = await call<{ id: string; links: { progress: string } }>(`${url}/api/v1/backtests`, { body: SHORT_BODY });
      const events = await readSse(`${url}${posted.json.links.progress}`);
      expect(events[events.length - 1]).toMatchObject({ event: 'status', data: { status: 'failed', error: { code: 'STORE-001' } } });
      const run = await call<{ status: string; error: { code: string } }>(`${url}/api/v1/backtests/${posted.json.id}`);
      expect(run.json).toMatchObject({ status: 'failed', error: { code: 'STORE-001' } });
    } finally {
      await server.close();
      await s.close();
    }
  });
});

describe('stopping the server', () => {
  it('ends open progress streams and records the run it was running as failed', async () => {
    const s = await startServer({ workers: 1 });
    const posted = await call<{ id: string }>(`${s.url}/api/v1/backtests`, { body: LONG_BODY });
    let closing: Promise<void> | undefined;
    const events = await readSse(`${s.url}/api/v1/backtests/${posted.json.id}/progress`, (e) => {
      if (e.event === 'progress' && (e.data.fraction as number) > 0 && closing === undefined) closing = s.server.close();
    });
    await closing;
    expect(events.some((e) => e.event === 'progress')).toBe(true);
    await s.store.close();
    const reopened = await openStore({ file: `${s.dir}/store.sqlite` });
    try {
      const run = await reopened.getRun(posted.json.id);
      expect(run?.status).toBe('failed');
      expect(run?.error).toEqual({ code: 'API-010', message: 'the server stopped before the run finished' });
    } finally {
      await reopened.close();
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
});
