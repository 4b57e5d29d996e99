import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/report/html.js';
import type { ReportEvent, TimeseriesFrame } from '../../src/report/types.js';
import { HOUR, T0, realisticEvents, realisticFrame, summaryFor } from './fixtures.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM) console.warn('html.test.ts: headless-browser checks skipped: chromium is not installed (apt-get install -y chromium)');

function jsonBlock(html: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!);
}

interface ChartJson {
  id: string;
  x: number[];
  series: Array<{ label: string; y: Array<number | null> }>;
}

const MALICIOUS = '<img src=x onerror="alert(1)">';
const SCRIPT_BREAK = '</script><script>alert("pwned")</script>';

function eventsWithAttack(frame: TimeseriesFrame, n: number): ReportEvent[] {
  const events = realisticEvents(n, frame);
  events.unshift({
    order: 0,
    timestampMs: T0,
    type: MALICIOUS,
    venue: `binance${MALICIOUS}`,
    token: 'ETH',
    status: SCRIPT_BREAK,
    note: `${SCRIPT_BREAK} & ${MALICIOUS} \u2028`,
  });
  return events;
}

async function dumpDom(dir: string, name: string, html: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, html);
  return new Promise<string>((resolve, reject) => {
    execFile(
      CHROMIUM!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        `--user-data-dir=${path.join(dir, 'profile')}`,
        '--window-size=1280,2000',
        '--virtual-time-budget=5000',
        '--dump-dom',
        pathToFileURL(file).href,
      ],
      { maxBuffer: 256 * 1024 * 1024, timeout: 90_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

/** Drives the event table like a user (select a type, search, page) and records what it shows in data-test. */
const INTERACTION_SCRIPT = `<script>
setTimeout(function () {
  var out = {};
  var rows = function () { return Array.prototype.slice.call(document.querySelectorAll('#ev-body tr')); };
  var type = document.getElementById('ev-type');
  for (var i = 0; i < type.options.length; i++) if (type.options[i].text === 'rebalance') type.value = type.options[i].value;
  type.dispatchEvent(new Event('change'));
  out.typeRows = rows().length;
  out.typeAllMatch = rows().every(function (r) { return r.children[2].textContent === 'rebalance'; });
  out.typeCount = document.getElementById('ev-count').textContent;
  document.getElementById('ev-next').click();
  out.page2 = document.getElementById('ev-page').textContent;
  type.value = '';
  type.dispatchEvent(new Event('change'));
  var s = document.getElementById('ev-search');
  s.value = '"step 4321"';
  s.dispatchEvent(new Event('input'));
  setTimeout(function () {
    out.searchRows = rows().map(function (r) { return r.children[0].textContent; });
    document.body.setAttribute('data-test', JSON.stringify(out));
  }, 500);
}, 50);
</script>`;

describe('renderReportHtml', () => {
  const frame = realisticFrame(15_000);
  const summary = summaryFor(frame);
  const events = eventsWithAttack(frame, 5000);
  let html = '';

  beforeAll(() => {
    html = renderReportHtml(summary, frame, events);
  });

  it('is self-contained: uPlot inlined, no external scripts, styles or fetches', () => {
    expect(html).toContain('https://github.com/leeoniya/uPlot (v1.6.32)'); // banner of the inlined iife build
    expect(html).toContain('.uplot'); // inlined uPlot CSS
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link[^>]*\shref=/i);
    expect(html).not.toMatch(/<script src=http/i);
    expect(html).not.toMatch(/\bfetch\(|XMLHttpRequest/);
  });

  it('escapes hostile event fields: no markup and no way out of the script element', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toContain('onerror="alert');
    expect(html).not.toContain('<script>alert');
    // every <script> opened is closed exactly once (no field closed one early)
    expect(html.match(/<script\b/g)!.length).toBe(html.match(/<\/script>/g)!.length);
    const ev = jsonBlock(html, 'basis-events') as { dict: { type: string[]; venue: string[]; status: string[] }; rows: unknown[][] };
    expect(ev.dict.type).toContain(MALICIOUS); // the data itself survives intact for textContent rendering
    expect(ev.dict.status).toContain(SCRIPT_BREAK);
    expect((JSON.parse(ev.rows[0]![6] as string) as { note: string }).note).toContain(SCRIPT_BREAK);
    expect(ev.rows).toHaveLength(events.length);
  });

  it('escapes text in the static HTML too', () => {
    const page = renderReportHtml(
      summaryFor(frame, { start: '<b>2024</b>' }),
      { timestampsMs: frame.timestampsMs, columns: [...frame.columns, { name: 'netDelta:<svg onload=1>', values: frame.columns[0]!.values }] },
      [],
    );
    expect(page).not.toContain('<b>2024');
    expect(page).toContain('&lt;b&gt;2024&lt;/b&gt;');
    expect(page).not.toContain('<svg');
  });

  it('has a header, the synthetic banner, metric cards, attribution and every chart section present in the frame', () => {
    expect(html).toContain('id="synthetic-banner"');
    expect(html).toContain('usdt_market_neutral');
    expect(html).toContain(summary.start);
    for (const id of ['metrics', 'equity', 'drawdown', 'risk', 'margin', 'funding', 'netDelta-ETH', 'price-ETH', 'attribution', 'events']) {
      expect(html, id).toContain(`id="section-${id}"`);
    }
    expect(html).not.toContain('id="section-inFlight"'); // not in the frame
    expect(html).toContain('Reconciliation: balance P&amp;L');
    const data = jsonBlock(html, 'basis-data') as { charts: ChartJson[] };
    expect(data.charts.map((c) => c.id)).toEqual(['equity', 'drawdown', 'risk', 'margin', 'funding', 'netDelta-ETH', 'price-ETH']);
    const margin = data.charts.find((c) => c.id === 'margin')!;
    expect(margin.series.map((s) => s.label)).toEqual(['binance', 'bybit', 'okx']);
    expect(data.charts.find((c) => c.id === 'risk')!.series.map((s) => s.label)).toEqual(['LTV', 'Health factor']);
  });

  it('omits sections whose columns are missing and the banner for historical data', () => {
    const eqOnly = { timestampsMs: frame.timestampsMs, columns: [frame.columns[0]!] };
    const page = renderReportHtml(summaryFor(eqOnly, { synthetic: false }), eqOnly, []);
    expect(page).not.toContain('id="synthetic-banner"');
    for (const id of ['risk', 'margin', 'funding', 'netDelta-ETH']) expect(page).not.toContain(`id="section-${id}"`);
    expect(page).toContain('id="section-equity"');
    expect(page).toContain('id="section-drawdown"'); // computed from equity
  });

  it('downsamples every series to ≤ 5,000 points, keeps the equity extremes and plots funding at settlements only', () => {
    const data = jsonBlock(html, 'basis-data') as { charts: ChartJson[] };
    for (const c of data.charts) {
      expect(c.x.length, c.id).toBeLessThanOrEqual(5000);
      for (const s of c.series) expect(s.y).toHaveLength(c.x.length);
      for (let i = 1; i < c.x.length; i++) expect(c.x[i]!, c.id).toBeGreaterThan(c.x[i - 1]!);
    }
    const eq = frame.columns.find((c) => c.name === 'equity')!.values;
    const eqChart = data.charts.find((c) => c.id === 'equity')!;
    const ys = eqChart.series[0]!.y as number[];
    expect(Math.max(...ys)).toBeCloseTo(Math.max(...eq), 4);
    expect(Math.min(...ys)).toBeCloseTo(Math.min(...eq), 4);
    const dd = data.charts.find((c) => c.id === 'drawdown')!.series[0]!.y as number[];
    expect(Math.min(...dd)).toBeCloseTo(summary.maxDrawdown, 9);
    const funding = data.charts.find((c) => c.id === 'funding')!;
    expect(funding.x).toHaveLength(15_000 / 8); // one point per 8 h settlement
    expect(funding.series[0]!.y.every((v) => v !== null)).toBe(true);
    expect(funding.x[1]! - funding.x[0]!).toBe((8 * HOUR) / 1000);
  });

  describe('in headless Chromium', () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'basis-report-'));
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it.skipIf(!CHROMIUM)('renders every chart as a canvas without JS errors and shows the hostile event as text', async () => {
      const dom = await dumpDom(dir, 'report.html', html);
      const status = /<body[^>]*data-render-status="(\w+)"/.exec(dom)?.[1];
      const errors = /<div id="js-errors"[^>]*>([\s\S]*?)<\/div>/.exec(dom)?.[1] ?? '';
      expect(errors).toBe('');
      expect(status).toBe('ok');
      expect(/data-charts="(\d+)"/.exec(dom)?.[1]).toBe('7');
      for (const id of ['equity', 'drawdown', 'risk', 'margin', 'funding', 'netDelta-ETH', 'price-ETH']) {
        const start = dom.indexOf(`id="chart-${id}"`);
        expect(start, id).toBeGreaterThan(0);
        const next = dom.indexOf('</section>', start);
        expect(dom.slice(start, next), id).toContain('<canvas');
      }
      // first page of the event table: 100 rows, the hostile event rendered as inert text
      const tbody = /<tbody id="ev-body">([\s\S]*?)<\/tbody>/.exec(dom)![1]!;
      expect(tbody.match(/<tr>/g)).toHaveLength(100);
      expect(tbody).toContain('&lt;img src=x onerror="alert(1)"&gt;');
      expect(tbody).not.toContain('<img');
      expect(dom).toContain('1–100 of 5,001');
    });

    it.skipIf(!CHROMIUM)('the event table filters by type, searches text and pages', async () => {
      const dom = await dumpDom(dir, 'interactive.html', html.replace('</body>', `${INTERACTION_SCRIPT}</body>`));
      const raw = /data-test="([^"]*)"/.exec(dom)?.[1];
      expect(raw, 'interaction script did not finish').toBeDefined();
      const out = JSON.parse(raw!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as Record<string, unknown>;
      const rebalances = events.filter((e) => e.type === 'rebalance').length;
      expect(out.typeRows).toBe(Math.min(100, rebalances));
      expect(out.typeAllMatch).toBe(true);
      expect(out.typeCount).toBe(`${rebalances.toLocaleString('en-US')} of 5,001`);
      expect(out.page2).toMatch(/^101–200 of /);
      expect(out.searchRows).toEqual(['4322']); // order = index + 1, reason "step 4321"
    });
  });
});
