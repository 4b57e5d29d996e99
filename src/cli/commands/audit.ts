import { Command } from 'commander';
import { BasisError } from '../../errors/base.js';
import { verifyRun } from '../../events/audit.js';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('Check a run\'s audit trail.');
  audit
    .command('verify')
    .description('Replay events.jsonl from the initial capital; it must reproduce every balance, the final equity and the P&L in summary.json.')
    .argument('<run-dir>', 'a directory written by basis backtest --out')
    .action(async (runDir: string) => {
      const report = await verifyRun(runDir);
      if (!report.ok) {
        throw new BasisError('EVT-004', `audit failed: ${report.problems.length} problem(s) in ${runDir}`, { problems: report.problems });
      }
      process.stdout.write(`audit ok: ${report.events} events replayed; final equity ${report.finalEquity}, balance P&L ${report.balancePnl}\n`);
    });
}
