import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

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
