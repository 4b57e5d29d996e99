import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../src/report/html.js';
import { BasisError } from '../../src/errors/base.js';
import type { ReportEvent, TimeseriesFrame } from '../../src/report/types.js';
import { HOUR, T0, realisticEvents, realisticFrame, summaryFor } from './fixtures.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!CHROMIUM) console.warn('html.test.ts: headless-browser checks skipped: chromium is not installed (apt-get install -y chromium)');

function jsonBlock(html: string, id: string): unknown {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!);
}

/** The dashboard's data block: the run's columns downsampled on one shared axis, and the marker events. */
interface DashboardJson {
  series: { timestampsMs: number[]; columns: Record<string, Array<number | null>> };
  markers: Array<[number, string, string]>;
}

/** The charts the dashboard draws for realisticFrame (equity, LTV/HF, 3 margin venues, funding, net delta, price). */
const FRAME_CHARTS = ['equity', 'drawdown', 'rollingApy', 'ltv', 'healthFactor', 'marginRatio', 'funding', 'netDeltaUnits', 'netDeltaUsd', 'netDeltaNav'];

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

  it('has a header, the synthetic banner, metric cards, attribution and every column of the frame for the dashboard', () => {
    expect(html).toContain('id="synthetic-banner"');
    expect(html).toContain('usdt_market_neutral');
    expect(html).toContain(summary.start);
    for (const id of ['metrics', 'attribution', 'events']) expect(html, id).toContain(`id="section-${id}"`);
    expect(html).toContain('id="dashboard"');
    expect(html).toContain('Reconciliation: balance P&amp;L');
    const data = jsonBlock(html, 'basis-dashboard') as DashboardJson;
    expect(Object.keys(data.series.columns).sort()).toEqual([...frame.columns.map((c) => c.name), 'drawdown'].sort());
    const rebalances = events.filter((e) => e.type === 'rebalance').length;
    expect(rebalances).toBeGreaterThan(0);
    expect(data.markers).toHaveLength(0); // the fixture's types are lower case: none is a marker type
  });

  it('marks rebalances, risk breaches, liquidations, emergency stops and flows with a readable line', () => {
    const markerEvents: ReportEvent[] = [
      { order: 1, timestampMs: T0, type: 'REBALANCE', status: 'completed', details: { reason: 'margin_support', detail: 'margin ratio 0.49: release 4.36 ETH' } },
      { order: 2, timestampMs: T0 + HOUR, type: 'RISK_BREACH', status: 'completed', venue: 'binance', details: { metric: 'marginRatio', level: 'warn', value: 0.2 } },
      { order: 3, timestampMs: T0 + 2 * HOUR, type: 'PERP_OPEN', status: 'completed' },
      { order: 4, timestampMs: T0 + 3 * HOUR, type: 'DEPOSIT', status: 'completed' },
    ];
    const marked = renderReportHtml(summary, frame, markerEvents);
    const data = jsonBlock(marked, 'basis-dashboard') as DashboardJson;
    expect(data.markers).toEqual([
      [T0, 'rebalance', 'Rebalance: margin ratio 0.49: release 4.36 ETH'],
      [T0 + HOUR, 'breach', 'Risk breach (binance): marginRatio warn 0.2000'],
      [T0 + 3 * HOUR, 'deposit', 'Deposit'],
    ]);
  });

  it('omits columns that are missing and the banner for historical data', () => {
    const eqOnly = { timestampsMs: frame.timestampsMs, columns: [frame.columns[0]!] };
    const page = renderReportHtml(summaryFor(eqOnly, { synthetic: false }), eqOnly, []);
    expect(page).not.toContain('id="synthetic-banner"');
    const data = jsonBlock(page, 'basis-dashboard') as DashboardJson;
    expect(Object.keys(data.series.columns)).toEqual(['equity', 'drawdown']); // drawdown computed from equity
  });

  it('downsamples every series to ≤ 5,000 points on one axis, keeping every extreme, and funding only where it settled', () => {
    const data = jsonBlock(html, 'basis-dashboard') as DashboardJson;
    const x = data.series.timestampsMs;
    expect(x.length).toBeLessThanOrEqual(5000);
    expect(x.length).toBeGreaterThan(4000);
    for (let i = 1; i < x.length; i++) expect(x[i]!).toBeGreaterThan(x[i - 1]!);
    for (const c of frame.columns) {
      const ys = data.series.columns[c.name]!;
      expect(ys, c.name).toHaveLength(x.length);
      const defined = ys.filter((v): v is number => v !== null);
      const real = Array.from(c.values).filter((v) => !Number.isNaN(v));
      // the page keeps 10 significant digits (roundForChart)
      for (const [got, want] of [[Math.max(...defined), Math.max(...real)], [Math.min(...defined), Math.min(...real)]] as const) {
        expect(Math.abs(got - want), c.name).toBeLessThanOrEqual(Math.abs(want) * 1e-9);
      }
    }
    const dd = data.series.columns.drawdown!.filter((v): v is number => v !== null);
    expect(Math.min(...dd)).toBeCloseTo(summary.maxDrawdown, 9);
    // funding is NaN between settlements: every plotted value is a settlement's rate, never a value made up between them
    const settled = new Set(Array.from(frame.columns.find((c) => c.name === 'fundingRate:binance')!.values).filter((v) => !Number.isNaN(v)).map((v) => Number(v.toPrecision(10))));
    const plotted = data.series.columns['fundingRate:binance']!.filter((v): v is number => v !== null);
    expect(plotted.length).toBeGreaterThan(1000);
    expect(plotted.every((v) => settled.has(v))).toBe(true);
  });

  it('fails with BT-006, naming the file, when the chart bundle is not built', () => {
    const missing = path.join(tmpdir(), 'basis-no-such-dir', 'report-client.js');
    let err: unknown;
    try {
      renderReportHtml(summary, frame, [], { bundlePath: missing });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BasisError);
    expect((err as BasisError).code).toBe('BT-006');
    expect((err as BasisError).message).toContain('npm run build:web');
    expect((err as BasisError).problems[0]).toMatchObject({ code: 'BT-006', file: missing, received: 'no such file' });
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
      expect(/data-charts="(\d+)"/.exec(dom)?.[1]).toBe(String(FRAME_CHARTS.length));
      for (const id of FRAME_CHARTS) {
        const start = dom.indexOf(`id="chart-${id}"`);
        expect(start, id).toBeGreaterThan(0);
        const next = dom.indexOf('</section>', start);
        expect(dom.slice(start, next), id).toContain('<canvas');
      }
      for (const id of ['metrics', 'monthly', 'attribution-apy', 'params', 'run']) expect(dom, id).toContain(`id="section-${id}"`);
      expect(dom).not.toContain('id="chart-marginUsdt"'); // not in the frame
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
