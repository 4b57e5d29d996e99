import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { buildServer } from '../../src/api/server.js';
import { openStore } from '../../src/store/open.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WEB = join(ROOT, 'web');
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function newestMtimeMs(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((n) => newestMtimeMs(join(path, n))));
}

/**
 * Builds web/dist as `npm run build:web` does (the app, then the report's chart bundle) when an output is missing or
 * older than the sources, so the browser sees the code under test. web/dist is not emptied first: other test files
 * running beside this one read web/dist/report-client.js.
 */
export async function ensureWebBuilt(): Promise<void> {
  const outputs = [join(WEB, 'dist', 'index.html'), join(WEB, 'dist', 'report-client.js')];
  const sources = Math.max(
    newestMtimeMs(join(WEB, 'src')),
    newestMtimeMs(join(WEB, 'index.html')),
    newestMtimeMs(join(WEB, 'vite.config.ts')),
    newestMtimeMs(join(WEB, 'vite.report.config.ts')),
    newestMtimeMs(join(ROOT, 'src', 'report', 'markers.ts')),
  );
  if (outputs.every((o) => existsSync(o) && statSync(o).mtimeMs >= sources)) return;
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { emptyOutDir: false } });
  await build({ configFile: join(WEB, 'vite.report.config.ts'), logLevel: 'warn' });
}

export interface WebStack {
  /** The app's base URL, on 127.0.0.1 whatever interface the server binds. */
  readonly base: string;
  /** Where the runs' directories are written. */
  readonly resultsDir: string;
  readonly browser: Browser;
  stop(): Promise<void>;
}

/**
 * A real `basis serve` (one worker thread, a SQLite store in a temp dir, the built web app) and Debian's Chromium.
 * Run directories go to the temp dir, not the checkout's results/ (the worker threads read the same environment).
 */
export async function startWebStack(opts: { readonly host?: string; readonly token?: string } = {}): Promise<WebStack> {
  await ensureWebBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'basis-web-'));
  process.env.BASIS__PATHS__RESULTSDIR = join(dir, 'results');
  const file = join(dir, 'basis.sqlite');
  const store = await openStore({ file, env: {} });
  const server = await buildServer({ store, storeAccess: { file }, ...(opts.host !== undefined ? { host: opts.host } : {}), workers: 1, token: opts.token ?? null, logger: false, webDir: join(WEB, 'dist') });
  const port = new URL(await server.listen(0)).port;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    base: `http://127.0.0.1:${port}`,
    resultsDir: join(dir, 'results'),
    browser,
    async stop(): Promise<void> {
      await browser.close();
      await server.close();
      await store.close();
      delete process.env.BASIS__PATHS__RESULTSDIR;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
