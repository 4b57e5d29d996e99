import { hostname } from 'node:os';
import { Migrator, sql, type Kysely, type Selectable } from 'kysely';
import { BasisError } from '../errors/base.js';
import { describeEvent } from '../events/describe.js';
import type { BasisEvent } from '../events/types.js';
import type { TimeseriesFrame } from '../report/types.js';
import { frameFromRows, frameRows } from './frameCodec.js';
import { latestMigration, migrationProvider } from './migrations.js';
import type { RunsTable, StoreDatabase } from './schema.js';
import type { EventFilter, EventPage, NewRun, RunError, RunFilter, RunResult, RunSource, RunStatus, RunStore, StoredRun, StoredSummary } from './types.js';
import { RUN_STATUSES } from './types.js';

/** Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
const EVENT_BATCH = 500;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 5000;

export const processOwner = (): string => `${hostname()}:${process.pid}`;

function notFound(id: string): BasisError {
  return new BasisError('STORE-003', `no stored run ${JSON.stringify(id)}`, { problems: [{ code: 'STORE-003', path: 'id', message: 'no such run', expected: 'the id of a stored run (basis runs list)', received: id }] });
}

function isStatus(s: string): s is RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(s);
}

function isSource(s: string): s is RunSource {
  return s === 'cli' || s === 'api' || s === 'sweep';
}

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** Whether a process of this host is gone (a pid we cannot signal for lack of rights is alive). */
function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function likePattern(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function toStored(r: Selectable<RunsTable>): StoredRun {
  if (!isStatus(r.status)) throw new BasisError('STORE-001', `stored run ${r.id} has an unknown status ${JSON.stringify(r.status)}`);
  if (!isSource(r.source)) throw new BasisError('STORE-001', `stored run ${r.id} has an unknown source ${JSON.stringify(r.source)}`);
  return {
    id: r.id,
    status: r.status,
    source: r.source,
    label: r.label,
    mode: r.mode,
    shareClass: r.share_class,
    start: r.start_iso,
    end: r.end_iso,
    capital: r.capital,
    costs: r.costs === 1,
    version: r.version,
    commit: r.commit_sha,
    request: parseJson<Record<string, unknown>>(r.request_json) ?? {},
    flows: parseJson<StoredRun['flows']>(r.flows_json) ?? [],
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    progress: r.progress,
    config: parseJson<Record<string, unknown>>(r.config_json),
    configHash: r.config_hash,
    data: parseJson<StoredRun['data']>(r.data_json),
    summary: parseJson<StoredSummary>(r.summary_json),
    error: r.error_code !== null ? { code: r.error_code, message: r.error_message ?? '' } : null,
    auditHash: r.audit_hash,
    runDir: r.run_dir,
    owner: r.owner,
  };
}

function eventRow(runId: string, e: BasisEvent): StoreDatabase['run_events'] {
  const text = describeEvent(e);
  return {
    run_id: runId,
    seq: e.order,
    timestamp_ms: e.timestampMs,
    type: e.type,
    status: e.status,
    venue: e.venue ?? null,
    token: e.token ?? null,
    parent: e.parent ?? null,
    text,
    search: `${text} ${e.type} ${e.venue ?? ''} ${e.token ?? ''} ${e.details ? JSON.stringify(e.details) : ''}`.toLowerCase(),
    body: JSON.stringify(e),
  };
}

/** The run store on kysely: one implementation for SQLite and PostgreSQL (the dialect is chosen by openStore). */
export class SqlRunStore implements RunStore {
  constructor(
    private readonly db: Kysely<StoreDatabase>,
    readonly kind: 'sqlite' | 'postgres',
    readonly location: string,
    private readonly newId: () => string,
  ) {}

  /** Applies the migrations this version knows; refuses a store migrated by a newer Basis. */
  async migrate(): Promise<void> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider(this.kind) });
    const applied = (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined).map((m) => m.name);
    const { error, results } = await migrator.migrateToLatest();
    if (error !== undefined) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new BasisError('STORE-002', `migration ${failed} of the results store at ${this.location} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    const newest = latestMigration();
    const ahead = applied.filter((n) => n > newest);
    if (ahead.length > 0) throw new BasisError('STORE-008', `the results store at ${this.location} was migrated by a newer Basis (${ahead.join(', ')}); this version knows up to ${newest}`);
  }

  async createRun(run: NewRun): Promise<StoredRun> {
    const row: RunsTable = {
      id: this.newId(),
      status: 'queued',
      source: run.source,
      label: run.label ?? null,
      mode: run.mode,
      share_class: run.shareClass,
      start_iso: run.start,
      end_iso: run.end,
      capital: run.capital,
      costs: run.costs ? 1 : 0,
      version: run.version,
      commit_sha: run.commit,
      request_json: JSON.stringify(run.request),
      flows_json: JSON.stringify(run.flows),
      created_at: new Date().toISOString(),
      started_at: null,
      finished_at: null,
      progress: 0,
      config_json: null,
      config_hash: null,
      data_json: null,
      summary_json: null,
      apy: null,
      final_equity: null,
      max_drawdown: null,
      error_code: null,
      error_message: null,
      audit_hash: null,
      run_dir: null,
      owner: processOwner(),
    };
    await this.db.insertInto('runs').values(row).execute();
    return toStored(row);
  }

  async startRun(id: string, owner: string): Promise<void> {
    const r = await this.db.updateTable('runs').set({ status: 'running', started_at: new Date().toISOString(), owner }).where('id', '=', id).where('status', '=', 'queued').executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) throw await this.notChangeable(id);
  }

  async setProgress(id: string, fraction: number): Promise<void> {
    await this.db.updateTable('runs').set({ progress: Math.min(1, Math.max(0, fraction)) }).where('id', '=', id).where('status', '=', 'running').execute();
  }

  async completeRun(id: string, result: RunResult): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const s = result.summary;
      const r = await trx
        .updateTable('runs')
        .set({
          status: 'completed',
          finished_at: new Date().toISOString(),
          progress: 1,
          flows_json: JSON.stringify(result.flows),
          config_json: JSON.stringify(result.config),
          config_hash: result.configHash,
          data_json: JSON.stringify(result.data),
          summary_json: JSON.stringify(s),
          apy: Number.isFinite(s.apy) ? s.apy : null,
          final_equity: s.finalEquity,
          max_drawdown: Number.isFinite(s.maxDrawdown) ? s.maxDrawdown : null,
          audit_hash: result.auditHash,
          run_dir: result.runDir,
        })
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'running'])
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw await this.notChangeable(id, trx);
      for (const c of frameRows(result.frame)) await trx.insertInto('run_series').values({ run_id: id, ...c }).execute();
      let batch: StoreDatabase['run_events'][] = [];
      for (const e of result.events) {
        batch.push(eventRow(id, e));
        if (batch.length === EVENT_BATCH) {
          await trx.insertInto('run_events').values(batch).execute();
          batch = [];
        }
      }
      if (batch.length > 0) await trx.insertInto('run_events').values(batch).execute();
    });
  }

  async failRun(id: string, error: RunError): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ status: 'failed', finished_at: new Date().toISOString(), error_code: error.code, error_message: error.message })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .execute();
  }

  async cancelRun(id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('runs')
      .set({ status: 'cancelled', finished_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'running'])
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) > 0) return true;
    if ((await this.getRun(id)) === null) throw notFound(id);
    return false;
  }

  async getRun(id: string): Promise<StoredRun | null> {
    const r = await this.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return r === undefined ? null : toStored(r);
  }

  async listRuns(filter: RunFilter = {}): Promise<{ total: number; runs: StoredRun[] }> {
    let q = this.db.selectFrom('runs');
    if (filter.status !== undefined) q = q.where('status', '=', filter.status);
    if (filter.mode !== undefined) q = q.where('mode', '=', filter.mode);
    if (filter.q !== undefined && filter.q.trim() !== '') {
      const pattern = likePattern(filter.q.trim());
      q = q.where((eb) => eb.or([sql<boolean>`lower(id) like ${pattern} escape '\\'`, sql<boolean>`lower(coalesce(label, '')) like ${pattern} escape '\\'`, sql<boolean>`lower(mode) like ${pattern} escape '\\'`]));
    }
    const total = await q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    const rows = await q
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(filter.limit ?? DEFAULT_PAGE, MAX_PAGE))
      .offset(filter.offset ?? 0)
      .execute();
    return { total: Number(total.n), runs: rows.map(toStored) };
  }

  async timeseries(id: string): Promise<TimeseriesFrame | null> {
    const rows = await this.db.selectFrom('run_series').select(['name', 'values_blob']).where('run_id', '=', id).orderBy('position').execute();
    return rows.length === 0 ? null : frameFromRows(rows);
  }

  async events(id: string, filter: EventFilter = {}): Promise<EventPage> {
    let q = this.db.selectFrom('run_events').where('run_id', '=', id);
    if (filter.type !== undefined && filter.type.length > 0) q = q.where('type', 'in', [...filter.type]);
    if (filter.venue !== undefined && filter.venue.length > 0) q = q.where('venue', 'in', [...filter.venue]);
    if (filter.fromMs !== undefined) q = q.where('timestamp_ms', '>=', filter.fromMs);
    if (filter.toMs !== undefined) q = q.where('timestamp_ms', '<=', filter.toMs);
    if (filter.q !== undefined && filter.q.trim() !== '') q = q.where(sql<boolean>`search like ${likePattern(filter.q.trim())} escape '\\'`);
    const total = await q.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    const rows = await q
      .select('body')
      .orderBy('seq')
      .limit(Math.min(filter.limit ?? DEFAULT_PAGE, MAX_PAGE))
      .offset(filter.offset ?? 0)
      .execute();
    return { total: Number(total.n), events: rows.map((r) => JSON.parse(r.body) as BasisEvent) };
  }

  async eventFacets(id: string): Promise<{ types: string[]; venues: string[] }> {
    const types = await this.db.selectFrom('run_events').select('type').distinct().where('run_id', '=', id).orderBy('type').execute();
    const venues = await this.db.selectFrom('run_events').select('venue').distinct().where('run_id', '=', id).where('venue', 'is not', null).orderBy('venue').execute();
    return { types: types.map((t) => t.type), venues: venues.map((v) => v.venue as string) };
  }

  async deleteRun(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const r = await trx.selectFrom('runs').select('status').where('id', '=', id).executeTakeFirst();
      if (r === undefined) throw notFound(id);
      if (r.status === 'queued' || r.status === 'running') {
        throw new BasisError('STORE-004', `run ${id} is still ${r.status}: cancel it first`, { problems: [{ code: 'STORE-004', path: 'id', message: `the run is ${r.status}`, expected: 'a completed, failed or cancelled run', received: r.status }] });
      }
      await trx.deleteFrom('run_events').where('run_id', '=', id).execute();
      await trx.deleteFrom('run_series').where('run_id', '=', id).execute();
      await trx.deleteFrom('runs').where('id', '=', id).execute();
    });
  }

  async recoverAbandoned(): Promise<string[]> {
    const host = hostname();
    const open = await this.db.selectFrom('runs').select(['id', 'owner', 'status']).where('status', 'in', ['queued', 'running']).execute();
    const gone = open.filter((r) => {
      if (r.owner === null) return false;
      const cut = r.owner.lastIndexOf(':');
      const pid = Number(r.owner.slice(cut + 1));
      return r.owner.slice(0, cut) === host && Number.isInteger(pid) && pid !== process.pid && processGone(pid);
    });
    for (const r of gone) {
      await this.failRun(r.id, { code: 'STORE-007', message: `the process that was running it (${r.owner}) stopped before the run ${r.status === 'queued' ? 'started' : 'finished'}` });
    }
    return gone.map((r) => r.id);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  private async notChangeable(id: string, db: Kysely<StoreDatabase> = this.db): Promise<BasisError> {
    const r = await db.selectFrom('runs').select('status').where('id', '=', id).executeTakeFirst();
    if (r === undefined) return notFound(id);
    return new BasisError('STORE-006', `run ${id} is already ${r.status}`, { problems: [{ code: 'STORE-006', path: 'id', message: `the run is ${r.status}`, expected: 'a queued or running run', received: r.status }] });
  }
}
