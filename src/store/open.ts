import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { BasisError } from '../errors/base.js';
import { PACKAGE_ROOT } from '../packageRoot.js';
import type { StoreDatabase } from './schema.js';
import { SqlRunStore } from './sqlStore.js';
import type { RunStore } from './types.js';

export interface StoreOptions {
  /** A PostgreSQL URL; default DATABASE_URL. When neither is set the store is SQLite. */
  readonly url?: string;
  /** The SQLite file; default BASIS_STORE, else `var/basis.sqlite` in the package. */
  readonly file?: string;
  /** PostgreSQL schema to keep the tables in (created when missing); default the connection's search_path. */
  readonly schema?: string;
  /** Environment to read DATABASE_URL and BASIS_STORE from (tests pass their own). */
  readonly env?: NodeJS.ProcessEnv;
}

export const DEFAULT_STORE_FILE = path.join(PACKAGE_ROOT, 'var', 'basis.sqlite');

/** Twelve hex digits: short to type in `basis runs show`, and 2^48 apart. */
const newStoreId = (): string => randomBytes(6).toString('hex');

/** "postgres://user:…@host/db" with the password out, for logs, health and errors. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Where the store of these options lives, without opening it. */
export function storeLocation(opts: StoreOptions = {}): { kind: 'sqlite' | 'postgres'; location: string } {
  const env = opts.env ?? process.env;
  const url = opts.url ?? (env.DATABASE_URL !== undefined && env.DATABASE_URL !== '' ? env.DATABASE_URL : undefined);
  if (url !== undefined) return { kind: 'postgres', location: redactDatabaseUrl(url) };
  return { kind: 'sqlite', location: path.resolve(opts.file ?? (env.BASIS_STORE !== undefined && env.BASIS_STORE !== '' ? env.BASIS_STORE : DEFAULT_STORE_FILE)) };
}

function openSqlite(file: string): Kysely<StoreDatabase> {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    // WAL lets the API's worker threads and a CLI run write while the server reads; the timeout waits out their locks.
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 15000');
    db.pragma('synchronous = NORMAL');
    return new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: db }) });
  } catch (err) {
    throw new BasisError('STORE-001', `the results store ${file} cannot be opened: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
      problems: [{ code: 'STORE-001', file, message: 'cannot open the SQLite file', expected: 'a writable SQLite database file (BASIS_STORE or var/basis.sqlite)' }],
    });
  }
}

async function openPostgres(url: string, schema: string | undefined): Promise<Kysely<StoreDatabase>> {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new BasisError('STORE-005', 'DATABASE_URL is not a PostgreSQL URL', { problems: [{ code: 'STORE-005', path: 'DATABASE_URL', message: 'not a PostgreSQL URL', expected: 'postgres://user@host:5432/db', received: redactDatabaseUrl(url) }] });
  }
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new BasisError('STORE-005', `PostgreSQL schema name ${JSON.stringify(schema)} is not allowed`, { problems: [{ code: 'STORE-005', path: 'schema', message: 'invalid schema name', expected: 'lower-case letters, digits and _', received: schema }] });
  }
  const pool = new pg.Pool({ connectionString: url, max: 4, ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}) });
  try {
    const client = await pool.connect();
    try {
      if (schema !== undefined) await client.query(`create schema if not exists ${schema}`);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end();
    throw new BasisError('STORE-001', `the results store at ${redactDatabaseUrl(url)} cannot be reached: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
      problems: [{ code: 'STORE-001', path: 'DATABASE_URL', message: 'cannot connect', expected: 'a reachable PostgreSQL server', received: redactDatabaseUrl(url) }],
    });
  }
  return new Kysely<StoreDatabase>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * Opens the results store: PostgreSQL when a URL is given or DATABASE_URL is set, else the SQLite file. Applies
 * the migrations, then marks the runs that a killed process left queued or running as failed, with the reason.
 */
export async function openStore(opts: StoreOptions = {}): Promise<RunStore> {
  const where = storeLocation(opts);
  const env = opts.env ?? process.env;
  const db = where.kind === 'postgres' ? await openPostgres(opts.url ?? (env.DATABASE_URL as string), opts.schema) : openSqlite(where.location);
  const store = new SqlRunStore(db, where.kind, where.location, newStoreId);
  try {
    await store.migrate();
    await store.recoverAbandoned();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
