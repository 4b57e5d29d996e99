import { Command, CommanderError } from 'commander';
import { BasisError, formatError } from '../errors/base.js';
import { registerConfigCommands } from './commands/config.js';
import { registerDataCommands } from './commands/data.js';
import { registerBacktestCommand } from './commands/backtest.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerRunsCommands } from './commands/runs.js';
import { registerServeCommand } from './commands/serve.js';
import { packageVersion } from '../packageInfo.js';
import { redactUrlsIn } from '../config/redact.js';

export function buildProgram(): Command {
  const program = new Command('basis')
    .description('Basis: research and run crypto basis and yield strategies (AAVE v3, LST loops, perp funding).')
    .version(packageVersion())
    .option('--config-dir <dir>', 'config directory to use instead of the package configs/ (default: BASIS_CONFIG_DIR)')
    .option('--db <file|url>', 'results store: a SQLite file, or a postgres:// URL (default: DATABASE_URL, else BASIS_STORE, else var/basis.sqlite)')
    // Usage errors are printed by main() in the one coded format; commander's own copy is suppressed.
    .configureOutput({ outputError: () => undefined })
    .exitOverride();
  registerBacktestCommand(program);
  registerConfigCommands(program);
  registerDataCommands(program);
  registerAuditCommands(program);
  registerRunsCommands(program);
  registerServeCommand(program);
  return program;
}

/** The command a usage error belongs to, for the "see basis <command> --help" hint. */
function commandPath(program: Command, argv: readonly string[]): string {
  const names: string[] = [];
  let cmd: Command = program;
  for (const arg of argv.slice(2)) {
    const sub = cmd.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!sub) {
      if (arg.startsWith('-')) continue;
      break;
    }
    names.push(sub.name());
    cmd = sub;
  }
  return ['basis', ...names].join(' ');
}

/** commander's "error: unknown option '--x'\n(Did you mean --y?)" → one line without the "error:" prefix. */
export function usageError(err: CommanderError, where: string): BasisError {
  const text = err.message.replace(/^error:\s*/i, '').replace(/\s*\n\s*/g, ' ').trim();
  return new BasisError('CLI-001', `${text} (see ${where} --help)`);
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
      if (err.exitCode === 0) return 0;
      // A command group called without a subcommand: commander has printed its help; say why it stopped.
      const e = err.code === 'commander.help' ? new BasisError('CLI-001', `missing command (see ${commandPath(program, argv)} --help)`) : usageError(err, commandPath(program, argv));
      process.stderr.write(formatError(e) + '\n');
      return e.exitCode;
    }
    if (err instanceof BasisError) {
      // Last line of defence: no URL path, query or userinfo (where RPC keys live) reaches the terminal.
      process.stderr.write(redactUrlsIn(formatError(err)) + '\n');
      return err.exitCode;
    }
    throw err;
  }
}
