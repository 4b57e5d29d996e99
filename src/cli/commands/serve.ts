import path from 'node:path';
import type { Command } from 'commander';
import { BasisError } from '../../errors/base.js';
import type { StoreOptions } from '../../store/open.js';
import { storeOptionsOf } from './storeOptions.js';

interface ServeFlags {
  host: string;
  port: number;
  store?: string;
  workers?: number;
  queue?: number;
  dataDir?: string;
}

function integer(flag: string, min: number, max: number = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new BasisError('CLI-001', `${flag} must be an integer from ${min} to ${max}`, { problems: [{ code: 'CLI-001', path: flag, message: 'invalid number', expected: `an integer from ${min} to ${max}`, received: v }] });
    }
    return n;
  };
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve the HTTP API (/api/v1, docs at /docs, /health, /metrics) and the web app; backtests run on worker threads.')
    .option('--host <host>', 'interface to bind; any non-loopback host needs BASIS_API_TOKEN', '127.0.0.1')
    .option('--port <port>', 'TCP port (0: any free port)', integer('--port', 0, 65535), 8080)
    .option('--store <file>', 'SQLite results store (default: the global --db, else DATABASE_URL for PostgreSQL, else BASIS_STORE, else var/basis.sqlite)')
    .option('--workers <n>', 'worker threads for backtests (default: the cores)', integer('--workers', 1, 256))
    .option('--queue <n>', 'backtests that may wait for a worker; one more is refused with 429 (default 16)', integer('--queue', 0, 100_000))
    .option('--data-dir <dir>', 'data directory (default: BASIS_DATA_DIR, ./data, ../shared/data)')
    .action(async (flags: ServeFlags, cmd: Command) => {
      const [{ assertSafeBind }, { buildServer }, { openStore }, { resolveDataDir }] = await Promise.all([
        import('../../api/auth.js'),
        import('../../api/server.js'),
        import('../../store/open.js'),
        import('../../data/index.js'),
      ]);
      const token = process.env.BASIS_API_TOKEN ? process.env.BASIS_API_TOKEN : null;
      // Refused before anything is opened: a wrong bind must not touch the store.
      assertSafeBind(flags.host, token);
      const dataDir = resolveDataDir(flags.dataDir ?? null);
      // --store FILE, else the global --db FILE|URL, else DATABASE_URL / BASIS_STORE / var/basis.sqlite (openStore's defaults).
      const access: StoreOptions = flags.store !== undefined ? { file: path.resolve(flags.store) } : storeOptionsOf(cmd);
      const store = await openStore(access);
      const configDir = (cmd.optsWithGlobals() as { configDir?: string }).configDir;
      const server = await buildServer({
        store,
        storeAccess: access,
        host: flags.host,
        token,
        dataDir,
        ...(configDir !== undefined ? { configDir: path.resolve(configDir) } : {}),
        ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
        ...(flags.queue !== undefined ? { queue: flags.queue } : {}),
      });
      const address = await server.listen(flags.port);
      process.stdout.write(`basis serve: listening on ${address} (store: ${store.kind} ${store.location}; data: ${dataDir}; ${server.pool.threads} worker thread${server.pool.threads === 1 ? '' : 's'})\n`);
      process.stdout.write(`  web app ${address}/   API ${address}/api/v1   docs ${address}/docs\n`);
      const stop = (signal: string): void => {
        process.stdout.write(`basis serve: ${signal}, stopping\n`);
        server
          .close()
          .then(() => store.close())
          .then(
            () => process.exit(0),
            () => process.exit(1),
          );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
}
