import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebStack, type WebStack } from './helpers.js';

/**
 * A team server: bound beyond loopback with BASIS_API_TOKEN, so every API read needs the token, the progress stream
 * included. The web app, given the token, follows a queued run to its dashboard.
 */

const TOKEN = 'team-token-for-the-browser-test';
let stack: WebStack;
let base: string;

beforeAll(async () => {
  stack = await startWebStack({ host: '0.0.0.0', token: TOKEN });
  base = stack.base;
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

async function post(body: object): Promise<string> {
  const res = await fetch(`${base}/api/v1/backtests`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function run(id: string): Promise<{ status: string; error?: unknown }> {
  const res = await fetch(`${base}/api/v1/backtests/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; error?: unknown };
}

describe('the web app on a server that needs the token for every read', () => {
  it('refuses the progress stream without the token', async () => {
    const id = await post({ mode: 'pure_lending', start: '2025-09-01T00:00:00Z', end: '2025-09-03T00:00:00Z' });
    expect((await fetch(`${base}/api/v1/backtests/${id}/progress`)).status).toBe(401);
  });

  it('follows a queued run over the authenticated progress stream to its dashboard', async () => {
    // One worker: a long run (every minute over the whole history, as the API tests' long run) is running before the
    // second is posted, so the second waits in the queue while the page opens. The long run is then cancelled, and
    // only the stream can tell the page that the second ran.
    const blocker = await post({ mode: 'usdt_market_neutral', set: ['engine.stepMinutes=1'] });
    for (let k = 0; k < 600 && (await run(blocker)).status !== 'running'; k++) await new Promise((ok) => setTimeout(ok, 100));
    expect((await run(blocker)).status).toBe('running');
    const id = await post({ mode: 'btc_basis', start: '2024-06-01T00:00:00Z', end: '2024-07-01T00:00:00Z', capital: 100000 });
    const page = await stack.browser.newPage({ viewport: { width: 1360, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    // Runs in the page; typed structurally because the test's own compilation has no DOM library.
    await page.evaluate((t) => (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem('basis.apiToken', t), TOKEN);
    await page.goto(`${base}/#/runs/${id}`);
    await page.getByTestId('run-page').waitFor();
    expect(await page.getByTestId('dashboard').count()).toBe(0);
    // The page opened while the run waited behind the long one.
    const ahead = await run(blocker);
    expect((await run(id)).status, `the run ahead was ${ahead.status} ${JSON.stringify(ahead.error ?? null)}`).toBe('queued');
    const cancel = await fetch(`${base}/api/v1/backtests/${blocker}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(cancel.status).toBe(200);
    await page.getByTestId('dashboard').waitFor({ timeout: 90_000 });
    expect((await run(id)).status).toBe('completed');
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
