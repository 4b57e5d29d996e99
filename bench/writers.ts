/**
 * Output writers on one real usdt_market_neutral run, in process and warm: the whole write of the five result
 * files (fsync included) and each generator alone, median of 7. `tsx bench/writers.ts [distDir…]` runs the
 * compiled writers of each build given (default: this package's dist/), alternating, so builds can be compared.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type BacktestModule = typeof import('../src/engine/backtest.js');
type ReportModule = typeof import('../src/report/index.js');
type ChainModule = typeof import('../src/events/hashChain.js');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dists = (process.argv.length > 2 ? process.argv.slice(2) : [path.join(root, 'dist')]).map((d) => path.resolve(d));
const load = async <T>(dist: string, rel: string): Promise<T> => (await import(pathToFileURL(path.join(dist, rel)).href)) as T;
const builds = await Promise.all(
  dists.map(async (dist) => ({
    dist,
    ...(await load<BacktestModule>(dist, 'engine/backtest.js')),
    ...(await load<ReportModule>(dist, 'report/index.js')),
    ...(await load<ChainModule>(dist, 'events/hashChain.js')),
    rows: { csv: [] as number[], events: [] as number[], html: [] as number[], writeAll: [] as number[] },
  })),
);

const RUNS = 7;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const time = (f: () => void): number => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
const drain = (chunks: Iterable<unknown>): void => {
  for (const c of chunks) void c;
};

const out = await builds[0]!.runBacktest({ mode: 'usdt_market_neutral', progress: false });
const scratch = mkdtempSync(path.join(os.tmpdir(), 'basis-writers-'));
for (let i = 0; i < RUNS + 2; i++) {
  // Builds alternate within each round, so a noisy moment on a shared machine hits them alike.
  for (const b of builds) {
    const csv = time(() => drain(b.timeseriesCsvChunks(out.frame)));
    const events = time(() => drain(b.eventsJsonlChunks(out.events)));
    const html = time(() => void b.renderReportHtml(out.summary, out.frame, out.events));
    const t0 = performance.now();
    await b.writeBacktestResults(path.join(scratch, `run${i}-${builds.indexOf(b)}`), out, { auditKey: null, notice: () => {} });
    const writeAll = performance.now() - t0;
    if (i < 2) continue;
    b.rows.csv.push(csv);
    b.rows.events.push(events);
    b.rows.html.push(html);
    b.rows.writeAll.push(writeAll);
  }
}
// Every build must write the same bytes from the same run (timing and commit are fixed by `out`).
const first = path.join(scratch, 'run0-0');
const names = readdirSync(first).filter((n) => n !== '.basis-run.json');
const differing = builds.slice(1).flatMap((_, k) => names.filter((n) => !readFileSync(path.join(first, n)).equals(readFileSync(path.join(scratch, `run0-${k + 1}`, n)))));
rmSync(scratch, { recursive: true, force: true });
if (builds.length > 1) console.log(differing.length === 0 ? `identical bytes: ${names.join(', ')}` : `DIFFERENT: ${differing.join(', ')}`);
for (const b of builds) {
  console.log(JSON.stringify({ dist: path.relative(root, b.dist), ...Object.fromEntries(Object.entries(b.rows).map(([k, v]) => [`${k}Ms`, Math.round(median(v))])) }));
}
