import type { ShareClass } from '../domain/tokens.js';

/** Number formatting shared by the terminal summary and the HTML report (en-US grouping, deterministic). */

const fmtCache = new Map<string, Intl.NumberFormat>();
function nf(min: number, max: number, signed = false): Intl.NumberFormat {
  const key = `${min}/${max}/${signed}`;
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      minimumFractionDigits: min,
      maximumFractionDigits: max,
      signDisplay: signed ? 'exceptZero' : 'auto',
    });
    fmtCache.set(key, f);
  }
  return f;
}

/** Decimals for amounts in a share class: cents for USDT, micro-ETH for ETH. */
export function amountDecimals(shareClass: ShareClass): number {
  return shareClass === 'ETH' ? 6 : 2;
}

export function fmtAmount(x: number, shareClass: ShareClass, signed = false): string {
  if (!Number.isFinite(x)) return 'n/a';
  const d = amountDecimals(shareClass);
  // A non-zero amount too small to show at the class precision keeps its magnitude instead of printing 0.00.
  if (x !== 0 && Math.abs(x) < 0.5 * 10 ** -d) return (signed && x > 0 ? '+' : '') + x.toExponential(2);
  return nf(d, d, signed).format(x);
}

export function fmtPct(x: number, decimals = 2, signed = false): string {
  if (!Number.isFinite(x)) return 'n/a';
  return `${nf(decimals, decimals, signed).format(x * 100)}%`;
}

export function fmtNum(x: number, decimals = 2): string {
  if (!Number.isFinite(x)) return 'n/a';
  return nf(decimals, decimals).format(x);
}

export function fmtInt(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return nf(0, 0).format(Math.round(x));
}

/** Days between two ISO timestamps, or undefined when either does not parse. */
export function periodDays(start: string, end: string): number | undefined {
  const a = Date.parse(start);
  const b = Date.parse(end);
  return Number.isFinite(a) && Number.isFinite(b) ? (b - a) / 86_400_000 : undefined;
}

/**
 * Share of one attribution part in the attributed P&L; undefined when the attributed total is too close to zero
 * for a share to mean anything (|total| below 1e-9 of the gross of all parts).
 */
export function attributionShare(part: number, attributed: number, gross: number): number | undefined {
  if (!Number.isFinite(part) || !Number.isFinite(attributed) || Math.abs(attributed) <= 1e-9 * gross || attributed === 0) {
    return undefined;
  }
  // A part that booked nothing has a share of 0, not the -0 that 0 / -21.5 gives (printed "-0.0%").
  return part === 0 ? 0 : part / attributed;
}
