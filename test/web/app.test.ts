import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPage, RunDetail, RunSummary } from '../../web/src/api/types.js';
import { fmtAmount, fmtPct } from '../../web/src/charts/format.js';
import { ROOT, startWebStack, type WebStack } from './helpers.js';

/**
 * The web app in a real browser (Debian's Chromium through playwright-core) against a real `basis serve` with a
 * SQLite store: the wizard runs a short btc_basis backtest on the shipped data, then the dashboard, the event log,
 * the runs list and the comparison are checked against what the API stores.
 */

const SHOTS = join(ROOT, 'test-results', 'web');
const FINAL = new Set(['completed', 'failed', 'cancelled']);
/** How long a poll waits for the page to reach a state (vitest's default of 1 s is short for a loaded CI machine). */
const POLL = { timeout: 20_000 };

let stack: WebStack;
let base: string;
let page: Page;
const pageErrors: string[] = [];

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${base}/api/v1/${path}`);
  expect(res.status, `GET ${path}`).toBe(200);
  return (await res.json()) as T;
}

async function waitForRun(id: string): Promise<RunDetail> {
  for (;;) {
    const run = await getJson<RunDetail>(`backtests/${id}`);
    if (FINAL.has(run.status)) return run;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Some pixel of the canvas is drawn (uPlot's canvases start fully transparent). */
async function drawnCanvases(selector: string): Promise<{ total: number; drawn: number }> {
  return page.$$eval(selector, (canvases) => {
    let drawn = 0;
    // Runs in the page; typed structurally because the test's own compilation has no DOM library.
    type Canvas = { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null };
    for (const c of canvases as unknown as Canvas[]) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) continue;
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < px.length; i += 4) {
        if ((px[i] ?? 0) > 0) {
          drawn++;
          break;
        }
      }
    }
    return { total: canvases.length, drawn };
  });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startWebStack();
  base = stack.base;
  page = await stack.browser.newPage({ viewport: { width: 1360, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
}, 240_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the web app in Chromium against basis serve', () => {
  let runId = '';
  let summary: RunSummary;

  it('walks the wizard for a short btc_basis backtest and lands on its dashboard', async () => {
    await page.goto(`${base}/#/new`);
    // Step 1 by keyboard only: Space picks the focused card, Tab reaches Next, Enter presses it.
    await page.getByTestId('share-class-USDT').focus();
    await page.keyboard.press('Space');
    expect(await page.getByTestId('share-class-USDT').isChecked()).toBe(true);
    await shot('wizard-1-share-class');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('data-testid')).toBe('wizard-next');
    await page.keyboard.press('Enter');
    await page.getByTestId('step-mode').waitFor();

    await page.getByTestId('mode-btc_basis').check();
    await shot('wizard-2-mode');
    await page.getByTestId('wizard-next').click();

    await page.getByTestId('capital').fill('100000');
    await page.getByTestId('start').fill('2024-06-01');
    await page.getByTestId('end').fill('2024-07-01');
    // A date outside the mode's data window is refused next to its field before the server is asked.
    await page.getByTestId('end').fill('2031-01-01');
    await expect.poll(() => page.locator('#end-problems').textContent(), POLL).toContain('inside the data window');
    await expect.poll(() => page.getByTestId('wizard-next').isDisabled(), POLL).toBe(true);
    await page.getByTestId('end').fill('2024-07-01');
    await page.getByTestId('add-flow').click();
    await page.getByTestId('flow-at-0').fill('2024-06-15T12:00');
    await page.getByTestId('flow-amount-0').fill('10000');
    await expect.poll(() => page.getByTestId('wizard-next').isEnabled(), POLL).toBe(true);
    await shot('wizard-3-capital');
    await page.getByTestId('wizard-next').click();

    // The server's schema names a bad parameter, and the form shows it beside that field.
    const ratio = page.getByTestId('param-hedge.targetMarginRatio');
    await ratio.fill('-1');
    await page.locator('#param-hedge\\.targetMarginRatio-problems').waitFor();
    await shot('wizard-4-parameters-error');
    await ratio.fill('1.5');
    await expect.poll(() => page.getByTestId('validation-state').textContent(), POLL).toBe('Valid.');
    await page.getByTestId('wizard-next').click();

    await page.getByTestId('review-diff').waitFor();
    expect(await page.getByTestId('review-diff').textContent()).toContain('targetMarginRatio');
    await shot('wizard-5-review');
    await page.getByTestId('wizard-run').click();
    await page.getByTestId('wizard-progress').waitFor();

    // The wizard moves to the run page when the run completes, or says why it did not.
    const failure = page.locator('[data-testid=wizard-progress] [role=alert]');
    await Promise.race([page.waitForURL(/#\/runs\/[^/]+$/, { timeout: 100_000 }).catch(() => undefined), failure.waitFor({ timeout: 100_000 }).catch(() => undefined)]);
    expect(await failure.allTextContents()).toEqual([]);
    expect(page.url()).toMatch(/#\/runs\/[^/]+$/);
    runId = decodeURIComponent(/#\/runs\/([^/]+)$/.exec(page.url())?.[1] ?? '');
    const run = await waitForRun(runId);
    expect(run.status).toBe('completed');
    expect(run.mode).toBe('btc_basis');
    expect(run.flows.map((f) => [Date.parse(f.at), f.amount])).toEqual([[Date.parse('2024-06-15T12:00:00Z'), 10000]]);
    expect(run.runDir?.startsWith(stack.resultsDir)).toBe(true);
    summary = await getJson<RunSummary>(`backtests/${runId}/summary`);
    expect(summary.initialCapital).toBe(100000);
  });

  it('the run page shows the stored APY and final equity, and its charts draw', async () => {
    await page.getByTestId('run-page').waitFor();
    const dashboard = page.getByTestId('dashboard');
    await dashboard.waitFor({ timeout: 60_000 });
    // The headline cards format the stored figures with the dashboard's own formatters.
    await expect.poll(() => dashboard.textContent(), { timeout: 60_000 }).toContain(summary.apyNote ?? fmtPct(summary.apy, 2, true));
    expect(await dashboard.textContent()).toContain(fmtAmount(summary.finalEquity, summary.shareClass));
    await page.locator('[data-testid=dashboard] .uplot canvas').first().waitFor();
    const canvases = await drawnCanvases('[data-testid=dashboard] .uplot canvas');
    expect(canvases.total).toBeGreaterThan(0);
    expect(canvases.drawn).toBe(canvases.total);
    for (const name of ['summary.json', 'timeseries.csv', 'events.jsonl', 'report.html']) {
      const link = await page.getByTestId(`download-${name}`).getAttribute('href');
      expect(link).toContain(`/backtests/${runId}/files/${name}`);
      const file = await fetch(new URL(link ?? '', `${base}/`));
      expect(file.status, name).toBe(200);
      expect((await file.text()).length, name).toBeGreaterThan(0);
    }
    await shot('run-dashboard');
  });

  it('the event log narrows by type and text and expands a row to its balances', async () => {
    await page.getByTestId('tab-events').click();
    await page.getByTestId('event-row').first().waitFor();
    const all = await getJson<EventPage>(`backtests/${runId}/events?limit=1`);
    expect(await page.getByTestId('events-total').getAttribute('data-total')).toBe(String(all.total));

    // The type with the fewest events, so the filter must drop rows.
    const counts = await Promise.all(all.types.map(async (t) => [t, (await getJson<EventPage>(`backtests/${runId}/events?limit=1&type=${t}`)).total] as const));
    const [type, count] = [...counts].sort((a, b) => a[1] - b[1])[0] ?? ['', 0];
    expect(count).toBeLessThan(all.total);
    await page.getByTestId('events-type').selectOption(type);
    await expect.poll(() => page.getByTestId('events-total').getAttribute('data-total'), POLL).toBe(String(count));
    const types = await page.locator('[data-testid=event-row] .tag').allTextContents();
    expect(new Set(types)).toEqual(new Set([type]));

    await page.getByTestId('events-type').selectOption('');
    await page.getByTestId('events-q').fill('USDT');
    const byText = await getJson<EventPage>(`backtests/${runId}/events?limit=1&q=USDT`);
    await expect.poll(() => page.getByTestId('events-total').getAttribute('data-total'), POLL).toBe(String(byText.total));

    await page.getByTestId('events-q').fill('');
    await expect.poll(() => page.getByTestId('events-total').getAttribute('data-total'), POLL).toBe(String(all.total));
    await page.getByTestId('event-expand').first().click();
    await page.getByTestId('event-balances').first().waitFor();
    expect(await page.getByTestId('event-balances').first().textContent()).toContain('wallet:BaseToken:USDT');
    await shot('run-events');
  });

  it('the runs list links both runs and compares them', async () => {
    const res = await fetch(`${base}/api/v1/backtests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'btc_basis', start: '2024-06-01T00:00:00Z', end: '2024-06-15T00:00:00Z', capital: 50000, strategy: {}, label: 'half' }),
    });
    expect(res.status).toBe(202);
    const second = ((await res.json()) as { id: string }).id;
    expect((await waitForRun(second)).status).toBe('completed');

    await page.goto(`${base}/#/runs`);
    await expect.poll(() => page.getByTestId('run-row').count(), POLL).toBe(2);
    await shot('runs');
    for (const id of [runId, second]) await page.locator(`[data-run-id="${id}"] [data-testid=run-select]`).check();
    await page.getByTestId('compare-button').click();
    await page.getByTestId('compare-page').waitFor();
    await expect.poll(() => page.getByTestId('compare-run').count(), POLL).toBe(2);
    await page.locator('[data-testid=compare-chart] canvas').first().waitFor();
    const canvases = await drawnCanvases('[data-testid=compare-chart] canvas');
    expect(canvases.drawn).toBeGreaterThan(0);
    expect(await page.getByTestId('compare-config').textContent()).toContain('50');
    await shot('compare');
    await page.getByTestId('compare-relative').check();
    await page.locator('[data-testid=compare-chart] canvas').first().waitFor();
    expect((await drawnCanvases('[data-testid=compare-chart] canvas')).drawn).toBeGreaterThan(0);
    await page.getByTestId('compare-relative').uncheck();
    const theme = await page.locator('html').getAttribute('data-theme');
    await page.locator('.theme-toggle').click();
    await expect.poll(() => page.locator('html').getAttribute('data-theme'), POLL).toBe(theme === 'dark' ? 'light' : 'dark');
    await page.reload();
    await page.locator('[data-testid=compare-chart] canvas').first().waitFor();
    await shot(`compare-${theme === 'dark' ? 'light' : 'dark'}`);
    await page.locator('.theme-toggle').click();

    // Delete asks first; cancelling keeps the run.
    await page.goto(`${base}/#/runs`);
    await page.locator(`[data-run-id="${second}"] [data-testid=run-delete]`).click();
    await page.getByTestId('confirm-dialog').waitFor();
    await shot('runs-delete-dialog');
    await page.getByTestId('confirm-ok').click();
    await expect.poll(() => page.getByTestId('run-row').count(), POLL).toBe(1);
    expect((await fetch(`${base}/api/v1/backtests/${second}`)).status).toBe(404);
  });

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
