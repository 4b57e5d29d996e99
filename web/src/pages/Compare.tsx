import { useEffect, useRef, useState } from 'react';
import 'uplot/dist/uPlot.min.css';
import type { Comparison, RunListItem } from '../api/types';
import { ChartGroup, createChart, type Palette } from '../charts/chart';
import { fmtAmount, fmtAxis, fmtPct } from '../charts/format';
import { ErrorNote, Skeleton, StatusBadge } from '../components/ui';
import { amount, byUnit, pct, signClass, span } from '../format';
import { useApi } from '../hooks';
import { href } from '../router';

const COLORS = ['#2563eb', '#d97706', '#059669', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d'];
const CHART_PX = 360;

function runLabel(r: RunListItem): string {
  return `${r.label ?? r.id.slice(0, 8)} · ${r.mode}`;
}

function equityUnits(runs: readonly RunListItem[]): string {
  const units = [...new Set(runs.map((r) => r.shareClass))];
  return units.length > 1 ? '(USDT on the left axis, ETH on the right)' : `(${units[0] ?? ''})`;
}

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/** Overlaid equity of the compared runs, one series per run, drawn with the dashboard's chart code (cursor, drag to zoom, double click to reset); ETH books get their own axis on the right when USDT books are shown too. */
/** Each value over the series' first one, minus 1: runs of different capital on one scale. */
function asReturn(values: readonly (number | null)[]): (number | null)[] {
  const first = values.find((v) => v !== null && v !== 0);
  return values.map((v) => (v === null || first === undefined || first === null ? null : v / first - 1));
}

function EquityOverlay({ data, relative }: { data: Comparison; relative: boolean }): React.JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const muted = cssVar('--muted');
    const palette: Palette = {
      fg: cssVar('--fg'),
      muted,
      grid: cssVar('--line'),
      card: cssVar('--card'),
      markers: { rebalance: muted, breach: muted, liquidation: muted, emergency: muted, deposit: muted, withdrawal: muted },
    };
    const mixed = new Set(data.runs.map((r) => r.shareClass)).size > 1;
    const group = new ChartGroup([], palette, 'basis-compare');
    const plot = createChart(
      el,
      {
        id: 'compare-equity',
        height: CHART_PX,
        xSec: data.equity.timestampsMs.map((t) => t / 1000),
        series: data.runs.map((r, i) => ({
          label: `${runLabel(r)} (${r.shareClass})`,
          values: relative ? asReturn(data.equity.series[i] ?? []) : (data.equity.series[i] ?? []),
          color: COLORS[i % COLORS.length] ?? '#2563eb',
          fmt: (v: number) => (relative ? fmtPct(v, 2, true) : fmtAmount(v, r.shareClass)),
          ...(mixed && !relative && r.shareClass !== 'USDT' ? { scale: 'y2' as const } : {}),
        })),
        axisFmt: relative ? (v: number) => fmtPct(v, 2) : fmtAxis,
      },
      group,
      el.clientWidth,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: el.clientWidth, height: CHART_PX }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [data, relative]);
  return <div ref={host} className="chart" data-testid="compare-chart" />;
}

/** Two to eight runs side by side: overlaid equity, metrics with units and signs, and the config paths that differ. */
export function Compare({ ids }: { ids: readonly string[] }): React.JSX.Element {
  const [relative, setRelative] = useState(false);
  const [cmp] = useApi<Comparison>(ids.length >= 2 ? `compare?ids=${ids.map(encodeURIComponent).join(',')}` : null);
  if (ids.length < 2) {
    return (
      <section>
        <h1>Compare runs</h1>
        <p>Pick two or more runs on the <a href={href({ page: 'runs' })}>runs page</a> and press Compare.</p>
      </section>
    );
  }
  const data = cmp.state === 'ok' ? cmp.data : null;
  return (
    <section aria-labelledby="compare-title" data-testid="compare-page">
      <h1 id="compare-title">Compare {ids.length} runs</h1>
      {cmp.state === 'error' && <ErrorNote error={cmp.error} />}
      <div className="card">
        <div className="card-head">
          <h2>{relative ? 'Return since start (%)' : `Equity ${data ? equityUnits(data.runs) : ''}`}</h2>
          <label>
            <input type="checkbox" checked={relative} onChange={(e) => setRelative(e.target.checked)} data-testid="compare-relative" /> Show as return since start (%)
          </label>
        </div>
        {data ? <EquityOverlay data={data} relative={relative} /> : <Skeleton height={CHART_PX + 40} />}
      </div>
      <div className="card">
        <h2>Metrics</h2>
        {data ? (
          <div className="table-wrap">
            <table className="table" data-testid="compare-metrics">
              <thead>
                <tr>
                  <th scope="col">Metric</th>
                  {data.runs.map((r, i) => (
                    <th scope="col" key={r.id} className="num run-col" data-testid="compare-run">
                      <span className="swatch" style={{ background: COLORS[i % COLORS.length] }} aria-hidden="true" />
                      <a href={href({ page: 'run', id: r.id, tab: 'dashboard' })}>{runLabel(r)}</a>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                <tr><th scope="row">Status</th>{data.runs.map((r) => <td key={r.id} className="num"><StatusBadge status={r.status} /></td>)}</tr>
                <tr><th scope="row">Window (UTC)</th>{data.runs.map((r) => <td key={r.id} className="num">{span(r.start, r.end)}</td>)}</tr>
                <tr><th scope="row">Capital</th>{data.runs.map((r) => <td key={r.id} className="num">{amount(r.capital, r.shareClass)}</td>)}</tr>
                {data.metrics.map((m) => (
                  <tr key={m.name}>
                    <th scope="row">{m.label}{m.unit === '%' ? <span className="muted"> (%)</span> : null}</th>
                    {m.values.map((v, i) => (
                      <td key={i} className={`num ${m.unit === '%' && m.name !== 'volatility' ? signClass(v) : ''}`}>{byUnit(v, m.unit, data.runs[i]?.shareClass ?? '', m.name !== 'volatility')}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <Skeleton height={320} />
        )}
      </div>
      <div className="card">
        <h2>Configuration differences</h2>
        {data ? (
          data.configDiff.length === 0 ? (
            <p className="muted">The runs share every setting.</p>
          ) : (
            <div className="table-wrap">
              <table className="table compact" data-testid="compare-config">
                <thead>
                  <tr>
                    <th scope="col">Setting</th>
                    {data.runs.map((r) => <th scope="col" key={r.id} className="num run-col">{runLabel(r)}</th>)}
                  </tr>
                </thead>
                <tbody>
                  {data.configDiff.map((d) => (
                    <tr key={d.path}>
                      <td className="mono">{d.path}</td>
                      {d.values.map((v, i) => <td key={i} className="num">{v === null ? '–' : typeof v === 'number' ? v.toLocaleString('en-US', { maximumFractionDigits: 10 }) : String(v)}</td>)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        ) : (
          <Skeleton height={200} />
        )}
      </div>
      <p className="muted">APY and drawdown are fractions shown in percent; {pct(0.01)} = 100 bps.</p>
    </section>
  );
}
