import path from 'node:path';
import type { Command } from 'commander';
import type { BacktestOutput, BacktestRequest } from '../../engine/backtest.js';
import type { WrittenRun } from '../../report/writeResults.js';
import { storeOptionsOf } from './storeOptions.js';
import type { RecordedRun } from '../../engine/runRecord.js';
import type { RunSummary } from '../../report/types.js';
import { BasisError } from '../../errors/base.js';
import { checkTarget, type ProtectedDir } from '../../runs/guard.js';
import { MODE_NAMES } from '../../modes/registry.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface BacktestFlags {
  mode?: string;
  start?: string;
  end?: string;
  capital?: number;
  costs: boolean;
  set: string[];
  dataDir?: string;
  env?: string;
  out?: string;
  json?: boolean;
  progress: boolean;
  fromRun?: string;
  force?: boolean;
  flow: string[];
  flows?: string;
  store: boolean;
  label?: string;
}

/** Flags that would change what a --from-run run computes; refused so that the re-run is exactly the recorded one. */
const FROM_RUN_REFUSED: readonly [keyof BacktestFlags, string][] = [
  ['mode', '--mode'],
  ['start', '--start'],
  ['end', '--end'],
  ['capital', '--capital'],
  ['costs', '--no-costs'],
  ['set', '--set'],
  ['env', '--env'],
  ['flow', '--flow'],
  ['flows', '--flows'],
];

function warn(message: string): void {
  process.stderr.write(`warning: ${message}\n`);
}

/** The request that re-runs a recorded run: its mode, window, costs and full merged config (capital and every override included). */
async function fromRunRequest(dir: string, opts: BacktestFlags, cmd: Command): Promise<{ req: BacktestRequest; rec: RecordedRun }> {
  const given = FROM_RUN_REFUSED.filter(([k]) => cmd.getOptionValueSource(k) === 'cli').map(([, f]) => f);
  if ((cmd.optsWithGlobals() as { configDir?: string }).configDir !== undefined) given.push('--config-dir');
  if (given.length > 0) {
    const flags = given.join(', ');
    throw new BasisError('CLI-001', `--from-run re-runs the recorded run exactly; ${flags} cannot be combined with it`, {
      problems: [{ code: 'CLI-001', path: '--from-run', message: `${flags} would change the run`, expected: 'only --data-dir, --out, --force, --json, --no-progress with --from-run', received: flags }],
    });
  }
  const { currentBuild, readRecordedRun } = await import('../../engine/runRecord.js');
  const rec = readRecordedRun(dir);
  const build = currentBuild();
  if (rec.run.version !== build.version) warn(`the run was made by basis ${rec.run.version}; this is ${build.version}: results may differ`);
  else if (rec.run.commit !== build.commit && rec.run.commit !== 'unknown' && build.commit !== 'unknown') warn(`the run was made at commit ${rec.run.commit.slice(0, 12)}; this is ${build.commit.slice(0, 12)}: results may differ`);
  if (opts.dataDir !== undefined && path.resolve(opts.dataDir) !== rec.run.dataDir) warn(`reading data from ${path.resolve(opts.dataDir)} instead of the recorded ${rec.run.dataDir}`);
  const req: BacktestRequest = {
    mode: rec.mode,
    ...(rec.run.request.start !== null ? { start: rec.run.request.start } : {}),
    ...(rec.run.request.end !== null ? { end: rec.run.request.end } : {}),
    costs: rec.run.costs,
    // The flows the run applied, as recorded (a flows file is not read again); those of the mode config come with it.
    ...(rec.run.flows !== undefined ? { flows: rec.run.flows.filter((f) => !f.source.startsWith('modes.')).map((f) => `${f.at}=${f.amount}`) } : {}),
    dataDir: opts.dataDir ?? rec.run.dataDir,
    config: rec.config,
    configEnv: rec.run.env,
    progress: opts.progress,
  };
  return { req, rec };
}

const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** What the user waited for, whole and in parts; the parts add up to the wall time but for argument checks and printing. */
function timeLine(startupMs: number, codeMs: number, t: RunSummary['timing'], outputsMs: number): string {
  const engineMs = t.backtestMs - t.configMs - t.dataMs;
  const wallMs = performance.now();
  return (
    `time: ${sec(wallMs)} wall = start-up ${sec(startupMs)} + loading the engine ${sec(codeMs)} + config ${sec(t.configMs)} + data ${sec(t.dataMs)} + ` +
    `engine ${sec(engineMs)} + outputs ${sec(outputsMs)}\n`
  );
}

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description('Run a strategy mode over the historical data and write summary, timeseries, events and an HTML report.')
    .option('--mode <mode>', `${MODE_NAMES.join(' | ')} (required unless --from-run)`)
    .option('--start <iso>', "first step (UTC); default: the mode's full data window. Accepts 2024-06-01, 2024-06-01T00:00Z, 2024-06-01T00:00:00Z, +00:00")
    .option('--end <iso>', 'last step (UTC, inclusive: the run ends AT this instant); a bare date means 00:00Z of that day, so --end 2024-03-01 runs through 2024-03-01 00:00Z and no later')
    .option('--capital <amount>', 'initial capital in share-class units', Number)
    .option('--no-costs', 'turn fees, slippage and gas off (validation runs)')
    .option('--set <path=value>', 'override a config value (repeatable), e.g. --set modes.btc_basis.strategy.hedge.targetMarginRatio=1.5', collect, [])
    .option('--flow <time=amount>', 'a deposit (+) or withdrawal (−) of the share-class token at a UTC time (repeatable), e.g. --flow 2024-09-01T00:00:00Z=+500000 --flow 2025-02-01=-300000; applied at the first step at or after that time', collect, [])
    .option('--flows <file.csv>', 'capital flows from a CSV with columns timestamp,amount (one flow per row)')
    .option('--data-dir <dir>', 'data directory (default: BASIS_DATA_DIR, ./data, ../shared/data)')
    .option('--env <env>', 'config environment: dev | staging | prod (default BASIS_ENV or dev)')
    .option('--out <dir>', 'a new or empty directory for this run (default: a new <paths.resultsDir>/<mode>/<UTC stamp>-<id>/, linked from <mode>/latest)')
    .option('--force', 'with --out: replace an earlier Basis run there (kept until the new run is complete; refused if it holds other files)')
    .option(
      '--from-run <dir>',
      "re-run a run from its own directory (its config.json: mode, window, capital, costs, every override and the full merged config). Warns when the data or the Basis version differ. Only --data-dir (warned), --out, --force, --json and --no-progress may be combined with it; --mode, --start, --end, --capital, --no-costs, --set, --env and --config-dir are refused",
    )
    .option('--label <text>', 'a name for the run in the results store (basis runs list, the web app)')
    .option('--no-store', 'do not record the run in the results store (BASIS_STORE, DATABASE_URL or var/basis.sqlite); only its directory is written')
    .option('--json', 'print the summary as JSON on stdout (nothing else goes to stdout)')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: BacktestFlags, cmd: Command) => {
      // performance.now() counts from process start: everything before this line is Node's and the CLI's start-up.
      const startupMs = performance.now();
      if (opts.force === true && opts.out === undefined) {
        throw new BasisError('CLI-001', '--force only applies with --out', { problems: [{ code: 'CLI-001', path: '--force', message: 'nothing to replace: without --out every run gets a new directory', expected: '--out DIR --force' }] });
      }
      const configDir = (cmd.optsWithGlobals() as { configDir?: string }).configDir;
      let req: BacktestRequest;
      let recorded: RecordedRun | undefined;
      if (opts.fromRun !== undefined) ({ req, rec: recorded } = await fromRunRequest(opts.fromRun, opts, cmd));
      else {
        if (opts.mode === undefined) throw new BasisError('CLI-001', "required option '--mode <mode>' not specified (see basis backtest --help)");
        req = {
          mode: opts.mode,
          ...(opts.start !== undefined ? { start: opts.start } : {}),
          ...(opts.end !== undefined ? { end: opts.end } : {}),
          ...(opts.capital !== undefined ? { capital: opts.capital } : {}),
          costs: opts.costs,
          set: opts.set,
          ...(opts.flow.length > 0 ? { flows: opts.flow } : {}),
          ...(opts.flows !== undefined ? { flowsFile: opts.flows } : {}),
          ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
          ...(opts.env !== undefined ? { env: opts.env } : {}),
          ...(configDir !== undefined ? { configDir } : {}),
          progress: opts.progress,
        };
      }
      // The engine, the data loader and the report load only when a backtest runs, so every other command starts fast.
      const [{ dataDirGuard, runBacktest, writeBacktestResults, writeBacktestRun }, { resolveDataDir }, { formatSummary, runTargetRules }] = await Promise.all([
        import('../../engine/backtest.js'),
        import('../../data/dataDir.js'),
        import('../../report/index.js'),
      ]);
      const codeMs = performance.now() - startupMs;
      const protectedDirs: ProtectedDir[] = configDir !== undefined ? [{ path: path.resolve(configDir), what: 'the config directory (--config-dir)', inside: true }] : [];
      // Refuse a bad --out before the run, not after it.
      if (opts.out !== undefined) checkTarget(opts.out, runTargetRules({ force: opts.force === true, protectedDirs: [dataDirGuard(resolveDataDir(req.dataDir ?? null)), ...protectedDirs] }));
      const tRun = performance.now();
      let out: BacktestOutput;
      let written: WrittenRun & { latest?: string | null };
      let runId: string | null = null;
      if (opts.store) {
        const { openStore } = await import('../../store/open.js');
        const { runStoredBacktest } = await import('../../jobs/backtestJob.js');
        const store = await openStore(storeOptionsOf(cmd));
        try {
          ({ id: runId, out, written } = await runStoredBacktest(store, req, {
            source: 'cli',
            label: opts.label ?? null,
            ...(opts.out !== undefined ? { outDir: opts.out } : {}),
            write: { force: opts.force === true, protectedDirs },
          }));
        } finally {
          await store.close();
        }
      } else {
        out = await runBacktest(req);
        written = opts.out !== undefined ? await writeBacktestResults(opts.out, out, { force: opts.force === true, protectedDirs }) : await writeBacktestRun(out, { protectedDirs });
      }
      if (recorded !== undefined && recorded.run.data.fingerprint !== out.run.data.fingerprint) {
        warn(`the data differ from the recorded run's (fingerprint ${recorded.run.data.fingerprint.slice(0, 12)} → ${out.run.data.fingerprint.slice(0, 12)}): results may differ`);
      }
      const latest = 'latest' in written && written.latest !== null ? ` (${written.latest} points here)` : '';
      const time = timeLine(startupMs, codeMs, out.summary.timing, performance.now() - tRun - out.summary.timing.backtestMs);
      const where = `results: ${written.dir}/{summary.json,config.json,timeseries.csv,events.jsonl,report.html}${latest}\n${runId !== null ? `stored: run ${runId} (basis runs show ${runId})\n` : ''}`;
      if (opts.json) {
        // stdout carries only the JSON document so it can be piped into a parser; the rest goes to stderr.
        process.stdout.write(JSON.stringify(out.summary, null, 2) + '\n');
        process.stderr.write(where + time);
      } else {
        process.stdout.write(formatSummary(out.summary) + '\n');
        process.stdout.write(where + time);
      }
    });
}
