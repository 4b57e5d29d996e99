import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyRateLimit from '@fastify/rate-limit';
import { BasisError } from '../errors/base.js';
import { RUN_STATUSES, type RunStatus, type RunStore } from '../store/types.js';
import type { StoreOptions } from '../store/open.js';
import { resolveDataDir } from '../data/index.js';
import { packageVersion } from '../packageInfo.js';
import { assertSafeBind, checkBearer, isLoopbackHost } from './auth.js';
import type { ApiContext } from './context.js';
import { installErrorHandlers } from './errors.js';
import { JobPool } from './jobPool.js';
import { loggerOptions } from './logger.js';
import { ApiMetrics } from './metrics.js';
import { ProgressHub } from './progressHub.js';
import { backtestRoutes } from './routes/backtests.js';
import { compareRoutes } from './routes/compare.js';
import { healthRoutes } from './routes/health.js';
import { modeRoutes } from './routes/modes.js';
import { defaultWebDir, registerWeb } from './routes/web.js';

export interface ServerOptions {
  readonly store: RunStore;
  /** How worker threads open the same store (its PostgreSQL URL or SQLite file). */
  readonly storeAccess: StoreOptions;
  /** Default 127.0.0.1; any other host needs a token (API-005). */
  readonly host?: string;
  /** Bearer token of mutating routes; default BASIS_API_TOKEN (unset or empty: none). */
  readonly token?: string | null;
  /** Worker threads (default: the cores) and waiting backtests (default 16). */
  readonly workers?: number;
  readonly queue?: number;
  /** Default: the data directory the CLI would use (BASIS_DATA_DIR, ./data, ../shared/data). */
  readonly dataDir?: string;
  /** Default: BASIS_CONFIG_DIR, else the package configs/. */
  readonly configDir?: string;
  /** Default: web/dist of the package. */
  readonly webDir?: string;
  /** Requests per window on each mutating route per client (default 60 per minute). */
  readonly rateLimit?: { readonly max: number; readonly timeWindowMs: number };
  /** Log level and where the JSON lines go (default info, stdout); false: no logs. */
  readonly logger?: { readonly level?: string; readonly stream?: DestinationStream } | false;
}

export interface BasisServer {
  readonly app: FastifyInstance;
  readonly pool: JobPool;
  /** Listens on host:port (port 0: any free port) and returns the base URL. */
  listen(port: number): Promise<string>;
  close(): Promise<void>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

async function runCounts(store: RunStore): Promise<Record<RunStatus, number>> {
  const entries = await Promise.all(RUN_STATUSES.map(async (s) => [s, (await store.listRuns({ status: s, limit: 1 })).total] as const));
  return Object.fromEntries(entries) as Record<RunStatus, number>;
}

/**
 * The fastify server of `basis serve`: the API under /api/v1 (zod-validated, documented at /docs), health and
 * Prometheus metrics, and the web app at /. Backtests run on a worker-thread pool; nothing is listening until
 * `listen`.
 */
export async function buildServer(opts: ServerOptions): Promise<BasisServer> {
  const host = opts.host ?? '127.0.0.1';
  const envToken = process.env.BASIS_API_TOKEN;
  const token = opts.token !== undefined ? opts.token : envToken !== undefined && envToken !== '' ? envToken : null;
  assertSafeBind(host, token);
  const dataDir = opts.dataDir ?? resolveDataDir(null);

  const hub = new ProgressHub();
  const owner = `${hostname()}:${process.pid}`;
  // The queue gauges are read at scrape time, after the pool below exists.
  const metrics = new ApiMetrics({ runCounts: () => runCounts(opts.store), queue: () => ({ queued: pool.queued, running: pool.running }) });
  const pool = new JobPool({
    store: opts.store,
    storeAccess: opts.storeAccess,
    owner,
    hub,
    ...(opts.workers !== undefined ? { threads: opts.workers } : {}),
    ...(opts.queue !== undefined ? { maxQueue: opts.queue } : {}),
    onSteps: (steps) => metrics.stepsTotal.inc(steps),
    onFinished: (mode, status, seconds, code) => {
      metrics.runDurationSeconds.observe({ mode, status }, seconds);
      if (code !== null) metrics.errorsByCode.inc({ code });
    },
  });
  const ctx: ApiContext = { store: opts.store, pool, hub, metrics, dataDir, configDir: opts.configDir, startedAtMs: Date.now() };

  const app = Fastify({
    logger: opts.logger === false ? false : loggerOptions(opts.logger?.level ?? 'info', opts.logger?.stream),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app, (code) => metrics.errorsByCode.inc({ code }));

  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.httpDurationSeconds.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
  // Beyond loopback every API call needs the token; on loopback only the mutating ones do (docs/api.md).
  if (token !== null && !isLoopbackHost(host)) {
    app.addHook('onRequest', async (req) => {
      if (req.url.startsWith('/api/')) checkBearer(req, token);
    });
  }
  const preHandler = async (req: FastifyRequest): Promise<void> => {
    if (token !== null) checkBearer(req, token);
  };

  const rateLimit = { max: opts.rateLimit?.max ?? 60, timeWindow: opts.rateLimit?.timeWindowMs ?? 60_000 };
  const windowText = `${rateLimit.timeWindow / 1000} s`;
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, c) =>
      new BasisError('API-004', `rate limit exceeded: at most ${c.max} requests per ${windowText} on this route; retry in ${c.after}`, {
        problems: [{ code: 'API-004', path: 'url', message: 'too many requests', expected: `at most ${c.max} per ${windowText}`, received: `more; retry in ${c.after}` }],
      }),
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Basis API', version: packageVersion(), description: 'Backtests of crypto basis and yield strategies: modes, runs, results. Errors: {error:{code,message,problems,requestId}}.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes(ctx));
  await app.register(modeRoutes(ctx), { prefix: '/api/v1' });
  await app.register(backtestRoutes(ctx, { preHandler, rateLimit }), { prefix: '/api/v1' });
  await app.register(compareRoutes(ctx), { prefix: '/api/v1' });
  await registerWeb(app, opts.webDir ?? defaultWebDir());

  app.addHook('onClose', async () => {
    await pool.close();
  });

  return {
    app,
    pool,
    async listen(port: number): Promise<string> {
      const address = await app.listen({ host, port });
      return address.replace('[::1]', 'localhost');
    },
    close: () => app.close(),
  };
}
