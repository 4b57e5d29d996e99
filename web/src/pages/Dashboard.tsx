import { useEffect, useRef, useState } from 'react';
import 'uplot/dist/uPlot.min.css';
import '../dashboard/dashboard.css';
import { ApiError } from '../api/client';
import type { RunDetail } from '../api/types';
import { renderDashboard } from '../charts/dashboard';
import type { DashboardData } from '../charts/model';
import { loadDashboard } from '../dashboard/load';
import { DashboardSkeleton } from '../dashboard/Skeleton';

type State =
  | { readonly phase: 'loading' }
  | { readonly phase: 'error'; readonly code: string; readonly message: string }
  | { readonly phase: 'unfinished'; readonly run: RunDetail }
  | { readonly phase: 'ready'; readonly data: DashboardData };

/** The run dashboard: loads the run's summary, timeseries, markers and config, and draws them with the shared chart code. */
export function Dashboard({ runId }: { readonly runId: string }): React.JSX.Element {
  const [state, setState] = useState<State>({ phase: 'loading' });
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const ctl = new AbortController();
    setState({ phase: 'loading' });
    loadDashboard(runId, ctl.signal).then(
      ({ run, data }) => setState(data ? { phase: 'ready', data } : { phase: 'unfinished', run }),
      (err: unknown) => {
        if (ctl.signal.aborted) return;
        if (err instanceof ApiError) setState({ phase: 'error', code: err.body.code, message: err.body.message });
        else setState({ phase: 'error', code: 'WEB-001', message: err instanceof Error ? err.message : String(err) });
      },
    );
    return () => ctl.abort();
  }, [runId]);

  useEffect(() => {
    if (state.phase !== 'ready' || !host.current) return;
    const handle = renderDashboard(host.current, state.data);
    host.current.dataset.charts = String(handle.chartCount);
    return () => handle.destroy();
  }, [state]);

  if (state.phase === 'error') {
    return (
      <div className="dashboard-message" role="alert">
        <strong>{state.code}</strong> {state.message}
      </div>
    );
  }
  if (state.phase === 'unfinished') {
    const r = state.run;
    return (
      <div className="dashboard-message" role="status">
        This run is <strong>{r.status}</strong>
        {r.status === 'running' ? ` (${Math.round(r.progress * 100)} % done)` : ''}
        {r.error ? `: ${r.error.code} ${r.error.message}` : ''}. The dashboard appears when it has completed.
      </div>
    );
  }
  return (
    <div className="dashboard" data-run-id={runId} aria-busy={state.phase === 'loading'}>
      {state.phase === 'loading' && <DashboardSkeleton />}
      <div ref={host} hidden={state.phase !== 'ready'} />
    </div>
  );
}
