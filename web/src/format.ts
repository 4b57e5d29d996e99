/** Every number the app shows goes through here, so units, signs and decimals read the same on every page. */

const DASH = '–';

function grouped(value: number, decimals: number): string {
  return Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function signOf(value: number, decimals: number): string {
  // A value that rounds to zero shows no sign, so "−0.00 %" never appears.
  if (Number(Math.abs(value).toFixed(decimals)) === 0) return '';
  return value < 0 ? '−' : '+';
}

/** A fraction as a signed percentage: 0.0523 → "+5.23 %". */
export function pct(fraction: number | null | undefined, decimals = 2, signed = true): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return DASH;
  const p = fraction * 100;
  const sign = signOf(p, decimals);
  return `${signed || sign === '−' ? sign : ''}${grouped(p, decimals)}%`;
}

/** An amount in a token, unsigned (a balance, a capital): 100000 → "100,000.00 USDT". */
export function amount(value: number | null | undefined, unit: string, decimals?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const d = decimals ?? (unit === 'ETH' || unit === 'BTC' || unit === 'weETH' || unit === 'wstETH' ? 4 : 2);
  return `${value < 0 ? '−' : ''}${grouped(value, d)} ${unit}`.trim();
}

/** A change in a token, always signed: −12.5 → "−12.50 USDT". */
export function signedAmount(value: number | null | undefined, unit: string, decimals?: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const d = decimals ?? (unit === 'USDT' || unit === 'USD' || unit === 'USDC' ? 2 : 4);
  return `${signOf(value, d)}${grouped(value, d)} ${unit}`.trim();
}

/** A plain number with grouping (counts, ratios): 1234 → "1,234". */
export function num(value: number | null | undefined, decimals = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return `${value < 0 ? '−' : ''}${grouped(value, decimals)}`;
}

/** CSS class for a signed figure: green above zero, red below. */
export function signClass(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value) || value === 0) return '';
  return value > 0 ? 'pos' : 'neg';
}

/** "2024-06-01" from an ISO time (UTC). */
export function day(iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return DASH;
  return iso.slice(0, 10);
}

/** "2024-06-01 08:00 UTC" from an ISO time or epoch milliseconds. */
export function dateTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return DASH;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2024-06-01 → 2024-07-01". */
export function span(start: string | null | undefined, end: string | null | undefined): string {
  if ((start === null || start === undefined) && (end === null || end === undefined)) return 'full data window';
  return `${day(start)} → ${day(end)}`;
}

/** Milliseconds as "1.2 s" or "340 ms". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  return ms >= 1000 ? `${num(ms / 1000, 1)} s` : `${num(ms)} ms`;
}

/**
 * A compare metric by the unit the API gives it (src/store/compare.ts): '%' is a fraction shown in percent, a token
 * (or 'mixed' when the runs' share classes differ) an amount in the run's own token, '' a ratio or a count.
 */
export function byUnit(value: number | null, unit: string, shareClass: string, signed = true): string {
  if (unit === '%') return pct(value, 2, signed);
  if (unit === 'mixed') return amount(value, shareClass);
  if (unit !== '') return amount(value, unit);
  return value !== null && Number.isInteger(value) ? num(value) : num(value, 2);
}

/** A token quantity as stored (balances, deltas): enough decimals for dust, no trailing noise. */
export function qty(value: number | null | undefined, signed = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  const abs = Math.abs(value);
  const decimals = abs >= 1000 ? 2 : abs >= 1 ? 4 : 8;
  const text = abs.toLocaleString('en-US', { minimumFractionDigits: Math.min(2, decimals), maximumFractionDigits: decimals });
  if (Number(text.replace(/,/g, '')) === 0) return text;
  return `${value < 0 ? '−' : signed ? '+' : ''}${text}`;
}

/** The token of a position key: "binance:Perp:BTCUSDT" → "BTCUSDT", "aave:aToken:aUSDT" → "aUSDT". */
export function positionToken(position: string): string {
  return position.split(':').pop() ?? position;
}

const ACRONYMS: Readonly<Record<string, string>> = { usdt: 'USDT', usd: 'USD', eth: 'ETH', btc: 'BTC', okx: 'OKX', ltv: 'LTV', hf: 'HF', apy: 'APY', apr: 'APR', bps: 'bps', lst: 'LST', dex: 'DEX', cex: 'CEX', aave: 'AAVE', pnl: 'P&L' };

/** "minMoveUsdt" → "Min move USDT". */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase().split(' ').map((w) => ACRONYMS[w] ?? w);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
