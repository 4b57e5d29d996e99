import { Command, CommanderError } from 'commander';
import { BasisError, formatError } from '../errors/base.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDataCommands } from './commands/data.js';
import { registerBacktestCommand } from './commands/backtest.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerRunsCommands } from './commands/runs.js';

export function buildProgram(): Command {
  const program = new Command('basis')
    .description('Basis: research and run crypto basis and yield strategies (AAVE v3, LST loops, perp funding).')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerBacktestCommand(program);
  registerConfigCommands(program);
  registerDataCommands(program);
  registerAuditCommands(program);
  registerRunsCommands(program);
  return program;
}

let epipeHandled = false;

/** Runs the CLI; resolves to the process exit code. User errors print their code and problems, never a stack. */
export async function main(argv: readonly string[]): Promise<number> {
  if (!epipeHandled) {
    epipeHandled = true;
    // Piped into `head` or a closed pager: stop quietly instead of throwing EPIPE.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 64;
    }
    if (err instanceof BasisError) {
      process.stderr.write(formatError(err) + '\n');
      return err.exitCode;
    }
    throw err;
  }
}
