import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { runBacktest } from '../../src/engine/backtest.js';
import { runStoredBacktest } from '../../src/jobs/backtestJob.js';
import { openStore } from '../../src/store/open.js';
import type { RunStore } from '../../src/store/types.js';
import { BasisError } from '../../src/errors/base.js';

const PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const REQ = { mode: 'btc_basis', start: '2024-06-01T00:00:00Z', end: '2024-06-15T00:00:00Z', capital: 100_000, progress: false } as const;
const tmp = mkdtempSync(path.join(tmpdir(), 'basis-store-'));
const schema = `basis_test_${process.pid}_${Date.now() % 1e6}`;

afterAll(async () => {
  rmSync(tmp, { recursive: true, force: true });
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`drop schema if exists ${schema} cascade`);
  await c.end();
});

const engines: Array<[string, () => Promise<RunStore>]> = [
  ['sqlite', () => openStore({ file: path.join(tmp, 'runs.sqlite'), env: {} })],
  ['postgres', () => openStore({ url: PG_URL, schema, env: {} })],
];

describe.each(engines)('results store on %s', (kind, open) => {
  let store: RunStore;
  let direct: Awaited<ReturnType<typeof runBacktest>>;
  beforeAll(async () => {
    store = await open();
    direct = await runBacktest({ ...REQ });
  });
  afterAll(async () => {
    await store.close();
  });

  it('stores a run with everything it produced, equal to the run itself', async () => {
    expect(store.kind).toBe(kind);
    const done = await runStoredBacktest(store, { ...REQ }, { source: 'cli', write: { protectedDirs: [], notice: () => undefined }, outDir: path.join(tmp, `${kind}-out`) });
    const run = await store.getRun(done.id);
    expect(run?.status).toBe('completed');
    expect(run?.progress).toBe(1);
    expect(run?.summary?.finalEquity).toBe(direct.summary.finalEquity);
    expect(run?.summary?.apy).toBe(direct.summary.apy);
    expect(run?.summary?.integrity?.eventsFinalHash).toBe(run?.auditHash);
    expect(run?.configHash).toMatch(/^[0-9a-f]{64}$/);
    expect(run?.data?.fingerprint).toBe(direct.run.data.fingerprint);
    expect(run?.shareClass).toBe('USDT');
    expect(run?.capital).toBe(100_000);
    expect(run?.runDir).toBe(path.join(tmp, `${kind}-out`));
    const frame = await store.timeseries(done.id);
    expect(Array.from(frame?.timestampsMs ?? [])).toEqual(Array.from(direct.frame.timestampsMs));
    const eq = frame?.columns.find((c) => c.name === 'equity');
    expect(Array.from(eq?.values ?? [])).toEqual(Array.from(direct.frame.columns.find((c) => c.name === 'equity')?.values ?? []));
    const all = await store.events(done.id, { limit: 5000 });
    expect(all.total).toBe(direct.events.length);
    expect(all.events).toEqual(direct.events.slice(0, 5000).map((e) => JSON.parse(JSON.stringify(e))));
  });

  it('pages and filters events by type, venue, time and text', async () => {
    const { runs } = await store.listRuns({ status: 'completed', mode: 'btc_basis' });
    const id = runs[0]?.id as string;
    const facets = await store.eventFacets(id);
    expect(facets.types).toContain('FUNDING_SETTLED');
    expect(facets.venues.length).toBeGreaterThan(1);
    const funding = await store.events(id, { type: ['FUNDING_SETTLED'], limit: 10 });
    const expected = direct.events.filter((e) => e.type === 'FUNDING_SETTLED');
    expect(funding.total).toBe(expected.length);
    expect(funding.events.map((e) => e.order)).toEqual(expected.slice(0, 10).map((e) => e.order));
    const page2 = await store.events(id, { type: ['FUNDING_SETTLED'], limit: 10, offset: 10 });
    expect(page2.events.map((e) => e.order)).toEqual(expected.slice(10, 20).map((e) => e.order));
    const venue = facets.venues[0] as string;
    const byVenue = await store.events(id, { venue: [venue], limit: 5000 });
    expect(byVenue.total).toBe(direct.events.filter((e) => e.venue === venue).length);
    const t0 = Date.parse('2024-06-05T00:00:00Z');
    const t1 = Date.parse('2024-06-06T00:00:00Z');
    const window = await store.events(id, { fromMs: t0, toMs: t1, limit: 5000 });
    expect(window.total).toBe(direct.events.filter((e) => e.timestampMs >= t0 && e.timestampMs <= t1).length);
    const text = await store.events(id, { q: 'FUNDING', limit: 1 });
    expect(text.total).toBeGreaterThanOrEqual(expected.length);
    const none = await store.events(id, { q: '100%_no_such', limit: 1 });
    expect(none.total).toBe(0);
  });

  it('writes a result all or nothing: a failure mid-write leaves the run running, with no summary, series or events', async () => {
    const r = await store.createRun({ source: 'cli', mode: 'btc_basis', shareClass: 'USDT', start: null, end: null, capital: 1, costs: true, version: 'v', commit: 'c', request: {}, flows: [] });
    await store.startRun(r.id, 'host:1');
    function* brokenEvents(): Generator<(typeof direct.events)[number]> {
      yield* direct.events.slice(0, 1200);
      throw new Error('disk gone mid-write');
    }
    await expect(store.completeRun(r.id, { flows: [], config: {}, configHash: 'x', data: { fingerprint: 'f', files: [], window: { start: 'a', end: 'b' } }, summary: direct.summary, frame: direct.frame, events: brokenEvents(), auditHash: 'h', runDir: null })).rejects.toThrow('disk gone mid-write');
    const after = await store.getRun(r.id);
    expect(after?.status).toBe('running');
    expect(after?.summary).toBeNull();
    expect(await store.timeseries(r.id)).toBeNull();
    expect((await store.events(r.id)).total).toBe(0);
    await store.failRun(r.id, { code: 'BT-005', message: 'disk gone mid-write' });
    expect((await store.getRun(r.id))?.status).toBe('failed');
  });

  it('lists, searches, refuses to delete a live run, deletes a finished one, and fails what a dead process left running', async () => {
    const q = await store.createRun({ source: 'api', label: 'probe run', mode: 'pure_lending', shareClass: 'USDT', start: null, end: null, capital: 1, costs: true, version: 'v', commit: 'c', request: {}, flows: [] });
    expect((await store.listRuns({ q: 'PROBE' })).runs.map((r) => r.id)).toEqual([q.id]);
    await expect(store.deleteRun(q.id)).rejects.toSatisfy((e: unknown) => e instanceof BasisError && e.code === 'STORE-004');
    expect(await store.cancelRun(q.id)).toBe(true);
    expect(await store.cancelRun(q.id)).toBe(false);
    await store.deleteRun(q.id);
    expect(await store.getRun(q.id)).toBeNull();
    await expect(store.deleteRun(q.id)).rejects.toSatisfy((e: unknown) => e instanceof BasisError && e.code === 'STORE-003');

    const orphan = await store.createRun({ source: 'cli', mode: 'btc_basis', shareClass: 'USDT', start: null, end: null, capital: 1, costs: true, version: 'v', commit: 'c', request: {}, flows: [] });
    // A pid that cannot exist on Linux (above pid_max's hard limit of 2^22) stands for a process that is gone.
    await store.startRun(orphan.id, `${(await import('node:os')).hostname()}:99999999`);
    await expect(store.completeRun(q.id, { flows: [], config: {}, configHash: 'x', data: { fingerprint: 'f', files: [], window: { start: 'a', end: 'b' } }, summary: direct.summary, frame: direct.frame, events: [], auditHash: 'h', runDir: null })).rejects.toSatisfy(
      (e: unknown) => e instanceof BasisError && e.code === 'STORE-003',
    );
    const reopened = await open();
    const after = await reopened.getRun(orphan.id);
    await reopened.close();
    expect(after?.status).toBe('failed');
    expect(after?.error?.code).toBe('STORE-007');
    expect(after?.error?.message).toMatch(/stopped before the run finished/);
  });
});
