/** Placeholders the size of the dashboard's first screen, so the page does not jump when the data arrives. */
export function DashboardSkeleton(): React.JSX.Element {
  return (
    <div className="dashboard-skeleton" aria-label="loading the dashboard">
      <div className="dashboard-skeleton-cards">
        {Array.from({ length: 12 }, (_, i) => (
          <div key={i} className="dashboard-skeleton-card" />
        ))}
      </div>
      <div className="dashboard-skeleton-chart" style={{ height: 330 }} />
      <div className="dashboard-skeleton-chart" style={{ height: 210 }} />
    </div>
  );
}
