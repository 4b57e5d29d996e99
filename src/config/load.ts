import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { z } from 'zod';
import { BasisError, type Problem } from '../errors/base.js';
import { internStrings } from './intern.js';
import type { ModeName } from '../domain/params.js';
import { MODE_NAMES } from '../modes/registry.js';
import { CEX_VENUES, isCexVenue, type CexVenue } from '../domain/venues.js';
import { dataPolicySchema } from '../data/policy.js';
import { checkDateRange } from './dataRange.js';
import { isPlainObject, TrackedTree, typeName, type PlainObject } from './merge.js';
import { applyDotenvFile, applyEnvOverrides, applySetOverrides } from './overrides.js';
import { lineOf, parseConfigFile, type ParsedFile } from './parseFile.js';
import { isSecretPath, redactSecrets, REDACTED } from './redact.js';
import { checkRules, type RuleInput } from './rules.js';
import {
  aaveSchema,
  basisConfigSchema,
  cexVenueParamsSchema,
  modeConfigSchema,
  shareClassFileSchema,
  venueFileSchema,
  type BasisConfig,
  type ModeConfig,
  type ShareClassFile,
  type VenueFile,
} from './schema.js';
import { pathKey, whereOf, type ExplainedValue, type LayerName, type PathSeg, type ValueSource } from './sources.js';
import { PACKAGE_ROOT } from '../packageRoot.js';

/*
 * Layer precedence, lowest → highest (a higher layer overrides a lower one, key by key):
 *   1. configs/default.json              base settings (engine, logging, paths, data policy, costs, secrets = null)
 *   2. configs/<env>.json                 dev | staging | prod, from --env, else BASIS_ENV, else dev
 *   3. configs/share_classes/<c>.yaml     → shareClasses.<c>
 *   4. configs/venues/<v>.yaml            → venues.<v> {venue, kind, instruments}; the rest → aave (aave_v3) / cex.<v>
 *   5. configs/modes/<m>.yaml             → modes.<m>
 *   6. configs/local.json                 optional, git-ignored developer overrides
 *   7. --set path=value                   command-line overrides
 *   8. BASIS__SECTION__KEY=value          process environment
 *   9. deploy/.env, deploy/.env.<env>     dotenv files (secrets); parsed, never injected into process.env
 */

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

export { PACKAGE_ROOT };

export interface LoadConfigOptions {
  /** Default: $BASIS_CONFIG_DIR, else <package root>/configs. */
  configDir?: string;
  /** Else BASIS_ENV, else 'dev'. */
  env?: string;
  /** Default: process.env. */
  environ?: Record<string, string | undefined>;
  /** Default: <package root>/deploy. */
  deployDir?: string;
  /** "path=value" overrides (the --set layer). */
  overrides?: readonly string[];
  /** Data directory for the date-range rule; undefined: config paths.dataDir; null: skip the rule. */
  dataDir?: string | null;
}

export interface LoadedConfig {
  readonly env: EnvironmentName;
  readonly config: BasisConfig;
  /** Every value (arrays as one value) under `path` (default: all), with its source; secrets redacted. */
  explain(path?: string): ExplainedValue[];
  /** Source of the value (or object) at a dotted path. */
  sourceOf(path: string): ValueSource | undefined;
}

const VENUE_META_KEYS = new Set(['venue', 'kind', 'instruments']);
const PLACEHOLDER = /^(your[_-]|<.*>$|change[_-]?me|x{3,}$|todo$|placeholder|0x\.\.\.|\.\.\.$)/i;

function display(base: string, abs: string): string {
  return relative(base, abs).split(sep).join('/');
}

function listYaml(dir: string, displayBase: string, problems: Problem[]): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort();
  } catch (err) {
    const missing = (err as { code?: unknown }).code === 'ENOENT';
    problems.push({ code: missing ? 'CFG-003' : 'CFG-001', file: display(displayBase, dir), message: missing ? 'config directory is missing' : `config directory could not be read: ${String(err)}` });
    return [];
  }
}

function sourceFn(layer: LayerName, parsed: ParsedFile, from: readonly PathSeg[] = []): (rel: readonly PathSeg[]) => ValueSource {
  return (rel) => {
    const line = lineOf(parsed, [...from, ...rel]);
    return line === undefined ? { layer, file: parsed.file } : { layer, file: parsed.file, line };
  };
}

function pick(obj: PlainObject, keep: (k: string) => boolean): PlainObject {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => keep(k)));
}

/** Reads every layer into one tracked tree. */
function readLayers(configDir: string, deployDir: string, env: EnvironmentName | undefined, opts: LoadConfigOptions, problems: Problem[]): TrackedTree {
  const tree = new TrackedTree();
  const base = dirname(configDir);
  const applyFile = (layer: LayerName, parsed: ParsedFile | null | undefined, at: readonly PathSeg[] = []): void => {
    if (parsed) tree.apply(at, parsed.value, sourceFn(layer, parsed), problems);
  };
  const file = (name: string, required: boolean): ParsedFile | null | undefined =>
    parseConfigFile(join(configDir, name), display(base, join(configDir, name)), required, problems);

  applyFile('default', file('default.json', true));
  if (env !== undefined) applyFile('env', file(`${env}.json`, true));

  for (const f of listYaml(join(configDir, 'share_classes'), base, problems)) {
    applyFile('share_class', file(`share_classes/${f}`, true), ['shareClasses', basename(f, extname(f))]);
  }
  for (const f of listYaml(join(configDir, 'venues'), base, problems)) {
    const parsed = file(`venues/${f}`, true);
    if (!parsed) continue;
    const stem = basename(f, extname(f));
    const src = sourceFn('venue', parsed);
    const target: PathSeg[] | undefined = stem === 'aave_v3' ? ['aave'] : isCexVenue(stem) ? ['cex', stem] : undefined;
    if (target === undefined) {
      tree.apply(['venues', stem], parsed.value, src, problems);
      continue;
    }
    tree.apply(['venues', stem], pick(parsed.value, (k) => VENUE_META_KEYS.has(k)), src, problems);
    const params = pick(parsed.value, (k) => !VENUE_META_KEYS.has(k) || (k === 'venue' && target[0] === 'cex'));
    tree.apply(target, params, src, problems);
  }
  const modeFiles = listYaml(join(configDir, 'modes'), base, problems);
  for (const f of modeFiles) {
    applyFile('mode', file(`modes/${f}`, true), ['modes', basename(f, extname(f))]);
  }
  // Every known mode needs its file; without this check its absence surfaces as a vague schema error.
  const stems = new Set(modeFiles.map((f) => basename(f, extname(f))));
  for (const m of MODE_NAMES) {
    if (!stems.has(m)) problems.push({ code: 'CFG-003', file: display(base, join(configDir, 'modes', `${m}.yaml`)), path: `modes.${m}`, message: `mode file for ${m} is missing`, expected: 'a file at this path' });
  }
  applyFile('local', file('local.json', false));

  // Overrides resolve against the merged files, so they are applied only when the files merged cleanly.
  if (problems.length === 0) {
    applySetOverrides(tree, opts.overrides ?? [], problems);
    applyEnvOverrides(tree, opts.environ ?? process.env, problems);
    const deployBase = dirname(deployDir);
    for (const name of ['.env', ...(env ? [`.env.${env}`] : [])]) {
      const abs = join(deployDir, name);
      applyDotenvFile(tree, abs, display(deployBase, abs), problems);
    }
  }
  return tree;
}

function describe(v: unknown, path: readonly PathSeg[]): string {
  if (v === undefined) return 'nothing (missing)';
  if (isSecretPath(path) && v !== null) return REDACTED;
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

type Issue = z.core.$ZodIssue;

function issueExpected(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'too_small':
      return `${issue.origin === 'array' ? 'length ' : ''}${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return `${issue.origin === 'array' ? 'length ' : ''}${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'invalid_value':
      return issue.values.map((v) => JSON.stringify(v)).join(' | ');
    case 'invalid_format':
      return issue.format === 'regex' ? issue.message : issue.format;
    case 'not_multiple_of':
      return `a multiple of ${String(issue.divisor)}`;
    case 'unrecognized_keys':
      return 'no such key';
    case 'custom':
      return typeof issue.params?.expected === 'string' ? issue.params.expected : issue.message;
    case 'invalid_union':
      return 'options' in issue && issue.options ? issue.options.map((o) => JSON.stringify(o)).join(' | ') : 'one of the allowed shapes';
    default:
      return issue.message;
  }
}

/** zod issues → problems located in the layer that supplied the value. */
function issuesToProblems(issues: readonly Issue[], tree: TrackedTree, at: readonly PathSeg[] = []): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const path = [...at, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const p = [...path, key];
        out.push({ code: 'CFG-005', ...whereOf(tree.sourceOf(p)), path: pathKey(p), message: `unknown key "${key}"`, expected: 'no such key (a typo? see configs/README.md)', received: describe(tree.get(p), p) });
      }
      continue;
    }
    if (issue.code === 'invalid_union' && issue.discriminator !== undefined && path[path.length - 1] !== issue.discriminator) path.push(issue.discriminator);
    const value = tree.get(path);
    out.push({
      code: 'CFG-005',
      ...whereOf(tree.sourceOf(path)),
      path: pathKey(path),
      message: issue.message,
      ...(issueExpected(issue) !== undefined ? { expected: issueExpected(issue) } : {}),
      received: value === undefined ? 'nothing (missing)' : issue.code === 'invalid_type' && value !== null ? `${typeName(value)} ${describe(value, path)}` : describe(value, path),
    });
  }
  return out;
}

function fail(problems: Problem[]): never {
  const codes = [...new Set(problems.map((p) => p.code))];
  const first = problems[0]?.code ?? 'CFG-005';
  throw new BasisError(first, `configuration invalid: ${problems.length} problem${problems.length === 1 ? '' : 's'} (${codes.join(', ')})`, { problems });
}

function parsedPart<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  const r = schema.safeParse(value);
  return r.success ? r.data : undefined;
}

/**
 * Loads, merges and validates the configuration. Synchronous; throws a BasisError listing every problem
 * (file, line, path, expected, found) when anything is wrong.
 */
export function loadConfig(opts: LoadConfigOptions = {}): LoadedConfig {
  const environ = opts.environ ?? process.env;
  const configDir = resolve(opts.configDir ?? (environ.BASIS_CONFIG_DIR || join(PACKAGE_ROOT, 'configs')));
  const deployDir = resolve(opts.deployDir ?? join(PACKAGE_ROOT, 'deploy'));
  const problems: Problem[] = [];

  const requested = opts.env ?? environ.BASIS_ENV ?? 'dev';
  let env: EnvironmentName | undefined;
  if ((ENVIRONMENTS as readonly string[]).includes(requested)) env = requested as EnvironmentName;
  else {
    problems.push({
      code: 'CFG-009',
      file: opts.env !== undefined ? '--env' : '$BASIS_ENV',
      message: `unknown environment "${requested}"`,
      expected: ENVIRONMENTS.join(' | '),
      received: requested,
    });
  }
  try {
    if (!statSync(configDir).isDirectory()) throw new Error('not a directory');
  } catch {
    fail([{ code: 'CFG-003', file: configDir, message: 'config directory not found', expected: 'a directory holding default.json' }]);
  }

  const tree = readLayers(configDir, deployDir, env, { ...opts, environ }, problems);
  if (problems.length > 0) fail(problems);

  const root = tree.root;
  const result = basisConfigSchema.safeParse(root);
  if (!result.success) problems.push(...issuesToProblems(result.error.issues, tree));

  // Placeholders are not secrets (CFG-002): a value was meant to be supplied and was not.
  const secrets = root.secrets;
  if (isPlainObject(secrets)) {
    for (const [group, fields] of Object.entries(secrets)) {
      if (!isPlainObject(fields)) continue;
      for (const [k, v] of Object.entries(fields)) {
        if (typeof v === 'string' && PLACEHOLDER.test(v.trim())) {
          const p = ['secrets', group, k];
          problems.push({
            code: 'CFG-002',
            ...whereOf(tree.sourceOf(p)),
            path: pathKey(p),
            message: `secret ${group}.${k} is a placeholder; set BASIS__SECRETS__${group.toUpperCase()}__${k.toUpperCase()} (deploy/.env) or leave it null`,
            expected: 'a real value or null',
            received: 'a placeholder',
          });
        }
      }
    }
  }

  // Cross-field rules on every section that parsed on its own.
  const locate = (p: readonly PathSeg[]): { file?: string; line?: number } => whereOf(tree.sourceOf(p));
  const sectionOf = (k: string): unknown => root[k];
  const cexRaw = sectionOf('cex');
  const cex: Partial<Record<CexVenue, z.infer<typeof cexVenueParamsSchema>>> = {};
  if (isPlainObject(cexRaw)) {
    for (const v of CEX_VENUES) {
      const p = parsedPart(cexVenueParamsSchema, cexRaw[v]);
      if (p) cex[v] = p;
    }
  }
  const modesRaw = sectionOf('modes');
  const modes: Partial<Record<ModeName, ModeConfig>> = {};
  if (isPlainObject(modesRaw)) {
    for (const m of MODE_NAMES) {
      const p = parsedPart(modeConfigSchema, modesRaw[m]);
      if (p) modes[m] = p;
    }
  }
  const record = <T>(schema: z.ZodType<T>, raw: unknown): Record<string, T> | undefined => {
    if (!isPlainObject(raw)) return undefined;
    const out: Record<string, T> = {};
    for (const [k, v] of Object.entries(raw)) {
      const p = parsedPart(schema, v);
      if (p === undefined) return undefined;
      out[k] = p;
    }
    return out;
  };
  const data = parsedPart(dataPolicySchema, sectionOf('data'));
  const aave = parsedPart(aaveSchema, sectionOf('aave'));
  const ruleInput: RuleInput = {
    cex,
    modes,
    locate,
    ...(aave ? { aave } : {}),
    ...(data ? { data } : {}),
  };
  const venues: Record<string, VenueFile> | undefined = record(venueFileSchema, sectionOf('venues'));
  const shareClasses: Record<string, ShareClassFile> | undefined = record(shareClassFileSchema, sectionOf('shareClasses'));
  problems.push(...checkRules({ ...ruleInput, ...(venues ? { venues } : {}), ...(shareClasses ? { shareClasses } : {}) }));

  // The window must lie inside the data (when a data directory is known).
  const paths = sectionOf('paths');
  const configuredDataDir = isPlainObject(paths) && typeof paths.dataDir === 'string' ? paths.dataDir : null;
  const dataDir = opts.dataDir === undefined ? configuredDataDir : opts.dataDir;
  if (dataDir !== null && data) {
    const abs = isAbsolute(dataDir) ? dataDir : resolve(PACKAGE_ROOT, dataDir);
    problems.push(...checkDateRange(abs, modes, data, locate));
  }

  if (problems.length > 0 || !result.success) fail(problems);
  const config = internStrings(result.data);
  const resolvedEnv = env as EnvironmentName;

  return {
    env: resolvedEnv,
    config,
    explain(path?: string): ExplainedValue[] {
      const out: ExplainedValue[] = [];
      const walk = (v: unknown, p: PathSeg[]): void => {
        if (isPlainObject(v) && Object.keys(v).length > 0) {
          for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
          return;
        }
        const key = pathKey(p);
        const source = tree.sourceOf(p);
        if (source) out.push({ path: key, value: isSecretPath(p) ? redactSecrets({ secret: v }).secret : v, source });
      };
      const start: PathSeg[] = path ? path.split('.') : [];
      walk(start.length ? tree.get(start) : config, start);
      return out;
    },
    sourceOf(path: string): ValueSource | undefined {
      return tree.sources.get(path);
    },
  };
}
