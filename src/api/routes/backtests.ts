import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BasisError } from '../../errors/base.js';
import { RUN_STATUSES, type RunStatus, type StoredRun } from '../../store/types.js';
import { newRunFor } from '../../jobs/backtestJob.js';
import { parseTimestamp } from '../../data/index.js';
import { extremeRows } from '../../report/downsample.js';
import { isoUtc } from '../../kernel/clock.js';
import type { ApiContext } from '../context.js';
import { backtestBodySchema, validateBacktestBody } from '../backtestRequest.js';
import { eventText } from '../eventText.js';
import { findRun, runDetail, runListItem } from '../runView.js';
import { backtestAcceptedSchema, cancelledSchema, documentedResponses, errorResponses, runListSchema, validatedSchema } from '../schemas.js';
import type { HubEvent } from '../progressHub.js';

const idParams = z.strictObject({ id: z.string().min(1).max(100).describe('run id') });
const FILES = ['summary.json', 'config.json', 'timeseries.csv', 'events.jsonl', 'report.html'] as const;
const FILE_TYPES: Record<(typeof FILES)[number], string> = {
  'summary.json': 'application/json; charset=utf-8',
  'config.json': 'application/json; charset=utf-8',
  'timeseries.csv': 'text/csv; charset=utf-8',
  'events.jsonl': 'application/x-ndjson; charset=utf-8',
  'report.html': 'text/html; charset=utf-8',
};
/** Mutating routes take `authorization: Bearer <BASIS_API_TOKEN>` when the server has a token. */
const BEARER = [{ bearer: [] }];
const VALIDATE_RATE_FACTOR = 10;
const FINAL: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled']);

const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter((x) => x !== ''))
  .optional();
const isoTime = (what: string): z.ZodType<number | undefined> =>
  z
    .string()
    .optional()
    .transform((s, c) => {
      if (s === undefined) return undefined;
      const ms = parseTimestamp(s.trim());
      if (!Number.isFinite(ms)) {
        c.addIssue({ code: 'custom', message: `${what} is not a UTC time`, params: { expected: 'an ISO-8601 UTC time, e.g. 2024-06-01T00:00:00Z' } });
        return z.NEVER;
      }
      return ms;
    }) as unknown as z.ZodType<number | undefined>;

const listQuery = z.strictObject({
  status: z.enum(RUN_STATUSES).optional(),
  mode: z.string().min(1).optional(),
  q: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const timeseriesQuery = z.strictObject({
  points: z.coerce.number().int().min(4).max(200_000).optional().describe('downsample to about this many rows, keeping first, min, max and last of each bucket'),
  columns: csv.describe('comma-separated column names (default: all)'),
});
const eventsQuery = z.strictObject({
  type: csv.describe('comma-separated event types'),
  venue: csv.describe('comma-separated venues'),
  from: isoTime('from'),
  to: isoTime('to'),
  q: z.string().min(1).max(200).optional().describe('case-insensitive text search'),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(5000).default(100),
});

/** NaN (no value at this step) is JSON null; values keep full precision. */
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function notYet(run: StoredRun, what: string): BasisError {
  return new BasisError('API-008', `run ${run.id} is ${run.status}: it has no ${what}`, { problems: [{ code: 'API-008', path: 'params.id', message: `no ${what} yet`, expected: 'a completed run', received: run.status }] });
}

function runFile(run: StoredRun, name: (typeof FILES)[number]): string {
  const file = run.runDir === null ? null : path.join(run.runDir, name);
  if (file === null || !existsSync(file)) {
    throw new BasisError('API-008', `run ${run.id} has no ${name}${run.status === 'completed' ? ' (no run directory was written, or it was removed)' : ` (it is ${run.status})`}`, {
      problems: [{ code: 'API-008', path: 'params.name', message: 'file not available', expected: 'a completed run with its run directory', received: run.runDir ?? 'no run directory' }],
    });
  }
  return file;
}

export function backtestRoutes(ctx: ApiContext, mutating: { preHandler: (req: import('fastify').FastifyRequest) => Promise<void>; rateLimit: { max: number; timeWindow: number } }): FastifyPluginAsyncZod {
  const opts = { dataDir: ctx.dataDir, ...(ctx.configDir !== undefined ? { configDir: ctx.configDir } : {}) };
  return async (app) => {
    // Open progress streams would hold the server open on close: they are ended first.
    const streams = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of [...streams]) end();
    });

    app.post(
      '/backtests/validate',
      // The wizard validates as the user types: ten times the mutating routes' limit, still bounded.
      { schema: { tags: ['backtests'], summary: 'Check a backtest body exactly as POST /backtests would; nothing is queued', body: backtestBodySchema, security: BEARER, response: { 200: validatedSchema, ...errorResponses } }, preHandler: mutating.preHandler, config: { rateLimit: { ...mutating.rateLimit, max: mutating.rateLimit.max * VALIDATE_RATE_FACTOR } } },
      async (req) => {
        const v = await validateBacktestBody(req.body, opts);
        return { ok: true as const, mode: v.mode, shareClass: v.shareClass, capital: v.capital, window: { ...v.window }, config: { ...v.config }, diff: [...v.diff] };
      },
    );

    app.post(
      '/backtests',
      { schema: { tags: ['backtests'], summary: 'Validate and queue a backtest; answers 202 with its id', body: backtestBodySchema, security: BEARER, response: { 202: backtestAcceptedSchema, ...errorResponses } }, preHandler: mutating.preHandler, config: { rateLimit: mutating.rateLimit } },
      async (req, reply) => {
        const v = await validateBacktestBody(req.body, opts);
        ctx.pool.assertRoom();
        const run = await ctx.store.createRun(newRunFor(v.request, v.params, 'api', v.label));
        let done: Promise<void>;
        try {
          done = ctx.pool.submit(run.id, v.mode, v.request);
        } catch (err) {
          // The queue filled while the run was being stored: the refused request leaves nothing behind.
          await ctx.store.cancelRun(run.id);
          await ctx.store.deleteRun(run.id);
          throw err;
        }
        done.catch((err: unknown) => req.log.error({ err, runId: run.id }, 'job bookkeeping failed'));
        const self = `/api/v1/backtests/${run.id}`;
        return reply.code(202).send({ id: run.id, status: 'queued' as const, links: { self, progress: `${self}/progress`, summary: `${self}/summary` } });
      },
    );

    app.get('/backtests', { schema: { tags: ['backtests'], summary: 'Stored runs, newest first', querystring: listQuery, response: { 200: runListSchema, ...errorResponses } } }, async (req) => {
      const q = req.query;
      const { total, runs } = await ctx.store.listRuns({ ...(q.status ? { status: q.status } : {}), ...(q.mode ? { mode: q.mode } : {}), ...(q.q ? { q: q.q } : {}), limit: q.limit, offset: q.offset });
      return { total, runs: runs.map(runListItem) };
    });

    app.get('/backtests/:id', { schema: { tags: ['backtests'], summary: 'One run: status, progress, timings, summary', params: idParams, response: documentedResponses } }, async (req) => runDetail(await findRun(ctx.store, req.params.id)));

    app.get('/backtests/:id/progress', { schema: { tags: ['backtests'], summary: 'Server-sent events: `progress` {done,total,fraction} and `status` {status,error?}; ends after a final status', params: idParams, response: documentedResponses } }, async (req, reply) => {
      const run = await findRun(ctx.store, req.params.id);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-request-id': req.id, 'x-accel-buffering': 'no' });
      const send = (event: string, data: unknown): void => {
        res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      let closed = false;
      const cleanups: Array<() => void> = [];
      const end = (): void => {
        if (closed) return;
        closed = true;
        streams.delete(end);
        for (const c of cleanups) c();
        res.end();
      };
      streams.add(end);
      // The response's close: the client went away (or the stream was ended here).
      res.on('close', end);
      const onEvent = (e: HubEvent): void => {
        if (closed) return;
        if (e.kind === 'progress') send('progress', { done: e.done, total: e.total, fraction: e.fraction });
        else {
          send('status', { status: e.status, ...(e.error ? { error: e.error } : {}) });
          if (FINAL.has(e.status)) end();
        }
      };
      cleanups.push(ctx.hub.subscribe(run.id, onEvent));
      send('status', { status: run.status, ...(run.error ? { error: run.error } : {}) });
      if (FINAL.has(run.status)) {
        if (run.status === 'completed') send('progress', { done: 1, total: 1, fraction: 1 });
        return end();
      }
      const last = ctx.hub.lastProgress(run.id);
      send('progress', last ? { done: last.done, total: last.total, fraction: last.fraction } : { done: 0, total: 0, fraction: run.progress });
      // A run another process executes (the CLI, a second server) reaches this one only through the store.
      if (!ctx.pool.has(run.id)) {
        let last = run.status as RunStatus;
        const timer = setInterval(() => {
          ctx.store.getRun(run.id).then(
            (r) => {
              if (r === null) return end();
              if (r.status !== last) {
                last = r.status;
                onEvent({ kind: 'status', status: r.status, ...(r.error ? { error: r.error } : {}) });
              } else if (r.status === 'running') onEvent({ kind: 'progress', done: r.progress, total: 1, fraction: r.progress });
            },
            () => end(),
          );
        }, 1000);
        cleanups.push(() => clearInterval(timer));
      }
      const ping = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      cleanups.push(() => clearInterval(ping));
    });

    app.get('/backtests/:id/summary', { schema: { tags: ['backtests'], summary: "The run's summary.json (finalEquity, apy, … at top level)", params: idParams, response: documentedResponses } }, async (req, reply) => {
      const run = await findRun(ctx.store, req.params.id);
      if (run.summary === null) throw notYet(run, 'summary');
      // The exported file carries the integrity block (and signature) the store's copy may not.
      const file = run.runDir === null ? null : path.join(run.runDir, 'summary.json');
      if (file !== null && existsSync(file)) return reply.type('application/json; charset=utf-8').send(readFileSync(file, 'utf8'));
      return run.summary;
    });

    app.get('/backtests/:id/timeseries', { schema: { tags: ['backtests'], summary: 'Per-step columns, downsampled on request without losing any extreme', params: idParams, querystring: timeseriesQuery, response: documentedResponses } }, async (req) => {
      const run = await findRun(ctx.store, req.params.id);
      const frame = await ctx.store.timeseries(run.id);
      if (frame === null) throw notYet(run, 'timeseries');
      const wanted = req.query.columns;
      if (wanted !== undefined) {
        const names = new Set(frame.columns.map((c) => c.name));
        const unknown = wanted.filter((c) => !names.has(c));
        if (unknown.length > 0) {
          throw new BasisError('API-001', `request invalid: no column ${unknown.join(', ')}`, { problems: unknown.map((c) => ({ code: 'API-001' as const, path: 'query.columns', message: 'unknown column', expected: [...names].join(', '), received: c })) });
        }
      }
      const cols = wanted === undefined ? frame.columns : frame.columns.filter((c) => wanted.includes(c.name));
      const n = frame.timestampsMs.length;
      const rows = req.query.points === undefined ? null : extremeRows(n, cols.map((c) => c.values), req.query.points);
      const pick = <T>(get: (i: number) => T): T[] => (rows === null ? Array.from({ length: n }, (_, i) => get(i)) : rows.map(get));
      return {
        timestampsMs: pick((i) => frame.timestampsMs[i] as number),
        columns: Object.fromEntries(cols.map((c) => [c.name, pick((i) => finiteOrNull(c.values[i] as number))])),
        points: rows === null ? n : rows.length,
        downsampled: rows !== null && rows.length < n,
      };
    });

    app.get('/backtests/:id/events', { schema: { tags: ['backtests'], summary: 'Events, paged and filtered by type, venue, time and text', params: idParams, querystring: eventsQuery, response: documentedResponses } }, async (req) => {
      const run = await findRun(ctx.store, req.params.id);
      const q = req.query;
      const page = await ctx.store.events(run.id, {
        ...(q.type !== undefined && q.type.length > 0 ? { type: q.type } : {}),
        ...(q.venue !== undefined && q.venue.length > 0 ? { venue: q.venue } : {}),
        ...(q.from !== undefined ? { fromMs: q.from } : {}),
        ...(q.to !== undefined ? { toMs: q.to } : {}),
        ...(q.q !== undefined ? { q: q.q } : {}),
        offset: q.offset,
        limit: q.limit,
      });
      const facets = await ctx.store.eventFacets(run.id);
      return {
        total: page.total,
        offset: q.offset,
        limit: q.limit,
        types: facets.types,
        venues: facets.venues,
        events: page.events.map((e) => ({ order: e.order, timestampMs: e.timestampMs, time: isoUtc(e.timestampMs), type: e.type, status: e.status, venue: e.venue ?? null, token: e.token ?? null, parent: e.parent ?? null, text: eventText(e), event: e })),
      };
    });

    app.get('/backtests/:id/config', { schema: { tags: ['backtests'], summary: "The run's config.json: {config, params, run}", params: idParams, response: documentedResponses } }, async (req, reply) => {
      const run = await findRun(ctx.store, req.params.id);
      // The store keeps the config.json document itself; the run directory may have been removed.
      if (run.config === null) throw notYet(run, 'config');
      return reply.type('application/json; charset=utf-8').send(JSON.stringify(run.config));
    });

    app.get('/backtests/:id/files/:name', { schema: { tags: ['backtests'], summary: 'Download one of the run files', params: z.strictObject({ id: z.string().min(1).max(100), name: z.enum(FILES) }), response: documentedResponses } }, async (req, reply) => {
      const run = await findRun(ctx.store, req.params.id);
      const name = req.params.name;
      const file = runFile(run, name);
      return reply
        .type(FILE_TYPES[name])
        .header('content-disposition', `attachment; filename="${run.id}-${name}"`)
        .send(createReadStream(file));
    });

    app.delete('/backtests/:id', { schema: { tags: ['backtests'], summary: 'Cancel a queued or running run (200), or delete a finished one (204)', params: idParams, security: BEARER, response: { 200: cancelledSchema.describe('cancelled'), 204: z.null().describe('deleted: no body'), ...errorResponses } }, preHandler: mutating.preHandler, config: { rateLimit: mutating.rateLimit } }, async (req, reply) => {
      const run = await findRun(ctx.store, req.params.id);
      if (!FINAL.has(run.status) && (await ctx.pool.cancel(run.id))) return { id: run.id, status: 'cancelled' as const };
      await ctx.store.deleteRun(run.id);
      return reply.code(204).send(null);
    });
  };
}
