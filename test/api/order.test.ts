import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, LONG_BODY, SHORT_BODY, startServer, waitFinal, waitRunning, type TestServer } from './helpers.js';

let t: TestServer;
let api: string;

beforeAll(async () => {
  t = await startServer({ workers: 1, queue: 4 });
  api = `${t.url}/api/v1`;
});
afterAll(async () => {
  await t.close();
});

describe('the job queue, first in first out', () => {
  it('starts the runs waiting behind a running one in the order they were posted', async () => {
    const a = await call<{ id: string }>(`${api}/backtests`, { body: LONG_BODY });
    await waitRunning(t.url, a.json.id);
    const posted: string[] = [];
    for (let k = 0; k < 3; k++) posted.push((await call<{ id: string }>(`${api}/backtests`, { body: SHORT_BODY })).json.id);
    for (const id of posted) expect((await call<{ status: string }>(`${api}/backtests/${id}`)).json.status).toBe('queued');
    expect((await call(`${api}/backtests/${a.json.id}`, { method: 'DELETE' })).status).toBe(200);
    const runs = [];
    for (const id of posted) runs.push(await waitFinal(t.url, id));
    for (const r of runs) expect(r['status']).toBe('completed');
    // With one thread, each run starts after the one posted before it has finished.
    for (let k = 1; k < runs.length; k++) expect(Date.parse(runs[k]?.['startedAt'] as string)).toBeGreaterThanOrEqual(Date.parse(runs[k - 1]?.['finishedAt'] as string));
  });
});
