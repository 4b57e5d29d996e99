import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mathUtils from '@aave/math-utils';
import { CATALOG, SERIES_KEYS } from '../../src/data/catalog.js';
import { parseCsv } from '../../src/data/csv.js';
import { downloadData, type DownloadOptions } from '../../src/data/download/index.js';
import { BasisError } from '../../src/errors/base.js';
import type { SeriesKey } from '../../src/data/series.js';
import { AAVE_CHAIN, CHAIN, reserveStateAt, startReplayServer, type ReplayServer } from './server.js';
import { listFiles } from '../support/files.js';

const FIX = join(__dirname, '..', 'fixtures', 'download');
const fixture = <T>(rel: string): T => JSON.parse(readFileSync(join(FIX, rel), 'utf8')) as T;
const START = '2024-05-12';
const END = '2024-05-13';
const T0 = Date.UTC(2024, 4, 12);
const HOUR = 3_600_000;

let server: ReplayServer;
const roots: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'basis-dl-'));
  roots.push(d);
  return d;
};
beforeAll(async () => {
  server = await startReplayServer();
});
afterAll(async () => {
  await server.close();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const fast = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const opts = (outDir: string, extra: Partial<DownloadOptions> = {}): DownloadOptions => ({
  outDir,
  start: START,
  end: END,
  apiBaseUrls: { binance: server.url, bybit: server.url, okx: server.url },
  rpcUrl: `${server.url}/rpc`,
  retry: fast,
  timeoutMs: 5000,
  pageLimit: { ohlcv: 20, funding: 4 },
  log: () => {},
  ...extra,
});
type Entry = { dir: string; pattern: RegExp; upstream?: { dir: string; pattern: RegExp } };
const pick = (root: string, e: { dir: string; pattern: RegExp }): string => {
  const hits = readdirSync(join(root, e.dir)).filter((n) => e.pattern.test(n));
  expect(hits, `${e.dir} ${String(e.pattern)}`).toHaveLength(1);
  return join(root, e.dir, hits[0]!);
};
const csv = (path: string) => parseCsv(readFileSync(path, 'utf8'), path);
const DAY = 24 * HOUR;
const AAVE_ASSETS = ['USDT', 'WETH', 'weETH', 'wstETH'] as const;
/** An exact decimal string (as written) to a fixed-point integer with `decimals` digits; throws on lost digits. */
function decimalToFixed(text: string, decimals: number): bigint {
  const m = /^(\d+)\.(\d+)$/.exec(text);
  if (!m) throw new Error(`not a plain decimal: ${text}`);
  const frac = m[2]!.replace(/0+$/, '');
  if (frac.length > decimals) throw new Error(`${text} has more than ${decimals} decimals`);
  return BigInt(m[1]!) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, '0') || '0');
}
const big = (x: { toFixed: (dp: number) => string }): bigint => BigInt(x.toFixed(0));
/** WadRayMath.rayMul and MathUtils.calculateCompoundedInterest (AAVE v3.0, Solidity), transcribed for the test. */
const solRayMul = (a: bigint, b: bigint): bigint => (a * b + 5n * 10n ** 26n) / 10n ** 27n;
function solCompoundedInterest(rate: bigint, exp: bigint): bigint {
  const YEAR = 31_536_000n;
  if (exp === 0n) return 10n ** 27n;
  const expMinusOne = exp - 1n;
  const expMinusTwo = exp > 2n ? exp - 2n : 0n;
  const basePowerTwo = solRayMul(rate, rate) / (YEAR * YEAR);
  const basePowerThree = solRayMul(basePowerTwo, rate) / YEAR;
  const secondTerm = (exp * expMinusOne * basePowerTwo) / 2n;
  const thirdTerm = (exp * expMinusOne * expMinusTwo * basePowerThree) / 6n;
  return 10n ** 27n + (rate * exp) / YEAR + secondTerm + thirdTerm;
}
const abs = (x: bigint): bigint => (x < 0n ? -x : x);

describe('basis data download (local replay server)', () => {
  let out: string;
  const lines: string[] = [];
  beforeAll(async () => {
    out = join(tmp(), 'data');
    await downloadData(opts(out, { log: (l) => lines.push(l) }));
  }, 60_000);
  /** The written daily reserve rows of an asset, as text (so no digit is lost to a float). */
  const aaveRows = (asset: (typeof AAVE_ASSETS)[number]): Record<string, string>[] => {
    const [header, ...body] = readFileSync(pick(out, CATALOG[`aave:${asset}:liquidityIndex`] as unknown as Entry), 'utf8').trimEnd().split('\n');
    const cols = header!.split(',');
    return body.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v])));
  };

  it('writes every catalog series under its catalog name, plus DOWNLOAD.json', () => {
    for (const k of SERIES_KEYS) {
      if (k === 'benchmark:ethena:apr' || k.startsWith('dex:')) continue; // not downloadable sources (documented)
      const e = CATALOG[k] as unknown as Entry;
      if (k === 'spot:binance:ETHUSDT' || k.startsWith('spot:') || k.startsWith('perp:') || k.startsWith('funding:') || k.startsWith('aave:') || k.startsWith('oracle:') || k.startsWith('gas:')) {
        pick(out, e);
        if (e.upstream) pick(out, e.upstream);
      }
    }
    const files = listFiles(out);
    expect(files).toContain('DOWNLOAD.json');
    expect(files).toContain('binance/binance_BTCUSDT_spot_1h_2024-05-12_2024-05-13.csv');
    expect(files).toContain('okx/okx_ETHUSDT_funding_8h_2024-05-12_2024-05-13.csv');
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(lines.some((l) => l.startsWith('binance: BTC/USDT spot: 48 hourly bars'))).toBe(true);
  });

  it('Binance klines: values equal the recorded response, incl. quote volume and trade count; CRLF like the real file', () => {
    const path = pick(out, CATALOG['spot:binance:BTCUSDT'] as unknown as Entry);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('timestamp,open,high,low,close,volume,quote_volume,trades_count,source,asset_pair\r\n')).toBe(true);
    const c = csv(path);
    const rec = fixture<(string | number)[][]>('binance/klines_spot_BTCUSDT.json');
    expect(c.rowCount).toBe(48);
    const t = c.timestamps('timestamp');
    const [o, h, l, cl, v, qv, n] = ['open', 'high', 'low', 'close', 'volume', 'quote_volume', 'trades_count'].map((k) => c.numbers(k));
    rec.forEach((r, i) => {
      expect(t[i]).toBe(r[0]);
      expect([o![i], h![i], l![i], cl![i], v![i], qv![i], n![i]]).toEqual([r[1], r[2], r[3], r[4], r[5], r[7], r[8]].map(Number));
    });
    expect(c.strings('asset_pair')[0]).toBe('BTC/USDT');
  });

  it('Bybit (newest-first pages) and OKX (contracts volume) candles come out ascending and equal to the records', () => {
    const by = csv(pick(out, CATALOG['perp:bybit:ETHUSDT'] as unknown as Entry));
    const rec = [...fixture<{ result: { list: string[][] } }>('bybit/kline_perp_ETHUSDT.json').result.list].reverse();
    expect(Array.from(by.timestamps('timestamp'))).toEqual(rec.map((r) => Number(r[0])));
    expect(Array.from(by.numbers('open'))).toEqual(rec.map((r) => Number(r[1])));
    expect(Array.from(by.numbers('turnover'))).toEqual(rec.map((r) => Number(r[6])));
    const ok = csv(pick(out, CATALOG['perp:okx:BTCUSDT'] as unknown as Entry));
    const orec = [...fixture<{ data: string[][] }>('okx/history-candles_BTC-USDT-SWAP.json').data].reverse();
    expect(Array.from(ok.timestamps('timestamp'))).toEqual(orec.map((r) => Number(r[0])));
    expect(Array.from(ok.numbers('close'))).toEqual(orec.map((r) => Number(r[4])));
    expect(Array.from(ok.numbers('volume'))).toEqual(orec.map((r) => Number(r[5])));
  });

  it('funding: settlement times and rates equal the records (Binance ms offsets snapped; OKX realised rate)', () => {
    const b = csv(pick(out, CATALOG['funding:binance:BTCUSDT'] as unknown as Entry));
    const lastSettlement = T0 + 40 * HOUR; // 2024-05-13 16:00; the records run two settlements further
    const rec = fixture<{ fundingTime: number; fundingRate: string }[]>('binance/fundingRate_BTCUSDT.json').filter((r) => r.fundingTime <= lastSettlement + 1000);
    expect(Array.from(b.timestamps('funding_timestamp'))).toEqual(rec.map((r) => Math.round(r.fundingTime / 60000) * 60000));
    expect(Array.from(b.numbers('funding_rate'))).toEqual(rec.map((r) => Number(r.fundingRate)));
    expect(b.rowCount).toBe(6);
    const o = csv(pick(out, CATALOG['funding:okx:ETHUSDT'] as unknown as Entry));
    const orec = [...fixture<{ data: { fundingTime: string; realizedRate: string }[] }>('okx/funding-rate-history_ETH-USDT-SWAP.json').data].reverse().filter((r) => Number(r.fundingTime) <= lastSettlement);
    expect(orec.length).toBe(6);
    expect(Array.from(o.numbers('funding_rate'))).toEqual(orec.map((r) => Number(r.realizedRate)));
    const y = csv(pick(out, CATALOG['funding:bybit:ETHUSDT'] as unknown as Entry));
    expect(Array.from(y.timestamps('funding_timestamp'))).toEqual([0, 8, 16, 24, 32, 40].map((h) => T0 + h * HOUR));
  });

  it('gas: one row per hour from the last block at or before the hour, fees from eth_feeHistory', () => {
    const g = csv(pick(out, CATALOG['gas:ethereum:gwei'] as unknown as Entry));
    expect(g.rowCount).toBe(48);
    const t = g.timestamps('timestamp');
    const bn = g.numbers('block_number');
    const bts = g.numbers('block_timestamp');
    const base = g.numbers('base_fee_gwei');
    const price = g.numbers('gas_price_gwei');
    for (let i = 0; i < 48; i++) {
      expect(t[i]).toBe(T0 + i * HOUR);
      const n = bn[i]!;
      expect(CHAIN.ts(n)).toBe(bts[i]);
      expect(CHAIN.ts(n)).toBeLessThanOrEqual(t[i]! / 1000);
      expect(CHAIN.ts(n + 1)).toBeGreaterThan(t[i]! / 1000);
      expect(base[i]).toBeCloseTo(Number(CHAIN.baseFeeWei(n)) / 1e9, 9);
      expect(price[i]).toBeCloseTo((Number(CHAIN.baseFeeWei(n)) + Number(CHAIN.tipsWei(n)[1])) / 1e9, 9);
    }
    expect(g.header).toEqual(
      'timestamp,chain,block_number,block_timestamp,gas_price_gwei,gas_price_avg_gwei,gas_price_median_gwei,base_fee_gwei,priority_fee_p25_gwei,priority_fee_p50_gwei,priority_fee_p75_gwei,source,note'.split(','),
    );
  });

  it('AAVE: one snapshot per day at the first block at or after 00:00 UTC, in the real file’s name and columns', () => {
    const real = readFileSync('/work/shared/data/aave_v3_ethereum/rates/aave_v3_ethereum_USDT_reserve_1d_2024-01-01_2025-09-29.csv', 'utf8').split('\n');
    for (const asset of AAVE_ASSETS) {
      const path = pick(out, CATALOG[`aave:${asset}:liquidityIndex`] as unknown as Entry);
      expect(path.endsWith(`aave_v3_ethereum/rates/aave_v3_ethereum_${asset}_reserve_1d_2024-05-12_2024-05-13.csv`)).toBe(true);
      for (const col of ['borrowIndex', 'liquidityRate', 'borrowRate']) expect(pick(out, CATALOG[`aave:${asset}:${col}` as SeriesKey] as unknown as Entry)).toBe(path);
      const lines = readFileSync(path, 'utf8').split('\n');
      expect(lines[0]).toBe(real[0]);
      expect(lines).toHaveLength(4); // header, 2 days, final newline
      const rows = aaveRows(asset);
      rows.forEach((r, i) => {
        const day = T0 + i * DAY;
        expect(r['targetDate']).toBe(new Date(day).toISOString().replace('.000Z', 'Z'));
        expect(r['timestamp']).toBe(String(day / 1000));
        expect(r['date']).toBe(new Date(day).toISOString().slice(0, 10));
        expect(r['reserve']).toBe(AAVE_CHAIN.reserves[asset].asset);
        expect(r['symbol']).toBe(asset);
        const n = Number(r['blockNumber']);
        expect(CHAIN.ts(n)).toBeGreaterThanOrEqual(day / 1000);
        expect(CHAIN.ts(n - 1)).toBeLessThan(day / 1000);
      });
    }
    expect(lines.some((l) => /^aave: 2\/2 days read \(2024-05-13: block \d+/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith('aave: weETH: 2 daily snapshots (2024-05-12 → 2024-05-13)'))).toBe(true);
  });

  it('AAVE: indices accrued from lastUpdateTimestamp to the block equal @aave/math-utils; rates exact', () => {
    for (const asset of AAVE_ASSETS) {
      for (const r of aaveRows(asset)) {
        const ts = CHAIN.ts(Number(r['blockNumber']));
        const u = reserveStateAt(AAVE_CHAIN.reserves[asset], ts)!;
        expect(ts - u.lastUpdateTimestamp).toBeGreaterThan(3600); // the accrual step matters
        const liquidity = big(
          mathUtils.getReserveNormalizedIncome({ rate: u.currentLiquidityRate, index: u.liquidityIndex, lastUpdateTimestamp: u.lastUpdateTimestamp, currentTimestamp: ts }),
        );
        const debt = big(
          mathUtils.rayMul(u.variableBorrowIndex, mathUtils.calculateCompoundedInterest({ rate: u.currentVariableBorrowRate, lastUpdateTimestamp: u.lastUpdateTimestamp, currentTimestamp: ts })),
        );
        const ourLiquidity = decimalToFixed(r['liquidityIndex']!, 27);
        const ourDebt = decimalToFixed(r['variableBorrowIndex']!, 27);
        expect(ourLiquidity).not.toBe(BigInt(u.liquidityIndex));
        expect(ourDebt).not.toBe(BigInt(u.variableBorrowIndex));
        // math-utils divides Δt by the year before multiplying (the contract after): a wei apart at most.
        expect(abs(ourLiquidity - liquidity) <= 1n, `${asset} liquidityIndex ${ourLiquidity} vs ${liquidity}`).toBe(true);
        // math-utils rounds (rate/year)² where the contract rounds rate²/year²: both truncate a ~5e9-wei term, so
        // they part by up to ~1e8 wei (≈ 1.2e-19 relative here), not a few wei. Against math-utils: 1e-18 relative
        // (the bound test/protocols/aave.test.ts uses); exactly against MathUtils.sol transcribed below.
        expect(abs(ourDebt - debt) * 10n ** 18n <= debt, `${asset} variableBorrowIndex ${ourDebt} vs ${debt}`).toBe(true);
        const dt = BigInt(ts - u.lastUpdateTimestamp);
        expect(ourDebt).toBe(solRayMul(BigInt(u.variableBorrowIndex), solCompoundedInterest(BigInt(u.currentVariableBorrowRate), dt)));
        expect(ourLiquidity).toBe(solRayMul(BigInt(u.liquidityIndex), 10n ** 27n + (BigInt(u.currentLiquidityRate) * dt) / 31_536_000n));
        expect(decimalToFixed(r['currentLiquidityRate']!, 27)).toBe(BigInt(u.currentLiquidityRate));
        expect(decimalToFixed(r['currentVariableBorrowRate']!, 27)).toBe(BigInt(u.currentVariableBorrowRate));
        expect(decimalToFixed(r['currentStableBorrowRate']!, 27)).toBe(BigInt(u.currentStableBorrowRate));
        // Full precision, written without floats: every ray digit survives.
        expect(r['liquidityIndex']).toMatch(/^1\.\d{20,27}$/);
      }
    }
  });

  it('AAVE: totals in token units (USDT 6 decimals, others 18), stable debt when the token exists, price with 8 decimals', () => {
    for (const asset of AAVE_ASSETS) {
      const dec = asset === 'USDT' ? 6 : 18;
      for (const r of aaveRows(asset)) {
        const u = reserveStateAt(AAVE_CHAIN.reserves[asset], CHAIN.ts(Number(r['blockNumber'])))!;
        expect(decimalToFixed(r['totalAToken']!, dec)).toBe(BigInt(u.aTokenSupply));
        expect(decimalToFixed(r['totalVariableDebt']!, dec)).toBe(BigInt(u.variableDebtSupply));
        expect(decimalToFixed(r['totalStableDebt']!, dec)).toBe(BigInt(u.stableDebtSupply));
        expect(decimalToFixed(r['price']!, 8)).toBe(BigInt(u.price));
      }
    }
    const usdt = aaveRows('USDT')[0]!;
    expect([usdt['totalAToken'], usdt['totalStableDebt'], usdt['totalVariableDebt'], usdt['price']]).toEqual(['1314871948.641169', '1234567.891011', '916849076.131855', '0.99970642']);
    expect(aaveRows('weETH')[0]!['totalStableDebt']).toBe('0.0'); // no stable debt token (zero address): no call, 0
    const weth = aaveRows('WETH')[1]!;
    expect(weth['price']).toBe('2930.25');
    expect(weth['totalAToken']).toMatch(/^716522\.7738687682\d{8}$/); // all 18 decimals of the supply
    // The same values the real snapshot had that day (the fixture was built from it), up to the accrual.
    const real = readFileSync('/work/shared/data/aave_v3_ethereum/rates/aave_v3_ethereum_USDT_reserve_1d_2024-01-01_2025-09-29.csv', 'utf8').split('\n');
    const realRow = real.find((l) => l.startsWith('2024-05-12T'))!.split(',');
    expect(Number(usdt['liquidityIndex'])).toBeCloseTo(Number(realRow[5]), 4);
  });

  it('AAVE: oracle files derived from the reserve prices', () => {
    const o = csv(pick(out, (CATALOG['oracle:weETH:ETH'] as unknown as Entry).upstream ?? (CATALOG['oracle:weETH:ETH'] as unknown as Entry)));
    expect(o.rowCount).toBe(25);
    expect(o.numbers('oracle_price_eth')[0]).toBeCloseTo(3020.35664029 / 2909.32998146, 12);
    const usd = readFileSync(pick(out, { dir: 'aave_v3_ethereum/oracle', pattern: /^aave_v3_ethereum_oracle_USDT_USD_1d_/ }), 'utf8');
    expect(usd).toMatch(/^# Source: aave_oracle_extracted\n/);
    expect(usd).toContain('\n1715472000,0.99970642,USDT,aave_oracle_extracted,USD\n');
  });

  it('AAVE: eth_calls go out in JSON-RPC batches, one block search per day shared by the four assets', () => {
    expect(server.rpc.batches.length).toBeGreaterThan(0);
    expect(Math.max(...server.rpc.batches)).toBeGreaterThanOrEqual(8); // 2 days × 4 reserves
    const marker = JSON.parse(readFileSync(join(out, 'DOWNLOAD.json'), 'utf8')) as { sources: { aave: string | null } };
    expect(marker.sources.aave).toMatch(/getReserveData.*eth_call/);
  });

  const providerPath = join(__dirname, '../../src/data/index.ts');
  const hasProvider = existsSync(providerPath) && readFileSync(providerPath, 'utf8').includes('openHistoricalData');
  it.skipIf(!hasProvider)('the historical data provider loads the downloaded set (not synthetic)', async () => {
    const mod = (await import('../../src/data/index.js' as string)) as {
      openHistoricalData: (o: Record<string, unknown>) => Promise<{ synthetic: boolean; length: number; issues: readonly { handled: boolean; message: string }[]; series(k: string): { values: Float64Array } }>;
      dataPolicySchema: { parse(x: unknown): unknown };
    };
    const defaults = JSON.parse(readFileSync(join(__dirname, '../../configs/default.json'), 'utf8')) as { data: unknown };
    // Uniswap and Ethena are not downloaded; the default policy's fallback chain for ETH spot ends at the Uniswap pool.
    const requirements = SERIES_KEYS.filter((k) => k !== 'benchmark:ethena:apr' && !k.startsWith('dex:') && !/^spot:.*:ETHUSDT$/.test(k));
    const timeline = await mod.openHistoricalData({ dataDir: out, requirements, policy: mod.dataPolicySchema.parse(defaults.data), stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir: null });
    expect(timeline.synthetic).toBe(false);
    expect(timeline.issues.filter((i) => !i.handled).map((i) => i.message)).toEqual([]);
    const rec = fixture<(string | number)[][]>('binance/klines_spot_BTCUSDT.json');
    expect(timeline.series('spot:binance:BTCUSDT').values[0]).toBe(Number(rec[0]![1]));
    for (const asset of AAVE_ASSETS) {
      const first = aaveRows(asset)[0]!;
      expect(timeline.series(`aave:${asset}:liquidityIndex`).values[0]).toBeCloseTo(Number(first['liquidityIndex']), 12);
      expect(timeline.series(`aave:${asset}:borrowRate`).values[0]).toBeCloseTo(Number(first['currentVariableBorrowRate']), 12);
    }
    expect(timeline.series('oracle:weETH:ETH').values[0]).toBeCloseTo(3020.35664029 / 2909.32998146, 9);
  });
});

describe('basis data download: failures', () => {
  it('a venue answering 500 then 200 is retried and succeeds', async () => {
    server.faults.set('/fapi/v1/klines', { queue: [{ status: 500, body: 'Internal Server Error' }, { status: 503, body: 'busy' }] });
    const before = server.requests.filter((r) => r.includes('/fapi/v1/klines')).length;
    const lines: string[] = [];
    const out = join(tmp(), 'd');
    try {
      await downloadData(opts(out, { venues: ['binance'], rpcUrl: null, log: (l) => lines.push(l) }));
    } finally {
      server.faults.delete('/fapi/v1/klines');
    }
    expect(lines.filter((l) => l.includes('retry')).length).toBe(2);
    expect(lines.some((l) => /binance: fetchOHLCV BTC\/USDT:USDT 1h \/fapi\/v1\/klines failed .*retry 1\/2/.test(l))).toBe(true);
    expect(server.requests.filter((r) => r.includes('/fapi/v1/klines')).length - before).toBe(3 * 2 + 2); // 3 pages × 2 symbols + 2 retries
    expect(csv(pick(out, CATALOG['perp:binance:BTCUSDT'] as unknown as Entry)).rowCount).toBe(48);
  }, 60_000);

  it('the JSON-RPC endpoint (gas and AAVE) is retried on 5xx too', async () => {
    server.faults.set('/rpc', { queue: [{ status: 502, body: 'bad gateway' }, { status: 500, body: 'oops' }] });
    const lines: string[] = [];
    const out = join(tmp(), 'd');
    try {
      await downloadData(opts(out, { venues: [], log: (l) => lines.push(l) }));
    } finally {
      server.faults.delete('/rpc');
    }
    expect(lines.filter((l) => l.includes('retry')).length).toBe(2);
    expect(listFiles(out).some((f) => f.startsWith('ethereum/ethereum_gas_prices_1h_'))).toBe(true);
    expect(listFiles(out).some((f) => f.startsWith('aave_v3_ethereum/rates/aave_v3_ethereum_USDT_reserve_1d_'))).toBe(true);
  }, 60_000);

  const expectFailure = async (path: string, fault: { status: number; body: string }, venue: 'binance' | 'bybit' | 'okx', pattern: RegExp): Promise<void> => {
    server.faults.set(path, { queue: [], always: fault });
    const parent = tmp();
    const out = join(parent, 'out');
    let caught: unknown;
    try {
      await downloadData(opts(out, { venues: [venue], rpcUrl: `${server.url}/rpc`, aave: false }));
    } catch (err) {
      caught = err;
    } finally {
      server.faults.delete(path);
    }
    expect(caught).toBeInstanceOf(BasisError);
    const e = caught as BasisError;
    expect(e.code).toBe('DPR-009');
    expect(e.message).toMatch(pattern);
    expect(existsSync(out)).toBe(false); // nothing left in --out
    expect(readdirSync(parent)).toEqual([]);
  };

  it('garbage from Binance spot klines → DPR-009 naming venue and endpoint, nothing written', async () => {
    await expectFailure('/api/v3/klines', { status: 200, body: '<html>garbage</html>' }, 'binance', /binance: fetchOHLCV BTC\/USDT 1h.*\/api\/v3\/klines/);
  }, 60_000);

  it('well-formed JSON of the wrong shape from Bybit → DPR-009 naming the endpoint', async () => {
    await expectFailure('/v5/market/kline', { status: 200, body: '{"retCode":0,"retMsg":"OK","result":{"list":[["x","y"]]}}' }, 'bybit', /bybit: fetchOHLCV BTC\/USDT 1h.*\/v5\/market\/kline/);
  }, 60_000);

  it('garbage from OKX funding history → DPR-009', async () => {
    await expectFailure('/api/v5/public/funding-rate-history', { status: 200, body: 'not json at all' }, 'okx', /okx: fetchFundingRateHistory BTC\/USDT:USDT.*\/api\/v5\/public\/funding-rate-history/);
  }, 60_000);

  it('a venue that keeps failing with 500 → DPR-009 after the retries', async () => {
    await expectFailure('/fapi/v1/fundingRate', { status: 500, body: 'down' }, 'binance', /binance: fetchFundingRateHistory BTC\/USDT:USDT failed at \/fapi\/v1\/fundingRate/);
  }, 60_000);

  it('an archive node answering eth_call with an error → DPR-009 naming eth_call and getReserveData, nothing written', async () => {
    server.rpc.errors.set('eth_call:0x35ea6a75', { code: -32000, message: 'missing trie node 1f2e3d (path ) <nil>' });
    const parent = tmp();
    const out = join(parent, 'out');
    let caught: unknown;
    try {
      await downloadData(opts(out, { venues: ['bybit'] }));
    } catch (err) {
      caught = err;
    } finally {
      server.rpc.errors.clear();
    }
    expect(caught).toBeInstanceOf(BasisError);
    const e = caught as BasisError;
    expect(e.code).toBe('DPR-009');
    expect(e.message).toMatch(/^aave rpc: eth_call Pool\.getReserveData\(USDT\) \(2024-05-12\) at block \d+ at http:\/\/127\.0\.0\.1:\d+\/…: JSON-RPC error -32000: missing trie node/);
    expect(e.message).toMatch(/archive node/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  }, 60_000);

  it('the oracle reverting for a listed reserve → DPR-009 naming AaveOracle.getAssetPrice and the block', async () => {
    server.rpc.errors.set('eth_call:0xb3596f07', { code: 3, message: 'execution reverted' });
    const out = join(tmp(), 'out');
    try {
      await expect(downloadData(opts(out, { venues: [] }))).rejects.toThrow(/^aave rpc: eth_call AaveOracle\.getAssetPrice\(USDT\) \(2024-05-12\) at block \d+ at .*: JSON-RPC error 3: execution reverted$/);
    } finally {
      server.rpc.errors.clear();
    }
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('days before a reserve is listed (zero reserve data) are left out; the oracle is not asked for them', async () => {
    const out = join(tmp(), 'out');
    const lines: string[] = [];
    const before = server.rpc.calls.length;
    await downloadData(opts(out, { start: '2024-05-11', end: '2024-05-12', venues: [], log: (l) => lines.push(l) }));
    const files = listFiles(out).filter((f) => f.startsWith('aave_v3_ethereum/rates/'));
    expect(files).toEqual(AAVE_ASSETS.map((a) => `aave_v3_ethereum/rates/aave_v3_ethereum_${a}_reserve_1d_2024-05-12_2024-05-12.csv`).sort());
    expect(lines).toContain('aave: USDT: 1 daily snapshots (2024-05-12 → 2024-05-12); not listed on 1 day(s) (2024-05-11)');
    const calls = server.rpc.calls.slice(before);
    expect(calls.filter((c) => c === 'eth_call:0x35ea6a75')).toHaveLength(8); // 2 days × 4 reserves
    expect(calls.filter((c) => c === 'eth_call:0xb3596f07')).toHaveLength(4); // listed days only
    expect(calls.filter((c) => c === 'eth_call:0x18160ddd')).toHaveLength(4 * 3 - 1); // weETH has no stable debt token
  }, 60_000);

  it('a node without batch support: calls go one at a time, same files', async () => {
    const a = join(tmp(), 'a');
    const b = join(tmp(), 'b');
    await downloadData(opts(a, { venues: [] }));
    server.rpc.batch = false;
    const lines: string[] = [];
    try {
      await downloadData(opts(b, { venues: [], log: (l) => lines.push(l) }));
    } finally {
      server.rpc.batch = true;
    }
    expect(lines.filter((l) => l.includes('did not accept a batch request'))).toHaveLength(1);
    for (const asset of AAVE_ASSETS) {
      const name = `aave_v3_ethereum/rates/aave_v3_ethereum_${asset}_reserve_1d_2024-05-12_2024-05-13.csv`;
      expect(readFileSync(join(b, name), 'utf8')).toBe(readFileSync(join(a, name), 'utf8'));
    }
  }, 60_000);

  it('refuses to download into a synthetic set', async () => {
    const out = tmp();
    writeFileSync(join(out, 'SYNTHETIC.json'), '{"generator":"basis-synth"}');
    await expect(downloadData(opts(out))).rejects.toMatchObject({ code: 'DPR-010' });
  });
});
