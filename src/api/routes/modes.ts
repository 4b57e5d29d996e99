import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { BasisError } from '../../errors/base.js';
import type { ModeName } from '../../domain/params.js';
import { MODE_NAMES, isModeName, modeDefinition } from '../../modes/registry.js';
import { loadConfig, redactSecrets, resolveRunParams, type BasisConfig } from '../../config/index.js';
import { checkData } from '../../data/index.js';
import { isoUtc } from '../../kernel/clock.js';
import type { ApiContext } from '../context.js';
import { documentedResponses } from '../schemas.js';
import { modeDataWindow } from '../dataWindow.js';

const modeParams = z.strictObject({ mode: z.string().min(1).describe('strategy mode, e.g. btc_basis') });

/** CFG-006 naming the field, for a mode in the URL. */
export function knownMode(mode: string): ModeName {
  if (!isModeName(mode)) {
    throw new BasisError('CFG-006', `unknown strategy mode "${mode}"`, { problems: [{ code: 'CFG-006', path: 'params.mode', message: 'unknown mode', expected: MODE_NAMES.join(' | '), received: mode }] });
  }
  return mode;
}

/**
 * JSON Schema of a mode's `strategy` section: what the wizard's form renders and validates against. zod marks its
 * `.readonly()` objects `readOnly` (they are immutable once parsed); in JSON Schema that means "not editable", which
 * is the opposite of what a form must show, so it is left out.
 */
function parametersSchema(mode: ModeName): Record<string, unknown> {
  return z.toJSONSchema(modeDefinition(mode).strategySchema, {
    unrepresentable: 'any',
    io: 'input',
    override: (ctx) => {
      delete ctx.jsonSchema.readOnly;
    },
  }) as Record<string, unknown>;
}

async function modeInfo(ctx: ApiContext, config: BasisConfig, mode: ModeName, listing: Map<string, string[]>): Promise<Record<string, unknown>> {
  const def = modeDefinition(mode);
  const section = config.modes[mode];
  const window = modeDataWindow(config, mode, ctx.dataDir, listing);
  const { runs } = await ctx.store.listRuns({ mode, status: 'completed', limit: 50 });
  // The figures are those of a run over the mode's whole window with its default capital, the newest first.
  const full = runs.find((r) => r.start === null && r.end === null && r.summary !== null);
  return {
    name: mode,
    shareClass: section.shareClass,
    title: def.title,
    explanation: def.explanation,
    window: window ? { start: isoUtc(window.startMs), end: isoUtc(window.endMs) } : null,
    defaults: { capital: section.initialCapital, start: section.start ?? null, end: section.end ?? null },
    parameters: parametersSchema(mode),
    parameterDefaults: redactSecrets(section.strategy),
    figures: full?.summary ? { apy: full.summary.apy, maxDrawdown: full.summary.maxDrawdown, finalEquity: full.summary.finalEquity, runId: full.id } : null,
  };
}

export function modeRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const load = (): ReturnType<typeof loadConfig> => loadConfig({ ...(ctx.configDir !== undefined ? { configDir: ctx.configDir } : {}), dataDir: ctx.dataDir });
  return async (app) => {
    app.get('/modes', { schema: { tags: ['modes'], summary: 'Every strategy mode with its parameter schema, defaults and data window', response: documentedResponses } }, async () => {
      const { config } = load();
      const listing = new Map<string, string[]>();
      return { modes: await Promise.all(MODE_NAMES.map((m) => modeInfo(ctx, config, m, listing))) };
    });

    app.get('/modes/:mode', { schema: { tags: ['modes'], summary: "One mode and its merged config section (secrets redacted)", params: modeParams, response: documentedResponses } }, async (req) => {
      const mode = knownMode(req.params.mode);
      const { config } = load();
      return { ...(await modeInfo(ctx, config, mode, new Map())), config: redactSecrets(config.modes[mode]) };
    });

    app.get('/modes/:mode/config', { schema: { tags: ['modes'], summary: 'The whole merged config a run of this mode would use (secrets redacted)', params: modeParams, response: documentedResponses } }, async (req) => {
      const mode = knownMode(req.params.mode);
      const { config, env } = load();
      return { mode, env, config: redactSecrets(config) };
    });

    app.get('/modes/:mode/data-check', { schema: { tags: ['modes'], summary: "Coverage and quality of the data the mode reads, over its window", params: modeParams, response: documentedResponses } }, async (req) => {
      const mode = knownMode(req.params.mode);
      const { config } = load();
      const params = resolveRunParams(config, mode);
      const section = config.modes[mode];
      const report = await checkData({
        dataDir: ctx.dataDir,
        requirements: params.mode.dataRequirements,
        policy: config.data,
        stepMinutes: config.engine.stepMinutes,
        fundingHoursUtc: config.engine.fundingHoursUtc,
        ...(section.start ? { startMs: Date.parse(section.start) } : {}),
        ...(section.end ? { endMs: Date.parse(section.end) } : {}),
        allFiles: false,
        rewards: params.capabilities.publishedRewards,
        benchmark: params.mode.shareClass === 'USDT',
      });
      const coverage = new Map(report.coverage.map((c) => [c.file, c]));
      return {
        mode,
        ok: report.ok,
        dataDir: report.dataDir,
        window: report.window ? { start: isoUtc(report.window.startMs), end: isoUtc(report.window.endMs), startMs: report.window.startMs, endMs: report.window.endMs, steps: report.window.steps } : null,
        files: report.files.map((f) => {
          const c = coverage.get(f.file);
          return { path: f.file, rows: f.rows, first: c ? isoUtc(c.firstMs) : null, last: c ? isoUtc(c.lastMs) : null, ...(f.error !== undefined ? { error: f.error } : {}) };
        }),
        problems: report.issues.map((i) => ({
          code: i.code ?? 'DPR-005',
          ...(i.file !== undefined ? { file: i.file } : {}),
          ...(i.line !== undefined ? { line: i.line } : {}),
          ...(i.series !== undefined ? { path: i.series } : {}),
          message: i.message,
          handled: i.handled,
          kind: i.kind,
          count: i.count,
        })),
      };
    });
  };
}
