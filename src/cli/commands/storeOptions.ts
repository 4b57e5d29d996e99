import type { Command } from 'commander';
import type { StoreOptions } from '../../store/open.js';

/** The global `--db FILE|URL`: a postgres:// URL selects PostgreSQL, anything else is the SQLite file. */
export function storeOptionsOf(cmd: Command): StoreOptions {
  const given = (cmd.optsWithGlobals() as { db?: unknown }).db;
  if (typeof given !== 'string' || given === '') return {};
  return /^postgres(ql)?:\/\//.test(given) ? { url: given } : { file: given };
}
