import path from 'node:path';
import type { Command } from 'commander';
import { runBacktest, writeBacktestResults } from '../../engine/backtest.js';
import { formatSummary } from '../../report/index.js';

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
    .option('--out <dir>', 'directory to write results into, replaced atomically (default: <paths.resultsDir>/<mode>)')
    .option('--json', 'print the summary as JSON instead of a table')
    .option('--no-progress', 'no progress bar')
    .action(async (opts: { mode: string; start?: string; end?: string; capital?: number; costs: boolean; set: string[]; dataDir?: string; env?: string; out?: string; json?: boolean; progress: boolean }) => {
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
      const outDir = path.resolve(opts.out ?? path.join(out.resultsDir, opts.mode));
      await writeBacktestResults(outDir, out);
      process.stdout.write(opts.json ? JSON.stringify(out.summary, null, 2) + '\n' : formatSummary(out.summary) + '\n');
      process.stdout.write(`results: ${outDir}/{summary.json,config.json,timeseries.csv,events.jsonl,report.html}\n`);
    });
}
