import type { Command } from 'commander';
import type { ModeName } from '../../domain/params.js';
import { MODE_NAMES } from '../../modes/registry.js';
import type { DataCheckReport } from '../../data/index.js';
import { parseTimestamp } from '../../data/csv.js';
import { BasisError } from '../../errors/base.js';
import { registerDataToolCommands } from './dataTools.js';
import { withGlobalConfigDir } from './config.js';

function parseTime(flag: string, value: string | null | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = parseTimestamp(value.trim());
  if (!Number.isFinite(ms)) {
    throw new BasisError('CLI-001', `${flag} ${value} is not a UTC date`, {
      problems: [{ code: 'CLI-001', message: `bad ${flag}`, expected: 'YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ', received: value }],
    });
  }
  return ms;
}

interface CheckFlags {
  mode?: string;
  start?: string;
  end?: string;
  dataDir?: string;
  env?: string;
  json?: boolean;
  allFiles?: boolean;
  /** Default: BASIS_CONFIG_DIR, else the package configs/. */
  configDir?: string;
}

/** `basis data check`: coverage and data-quality report per mode; exit 65 when any problem is unhandled. */
export async function runDataCheck(flags: CheckFlags): Promise<{ reports: DataCheckReport[]; exitCode: number }> {
  const [{ loadConfig, modeWindow, resolveRunParams }, { checkData, resolveDataDir }] = await Promise.all([import('../../config/index.js'), import('../../data/index.js')]);
  const dataDir = resolveDataDir(flags.dataDir ?? null);
  const { config } = loadConfig({ dataDir, ...(flags.env !== undefined ? { env: flags.env } : {}), ...(flags.configDir !== undefined ? { configDir: flags.configDir } : {}) });
  const modes: ModeName[] = flags.mode !== undefined ? [flags.mode as ModeName] : [...MODE_NAMES];
  const reports: DataCheckReport[] = [];
  for (const [i, mode] of modes.entries()) {
    const params = resolveRunParams(config, mode);
    const win = modeWindow(config, mode);
    const startMs = parseTime('--start', flags.start ?? win.start);
    const endMs = parseTime('--end', flags.end ?? win.end);
    const report = await checkData({
      dataDir,
      requirements: params.mode.dataRequirements,
      policy: config.data,
      stepMinutes: config.engine.stepMinutes,
      fundingHoursUtc: config.engine.fundingHoursUtc,
      ...(startMs !== undefined ? { startMs } : {}),
      ...(endMs !== undefined ? { endMs } : {}),
      // Every other file in the directory is parsed once, with the first mode checked.
      allFiles: i === 0 && (flags.allFiles === true || flags.mode === undefined),
      // What a backtest of this mode reads besides the timeline, checked by the same loaders.
      rewards: params.capabilities.publishedRewards,
      benchmark: params.mode.shareClass === 'USDT',
    });
    reports.push({ ...report, mode });
  }
  return { reports, exitCode: reports.every((r) => r.ok) ? 0 : 65 };
}

export function registerDataCommands(program: Command): void {
  const data = program.commands.find((c) => c.name() === 'data') ?? program.command('data').description('Check, generate (synthetic) and download market data.');
  registerDataToolCommands(data);
  data
    .command('check')
    .description('Report coverage, gaps, duplicates, bad values, jumps, stale and interpolated series per mode; exit 65 on any unhandled problem.')
    .option('--mode <mode>', `one mode (${MODE_NAMES.join(' | ')}); default: every mode, plus every file in the directory`)
    .option('--start <iso>', "first step (UTC); default: the mode's window or the data's common coverage")
    .option('--end <iso>', 'last step (UTC)')
    .option('--data-dir <dir>', 'data directory (default: BASIS_DATA_DIR, ./data, ../shared/data)')
    .option('--env <env>', 'config environment: dev | staging | prod (default BASIS_ENV or dev)')
    .option('--all-files', 'also parse every CSV/JSON in the data directory')
    .option('--json', 'print the reports as JSON')
    .action(async (flags: CheckFlags, cmd: Command) => {
      const { reports, exitCode } = await runDataCheck(withGlobalConfigDir(flags, cmd));
      const { formatDataCheck } = await import('../../data/report.js');
      if (flags.json) process.stdout.write(JSON.stringify(flags.mode !== undefined ? reports[0] : reports, null, 2) + '\n');
      else process.stdout.write(reports.map(formatDataCheck).join('\n\n') + '\n');
      // The report is on stdout; scripts and logs get the one-line coded error every failing command prints.
      const first = reports.flatMap((r) => r.issues.filter((i) => !i.handled).map((i) => ({ mode: r.mode, issue: i })))[0];
      if (first !== undefined) {
        const count = reports.reduce((n, r) => n + r.issues.filter((i) => !i.handled).length, 0);
        const where = [first.issue.file, first.issue.line !== undefined ? `line ${first.issue.line}` : undefined, first.issue.column !== undefined ? `col ${first.issue.column}` : undefined].filter((x) => x !== undefined).join(':');
        process.stderr.write(`error ${first.issue.code ?? 'DPR-005'}: data check found ${count} unhandled problem${count === 1 ? '' : 's'}; first${first.mode ? ` (mode ${first.mode})` : ''}: ${where ? `${where} ` : ''}${first.issue.message}\n`);
      }
      process.exitCode = exitCode;
    });
}
