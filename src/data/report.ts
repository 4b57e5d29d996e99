import type { DataIssue, SeriesCoverage, SeriesKey } from './series.js';

export interface DataFileReport {
  /** Path relative to the data directory. */
  readonly file: string;
  /** Data rows (JSON: 1); null when the file could not be parsed. */
  readonly rows: number | null;
  readonly error?: string;
}

export interface DataCheckReport {
  readonly dataDir: string;
  readonly synthetic: boolean;
  /** Set by callers that check a mode. */
  readonly mode?: string;
  readonly requirements: readonly SeriesKey[];
  /** The run window the series were aligned on; null when none could be formed. */
  readonly window: { readonly startMs: number; readonly endMs: number; readonly stepMs: number; readonly steps: number } | null;
  readonly coverage: readonly SeriesCoverage[];
  readonly issues: readonly DataIssue[];
  readonly files: readonly DataFileReport[];
  /** No unhandled issue. */
  readonly ok: boolean;
}

const day = (ms: number | undefined): string => (ms === undefined || !Number.isFinite(ms) ? '?' : new Date(ms).toISOString().slice(0, 16).replace('T', ' '));

/** Human-readable report: window, a coverage table, then unhandled problems and handled warnings. */
export function formatDataCheck(report: DataCheckReport): string {
  const out: string[] = [];
  const title = report.mode ? `mode ${report.mode}` : 'data';
  out.push(`${title}: ${report.ok ? 'OK' : 'PROBLEMS'} — ${report.dataDir}${report.synthetic ? ' (SYNTHETIC data)' : ''}`);
  if (report.window) {
    const w = report.window;
    out.push(`  window ${day(w.startMs)} → ${day(w.endMs)} UTC, ${w.steps} steps of ${w.stepMs / 60_000} min`);
  } else out.push('  window: none (see problems)');
  if (report.coverage.length > 0) {
    const rows = report.coverage.map((c) => [c.key, `${day(c.firstMs).slice(0, 10)} → ${day(c.lastMs).slice(0, 10)}`, String(c.rows), String(c.observedSteps), String(c.filledSteps), String(c.fallbackSteps), String(c.missingSteps)]);
    const head = ['series', 'file coverage', 'rows', 'observed', 'filled', 'fallback', 'missing'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const fmt = (r: string[]): string => '  ' + r.map((x, i) => (i === 0 || i === 1 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
    out.push(fmt(head));
    for (const r of rows) out.push(fmt(r));
  }
  const line = (i: (typeof report.issues)[number]): string => {
    const span = i.firstMs !== undefined ? ` [${day(i.firstMs)} … ${day(i.lastMs ?? i.firstMs)}]` : '';
    // An unhandled issue carries the code the run would fail with, and where the first bad row is.
    const code = i.handled ? '' : `${i.code ?? 'DPR-005'} `;
    const where = i.line !== undefined && i.file ? ` (${i.file}:line ${i.line}${i.column !== undefined ? `:col ${i.column}` : ''})` : '';
    return `    ${code}${i.kind}${i.series ? ` ${i.series}` : i.file ? ` ${i.file}` : ''}${where}: ${i.message}${span}`;
  };
  const bad = report.issues.filter((i) => !i.handled);
  const warn = report.issues.filter((i) => i.handled);
  if (bad.length > 0) {
    out.push(`  unhandled problems (${bad.length}):`);
    for (const i of bad) out.push(line(i));
  }
  if (warn.length > 0) {
    out.push(`  handled (${warn.length}):`);
    for (const i of warn) out.push(line(i));
  }
  const broken = report.files.filter((f) => f.error);
  if (report.files.length > 0) out.push(`  files parsed: ${report.files.length}${broken.length ? `, unreadable: ${broken.length}` : ''}`);
  return out.join('\n');
}
