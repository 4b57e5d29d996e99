import { connect } from 'node:net';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { packageVersion } from '../../packageInfo.js';
import { redactUrl } from '../../config/redact.js';
import type { ApiContext } from '../context.js';
import { healthSchema } from '../schemas.js';
import { dataFreshness } from '../dataFreshness.js';

const REDIS_TIMEOUT_MS = 1000;

/** PING over a plain TCP connection (RESP inline command): enough to say whether the configured Redis answers. */
function pingRedis(url: string): Promise<{ ok: boolean; error?: string }> {
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      resolve({ ok: false, error: 'REDIS_URL is not a URL' });
      return;
    }
    const socket = connect({ host: u.hostname || '127.0.0.1', port: Number(u.port || 6379) });
    const done = (r: { ok: boolean; error?: string }): void => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(REDIS_TIMEOUT_MS, () => done({ ok: false, error: 'timed out' }));
    socket.on('error', (err) => done({ ok: false, error: err.message }));
    let reply = '';
    socket.on('connect', () => {
      const auth = u.password ? `AUTH ${u.username ? `${decodeURIComponent(u.username)} ` : ''}${decodeURIComponent(u.password)}\r\n` : '';
      socket.write(`${auth}PING\r\n`);
    });
    socket.on('data', (d) => {
      reply += d.toString('utf8');
      if (reply.includes('+PONG')) done({ ok: true });
      else if (reply.startsWith('-')) done({ ok: false, error: reply.split('\r\n')[0] ?? 'error' });
    });
  });
}

export function healthRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/health', { schema: { tags: ['health'], summary: 'Liveness', response: { 200: healthSchema } } }, async () => ({ status: 'ok' as const, version: packageVersion(), uptimeSeconds: Math.round((Date.now() - ctx.startedAtMs) / 1000) }));

    app.get('/health/detailed', { schema: { tags: ['health'], summary: 'Store, data freshness, worker pool and Redis (when REDIS_URL is set)' } }, async (req, reply) => {
      let store: Record<string, unknown>;
      try {
        const { total } = await ctx.store.listRuns({ limit: 1 });
        store = { kind: ctx.store.kind, location: ctx.store.location, ok: true, runs: total };
      } catch (err) {
        req.log.error({ err }, 'store health check failed');
        store = { kind: ctx.store.kind, location: ctx.store.location, ok: false, error: 'the store did not answer (see the server log)' };
      }
      let data: Record<string, unknown>;
      try {
        data = { ok: true, ...dataFreshness(ctx.dataDir) };
      } catch (err) {
        req.log.error({ err }, 'data freshness check failed');
        data = { ok: false, dataDir: ctx.dataDir, error: 'the data directory could not be read' };
      }
      const workers = { ok: true, threads: ctx.pool.threads, liveThreads: ctx.pool.liveThreads, running: ctx.pool.running, queued: ctx.pool.queued, maxQueue: ctx.pool.maxQueue };
      const redisUrl = process.env.REDIS_URL;
      const redis = redisUrl ? { url: redactUrl(redisUrl), ...(await pingRedis(redisUrl)) } : null;
      const ok = store.ok === true && data.ok === true && (redis === null || redis.ok);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', version: packageVersion(), uptimeSeconds: Math.round((Date.now() - ctx.startedAtMs) / 1000), store, data, workers, redis });
    });

    app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics (text format)' } }, async (_req, reply) => {
      const text = await ctx.metrics.registry.metrics();
      return reply.type(ctx.metrics.registry.contentType).send(text);
    });
  };
}
