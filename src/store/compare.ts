import type { StoredRun } from './types.js';

type Scalar = string | number | boolean | null;

export interface MetricRow {
  readonly name: string;
  readonly label: string;
  /** '%' for fractions shown as percent, else the share class or a plain count. */
  readonly unit: string;
  readonly values: ReadonlyArray<number | null>;
}

export interface ConfigDiffRow {
  readonly path: string;
  readonly values: readonly Scalar[];
}

export interface RunComparison {
  readonly metrics: readonly MetricRow[];
  readonly configDiff: readonly ConfigDiffRow[];
}

const METRICS: ReadonlyArray<{ name: string; label: string; unit: 'share' | '%' | 'count' | 'ratio'; get: (r: StoredRun) => number | null | undefined }> = [
  { name: 'apy', label: 'APY', unit: '%', get: (r) => r.summary?.apy },
  { name: 'totalReturn', label: 'Total return', unit: '%', get: (r) => r.summary?.totalReturn },
  { name: 'maxDrawdown', label: 'Max drawdown', unit: '%', get: (r) => r.summary?.maxDrawdown },
  { name: 'volatility', label: 'Volatility', unit: '%', get: (r) => r.summary?.volatility },
  { name: 'sharpe', label: 'Sharpe', unit: 'ratio', get: (r) => r.summary?.sharpe },
  { name: 'sortino', label: 'Sortino', unit: 'ratio', get: (r) => r.summary?.sortino },
  { name: 'initialCapital', label: 'Initial capital', unit: 'share', get: (r) => r.summary?.initialCapital ?? r.capital },
  { name: 'finalEquity', label: 'Final equity', unit: 'share', get: (r) => r.summary?.finalEquity },
  { name: 'feesPaid', label: 'Fees paid', unit: 'share', get: (r) => r.summary?.feesPaid },
  { name: 'gasPaid', label: 'Gas paid', unit: 'share', get: (r) => r.summary?.gasPaid },
  { name: 'rebalances', label: 'Rebalances', unit: 'count', get: (r) => r.summary?.rebalances },
  { name: 'liquidations', label: 'Liquidations', unit: 'count', get: (r) => r.summary?.liquidations },
  { name: 'emergencyStops', label: 'Emergency stops', unit: 'count', get: (r) => r.summary?.emergencyStops },
  { name: 'steps', label: 'Steps', unit: 'count', get: (r) => r.summary?.steps },
];

function finite(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Every leaf of a JSON value by dotted path (arrays by index), so two configs compare path by path. */
export function flattenConfig(value: unknown, prefix = '', out = new Map<string, Scalar>()): Map<string, Scalar> {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) out.set(prefix, Array.isArray(value) ? '[]' : '{}');
    for (const [k, v] of entries) flattenConfig(v, prefix === '' ? k : `${prefix}.${k}`, out);
    return out;
  }
  out.set(prefix, value === undefined ? null : (value as Scalar));
  return out;
}

/**
 * Two or more runs side by side: their metrics, and the config paths whose values differ (a path one run lacks
 * shows null). The share class unit is the runs' own when they agree, else 'mixed'.
 */
export function compareRuns(runs: readonly StoredRun[]): RunComparison {
  const classes = new Set(runs.map((r) => r.shareClass));
  const shareUnit = classes.size === 1 ? (runs[0]?.shareClass ?? '') : 'mixed';
  const metrics = METRICS.map((m) => ({ name: m.name, label: m.label, unit: m.unit === 'share' ? shareUnit : m.unit === '%' ? '%' : '', values: runs.map((r) => finite(m.get(r))) }));
  const flat = runs.map((r) => flattenConfig({ mode: r.mode, costs: r.costs, start: r.summary?.start ?? r.start, end: r.summary?.end ?? r.end, flows: r.flows, config: r.config?.['config'] ?? {} }));
  const paths = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
  const configDiff: ConfigDiffRow[] = [];
  for (const p of paths) {
    const values = flat.map((f) => (f.has(p) ? (f.get(p) as Scalar) : null));
    if (values.some((v) => v !== values[0])) configDiff.push({ path: p, values });
  }
  return { metrics, configDiff };
}
