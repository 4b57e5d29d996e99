import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { ModeInfo, RunListItem, RunStatus } from '../api/types';
import { ConfirmDialog, ErrorNote, Skeleton, StatusBadge } from '../components/ui';
import { amount, dateTime, pct, signClass, span } from '../format';
import { useApi, useDebounced } from '../hooks';
import { href } from '../router';

const PAGE = 25;
const STATUSES: readonly RunStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];

/** The home page: every stored run, newest first, with search, filters, paging, delete and compare. */
export function Runs(): React.JSX.Element {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState('');
  const [mode, setMode] = useState('');
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<readonly string[]>([]);
  const [toDelete, setToDelete] = useState<RunListItem | null>(null);
  const [actionError, setActionError] = useState<Error | null>(null);
  const debouncedQ = useDebounced(q, 250);
  const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
  if (debouncedQ !== '') query.set('q', debouncedQ);
  if (status !== '') query.set('status', status);
  if (mode !== '') query.set('mode', mode);
  const [list, reload] = useApi<{ total: number; runs: RunListItem[] }>(`backtests?${query.toString()}`);
  const [modes] = useApi<{ modes: ModeInfo[] }>('modes');
  const active = list.state === 'ok' && list.data.runs.some((r) => r.status === 'queued' || r.status === 'running');
  useEffect(() => {
    // Queued and running rows change on their own: re-read the page until none is left.
    if (!active) return;
    const t = setInterval(reload, 2000);
    return () => clearInterval(t);
  }, [active, reload]);

  const toggle = (id: string): void => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const remove = async (run: RunListItem): Promise<void> => {
    setToDelete(null);
    try {
      await api(`backtests/${encodeURIComponent(run.id)}`, { method: 'DELETE' });
      setSelected((s) => s.filter((x) => x !== run.id));
      setActionError(null);
      reload();
    } catch (e) {
      setActionError(e instanceof Error ? e : new Error(String(e)));
    }
  };
  const total = list.state === 'ok' ? list.data.total : 0;

  return (
    <section aria-labelledby="runs-title">
      <div className="page-head">
        <h1 id="runs-title">Runs</h1>
        <div className="page-actions">
          <a
            className={`button${selected.length < 2 ? ' disabled' : ''}`}
            href={selected.length >= 2 ? href({ page: 'compare', ids: selected }) : undefined}
            aria-disabled={selected.length < 2}
            data-testid="compare-button"
          >
            Compare{selected.length > 0 ? ` (${selected.length})` : ''}
          </a>
          <a className="button primary" href={href({ page: 'new' })}>
            New backtest
          </a>
        </div>
      </div>
      <div className="toolbar" role="search">
        <label>
          <span className="sr-only">Search runs</span>
          <input type="search" placeholder="Search id, label, mode" value={q} onChange={(e) => { setQ(e.target.value); setOffset(0); }} data-testid="runs-search" />
        </label>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => { setStatus(e.target.value); setOffset(0); }} data-testid="runs-status">
            <option value="">all</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Mode{' '}
          <select value={mode} onChange={(e) => { setMode(e.target.value); setOffset(0); }} data-testid="runs-mode">
            <option value="">all</option>
            {modes.state === 'ok' && modes.data.modes.map((m) => (
              <option key={m.name} value={m.name}>{m.name}</option>
            ))}
          </select>
        </label>
        <span className="muted toolbar-total" aria-live="polite">{list.state === 'ok' ? `${total.toLocaleString('en-US')} runs` : ''}</span>
      </div>
      {actionError && <ErrorNote error={actionError} />}
      {list.state === 'error' && <ErrorNote error={list.error} />}
      <div className="table-wrap">
        <table className="table" data-testid="runs-table">
          <thead>
            <tr>
              <th scope="col"><span className="sr-only">select</span></th>
              <th scope="col">Run</th>
              <th scope="col">Status</th>
              <th scope="col">Mode</th>
              <th scope="col">Class</th>
              <th scope="col">Window (UTC)</th>
              <th scope="col" className="num">Capital</th>
              <th scope="col" className="num">APY</th>
              <th scope="col" className="num">Max DD</th>
              <th scope="col" className="num">Final equity</th>
              <th scope="col">Created</th>
              <th scope="col"><span className="sr-only">actions</span></th>
            </tr>
          </thead>
          <tbody>
            {list.state !== 'ok'
              ? Array.from({ length: 8 }, (_, i) => (
                  <tr key={i} className="skeleton-row">
                    {Array.from({ length: 12 }, (__, j) => (
                      <td key={j}><Skeleton /></td>
                    ))}
                  </tr>
                ))
              : list.data.runs.map((r) => (
                  <tr key={r.id} data-testid="run-row" data-run-id={r.id}>
                    <td>
                      <input type="checkbox" checked={selected.includes(r.id)} onChange={() => toggle(r.id)} aria-label={`select run ${r.id}`} data-testid="run-select" />
                    </td>
                    <td>
                      <a href={href({ page: 'run', id: r.id, tab: 'dashboard' })} className="mono">{r.label ?? r.id.slice(0, 8)}</a>
                    </td>
                    <td><StatusBadge status={r.status} />{r.status === 'running' && <span className="muted num"> {(r.progress * 100).toFixed(0)}%</span>}</td>
                    <td>{r.mode}</td>
                    <td>{r.shareClass}</td>
                    <td className="nowrap">{span(r.start, r.end)}</td>
                    <td className="num">{amount(r.capital, r.shareClass)}</td>
                    <td className={`num ${signClass(r.apy)}`}>{pct(r.apy)}</td>
                    <td className={`num ${signClass(r.maxDrawdown)}`}>{pct(r.maxDrawdown)}</td>
                    <td className="num">{amount(r.finalEquity, r.shareClass)}</td>
                    <td className="nowrap">{dateTime(r.createdAt)}</td>
                    <td>
                      <button type="button" className="link danger" onClick={() => setToDelete(r)} aria-label={`delete run ${r.id}`} data-testid="run-delete">
                        {r.status === 'queued' || r.status === 'running' ? 'Cancel' : 'Delete'}
                      </button>
                    </td>
                  </tr>
                ))}
            {list.state === 'ok' && list.data.runs.length === 0 && (
              <tr>
                <td colSpan={12} className="empty">
                  No runs{debouncedQ !== '' || status !== '' || mode !== '' ? ' match these filters' : ' yet'}. <a href={href({ page: 'new' })}>Start a backtest</a>.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <nav className="pager" aria-label="pages">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          ← Newer
        </button>
        <span className="muted num">
          {total === 0 ? '0' : `${offset + 1}–${Math.min(offset + PAGE, total)}`} of {total.toLocaleString('en-US')}
        </span>
        <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
          Older →
        </button>
      </nav>
      <ConfirmDialog
        open={toDelete !== null}
        title={toDelete?.status === 'queued' || toDelete?.status === 'running' ? 'Cancel this run?' : 'Delete this run?'}
        body={
          toDelete === null
            ? ''
            : toDelete.status === 'queued' || toDelete.status === 'running'
              ? `Run ${toDelete.id} (${toDelete.mode}) is ${toDelete.status}; it stops and is kept as cancelled.`
              : `Run ${toDelete.id} (${toDelete.mode}) and its summary, timeseries and events are removed from the store. This cannot be undone.`
        }
        confirm={toDelete?.status === 'queued' || toDelete?.status === 'running' ? 'Cancel run' : 'Delete run'}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (toDelete) void remove(toDelete);
        }}
      />
    </section>
  );
}

