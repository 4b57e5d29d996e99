import path from 'node:path';
import type { Command } from 'commander';
import { BasisError } from '../../errors/base.js';
import type { RunStatus, RunStore, StoredRun } from '../../store/types.js';
import { RUN_STATUSES } from '../../store/types.js';
import { storeOptionsOf } from './storeOptions.js';
import { fmtAmount, fmtPct } from '../../report/format.js';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);

async function withStore<T>(cmd: Command, fn: (store: RunStore) => Promise<T>): Promise<T> {
  const { openStore } = await import('../../store/open.js');
  const store = await openStore(storeOptionsOf(cmd));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

async function mustGet(store: RunStore, id: string): Promise<StoredRun> {
  const run = await store.getRun(id);
  if (run === null) {
    throw new BasisError('STORE-003', `no stored run ${JSON.stringify(id)} in ${store.location}`, { problems: [{ code: 'STORE-003', path: 'id', message: 'no such run', expected: 'an id from basis runs list', received: id }] });
  }
  return run;
}

/** The summary's own formats (report/format.ts), with a dash where a run has no figure yet. */
function pct(x: number | null | undefined): string {
  return typeof x === 'number' && Number.isFinite(x) ? fmtPct(x) : '–';
}

function amount(x: number | null | undefined, shareClass: string): string {
  return typeof x === 'number' && Number.isFinite(x) ? fmtAmount(x, shareClass === 'ETH' ? 'ETH' : 'USDT') : '–';
}

/** Left-aligned text columns, right-aligned numbers (cells starting with a digit, sign or –). */
function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  const numeric = (c: string): boolean => /^[-+−–]?[0-9.,]+%?$|^–$/.test(c);
  return rows.map((r) => r.map((c, i) => (numeric(c) && rows.indexOf(r) > 0 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

function window(r: StoredRun): string {
  const s = r.summary?.start ?? r.start;
  const e = r.summary?.end ?? r.end;
  return s === null && e === null ? 'full window' : `${(s ?? '…').slice(0, 16)} → ${(e ?? '…').slice(0, 16)}`;
}

function parseStatus(s: string | undefined): RunStatus | undefined {
  if (s === undefined) return undefined;
  if (!(RUN_STATUSES as readonly string[]).includes(s)) {
    throw new BasisError('CLI-001', `--status ${s} is not a run status`, { problems: [{ code: 'CLI-001', path: '--status', message: 'unknown status', expected: RUN_STATUSES.join(' | '), received: s }] });
  }
  return s as RunStatus;
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new BasisError('CLI-001', `${flag} must be a whole number ≥ 0`, { problems: [{ code: 'CLI-001', path: flag, message: 'not a whole number', expected: 'an integer ≥ 0', received: v }] });
  return n;
}

export function registerStoredRunCommands(runs: Command): void {
  runs
    .command('list')
    .description('List the runs in the results store, newest first.')
    .option('--status <status>', RUN_STATUSES.join(' | '))
    .option('--mode <mode>', 'only runs of this mode')
    .option('--search <text>', 'id, label or mode containing this text')
    .option('--limit <n>', 'at most this many', '50')
    .option('--offset <n>', 'skip this many', '0')
    .option('--json', 'print the runs as JSON')
    .action(async (flags: { status?: string; mode?: string; search?: string; limit: string; offset: string; json?: boolean }, cmd: Command) => {
      const status = parseStatus(flags.status);
      const limit = positiveInt('--limit', flags.limit);
      const offset = positiveInt('--offset', flags.offset);
      await withStore(cmd, async (store) => {
        const { total, runs: list } = await store.listRuns({ ...(status ? { status } : {}), ...(flags.mode ? { mode: flags.mode } : {}), ...(flags.search ? { q: flags.search } : {}), limit, offset });
        if (flags.json) {
          out(JSON.stringify({ store: store.location, total, runs: list.map(({ config: _c, ...r }) => r) }, null, 2));
          return;
        }
        const rows = [['ID', 'STATUS', 'MODE', 'WINDOW', 'CAPITAL', 'APY', 'FINAL EQUITY', 'CREATED', 'LABEL']];
        for (const r of list) {
          rows.push([r.id, r.status === 'running' ? `running ${Math.round(r.progress * 100)}%` : r.status, r.mode, window(r), amount(r.capital, r.shareClass), pct(r.summary?.apy), amount(r.summary?.finalEquity, r.shareClass), r.createdAt.slice(0, 19).replace('T', ' '), r.label ?? '']);
        }
        for (const line of table(rows)) out(line);
        out(`${list.length} of ${total} run${total === 1 ? '' : 's'} in ${store.location}`);
      });
    });

  runs
    .command('show')
    .description('Show one stored run: what it was, how it went, where its files are.')
    .argument('<id>')
    .option('--json', 'print the stored run as JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const r = await mustGet(store, id);
        if (flags.json) {
          out(JSON.stringify(r, null, 2));
          return;
        }
        out(`run ${r.id}${r.label !== null ? ` "${r.label}"` : ''}: ${r.status}${r.status === 'running' ? ` (${Math.round(r.progress * 100)}%)` : ''}`);
        out(`  mode ${r.mode} (${r.shareClass}), ${window(r)}, capital ${amount(r.capital, r.shareClass)} ${r.shareClass}, costs ${r.costs ? 'on' : 'off'}`);
        out(`  from ${r.source}, basis ${r.version} at ${r.commit.slice(0, 12)}, created ${r.createdAt}${r.finishedAt !== null ? `, finished ${r.finishedAt}` : ''}`);
        if (r.configHash !== null) out(`  config sha256 ${r.configHash}`);
        if (r.data !== null) out(`  data fingerprint ${r.data.fingerprint} (${r.data.files.length} files)`);
        if (r.flows.length > 0) out(`  flows ${r.flows.map((f) => `${f.at}=${f.amount > 0 ? '+' : ''}${f.amount}`).join(', ')}`);
        if (r.auditHash !== null) out(`  events chain head ${r.auditHash}`);
        if (r.runDir !== null) out(`  files ${r.runDir}`);
        if (r.error !== null) out(`  error ${r.error.code}: ${r.error.message}`);
        if (r.summary !== null) {
          const { formatSummary } = await import('../../report/summaryText.js');
          out();
          out(formatSummary(r.summary));
        }
      });
    });

  runs
    .command('compare')
    .description('Two or more stored runs side by side: metrics, then the config values that differ.')
    .argument('<ids...>')
    .option('--json', 'print the comparison as JSON')
    .action(async (ids: string[], flags: { json?: boolean }, cmd: Command) => {
      if (ids.length < 2) throw new BasisError('CLI-001', 'compare needs two or more run ids', { problems: [{ code: 'CLI-001', path: 'ids', message: 'too few runs', expected: '2 or more ids', received: String(ids.length) }] });
      await withStore(cmd, async (store) => {
        const list: StoredRun[] = [];
        for (const id of ids) list.push(await mustGet(store, id));
        const { compareRuns } = await import('../../store/compare.js');
        const cmp = compareRuns(list);
        if (flags.json) {
          out(JSON.stringify({ runs: list.map((r) => ({ id: r.id, mode: r.mode, status: r.status, label: r.label })), ...cmp }, null, 2));
          return;
        }
        const head = ['', ...list.map((r) => `${r.id} ${r.mode}`)];
        const rows = [head];
        for (const m of cmp.metrics) {
          rows.push([`${m.label}${m.unit !== '' && m.unit !== '%' ? ` (${m.unit})` : ''}`, ...m.values.map((v) => (v === null ? '–' : m.unit === '%' ? pct(v) : m.unit === '' ? (Number.isInteger(v) ? String(v) : v.toFixed(3)) : amount(v, m.unit)))]);
        }
        for (const line of table(rows)) out(line);
        out();
        if (cmp.configDiff.length === 0) out('config: identical');
        else {
          out(`config: ${cmp.configDiff.length} value${cmp.configDiff.length === 1 ? '' : 's'} differ`);
          for (const line of table([['PATH', ...list.map((r) => r.id)], ...cmp.configDiff.map((d) => [d.path, ...d.values.map((v) => (v === null ? '(none)' : String(v)))])])) out(line);
        }
      });
    });

  runs
    .command('export')
    .description("Write a stored run's files (summary.json, config.json, timeseries.csv, events.jsonl, report.html) into a new or empty directory, from the store.")
    .argument('<id>')
    .requiredOption('--out <dir>', 'a new or empty directory')
    .action(async (id: string, flags: { out: string }, cmd: Command) => {
      await withStore(cmd, async (store) => {
        const r = await mustGet(store, id);
        const { exportStoredRun } = await import('../../store/exportRun.js');
        const written = await exportStoredRun(store, r, path.resolve(flags.out));
        out(`exported run ${r.id} to ${written.dir} (events chain head ${written.chainHead} matches the stored one)`);
      });
    });

  runs
    .command('delete')
    .description('Delete stored runs (a queued or running run must be cancelled first). Their run directories are left alone.')
    .argument('<ids...>')
    .action(async (ids: string[], _flags: unknown, cmd: Command) => {
      await withStore(cmd, async (store) => {
        for (const id of ids) {
          const r = await mustGet(store, id);
          await store.deleteRun(id);
          out(`deleted run ${id}${r.runDir !== null ? ` (its files in ${r.runDir} are kept)` : ''}`);
        }
      });
    });
}
