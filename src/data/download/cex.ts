import { binance, bybit, NetworkError, okx, RateLimitExceeded, DDoSProtection, type Exchange } from 'ccxt';
import { BasisError } from '../../errors/base.js';
import { barFile, fundingFile, HOUR_MS, ymd, type BarRow, type CexSymbol, type CexVenueName, type DataFile, type FundingRow } from '../synth/schema.js';
import { errorMessage, withRetry, type RetryPolicy } from './retry.js';

/**
 * CEX candles and funding through ccxt's unified `fetchOHLCV` / `fetchFundingRateHistory`, paged by `since` +
 * `limit` over fixed windows (an explicit `until` on every page, so a venue that answers "newest first" or skips
 * hours can never make a page overlap or loop). Columns ccxt's unified candle drops (Binance quote volume and
 * trade count, Bybit turnover, OKX volume in contracts) are read from the same response through ccxt's
 * `last_json_response`, which is validated against the venue's format before any row is used.
 *
 * Endpoints (as ccxt 4.5 calls them):
 *   binance  GET /api/v3/exchangeInfo, /fapi/v1/exchangeInfo (markets), /api/v3/klines, /fapi/v1/klines, /fapi/v1/fundingRate
 *   bybit    GET /v5/market/instruments-info, /v5/market/kline, /v5/market/funding/history
 *   okx      GET /api/v5/public/instruments, /api/v5/market/history-candles (or /candles for the last 60 days),
 *            /api/v5/public/funding-rate-history (realised rates; OKX serves about the last three months only)
 */

export interface CexContext {
  readonly retry: RetryPolicy;
  readonly log: (line: string) => void;
  readonly timeoutMs: number;
  /** Replace every API origin of the exchange with this (keeps each URL's path): proxies, replay servers. */
  readonly apiBaseUrl?: string;
  /** Page sizes; default: the venues' maxima. */
  readonly pageLimit?: { readonly ohlcv?: number; readonly funding?: number };
  readonly isCancelled: () => boolean;
}

const MARKET_TYPES: Record<CexVenueName, string[]> = { binance: ['spot', 'linear'], bybit: ['spot', 'linear'], okx: ['swap'] };
const OHLCV_LIMIT: Record<CexVenueName, number> = { binance: 1000, bybit: 1000, okx: 100 };
const FUNDING_LIMIT: Record<CexVenueName, number> = { binance: 1000, bybit: 200, okx: 100 };
const FUNDING_MS = 8 * HOUR_MS;

type VenueSeries = { kind: 'spot' | 'perp' | 'funding'; symbol: CexSymbol };
const SPOT_PERP_FUNDING: readonly VenueSeries[] = (['spot', 'perp', 'funding'] as const).flatMap((kind) =>
  (['BTCUSDT', 'ETHUSDT'] as const).map((symbol) => ({ kind, symbol })),
);

/** Series each venue has in the catalog (OKX: no spot). */
export const VENUE_SERIES: Record<CexVenueName, readonly VenueSeries[]> = {
  binance: SPOT_PERP_FUNDING,
  bybit: SPOT_PERP_FUNDING,
  okx: SPOT_PERP_FUNDING.filter((s) => s.kind !== 'spot'),
};

function rebase(api: unknown, base: string): unknown {
  if (typeof api === 'string') return api.replace(/^https?:\/\/[^/]+/, base.replace(/\/+$/, ''));
  if (api && typeof api === 'object') return Object.fromEntries(Object.entries(api).map(([k, v]) => [k, rebase(v, base)]));
  return api;
}

export function createExchange(venue: CexVenueName, ctx: Pick<CexContext, 'apiBaseUrl' | 'timeoutMs'>): Exchange {
  const config = { enableRateLimit: true, timeout: ctx.timeoutMs, options: { fetchMarkets: { types: MARKET_TYPES[venue] } } };
  const ex: Exchange = venue === 'binance' ? new binance(config) : venue === 'bybit' ? new bybit(config) : new okx(config);
  ex.enableLastJsonResponse = true;
  if (ctx.apiBaseUrl) ex.urls['api'] = rebase(ex.urls['api'], ctx.apiBaseUrl) as typeof ex.urls['api'];
  return ex;
}

const unified = (symbol: CexSymbol, kind: 'spot' | 'perp' | 'funding'): string => {
  const base = symbol.slice(0, -4);
  return kind === 'spot' ? `${base}/USDT` : `${base}/USDT:USDT`;
};

const pathOf = (url: unknown): string => {
  if (typeof url !== 'string') return '(no request made)';
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
};

/** Wraps a venue call: ccxt NetworkError (incl. rate limits, 5xx, timeouts) is retried; anything else is DPR-009. */
async function call<T>(ex: Exchange, venue: CexVenueName, what: string, fn: () => Promise<T>, ctx: CexContext): Promise<T> {
  try {
    return await withRetry(
      fn,
      ctx.retry,
      (err) => err instanceof NetworkError,
      (err, attempt, delay) => ctx.log(`${venue}: ${what} ${pathOf(ex.last_request_url)} failed (${errorMessage(err)}); retry ${attempt}/${ctx.retry.attempts - 1} in ${delay} ms`),
      (err) => (err instanceof RateLimitExceeded || err instanceof DDoSProtection ? 4 : 1),
    );
  } catch (err) {
    if (err instanceof BasisError) throw err;
    const endpoint = pathOf(ex.last_request_url);
    throw new BasisError('DPR-009', `${venue}: ${what} failed at ${endpoint}: ${errorMessage(err)}`, {
      cause: err,
      problems: [{ code: 'DPR-009', message: `${venue} ${what}: ${errorMessage(err)}`, path: endpoint }],
    });
  }
}

function badResponse(ex: Exchange, venue: CexVenueName, what: string, detail: string): BasisError {
  const endpoint = pathOf(ex.last_request_url);
  const raw = JSON.stringify(ex.last_json_response ?? ex.last_http_response ?? null) ?? 'undefined';
  return new BasisError('DPR-009', `${venue}: ${what}: unexpected response from ${endpoint} (${detail}): ${raw.slice(0, 120)}`, {
    problems: [{ code: 'DPR-009', message: `${venue} ${what}: ${detail}`, path: endpoint, expected: detail, received: raw.slice(0, 120) }],
  });
}

const isNumText = (x: unknown): boolean => (typeof x === 'string' || typeof x === 'number') && x !== '' && Number.isFinite(Number(x));

/** Raw candle rows of one response, validated, keyed by open time → extra fields. */
function rawCandles(ex: Exchange, venue: CexVenueName, what: string): Map<number, { quoteVolume?: number; trades?: number; volume?: number }> {
  const body = ex.last_json_response as unknown;
  const out = new Map<number, { quoteVolume?: number; trades?: number; volume?: number }>();
  let rows: unknown;
  if (venue === 'binance') rows = body;
  else if (venue === 'bybit') rows = (body as { result?: { list?: unknown } } | null)?.result?.list;
  else rows = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(rows)) throw badResponse(ex, venue, what, 'a list of candles');
  const width = venue === 'binance' ? 9 : venue === 'bybit' ? 7 : 6;
  for (const r of rows) {
    if (!Array.isArray(r) || r.length < width || !r.slice(0, width).every(isNumText)) throw badResponse(ex, venue, what, `candle arrays of ≥ ${width} numeric fields`);
    const t = Number(r[0]);
    if (venue === 'binance') out.set(t, { quoteVolume: Number(r[7]), trades: Number(r[8]) });
    else if (venue === 'bybit') out.set(t, { quoteVolume: Number(r[6]) });
    else out.set(t, { volume: Number(r[5]) });
  }
  return out;
}

export async function fetchBars(ex: Exchange, venue: CexVenueName, symbol: CexSymbol, kind: 'spot' | 'perp', startMs: number, lastMs: number, ctx: CexContext): Promise<BarRow[]> {
  const limit = Math.min(ctx.pageLimit?.ohlcv ?? OHLCV_LIMIT[venue], OHLCV_LIMIT[venue]);
  const sym = unified(symbol, kind);
  const what = `fetchOHLCV ${sym} 1h`;
  const byTime = new Map<number, BarRow>();
  const now = Date.now();
  for (let since = startMs; since <= lastMs; ) {
    if (ctx.isCancelled()) throw new BasisError('DPR-009', `${venue}: cancelled`);
    const until = Math.min(since + limit * HOUR_MS, lastMs + HOUR_MS) - 1;
    const { candles, extras } = await call(
      ex,
      venue,
      what,
      async () => {
        const c = await ex.fetchOHLCV(sym, '1h', since, limit, { until });
        return { candles: c, extras: rawCandles(ex, venue, what) };
      },
      ctx,
    );
    for (const c of candles) {
      const [t, o, h, l, cl, v] = c;
      if (t === undefined || t < since || t > until || t + HOUR_MS > now) continue;
      if (![o, h, l, cl].every((x) => typeof x === 'number' && Number.isFinite(x) && x > 0)) throw badResponse(ex, venue, what, 'positive OHLC prices');
      const extra = extras.get(t) ?? {};
      byTime.set(t, { t, open: o!, high: h!, low: l!, close: cl!, volume: extra.volume ?? v ?? NaN, quoteVolume: extra.quoteVolume, trades: extra.trades });
    }
    since = until + 1;
  }
  const rows = [...byTime.values()].sort((a, b) => a.t - b.t);
  ctx.log(`${venue}: ${sym} ${kind}: ${rows.length} hourly bars${rows.length ? ` (${ymd(rows[0]!.t)} → ${ymd(rows[rows.length - 1]!.t)})` : ''}`);
  return rows;
}

export async function fetchFunding(ex: Exchange, venue: CexVenueName, symbol: CexSymbol, startMs: number, lastMs: number, ctx: CexContext): Promise<FundingRow[]> {
  const limit = Math.min(ctx.pageLimit?.funding ?? FUNDING_LIMIT[venue], FUNDING_LIMIT[venue]);
  const sym = unified(symbol, 'funding');
  const what = `fetchFundingRateHistory ${sym}`;
  const byTime = new Map<number, number>();
  for (let since = startMs; since <= lastMs; ) {
    if (ctx.isCancelled()) throw new BasisError('DPR-009', `${venue}: cancelled`);
    const until = Math.min(since + limit * FUNDING_MS, lastMs + FUNDING_MS) - 1;
    // OKX's funding history takes its own `after` bound (records earlier than it); the others take ccxt's `until`.
    const params = venue === 'okx' ? { after: String(until + 1) } : { until };
    const rates = await call(
      ex,
      venue,
      what,
      async () => {
        const r = await ex.fetchFundingRateHistory(sym, since, limit, params);
        const body = ex.last_json_response as unknown;
        const list = venue === 'binance' ? body : venue === 'bybit' ? (body as { result?: { list?: unknown } } | null)?.result?.list : (body as { data?: unknown } | null)?.data;
        if (!Array.isArray(list)) throw badResponse(ex, venue, what, 'a list of funding records');
        return r;
      },
      ctx,
    );
    for (const r of rates) {
      if (typeof r.timestamp !== 'number' || typeof r.fundingRate !== 'number' || !Number.isFinite(r.fundingRate)) throw badResponse(ex, venue, what, 'timestamped numeric funding rates');
      // Binance stamps settlements a few ms late (e.g. …000003); the files carry the settlement minute.
      const t = Math.round(r.timestamp / 60_000) * 60_000;
      if (t < since || t > until) continue;
      byTime.set(t, r.fundingRate);
    }
    since = until + 1;
  }
  const rows = [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([t, rate]) => ({ t, rate }));
  ctx.log(`${venue}: ${sym} funding: ${rows.length} settlements${rows.length ? ` (${ymd(rows[0]!.t)} → ${ymd(rows[rows.length - 1]!.t)})` : ''}`);
  return rows;
}

/** Every catalog series of one venue, as files (a series with no rows in the range is reported and skipped). */
export async function downloadVenue(venue: CexVenueName, startMs: number, lastHourMs: number, ctx: CexContext): Promise<{ files: DataFile[]; skipped: string[] }> {
  const ex = createExchange(venue, ctx);
  await call(ex, venue, 'loadMarkets', () => ex.loadMarkets(), ctx);
  const files: DataFile[] = [];
  const skipped: string[] = [];
  for (const s of VENUE_SERIES[venue]) {
    if (s.kind === 'funding') {
      const lastSettlement = Math.floor(lastHourMs / FUNDING_MS) * FUNDING_MS;
      const firstSettlement = Math.ceil(startMs / FUNDING_MS) * FUNDING_MS;
      const rows = await fetchFunding(ex, venue, s.symbol, firstSettlement, lastSettlement, ctx);
      if (rows.length) files.push(fundingFile(venue, s.symbol, rows));
      else skipped.push(`funding:${venue}:${s.symbol}`);
    } else {
      const rows = await fetchBars(ex, venue, s.symbol, s.kind, startMs, lastHourMs, ctx);
      if (rows.length) files.push(barFile(venue, s.symbol, s.kind, rows));
      else skipped.push(`${s.kind}:${venue}:${s.symbol}`);
    }
  }
  return { files, skipped };
}
