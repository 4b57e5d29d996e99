import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * Versioned migrations, applied in name order on every open (kysely's Migrator records them in
 * `kysely_migration` and locks while it runs, so two processes opening one store do not both apply them).
 * A published migration never changes; a new one is added with the next number.
 */
function migrations(kind: 'sqlite' | 'postgres'): Record<string, Migration> {
  const blob = kind === 'postgres' ? 'bytea' : 'blob';
  const real = sql`double precision`;
  return {
    '0001_runs': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('runs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('label', 'text')
          .addColumn('mode', 'text', (c) => c.notNull())
          .addColumn('share_class', 'text', (c) => c.notNull())
          .addColumn('start_iso', 'text')
          .addColumn('end_iso', 'text')
          .addColumn('capital', real, (c) => c.notNull())
          .addColumn('costs', 'integer', (c) => c.notNull())
          .addColumn('version', 'text', (c) => c.notNull())
          .addColumn('commit_sha', 'text', (c) => c.notNull())
          .addColumn('request_json', 'text', (c) => c.notNull())
          .addColumn('flows_json', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text')
          .addColumn('finished_at', 'text')
          .addColumn('progress', real, (c) => c.notNull())
          .addColumn('config_json', 'text')
          .addColumn('config_hash', 'text')
          .addColumn('data_json', 'text')
          .addColumn('summary_json', 'text')
          .addColumn('apy', real)
          .addColumn('final_equity', real)
          .addColumn('max_drawdown', real)
          .addColumn('error_code', 'text')
          .addColumn('error_message', 'text')
          .addColumn('audit_hash', 'text')
          .addColumn('run_dir', 'text')
          .addColumn('owner', 'text')
          .execute();
        await db.schema.createIndex('runs_created').on('runs').columns(['created_at', 'id']).execute();
        await db.schema.createIndex('runs_status').on('runs').column('status').execute();
        await db.schema
          .createTable('run_series')
          .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('values_blob', sql.raw(blob), (c) => c.notNull())
          .addPrimaryKeyConstraint('run_series_pk', ['run_id', 'position'])
          .execute();
        await db.schema
          .createTable('run_events')
          .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id').onDelete('cascade'))
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('timestamp_ms', real, (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('venue', 'text')
          .addColumn('token', 'text')
          .addColumn('parent', 'integer')
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('search', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('run_events_pk', ['run_id', 'seq'])
          .execute();
        await db.schema.createIndex('run_events_type').on('run_events').columns(['run_id', 'type', 'seq']).execute();
        await db.schema.createIndex('run_events_time').on('run_events').columns(['run_id', 'timestamp_ms']).execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropTable('run_events').execute();
        await db.schema.dropTable('run_series').execute();
        await db.schema.dropTable('runs').execute();
      },
    },
  };
}

export function migrationProvider(kind: 'sqlite' | 'postgres'): MigrationProvider {
  return { getMigrations: () => Promise.resolve(migrations(kind)) };
}

/** The newest migration name: a store whose last applied migration is newer was made by a later Basis. */
export function latestMigration(): string {
  const names = Object.keys(migrations('sqlite')).sort();
  return names[names.length - 1] as string;
}
