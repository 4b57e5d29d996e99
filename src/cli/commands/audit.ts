import { Command } from 'commander';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('Check a run\'s audit trail.');
  audit
    .command('verify')
    .description(
      'Check a run directory against itself: file hashes recorded in summary.json, the events.jsonl hash chain, order and window, ' +
        'a replay of every balance from the initial capital to the final equity, funding and perp trades recomputed from their marks, ' +
        'and the summary\'s metrics recomputed from timeseries.csv; with --public-key, the summary\'s Ed25519 signature.',
    )
    .argument('<run-dir>', 'a directory written by basis backtest')
    .option('--public-key <file>', 'Ed25519 public key (SPKI PEM or base64 DER) the summary must be signed with')
    .action(async (runDir: string, opts: { publicKey?: string }) => {
      const [{ auditError, verifyRun }, { readPublicKey }] = await Promise.all([import('../../events/audit.js'), import('../../events/signing.js')]);
      const publicKey = opts.publicKey !== undefined ? readPublicKey(opts.publicKey) : undefined;
      const report = await verifyRun(runDir, publicKey ? { publicKey } : {});
      if (!report.ok) throw auditError(runDir, report);
      const sig = report.signature === 'verified' ? 'signature verified' : report.signature === 'unchecked' ? 'signed, signature not checked (no --public-key)' : 'not signed';
      process.stdout.write(
        `audit ok: ${report.events} events replayed, ${report.recomputed} recomputed from their marks; file hashes, chain and metrics match; ${sig}; ` +
          `final equity ${report.finalEquity}, balance P&L ${report.balancePnl}\n`,
      );
    });
}
