import { useEffect } from 'react';
import type { RunDetail } from '../api/types';
import { apiUrl } from '../api/client';
import { ErrorNote, ProgressBar, Skeleton, StatusBadge } from '../components/ui';
import { amount, dateTime, duration, span } from '../format';
import { useApi, useRunProgress } from '../hooks';
import { href } from '../router';
import { Dashboard } from './Dashboard';
import { EventLog } from './Events';

const FILES: readonly { name: string; text: string }[] = [
  { name: 'summary.json', text: 'Summary (JSON)' },
  { name: 'timeseries.csv', text: 'Timeseries (CSV)' },
  { name: 'events.jsonl', text: 'Events (JSONL)' },
  { name: 'report.html', text: 'Report (HTML)' },
];

/** One run: header, tabs Dashboard | Events, downloads; a progress bar while it is queued or running. */
export function RunPage({ id, tab }: { id: string; tab: 'dashboard' | 'events' }): React.JSX.Element {
  const [detail, reload] = useApi<RunDetail>(`backtests/${encodeURIComponent(id)}`);
  const status = detail.state === 'ok' ? detail.data.status : null;
  const live = status === 'queued' || status === 'running';
  const progress = useRunProgress(live ? id : null, live ? status : null);
  useEffect(() => {
    // The stream's final status means the stored run has changed (summary, error): read it again.
    if (live && progress.status !== null && progress.status !== 'queued' && progress.status !== 'running') reload();
  }, [live, progress.status, reload]);

  const run = detail.state === 'ok' ? detail.data : null;
  return (
    <section aria-labelledby="run-title" data-testid="run-page">
      <div className="run-header card">
        <div className="run-title-row">
          <h1 id="run-title">{run ? (run.label ?? run.mode) : <Skeleton width={260} height={24} />}</h1>
          {run && <StatusBadge status={run.status} />}
        </div>
        <dl className="meta" data-testid="run-meta">
          <div><dt>Run</dt><dd className="mono">{id}</dd></div>
          <div><dt>Mode</dt><dd>{run ? `${run.mode} (${run.shareClass})` : <Skeleton width={160} />}</dd></div>
          <div><dt>Window (UTC)</dt><dd>{run ? span(run.start, run.end) : <Skeleton width={180} />}</dd></div>
          <div><dt>Capital</dt><dd className="num-left">{run ? amount(run.capital, run.shareClass) : <Skeleton width={120} />}</dd></div>
          <div><dt>Created</dt><dd>{run ? dateTime(run.createdAt) : <Skeleton width={150} />}</dd></div>
          <div><dt>Run time</dt><dd>{run ? duration(run.timings.runMs) : <Skeleton width={60} />}</dd></div>
          <div><dt>Version</dt><dd className="mono">{run ? `${run.version} · ${run.commit.slice(0, 10)}` : <Skeleton width={140} />}</dd></div>
          <div><dt>Config hash</dt><dd className="mono" title={run?.configHash ?? ''}>{run ? (run.configHash?.slice(0, 12) ?? '–') : <Skeleton width={110} />}</dd></div>
          <div><dt>Audit hash</dt><dd className="mono" title={run?.auditHash ?? ''}>{run ? (run.auditHash?.slice(0, 12) ?? '–') : <Skeleton width={110} />}</dd></div>
          <div><dt>Source</dt><dd>{run ? run.source : <Skeleton width={40} />}</dd></div>
        </dl>
        <nav className="downloads" aria-label="downloads">
          {FILES.map((f) =>
            run?.status === 'completed' ? (
              <a key={f.name} className="button small" href={apiUrl(`backtests/${encodeURIComponent(id)}/files/${f.name}`)} download={f.name === 'report.html' ? undefined : `${id}-${f.name}`} data-testid={`download-${f.name}`}>
                ↓ {f.text}
              </a>
            ) : (
              <span key={f.name} className="button small disabled" aria-disabled="true">↓ {f.text}</span>
            ),
          )}
        </nav>
      </div>
      {detail.state === 'error' && <ErrorNote error={detail.error} />}
      {run?.status === 'failed' && (
        <div className="error-note" role="alert" data-testid="run-error">
          <b>{run.error?.code ?? 'failed'}</b> {run.error?.message ?? 'the run failed without a message'}
        </div>
      )}
      {run?.status === 'cancelled' && <div className="note">This run was cancelled before it finished.</div>}
      {live && (
        <div className="card">
          <ProgressBar fraction={progress.fraction} label={progress.total > 0 ? `${(progress.status ?? status) === 'queued' ? 'Queued' : 'Running'}: ${progress.done.toLocaleString('en-US')} of ${progress.total.toLocaleString('en-US')} steps` : (progress.status ?? status) === 'queued' ? 'Queued' : 'Running'} />
        </div>
      )}
      <nav className="tabs" aria-label="run views">
        <a href={href({ page: 'run', id, tab: 'dashboard' })} aria-current={tab === 'dashboard' ? 'page' : undefined} data-testid="tab-dashboard">
          Dashboard
        </a>
        <a href={href({ page: 'run', id, tab: 'events' })} aria-current={tab === 'events' ? 'page' : undefined} data-testid="tab-events">
          Events
        </a>
      </nav>
      {detail.state === 'loading' ? (
        <Skeleton height={480} />
      ) : run?.status === 'completed' ? (
        tab === 'dashboard' ? (
          <div data-testid="dashboard">
            <Dashboard runId={id} />
          </div>
        ) : (
          <EventLog runId={id} shareClass={run.shareClass} />
        )
      ) : (
        run && !live && <p className="muted">This run has no results: it {run.status === 'failed' ? 'failed' : 'was cancelled'}.</p>
      )}
      {live && <Skeleton height={480} />}
    </section>
  );
}
