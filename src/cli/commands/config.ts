import type { Command } from 'commander';
import { BasisError } from '../../errors/base.js';
import type { ModeName } from '../../domain/params.js';
import { MODE_NAMES } from '../../modes/registry.js';
import type { LoadConfigOptions, LoadedConfig } from '../../config/index.js';

interface CommonOpts {
  env?: string;
  set?: string[];
  dataDir?: string;
  configDir?: string;
  deployDir?: string;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

function loadOptions(o: CommonOpts): LoadConfigOptions {
  return {
    ...(o.env !== undefined ? { env: o.env } : {}),
    ...(o.set ? { overrides: o.set } : {}),
    ...(o.dataDir !== undefined ? { dataDir: o.dataDir } : {}),
    ...(o.configDir !== undefined ? { configDir: o.configDir } : {}),
    ...(o.deployDir !== undefined ? { deployDir: o.deployDir } : {}),
  };
}

/** The global `basis --config-dir` (commander parses it wherever it appears) when the command has none of its own. */
export function withGlobalConfigDir<T extends { configDir?: string }>(o: T, cmd: Command): T {
  if (o.configDir !== undefined) return o;
  const global = (cmd.optsWithGlobals() as { configDir?: unknown }).configDir;
  return typeof global === 'string' ? { ...o, configDir: global } : o;
}

function checkMode(mode: string): ModeName {
  if (!(MODE_NAMES as readonly string[]).includes(mode)) {
    throw new BasisError('CFG-006', `unknown strategy mode "${mode}"`, {
      problems: [{ code: 'CFG-006', path: '--mode', message: `unknown strategy mode "${mode}"`, expected: MODE_NAMES.join(' | '), received: mode }],
    });
  }
  return mode as ModeName;
}

/** The part of the merged config one mode sees: its mode entry, its venues and share class, and the shared sections. */
export async function modeView(loaded: LoadedConfig, mode: ModeName): Promise<Record<string, unknown>> {
  const { redactSecrets } = await import('../../config/index.js');
  const c = loaded.config;
  const m = c.modes[mode];
  const venues = Object.fromEntries(Object.entries(c.venues).filter(([k]) => (m.venues as readonly string[]).includes(k)));
  const cex = Object.fromEntries(Object.entries(c.cex).filter(([k]) => (m.venues as readonly string[]).includes(k)));
  const shareClasses = Object.fromEntries(Object.entries(c.shareClasses).filter(([, s]) => s.shareClass === m.shareClass));
  return redactSecrets({
    engine: c.engine,
    logging: c.logging,
    paths: c.paths,
    data: c.data,
    costs: c.costs,
    aave: c.aave,
    cex,
    venues,
    shareClasses,
    modes: { [mode]: m },
    secrets: c.secrets,
  });
}

async function explainLines(loaded: LoadedConfig, view: Record<string, unknown>): Promise<string[]> {
  const { formatSource } = await import('../../config/index.js');
  const prefixes: string[] = [];
  for (const [section, v] of Object.entries(view)) {
    if (['cex', 'venues', 'shareClasses', 'modes'].includes(section)) {
      for (const k of Object.keys(v as object)) prefixes.push(`${section}.${k}`);
    } else prefixes.push(section);
  }
  const rows = prefixes.flatMap((p) => loaded.explain(p));
  const width = Math.min(72, Math.max(...rows.map((r) => r.path.length + 3 + JSON.stringify(r.value).length)));
  return rows.map((r) => {
    const left = `${r.path} = ${JSON.stringify(r.value)}`;
    return `${left.padEnd(width)}  # ${r.source.layer.padEnd(11)} ${formatSource(r.source)}`;
  });
}

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('Show and validate the layered configuration (configs/README.md).');

  config
    .command('show')
    .description('Print the merged config for one mode; secrets are redacted.')
    .requiredOption('--mode <mode>', `strategy mode (${MODE_NAMES.join(', ')})`)
    .option('--env <env>', 'environment: dev, staging or prod (default: BASIS_ENV, else dev)')
    .option('--explain', 'name, for every value, the layer and file:line it came from')
    .option('--json', 'print JSON instead of YAML')
    .option('--set <path=value>', 'override a value (repeatable)', collect)
    .option('--data-dir <dir>', 'check the mode window against this data directory')
    .option('--config-dir <dir>', 'config directory (default: the package configs/)')
    .option('--deploy-dir <dir>', 'directory of the .env files (default: the package deploy/)')
    .action(async (o: CommonOpts & { mode: string; explain?: boolean; json?: boolean }, cmd: Command) => {
      const mode = checkMode(o.mode);
      const { loadConfig } = await import('../../config/index.js');
      const loaded = loadConfig(loadOptions(withGlobalConfigDir(o, cmd)));
      const view = await modeView(loaded, mode);
      if (o.explain) {
        const lines = await explainLines(loaded, view);
        if (o.json) process.stdout.write(JSON.stringify({ env: loaded.env, mode, values: lines }, null, 2) + '\n');
        else process.stdout.write(`# env ${loaded.env}, mode ${mode}: value  # layer  source\n${lines.join('\n')}\n`);
        return;
      }
      if (o.json) process.stdout.write(JSON.stringify({ env: loaded.env, mode, ...view }, null, 2) + '\n');
      else {
        const { stringify } = await import('yaml');
        process.stdout.write(`# env ${loaded.env}, mode ${mode}\n` + stringify(view, { lineWidth: 120 }));
      }
    });

  config
    .command('validate')
    .description('Load and check every mode; exit non-zero on any problem.')
    .option('--env <env>', 'environment: dev, staging or prod (default: BASIS_ENV, else dev)')
    .option('--set <path=value>', 'override a value (repeatable)', collect)
    .option('--data-dir <dir>', 'also check each mode window against this data directory')
    .option('--config-dir <dir>', 'config directory (default: the package configs/)')
    .option('--deploy-dir <dir>', 'directory of the .env files (default: the package deploy/)')
    .action(async (o: CommonOpts, cmd: Command) => {
      const { loadConfig } = await import('../../config/index.js');
      const loaded = loadConfig(loadOptions(withGlobalConfigDir(o, cmd)));
      const modes = Object.keys(loaded.config.modes);
      process.stdout.write(`config ok: env ${loaded.env}, ${modes.length} modes valid (${modes.join(', ')})\n`);
    });
}
