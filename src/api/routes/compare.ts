import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { compareRuns } from '../../store/compare.js';
import { downsampleMinMax } from '../../report/downsample.js';
import type { ApiContext } from '../context.js';
import { documentedResponses } from '../schemas.js';
import { findRun, runListItem } from '../runView.js';

const compareQuery = z.strictObject({
  ids: z
    .string()
    .transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter((x) => x !== ''))])
    .pipe(z.array(z.string().max(100)).min(2, 'at least 2 distinct run ids').max(8, 'at most 8 run ids'))
    .describe('comma-separated run ids (2 to 8)'),
  points: z.coerce.number().int().min(10).max(20_000).default(1000).describe('equity points per run'),
});

export function compareRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/compare', { schema: { tags: ['backtests'], summary: 'Metrics, config differences and overlaid equity of 2 to 8 runs', querystring: compareQuery, response: documentedResponses } }, async (req) => {
      const runs = await Promise.all(req.query.ids.map((id) => findRun(ctx.store, id)));
      // Each curve keeps its minima and maxima; the x axis is the union of the kept timestamps.
      const curves = await Promise.all(
        runs.map(async (r) => {
          const frame = await ctx.store.timeseries(r.id);
          const equity = frame?.columns.find((c) => c.name === 'equity');
          return frame && equity ? downsampleMinMax(frame.timestampsMs, equity.values, req.query.points) : null;
        }),
      );
      const xs = [...new Set(curves.flatMap((c) => c?.x ?? []))].sort((a, b) => a - b);
      const index = new Map(xs.map((x, i) => [x, i]));
      const series = curves.map((c) => {
        const ys: Array<number | null> = new Array<number | null>(xs.length).fill(null);
        c?.x.forEach((x, i) => {
          ys[index.get(x) as number] = c.y[i] ?? null;
        });
        return ys;
      });
      // Metrics and config differences as `basis runs compare` prints them: one source for both.
      const { metrics, configDiff } = compareRuns(runs);
      return { runs: runs.map(runListItem), metrics, configDiff, equity: { timestampsMs: xs, series } };
    });
  };
}
