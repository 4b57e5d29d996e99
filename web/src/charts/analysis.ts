/** Series the dashboard derives from the recorded columns (pure functions on the downsampled arrays). */

export type Col = readonly (number | null)[];

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

/** Fraction below the running peak (≤ 0). */
export function drawdown(values: Col): (number | null)[] {
  let peak = -Infinity;
  return values.map((v) => {
    if (v === null) return null;
    if (v > peak) peak = v;
    return peak > 0 ? v / peak - 1 : null;
  });
}

/**
 * Annualised return over the trailing `windowDays` (compounded): null until a whole window of history exists, or
 * where either end has no value.
 */
export function rollingApy(tsMs: readonly number[], values: Col, windowDays: number): (number | null)[] {
  const w = windowDays * DAY_MS;
  const out: (number | null)[] = new Array<number | null>(values.length).fill(null);
  let j = 0;
  for (let i = 0; i < values.length; i++) {
    const t = tsMs[i] as number;
    if (t - (tsMs[0] as number) < w) continue;
    while (j + 1 < i && (tsMs[j + 1] as number) <= t - w) j++;
    const v0 = values[j];
    const v1 = values[i];
    const dt = t - (tsMs[j] as number);
    if (v0 === null || v0 === undefined || v1 === null || v1 === undefined || !(v0 > 0) || dt <= 0) continue;
    out[i] = Math.pow(v1 / v0, YEAR_MS / dt) - 1;
  }
  return out;
}

export interface MonthlyReturn {
  readonly year: number;
  /** 0–11 */
  readonly month: number;
  readonly ret: number;
  /** The month is not complete in the run (first or last). */
  readonly partial: boolean;
}

/**
 * Return of each calendar month (UTC): the last value of the month over the last value of the month before (the
 * first value for the first month). `values` should be NAV per share when the run had flows.
 */
export function monthlyReturns(tsMs: readonly number[], values: Col): MonthlyReturn[] {
  const out: MonthlyReturn[] = [];
  let base: number | undefined;
  let curKey = -1;
  let last: number | undefined;
  let firstT = NaN;
  let lastT = NaN;
  const close = (): void => {
    if (curKey < 0 || base === undefined || last === undefined) return;
    const year = Math.floor(curKey / 12);
    const month = curKey % 12;
    const monthStart = Date.UTC(year, month, 1);
    const monthEnd = Date.UTC(year, month + 1, 1);
    // A month the run covered only partly: the first point is after its first day, or the last before its last.
    const partial = firstT - monthStart >= DAY_MS || monthEnd - lastT > DAY_MS;
    out.push({ year, month, ret: last / base - 1, partial });
    base = last;
  };
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const t = tsMs[i] as number;
    const d = new Date(t);
    const key = d.getUTCFullYear() * 12 + d.getUTCMonth();
    if (key !== curKey) {
      close();
      if (base === undefined) base = v;
      curKey = key;
      firstT = t;
    }
    last = v;
    lastT = t;
  }
  close();
  return out;
}

/** Compounded return of each year from its monthly returns. */
export function yearlyReturns(months: readonly MonthlyReturn[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const m of months) out.set(m.year, (1 + (out.get(m.year) ?? 0)) * (1 + m.ret) - 1);
  return out;
}

/**
 * Rounding noise of a net-delta series set to zero: |x| below `relTol` of the series' largest |x| (and below an
 * absolute floor) is drawn flat, so float residue of a hedged book is not drawn as a pulse.
 */
export function zeroNoise(values: Col, relTol = 1e-6, absFloor = 1e-9): (number | null)[] {
  let maxAbs = 0;
  for (const v of values) if (v !== null && Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  const tol = Math.max(absFloor, maxAbs * relTol);
  return values.map((v) => (v === null ? null : Math.abs(v) < tol ? 0 : v));
}

/** Element-wise a × b (null where either is null). */
export function times(a: Col, b: Col): (number | null)[] {
  return a.map((v, i) => {
    const w = b[i];
    return v === null || w === null || w === undefined ? null : v * w;
  });
}

/** Element-wise a ÷ b (null where either is null or b is 0). */
export function divide(a: Col, b: Col): (number | null)[] {
  return a.map((v, i) => {
    const w = b[i];
    return v === null || w === null || w === undefined || w === 0 ? null : v / w;
  });
}

/** Element-wise a − b. */
export function minus(a: Col, b: Col): (number | null)[] {
  return a.map((v, i) => {
    const w = b[i];
    return v === null || w === null || w === undefined ? null : v - w;
  });
}

/** Years between two ISO times. */
export function yearsBetween(startIso: string, endIso: string): number {
  return (Date.parse(endIso) - Date.parse(startIso)) / YEAR_MS;
}
