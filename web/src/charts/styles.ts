/**
 * The dashboard's CSS, injected once by renderDashboard so the web app and the static report style it the same
 * way without a CSS pipeline of their own. Colors come from the page's variables (--fg, --muted, --line, --card,
 * --accent, --pos, --neg, --warn), which both define for light and dark.
 */
export const DASHBOARD_CSS = String.raw`
.basis-dashboard { display: block; }
.basis-dashboard .num { font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }
.basis-dashboard .pos { color: var(--pos); }
.basis-dashboard .neg { color: var(--neg); }
.basis-dashboard .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.bd-metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(176px, 1fr)); gap: 10px; margin: 0 0 14px; }
.bd-metric { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; min-height: 74px; }
.bd-metric-label { color: var(--muted); font-size: 12px; }
.bd-metric-value { font-size: 18px; font-weight: 650; font-variant-numeric: tabular-nums; margin-top: 2px; line-height: 1.25; }
.bd-metric-unit { font-size: 13px; font-weight: 600; color: var(--muted); }
.bd-metric-sub { color: var(--muted); font-size: 11.5px; }
.bd-metric.tone-pos .bd-metric-value { color: var(--pos); }
.bd-metric.tone-neg .bd-metric-value { color: var(--neg); }
.bd-metric.tone-warn .bd-metric-value { color: var(--warn); }
.bd-toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 12px; padding: 8px 12px; margin: 0 0 14px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; position: sticky; top: var(--bd-sticky-top, 0px); z-index: 10; }
.bd-toolbar-label { font-weight: 600; }
.bd-chip { display: inline-flex; align-items: center; gap: 5px; color: var(--fg); font-size: 12.5px; cursor: pointer; }
.bd-chip input { margin: 0; }
.bd-chip input:disabled + .bd-swatch { opacity: .35; }
.bd-swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; }
.bd-hint { color: var(--muted); font-size: 12px; margin-left: auto; }
.bd-reset { font-size: 12.5px; }
.bd-group { margin: 0 0 8px; }
.bd-group-title { font-size: 15px; font-weight: 650; margin: 18px 0 8px; color: var(--fg); }
.bd-card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px 10px; margin: 0 0 12px; }
.bd-card h3 { font-size: 14px; font-weight: 650; margin: 0 0 2px; }
.bd-note { color: var(--muted); font-size: 12px; margin: 0 0 8px; }
.bd-chart { width: 100%; position: relative; }
.bd-chart .uplot { font-family: inherit; color: var(--fg); }
.bd-chart .u-legend { font-size: 12px; text-align: left; color: var(--fg); }
.bd-chart table.u-legend { width: auto; border-collapse: separate; }
.bd-chart .u-legend th, .bd-chart .u-legend td { border: 0; padding: 1px 4px; font-size: 12px; }
.bd-chart .u-legend .u-value { font-variant-numeric: tabular-nums; }
.bd-chart .u-select { background: color-mix(in srgb, var(--accent) 18%, transparent); }
.bd-marker-readout { position: absolute; top: 2px; max-width: 260px; padding: 2px 6px; font-size: 11.5px; background: var(--card); color: var(--fg); border: 1px solid var(--line); border-radius: 4px; pointer-events: none; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; z-index: 5; }
.bd-table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
.bd-table th, .bd-table td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
.bd-table thead th { color: var(--muted); font-weight: 600; font-size: 12px; }
.bd-table tbody th { font-weight: 500; white-space: nowrap; }
.bd-table .num { text-align: right; }
.bd-scroll { overflow-x: auto; }
.bd-monthly td, .bd-monthly th { text-align: right; }
.bd-monthly tbody th { text-align: left; }
.bd-cell { display: inline-block; min-width: 62px; padding: 1px 4px; border-radius: 3px; font-variant-numeric: tabular-nums; }
.bd-cell.pos { background: color-mix(in srgb, var(--pos) calc(var(--heat, 0) * 28%), transparent); }
.bd-cell.neg { background: color-mix(in srgb, var(--neg) calc(var(--heat, 0) * 28%), transparent); }
.bd-cell.partial { font-style: italic; }
.bd-attribution td:nth-child(2) { width: 40%; }
.bd-bar { position: relative; display: block; height: 12px; }
.bd-bar::after { content: ''; position: absolute; left: 50%; top: -2px; bottom: -2px; border-left: 1px solid var(--muted); }
.bd-bar-fill { position: absolute; top: 0; bottom: 0; border-radius: 2px; }
.bd-bar-fill.pos { background: var(--pos); opacity: .75; }
.bd-bar-fill.neg { background: var(--neg); opacity: .75; }
.bd-attribution tbody tr:last-child th, .bd-attribution tbody tr:last-child td { font-weight: 650; border-bottom: none; }
.bd-info { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 12px; margin-top: 18px; }
.bd-info .bd-card { margin: 0; }
.bd-params th, .bd-meta th { color: var(--muted); width: 40%; font-weight: 500; }
.bd-params { max-height: 520px; overflow: auto; display: block; }
@media print { .bd-toolbar { position: static; } }
`;
