import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { StoredRun } from '../../store/types.js';
import type { RunSummary } from '../../report/types.js';
import { downsampleMinMax } from '../../report/downsample.js';
import type { ApiContext } from '../context.js';
import { findRun, runListItem } from '../runView.js';

const compareQuery = z.strictObject({
  ids: z
    .string()
    .transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter((x) => x !== ''))])
    .pipe(z.array(z.string().max(100)).min(2, 'at least 2 distinct run ids').max(8, 'at most 8 run ids'))
    .describe('comma-separated run ids (2 to 8)'),
  points: z.coerce.number().int().min(10).max(20_000).default(1000).describe('equity points per run'),
});

const METRICS: ReadonlyArray<{ name: string; unit: string; get: (s: RunSummary) => number }> = [
  { name: 'finalEquity', unit: 'share class', get: (s) => s.finalEquity },
  { name: 'totalReturn', unit: 'fraction', get: (s) => s.totalReturn },
  { name: 'apy', unit: 'fraction per year', get: (s) => s.apy },
  { name: 'maxDrawdown', unit: 'fraction', get: (s) => s.maxDrawdown },
  { name: 'volatility', unit: 'fraction per year', get: (s) => s.volatility },
  { name: 'sharpe', unit: 'ratio', get: (s) => s.sharpe },
  { name: 'sortino', unit: 'ratio', get: (s) => s.sortino },
  { name: 'feesPaid', unit: 'share class', get: (s) => s.feesPaid },
  { name: 'gasPaid', unit: 'share class', get: (s) => s.gasPaid },
  { name: 'rebalances', unit: 'count', get: (s) => s.rebalances },
  { name: 'liquidations', unit: 'count', get: (s) => s.liquidations },
];

type Scalar = string | number | boolean | null;

/** Leaves of a config as scalars (arrays as JSON text), paths dotted. */
function flatten(v: unknown, prefix: string, out: Map<string, Scalar>): Map<string, Scalar> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (Array.isArray(v)) out.set(prefix, JSON.stringify(v));
  else out.set(prefix, v === undefined ? null : (v as Scalar));
  return out;
}

/** What a run was asked to do and with which mode section, as comparable leaves. */
function runLeaves(r: StoredRun): Map<string, Scalar> {
  const out = new Map<string, Scalar>([
    ['mode', r.mode],
    ['start', r.summary?.start ?? r.start],
    ['end', r.summary?.end ?? r.end],
    ['capital', r.capital],
    ['costs', r.costs],
    ['flows', JSON.stringify(r.flows)],
  ]);
  const modes = (r.config as { modes?: Record<string, unknown> } | null)?.modes;
  const section = modes?.[r.mode];
  if (section !== undefined) flatten(section, `modes.${r.mode}`, out);
  return out;
}

/** Only the paths whose values differ between the runs (absent in a run: null). */
export function compareConfigs(runs: readonly StoredRun[]): Array<{ path: string; values: Scalar[] }> {
  const leaves = runs.map(runLeaves);
  const paths = [...new Set(leaves.flatMap((l) => [...l.keys()]))];
  const out: Array<{ path: string; values: Scalar[] }> = [];
  for (const p of paths) {
    const values = leaves.map((l) => l.get(p) ?? null);
    if (values.some((v) => v !== values[0])) out.push({ path: p, values });
  }
  return out;
}

export function compareRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/compare', { schema: { tags: ['backtests'], summary: 'Metrics, config differences and overlaid equity of 2 to 8 runs', querystring: compareQuery } }, async (req) => {
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
      return {
        runs: runs.map(runListItem),
        metrics: METRICS.map((m) => ({ name: m.name, unit: m.unit, values: runs.map((r) => (r.summary ? m.get(r.summary) : null)) })),
        configDiff: compareConfigs(runs),
        equity: { timestampsMs: xs, series },
      };
    });
  };
}
