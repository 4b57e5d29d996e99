import type { Command } from 'commander';
import { dataDirGuard, runBacktest, writeBacktestResults, writeBacktestRun } from '../../engine/backtest.js';
import { resolveDataDir } from '../../data/index.js';
import { BasisError } from '../../errors/base.js';
import { formatSummary, runTargetRules } from '../../report/index.js';
import { checkTarget } from '../../runs/guard.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerBacktestCommand(program: Command): void {
  program
    .command('backtest')
    .description('Run a strategy mode over the historical data and write summary, timeseries, events and an HTML report.')
    .requiredOption('--mode <mode>', 'pure_lending | btc_basis | eth_leveraged | usdt_market_neutral')
    .option('--start <iso>', 'first step (UTC); default: the mode\'s full data window')
    .option('--end <iso>', 'last step (UTC)')
    .option('--capital <amount>', 'initial capital in share-class units', Number)
    .option('--no-costs', 'turn fees, slippage and gas off (validation runs)')
    .option('--set <path=value>', 'override a config value (repeatable), e.g. --set modes.btc_basis.strategy.hedge.targetMarginRatio=1.5', collect, [])
    .option('--data-dir <dir>', 'data directory (default: BASIS_DATA_DIR, ./data, ../shared/data)')
    .option('--env <env>', 'config environment: dev | staging | prod (default BASIS_ENV or dev)')
    .option('--out <dir>', 'a new or empty directory for this run (default: a new <paths.resultsDir>/<mode>/<UTC stamp>-<id>/, linked from <mode>/latest)')
    .option('--force', 'with --out: replace an earlier Basis run there (kept until the new run is complete; refused if it holds other files)')
    .option('--json', 'print the summary as JSON instead of a table')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: { mode: string; start?: string; end?: string; capital?: number; costs: boolean; set: string[]; dataDir?: string; env?: string; out?: string; force?: boolean; json?: boolean; progress: boolean }) => {
      if (opts.force === true && opts.out === undefined) {
        throw new BasisError('CLI-001', '--force only applies with --out', { problems: [{ code: 'CLI-001', path: '--force', message: 'nothing to replace: without --out every run gets a new directory', expected: '--out DIR --force' }] });
      }
      // Refuse a bad --out before the run, not after it.
      if (opts.out !== undefined) checkTarget(opts.out, runTargetRules({ force: opts.force === true, protectedDirs: [dataDirGuard(resolveDataDir(opts.dataDir ?? null))] }));
      const out = await runBacktest({
        mode: opts.mode,
        ...(opts.start !== undefined ? { start: opts.start } : {}),
        ...(opts.end !== undefined ? { end: opts.end } : {}),
        ...(opts.capital !== undefined ? { capital: opts.capital } : {}),
        costs: opts.costs,
        set: opts.set,
        ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
        ...(opts.env !== undefined ? { env: opts.env } : {}),
        progress: opts.progress,
      });
      const written = opts.out !== undefined ? await writeBacktestResults(opts.out, out, { force: opts.force === true }) : await writeBacktestRun(out);
      process.stdout.write(opts.json ? JSON.stringify(out.summary, null, 2) + '\n' : formatSummary(out.summary) + '\n');
      const latest = 'latest' in written && written.latest !== null ? ` (${written.latest} points here)` : '';
      process.stdout.write(`results: ${written.dir}/{summary.json,config.json,timeseries.csv,events.jsonl,report.html}${latest}\n`);
    });
}
