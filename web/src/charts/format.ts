/** Number formatting for the dashboard and the report: every figure carries its unit, and signed figures their sign. */

const MINUS = '\u2212';

function grouped(v: number, decimals: number): string {
  return Math.abs(v).toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function signed(v: number, body: string, sign: boolean): string {
  if (v < 0) return `${MINUS}${body}`;
  return sign && v > 0 ? `+${body}` : body;
}

/** Decimals an amount of the token is shown with: cents for USD(T), 4 for ETH/BTC. */
export function tokenDecimals(unit: string): number {
  return unit === 'ETH' || unit === 'BTC' || unit === 'weETH' || unit === 'wstETH' ? 4 : 2;
}

export function fmtAmount(v: number | null | undefined, unit: string, sign = false): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const d = tokenDecimals(unit);
  const shown = Math.abs(v) < 0.5 * 10 ** -d ? 0 : v;
  return `${signed(shown, grouped(shown, d), sign)} ${unit}`;
}

export function fmtPct(v: number | null | undefined, decimals = 2, sign = false): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const shown = Math.abs(v * 100) < 0.5 * 10 ** -decimals ? 0 : v;
  return `${signed(shown, grouped(shown * 100, decimals), sign)}%`;
}

export function fmtBps(v: number | null | undefined, decimals = 1, sign = true): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const shown = Math.abs(v) < 0.5 * 10 ** -decimals ? 0 : v;
  return `${signed(shown, grouped(shown, decimals), sign)} bp`;
}

export function fmtNum(v: number | null | undefined, decimals = 2, sign = false): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const shown = Math.abs(v) < 0.5 * 10 ** -decimals ? 0 : v;
  return signed(shown, grouped(shown, decimals), sign);
}

export function fmtInt(v: number | null | undefined): string {
  return fmtNum(v, 0);
}

/** 2024-05-12 14:00 UTC */
export function fmtTime(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function fmtDate(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '–';
}

/** Decimals that resolve an axis step: 0.25 → 2, 1,000 → 0. */
export function stepDecimals(step: number): number {
  if (!(step > 0)) return 2;
  for (let d = 0; d < 8; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-6 * scaled) return d;
  }
  return 8;
}

/** Compact axis labels: 1.2M, 350k, 0.025. */
export function fmtAxis(v: number, step: number): string {
  const a = Math.abs(v);
  if (a >= 1e6 && step >= 1e4) return `${fmtNum(v / 1e6, stepDecimals(step / 1e6))}M`;
  if (a >= 1e4 && step >= 100) return `${fmtNum(v / 1e3, stepDecimals(step / 1e3))}k`;
  return fmtNum(v, stepDecimals(step));
}
