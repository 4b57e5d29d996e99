import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { PACKAGE_ROOT } from '../../packageRoot.js';

/** Shown at / when the web app has not been built. */
const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Basis</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1b1f24}code{background:#eef1f4;padding:.1rem .3rem;border-radius:3px}</style>
</head><body>
<h1>Basis</h1>
<p>The API is running, but the web app has not been built. Build it with</p>
<pre><code>npm run build:web</code></pre>
<p>and reload this page. Meanwhile: <a href="/docs">API documentation</a>, <a href="/health/detailed">health</a>, <a href="/metrics">metrics</a>.</p>
</body></html>
`;

/** The web app's directory: web/dist of the package (its index.html marks a build). */
export function defaultWebDir(): string {
  return path.join(PACKAGE_ROOT, 'web', 'dist');
}

/** The built web app at / (static files, index.html for /), or a page saying how to build it. */
export async function registerWeb(app: FastifyInstance, webDir: string): Promise<void> {
  if (existsSync(path.join(webDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDir, prefix: '/', index: ['index.html'], wildcard: true, cacheControl: true, maxAge: 0 });
    return;
  }
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
}
