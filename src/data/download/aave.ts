import { BasisError } from '../../errors/base.js';
import {
  aaveReserveFile,
  DAY_MS,
  HOUR_MS,
  oracleHourlyFile,
  oracleUsdtDailyFile,
  sig15,
  ymd,
  type AaveAssetName,
  type AaveReserveRow,
  type DataFile,
  type ValueRow,
} from '../synth/schema.js';
import { fetchJson } from './http.js';
import type { RetryPolicy } from './retry.js';

/**
 * AAVE v3 (Ethereum) daily reserve snapshots from an HTTP JSON endpoint: Basis's own small adapter format, not
 * a public AAVE API. There is no free public service that serves historical daily reserve state in one call
 * (the real files came from an AaveScan Pro CSV export), so `--aave-url` points at whatever the user has: a
 * small script around an archive node (`Pool.getReserveData` + `AaveOracle.getAssetPrice` at the first block of
 * each UTC day), an AaveScan export converted once, or a subgraph proxy. It must answer
 *
 *   GET {aave-url}/reserves/{SYMBOL}/daily?from=YYYY-MM-DD&to=YYYY-MM-DD      SYMBOL ∈ USDT, WETH, weETH, wstETH
 *
 *   { "symbol": "USDT", "reserve": "0xdAC1…1ec7",
 *     "snapshots": [ { "timestamp": 1704067200,            // unix s, 00:00 UTC of the day
 *                      "blockNumber": 18908894,
 *                      "liquidityIndex": "1036…",           // ray (1e27) integer strings, as getReserveData
 *                      "variableBorrowIndex": "1049…",      //   returns them
 *                      "liquidityRate": "8162…",            // ray, APR
 *                      "variableBorrowRate": "1000…",       // ray, APR
 *                      "stableBorrowRate": "1480…",         // ray, APR (0 after the 2024-07 deprecation)
 *                      "totalAToken": "436727963.715508",   // decimal strings in token units
 *                      "totalStableDebt": "0",
 *                      "totalVariableDebt": "395987308.4507",
 *                      "priceUsd": "0.99965" } ] }          // AAVE oracle price, USD
 *
 * Written: the four daily reserve files (the catalog's AAVE and oracle source), the USDT/USD daily oracle file,
 * and the `…_1h_interpolated_…` oracle files rebuilt the way upstream built them (straight lines between the
 * daily prices; LST/ETH = LST/USD ÷ WETH/USD), which the provider only cross-checks.
 */

export interface AaveContext {
  readonly retry: RetryPolicy;
  readonly log: (line: string) => void;
  readonly timeoutMs: number;
}

const ASSETS: readonly AaveAssetName[] = ['USDT', 'WETH', 'weETH', 'wstETH'];
const RAY = 10n ** 27n;

/** ray integer string → decimal, exact to double precision. */
function fromRay(text: string): number {
  const v = BigInt(text);
  const whole = v / RAY;
  const frac = v % RAY;
  return Number(whole) + Number(frac) / 1e27;
}

export async function downloadAave(aaveUrl: string, startMs: number, lastDayMs: number, ctx: AaveContext): Promise<{ files: DataFile[]; skipped: string[] }> {
  const base = aaveUrl.replace(/\/+$/, '');
  const daily = new Map<AaveAssetName, AaveReserveRow[]>();
  const files: DataFile[] = [];
  const skipped: string[] = [];
  for (const asset of ASSETS) {
    const url = `${base}/reserves/${asset}/daily?from=${ymd(startMs)}&to=${ymd(lastDayMs)}`;
    const body = (await fetchJson(`aave ${asset}`, url, { timeoutMs: ctx.timeoutMs, retry: ctx.retry, log: ctx.log })) as { reserve?: unknown; snapshots?: unknown } | null;
    const bad = (detail: string): BasisError =>
      new BasisError('DPR-009', `aave ${asset}: unexpected response from ${base}/reserves/${asset}/daily (${detail})`, {
        problems: [{ code: 'DPR-009', message: detail, path: `${base}/reserves/${asset}/daily` }],
      });
    if (!body || typeof body !== 'object' || !Array.isArray(body.snapshots)) throw bad('expected {reserve, snapshots: [...]}');
    const reserve = typeof body.reserve === 'string' && /^0x[0-9a-fA-F]{40}$/.test(body.reserve) ? body.reserve : undefined;
    const rows: AaveReserveRow[] = [];
    for (const s of body.snapshots as Record<string, unknown>[]) {
      const ray = (k: string): number => {
        const v = s[k];
        if (typeof v !== 'string' || !/^\d+$/.test(v)) throw bad(`${k}: expected a ray integer string, got ${JSON.stringify(v)}`);
        return fromRay(v);
      };
      const dec = (k: string): number => {
        const v = Number(s[k]);
        if ((typeof s[k] !== 'string' && typeof s[k] !== 'number') || !Number.isFinite(v) || v < 0) throw bad(`${k}: expected a non-negative decimal, got ${JSON.stringify(s[k])}`);
        return v;
      };
      const ts = s['timestamp'];
      const block = s['blockNumber'];
      if (typeof ts !== 'number' || !Number.isInteger(ts) || (ts * 1000) % DAY_MS !== 0) throw bad(`timestamp: expected unix seconds at 00:00 UTC, got ${JSON.stringify(ts)}`);
      if (typeof block !== 'number' || !Number.isInteger(block)) throw bad(`blockNumber: expected an integer, got ${JSON.stringify(block)}`);
      const t = ts * 1000;
      if (t < startMs || t > lastDayMs) continue;
      rows.push({
        t,
        blockNumber: block,
        liquidityIndex: ray('liquidityIndex'),
        currentLiquidityRate: ray('liquidityRate'),
        variableBorrowIndex: ray('variableBorrowIndex'),
        currentVariableBorrowRate: ray('variableBorrowRate'),
        currentStableBorrowRate: ray('stableBorrowRate'),
        totalAToken: dec('totalAToken'),
        totalStableDebt: dec('totalStableDebt'),
        totalVariableDebt: dec('totalVariableDebt'),
        price: dec('priceUsd'),
      });
    }
    rows.sort((a, b) => a.t - b.t);
    const unique = rows.filter((r, i) => i === 0 || r.t !== rows[i - 1]!.t);
    ctx.log(`aave: ${asset}: ${unique.length} daily snapshots${unique.length ? ` (${ymd(unique[0]!.t)} → ${ymd(unique[unique.length - 1]!.t)})` : ''}`);
    if (!unique.length) {
      skipped.push(`aave:${asset}`);
      continue;
    }
    daily.set(asset, unique);
    files.push(aaveReserveFile(asset, unique, reserve));
  }

  const processed = 'basis data download';
  const usdt = daily.get('USDT');
  if (usdt) files.push(oracleUsdtDailyFile(usdt.map((r) => ({ t: r.t, value: r.price })), processed, `${base} (reserve price)`));
  const hourly = (rows: readonly AaveReserveRow[]): Map<number, number> => {
    const out = new Map<number, number>();
    for (let i = 0; i + 1 < rows.length; i++) {
      const a = rows[i]!;
      const b = rows[i + 1]!;
      for (let t = a.t; t < b.t; t += HOUR_MS) out.set(t, a.price + ((b.price - a.price) * (t - a.t)) / (b.t - a.t));
    }
    const last = rows[rows.length - 1];
    if (last) out.set(last.t, last.price);
    return out;
  };
  const weth = daily.get('WETH');
  const wethHourly = weth ? hourly(weth) : null;
  const toRows = (m: Map<number, number>): ValueRow[] => [...m.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, value: sig15(v) }));
  if (wethHourly && wethHourly.size > 1) files.push(oracleHourlyFile('WETH_USD', toRows(wethHourly), processed, 'linear between daily reserve prices'));
  for (const lst of ['weETH', 'wstETH'] as const) {
    const d = daily.get(lst);
    if (!d) continue;
    const h = hourly(d);
    if (h.size < 2) continue;
    files.push(oracleHourlyFile(`${lst}_USD`, toRows(h), processed, 'linear between daily reserve prices'));
    if (wethHourly) {
      const ratio = new Map<number, number>();
      for (const [t, v] of h) {
        const w = wethHourly.get(t);
        if (w) ratio.set(t, v / w);
      }
      if (ratio.size > 1) files.push(oracleHourlyFile(`${lst}_ETH`, toRows(ratio), processed, 'LST/USD divided by WETH/USD'));
    }
  }
  return { files, skipped };
}
