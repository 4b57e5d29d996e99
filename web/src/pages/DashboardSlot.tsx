/** Where the run dashboard (branch `dash`, pages/Dashboard.tsx) renders once it is merged. */
export function DashboardSlot({ runId }: { runId: string }): React.JSX.Element {
  return (
    <div className="card muted" data-testid="dashboard-placeholder">
      The dashboard of run <span className="mono">{runId}</span> is not part of this build.
    </div>
  );
}
