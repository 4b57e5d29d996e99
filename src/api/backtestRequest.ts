import { z } from 'zod';
import { BasisError } from '../errors/base.js';
import type { ModeName, RunParams } from '../domain/params.js';
import { MODE_NAMES, isModeName } from '../modes/registry.js';
import { loadConfig, modeFlows, redactSecrets, resolveRunParams, type BasisConfig } from '../config/index.js';
import path from 'node:path';
import { PACKAGE_ROOT } from '../packageRoot.js';
import { openHistoricalData, parseTimestamp } from '../data/index.js';
import { preflight } from '../engine/preflight.js';
import { flowsFromConfig, validateFlows } from '../flows/schedule.js';
import type { BacktestRequest } from '../engine/backtest.js';
import { isoUtc } from '../kernel/clock.js';
import { modeDataWindow } from './dataWindow.js';

/** `POST /backtests` and `/backtests/validate`: what the wizard sends. Shapes here; values are checked by the config schema. */
export const backtestBodySchema = z
  .strictObject({
    mode: z.string().min(1).describe('strategy mode, e.g. btc_basis (GET /api/v1/modes lists them)'),
    start: z.string().min(1).optional().describe("first step (UTC ISO-8601); default: the mode's data window"),
    end: z.string().min(1).optional().describe('last step (UTC ISO-8601, inclusive)'),
    capital: z.number().positive().optional().describe('initial capital in share-class units (USDT or ETH)'),
    costs: z.boolean().optional().describe('false: fees, slippage and gas off'),
    strategy: z.record(z.string(), z.unknown()).optional().describe('partial override of modes.<mode>.strategy, validated by the config schema'),
    set: z.array(z.string().min(1)).max(200).optional().describe("'path=value' overrides, as the CLI's --set"),
    flows: z
      .array(z.strictObject({ at: z.string().min(1), amount: z.number() }))
      .max(1000)
      .optional()
      .describe('capital flows: + deposit, − withdrawal of the share-class token'),
    label: z.string().max(200).optional().describe('a name for the run'),
  })
  .describe('A backtest to validate or run');
export type BacktestBody = z.infer<typeof backtestBodySchema>;

const PREFLIGHT_WINDOW_MS = 86_400_000;

export interface ConfigDiffEntry {
  readonly path: string;
  readonly default: unknown;
  readonly value: unknown;
}

/** A body that passed every check the CLI makes before a run, and the request that runs it. */
export interface ValidatedBacktest {
  readonly mode: ModeName;
  readonly shareClass: string;
  readonly capital: number;
  readonly window: { readonly start: string; readonly end: string };
  /** The merged `modes.<mode>` section (secrets redacted). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly diff: readonly ConfigDiffEntry[];
  /** What runBacktest is called with (plain data: it crosses to a worker thread). */
  readonly request: BacktestRequest;
  /** The run's parameters from the merged config (what the stored record takes its mode, share class and capital from). */
  readonly params: RunParams;
  readonly label: string | null;
}

export interface ValidateOptions {
  readonly dataDir: string;
  readonly configDir?: string;
}

/** `{ a: { b: 1 } }` → `['a.b', 1]`; arrays and empty objects below the root are leaves. */
function leaves(v: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && (Object.keys(v).length > 0 || prefix === '')) {
    for (const [k, x] of Object.entries(v)) leaves(x, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, v);
  return out;
}

/** The strategy object as `--set` overrides, so it goes through the very code (and errors) of the CLI's --set. */
function strategyOverrides(mode: ModeName, strategy: Readonly<Record<string, unknown>>): string[] {
  return [...leaves(strategy, '', new Map())].map(([path, v]) => `modes.${mode}.strategy.${path}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
}

function parseTime(field: 'start' | 'end', text: string): number {
  const ms = parseTimestamp(text.trim());
  if (!Number.isFinite(ms)) {
    throw new BasisError('BT-001', `${field} is not a real UTC date: ${JSON.stringify(text)}`, {
      problems: [{ code: 'BT-001', path: field, message: 'invalid date', expected: 'a real calendar date, e.g. 2024-06-01, 2024-06-01T00:00Z or 2024-06-01T00:00:00Z', received: text }],
    });
  }
  return ms;
}

/** The differing leaves of two mode sections, paths relative to the section. */
export function configDiff(defaults: unknown, merged: unknown): ConfigDiffEntry[] {
  const a = leaves(defaults, '', new Map());
  const b = leaves(merged, '', new Map());
  const out: ConfigDiffEntry[] = [];
  for (const path of new Set([...a.keys(), ...b.keys()])) {
    const d = a.get(path);
    const v = b.get(path);
    if (JSON.stringify(d) !== JSON.stringify(v)) out.push({ path, default: d ?? null, value: v ?? null });
  }
  return out;
}

/**
 * Checks a body as `basis backtest` checks its flags before running anything: known mode, the config merged with
 * the body's overrides (`strategy` → `modes.<mode>.strategy.*`, `set`, `capital`) and validated by the one config
 * schema and its rules, the window inside the mode's data window, the flows inside the window and never larger
 * than the book, and the run's preflight (can the first step build the book: STRAT-004) on the data of its first
 * day. Throws the coded BasisError naming the field; returns what to store and run.
 */
export async function validateBacktestBody(body: BacktestBody, opts: ValidateOptions): Promise<ValidatedBacktest> {
  if (!isModeName(body.mode)) {
    throw new BasisError('CFG-006', `unknown strategy mode "${body.mode}"`, { problems: [{ code: 'CFG-006', path: 'mode', message: 'unknown mode', expected: MODE_NAMES.join(' | '), received: body.mode }] });
  }
  const mode = body.mode;
  const set = [...strategyOverrides(mode, body.strategy ?? {}), ...(body.set ?? [])];
  // runBacktest turns `capital` into this same override.
  const overrides = body.capital !== undefined ? [...set, `modes.${mode}.initialCapital=${body.capital}`] : set;
  const configDirOpt = opts.configDir !== undefined ? { configDir: opts.configDir } : {};
  const defaults = loadConfig({ ...configDirOpt, dataDir: opts.dataDir }).config;
  const config: BasisConfig = overrides.length > 0 ? loadConfig({ ...configDirOpt, overrides, dataDir: opts.dataDir }).config : defaults;
  const params = resolveRunParams(config, mode);

  const data = modeDataWindow(config, mode, opts.dataDir);
  if (data === null) {
    throw new BasisError('CFG-011', `no data window for ${mode} in ${opts.dataDir}`, { problems: [{ code: 'CFG-011', path: 'mode', message: 'the required series have no common coverage', expected: 'data files for every series the mode reads (GET /api/v1/modes/:mode/data-check)', received: opts.dataDir }] });
  }
  const section = config.modes[mode];
  const startText = body.start ?? section.start ?? isoUtc(data.startMs);
  const endText = body.end ?? section.end ?? isoUtc(data.endMs);
  const startMs = parseTime('start', startText);
  const endMs = parseTime('end', endText);
  const inside = `between ${isoUtc(data.startMs)} and ${isoUtc(data.endMs)} (the mode's data window)`;
  if (startMs < data.startMs || startMs >= data.endMs) {
    throw new BasisError('CFG-011', `start ${startText} lies outside the data of ${mode}`, { problems: [{ code: 'CFG-011', path: 'start', message: 'start outside the data', expected: inside, received: startText }] });
  }
  if (endMs > data.endMs || endMs <= data.startMs) {
    throw new BasisError('CFG-011', `end ${endText} lies outside the data of ${mode}`, { problems: [{ code: 'CFG-011', path: 'end', message: 'end outside the data', expected: inside, received: endText }] });
  }
  if (!(startMs < endMs)) {
    throw new BasisError('BT-001', 'start must be before end', { problems: [{ code: 'BT-001', path: 'start', message: 'empty range', expected: `< ${endText}`, received: startText }] });
  }
  const flows = [...flowsFromConfig(body.flows ?? [], 'flows'), ...flowsFromConfig(modeFlows(config, mode), `modes.${mode}.flows`)];
  validateFlows(flows, { startMs, endMs, initialCapital: params.mode.initialCapital, shareClass: params.mode.shareClass });
  // The preflight reads only the first step; a day of data is enough and loads in well under a second.
  const firstDay = await openHistoricalData({
    dataDir: opts.dataDir,
    requirements: params.mode.dataRequirements,
    policy: config.data,
    stepMinutes: params.engine.stepMinutes,
    fundingHoursUtc: params.engine.fundingHoursUtc,
    startMs,
    endMs: Math.min(endMs, startMs + PREFLIGHT_WINDOW_MS),
    cacheDir: config.paths.cacheDir === null ? null : path.resolve(PACKAGE_ROOT, config.paths.cacheDir),
  });
  preflight(params, firstDay, 0, body.costs !== false);

  const request: BacktestRequest = {
    mode,
    ...(body.start !== undefined ? { start: body.start } : {}),
    ...(body.end !== undefined ? { end: body.end } : {}),
    ...(body.capital !== undefined ? { capital: body.capital } : {}),
    ...(body.costs === false ? { costs: false } : {}),
    ...(set.length > 0 ? { set } : {}),
    ...(body.flows !== undefined && body.flows.length > 0 ? { flows: body.flows.map((f) => `${f.at}=${f.amount}`) } : {}),
    dataDir: opts.dataDir,
    ...configDirOpt,
  };
  const merged = redactSecrets(section) as unknown as Record<string, unknown>;
  return {
    mode,
    shareClass: params.mode.shareClass,
    capital: params.mode.initialCapital,
    window: { start: isoUtc(startMs), end: isoUtc(endMs) },
    config: merged,
    diff: configDiff(redactSecrets(defaults.modes[mode]), merged),
    request,
    params,
    label: body.label ?? null,
  };
}
