import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, SERIES_KEYS } from '../../src/data/catalog.js';
import { parseCsv } from '../../src/data/csv.js';
import { downloadData, type DownloadOptions } from '../../src/data/download/index.js';
import { BasisError } from '../../src/errors/base.js';
import { CHAIN, startReplayServer, type ReplayServer } from './server.js';

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

function walk(root: string): string[] {
  const out: string[] = [];
  const rec = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) rec(p);
      else out.push(relative(root, p).split('\\').join('/'));
    }
  };
  if (existsSync(root)) rec(root);
  return out.sort();
}
const fast = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const opts = (outDir: string, extra: Partial<DownloadOptions> = {}): DownloadOptions => ({
  outDir,
  start: START,
  end: END,
  apiBaseUrls: { binance: server.url, bybit: server.url, okx: server.url },
  rpcUrl: `${server.url}/rpc`,
  aaveUrl: `${server.url}/aave`,
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

describe('basis data download (local replay server)', () => {
  let out: string;
  const lines: string[] = [];
  beforeAll(async () => {
    out = join(tmp(), 'data');
    await downloadData(opts(out, { log: (l) => lines.push(l) }));
  }, 60_000);

  it('writes every catalog series under its catalog name, plus DOWNLOAD.json', () => {
    for (const k of SERIES_KEYS) {
      if (k === 'benchmark:ethena:apr' || k.startsWith('dex:')) continue; // not downloadable sources (documented)
      const e = CATALOG[k] as unknown as Entry;
      if (k === 'spot:binance:ETHUSDT' || k.startsWith('spot:') || k.startsWith('perp:') || k.startsWith('funding:') || k.startsWith('aave:') || k.startsWith('oracle:') || k.startsWith('gas:')) {
        pick(out, e);
        if (e.upstream) pick(out, e.upstream);
      }
    }
    const files = walk(out);
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

  it('AAVE: ray fields converted back to the real files’ decimals; oracle files derived', () => {
    const path = pick(out, CATALOG['aave:USDT:liquidityIndex'] as unknown as Entry);
    const ours = readFileSync(path, 'utf8').split('\n');
    const real = readFileSync('/work/shared/data/aave_v3_ethereum/rates/aave_v3_ethereum_USDT_reserve_1d_2024-01-01_2025-09-29.csv', 'utf8').split('\n');
    expect(ours[0]).toBe(real[0]);
    const realRow = real.find((l) => l.startsWith('2024-05-12T'))!.split(',');
    const ourRow = ours[1]!.split(',');
    expect(ourRow.slice(0, 5)).toEqual(realRow.slice(0, 5));
    for (const i of [5, 6, 7, 8, 9, 10, 12, 13]) expect(Number(ourRow[i])).toBeCloseTo(Number(realRow[i]), 12);
    const o = csv(pick(out, (CATALOG['oracle:weETH:ETH'] as unknown as Entry).upstream ?? (CATALOG['oracle:weETH:ETH'] as unknown as Entry)));
    expect(o.rowCount).toBe(25);
    expect(readFileSync(pick(out, { dir: 'aave_v3_ethereum/oracle', pattern: /^aave_v3_ethereum_oracle_USDT_USD_1d_/ }), 'utf8')).toMatch(/^# Source: aave_oracle_extracted\n/);
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
  });
});

describe('basis data download: failures', () => {
  it('a venue answering 500 then 200 is retried and succeeds', async () => {
    server.faults.set('/fapi/v1/klines', { queue: [{ status: 500, body: 'Internal Server Error' }, { status: 503, body: 'busy' }] });
    const before = server.requests.filter((r) => r.includes('/fapi/v1/klines')).length;
    const lines: string[] = [];
    const out = join(tmp(), 'd');
    try {
      await downloadData(opts(out, { venues: ['binance'], rpcUrl: null, aaveUrl: null, log: (l) => lines.push(l) }));
    } finally {
      server.faults.delete('/fapi/v1/klines');
    }
    expect(lines.filter((l) => l.includes('retry')).length).toBe(2);
    expect(lines.some((l) => /binance: fetchOHLCV BTC\/USDT:USDT 1h \/fapi\/v1\/klines failed .*retry 1\/2/.test(l))).toBe(true);
    expect(server.requests.filter((r) => r.includes('/fapi/v1/klines')).length - before).toBe(3 * 2 + 2); // 3 pages × 2 symbols + 2 retries
    expect(csv(pick(out, CATALOG['perp:binance:BTCUSDT'] as unknown as Entry)).rowCount).toBe(48);
  }, 60_000);

  it('the JSON-RPC and AAVE endpoints are retried on 5xx too', async () => {
    server.faults.set('/rpc', { queue: [{ status: 502, body: 'bad gateway' }] });
    server.faults.set('/aave', { queue: [{ status: 500, body: 'oops' }] });
    const lines: string[] = [];
    const out = join(tmp(), 'd');
    await downloadData(opts(out, { venues: [], log: (l) => lines.push(l) }));
    expect(lines.filter((l) => l.includes('retry')).length).toBe(2);
    expect(walk(out).some((f) => f.startsWith('ethereum/ethereum_gas_prices_1h_'))).toBe(true);
  }, 60_000);

  const expectFailure = async (path: string, fault: { status: number; body: string }, venue: 'binance' | 'bybit' | 'okx', pattern: RegExp): Promise<void> => {
    server.faults.set(path, { queue: [], always: fault });
    const parent = tmp();
    const out = join(parent, 'out');
    let caught: unknown;
    try {
      await downloadData(opts(out, { venues: [venue], rpcUrl: `${server.url}/rpc`, aaveUrl: null }));
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

  it('refuses to download into a synthetic set', async () => {
    const out = tmp();
    writeFileSync(join(out, 'SYNTHETIC.json'), '{"generator":"basis-synth"}');
    await expect(downloadData(opts(out))).rejects.toMatchObject({ code: 'DPR-010' });
  });
});
