import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { simplePolicy, USDT_MN_REQUIREMENTS } from '../../bench/dataLoad.js';
import { openHistoricalData, parseCsv, SOURCE, type HistoricalTimeline, type SeriesKey } from '../../src/data/index.js';
import { H, SHARED_DATA, basisError, ms, tmpDir } from './helpers.js';

const base = { dataDir: SHARED_DATA, requirements: USDT_MN_REQUIREMENTS, policy: simplePolicy(), stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir: null };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

let tl: HistoricalTimeline;
beforeAll(async () => {
  tl = await openHistoricalData(base);
});

function csvOf(rel: string) {
  const abs = path.join(SHARED_DATA, rel);
  return parseCsv(readFileSync(abs, 'utf8'), abs);
}

describe('aligned timeline on the shipped data (usdt_market_neutral)', () => {
  test('window and grid', () => {
    expect(tl.startMs).toBe(ms('2024-05-12T00:00:00Z'));
    expect(tl.endMs).toBe(ms('2025-09-25T23:00:00Z'));
    expect(tl.stepMs).toBe(H);
    expect(tl.timestampsMs[1]! - tl.timestampsMs[0]!).toBe(H);
    expect(tl.synthetic).toBe(false);
    expect(tl.issues.every((i) => i.handled)).toBe(true);
  });

  test('index ratios between real snapshots equal the raw file ratios exactly', () => {
    for (const asset of ['WETH', 'weETH', 'wstETH']) {
      const rel = readdirSync(path.join(SHARED_DATA, 'aave_v3_ethereum/rates')).find((f) => f.startsWith(`aave_v3_ethereum_${asset}_reserve_1d`))!;
      const p = csvOf(`aave_v3_ethereum/rates/${rel}`);
      const t = p.timestamps('timestamp');
      const L = p.numbers('liquidityIndex');
      const B = p.numbers('variableBorrowIndex');
      const a = t.indexOf(ms('2024-07-01T00:00:00Z'));
      const b = t.indexOf(ms('2025-03-15T00:00:00Z'));
      const li = tl.series(`aave:${asset}:liquidityIndex` as SeriesKey).values;
      const bi = tl.series(`aave:${asset}:borrowIndex` as SeriesKey).values;
      const ia = tl.indexOf(t[a]!);
      const ib = tl.indexOf(t[b]!);
      expect(li[ib]! / li[ia]!).toBe(L[b]! / L[a]!);
      expect(bi[ib]! / bi[ia]!).toBe(B[b]! / B[a]!);
      // inside a day: linear liquidity, compounded borrow, from the earlier snapshot only
      const lr = p.numbers('currentLiquidityRate')[a]!;
      const br = p.numbers('currentVariableBorrowRate')[a]!;
      expect(li[ia + 7]).toBeCloseTo(L[a]! * (1 + (lr * 7 * 3600) / 31_536_000), 14);
      expect(bi[ia + 7]).toBeCloseTo(B[a]! * Math.exp(7 * 3600 * Math.log1p(br / 31_536_000)), 14);
      expect(tl.series(`aave:${asset}:liquidityIndex` as SeriesKey).source[ia + 7]).toBe(SOURCE.accrued);
      expect(tl.series(`aave:${asset}:liquidityRate` as SeriesKey).values[ia + 23]).toBe(lr);
    }
  });

  test('oracle LST/ETH: the daily snapshot ratio held until the next (never the upstream interpolation)', () => {
    const w = csvOf('aave_v3_ethereum/rates/aave_v3_ethereum_WETH_reserve_1d_2024-01-01_2025-09-29.csv');
    const e = csvOf('aave_v3_ethereum/rates/aave_v3_ethereum_weETH_reserve_1d_2024-05-12_2025-09-29.csv');
    const day = ms('2024-11-20T00:00:00Z');
    const wp = w.numbers('price')[w.timestamps('timestamp').indexOf(day)]!;
    const ep = e.numbers('price')[e.timestamps('timestamp').indexOf(day)]!;
    const o = tl.series('oracle:weETH:ETH');
    const i = tl.indexOf(day);
    expect(o.values[i]).toBe(ep / wp);
    expect(o.source[i]).toBe(SOURCE.observed);
    expect(o.values[i + 23]).toBe(ep / wp);
    expect(o.source[i + 23]).toBe(SOURCE.forwardFilled);
    expect(o.values[i + 24]).not.toBe(ep / wp);
  });

  test('funding at settlements only; OKX conflicts resolved per the rule; Binance holes from Bybit', () => {
    const f = tl.series('funding:binance:ETHUSDT');
    const i = tl.indexOf(ms('2024-06-01T08:00:00Z'));
    expect(Number.isFinite(f.values[i])).toBe(true);
    expect(f.values[i + 1]).toBeNaN();
    // OKX: recompute the rule from the raw rows
    const p = csvOf('okx/okx_ETHUSDT_funding_8h_2024-05-01_2025-09-07.csv');
    const t = p.timestamps('funding_timestamp');
    const r = p.numbers('funding_rate');
    const byT = new Map<number, number[]>();
    t.forEach((x, k) => byT.set(x, [...(byT.get(x) ?? []), r[k]!]));
    const okx = tl.series('funding:okx:ETHUSDT');
    let checked = 0;
    for (const [x, vs] of byT) {
      if (vs.length !== 2 || x < tl.startMs) continue;
      const [a, b] = vs as [number, number];
      const want = a === 0.0001 && b >= 0 ? b : b === 0.0001 && a >= 0 ? a : Math.max(a, b);
      expect(okx.values[tl.indexOf(x)]).toBe(want);
      checked++;
    }
    expect(checked).toBe(210);
    // Binance 2024-10-13 00–22h hole: own close held 1 h, then Bybit at the same step
    const perp = tl.series('perp:binance:ETHUSDT');
    const bybit = tl.series('perp:bybit:ETHUSDT');
    const h = tl.indexOf(ms('2024-10-13T05:00:00Z'));
    expect(perp.source[h]).toBe(SOURCE.fallback);
    expect(perp.values[h]).toBe(bybit.values[h]);
    expect(perp.fallbackKey).toBe('perp:bybit:ETHUSDT');
  });

  test('Bybit duplicates are gone; bar value = open at t', () => {
    const p = csvOf('bybit/bybit_ETHUSDT_spot_1h_2024-01-01_2025-09-25.csv');
    const t = p.timestamps('timestamp');
    const k = t.indexOf(ms('2024-06-01T13:00:00Z'));
    expect(tl.snapshot(t[k]!).value('spot:bybit:ETHUSDT')).toBe(p.numbers('open')[k]);
  });

  test('snapshot(t) is O(1), reuses one cursor, refuses off-grid and unknown keys', async () => {
    const t = ms('2025-01-01T00:00:00Z');
    const a = tl.snapshot(t);
    const b = tl.snapshot(t + H);
    expect(a).toBe(b);
    expect(b.index).toBe(tl.indexOf(t) + 1);
    expect(b.timestampMs).toBe(t + H);
    expect((await basisError(() => tl.snapshot(t + 1))).code).toBe('DPR-006');
    expect((await basisError(() => tl.snapshot(tl.endMs + H))).code).toBe('DPR-006');
    expect((await basisError(() => tl.snapshot(t).value('spot:binance:BTCUSDT'))).code).toBe('DPR-007');
    let sum = 0;
    let same = true;
    for (let k = 0; k < tl.length; k++) {
      const s = tl.snapshot(tl.startMs + k * H);
      same &&= s === a;
      sum += s.value('perp:bybit:ETHUSDT');
    }
    expect(same).toBe(true);
    expect(sum).toBeGreaterThan(0);
  });
});

describe('no look-ahead', () => {
  test('changing every value at hour h changes no snapshot before h', async () => {
    const h = ms('2024-10-01T00:00:00Z');
    const stamp = '2024-10-01T00:00:00Z';
    const changed = new Set(['open', 'high', 'low', 'close', 'funding_rate', 'liquidityIndex', 'currentLiquidityRate', 'variableBorrowIndex', 'currentVariableBorrowRate', 'price', 'gas_price_gwei']);
    const dir = tmpDir();
    dirs.push(dir);
    const rels = new Set(tl.coverage.map((c) => c.file));
    rels.add('aave_v3_ethereum/rates/aave_v3_ethereum_WETH_reserve_1d_2024-01-01_2025-09-29.csv');
    let edits = 0;
    for (const rel of rels) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      const text = readFileSync(path.join(SHARED_DATA, rel), 'utf8');
      const at = text.indexOf('\n' + stamp);
      if (at < 0) {
        copyFileSync(path.join(SHARED_DATA, rel), path.join(dir, rel));
        continue;
      }
      const header = text.slice(0, text.indexOf('\n')).replace(/\r$/, '').split(',');
      const end = text.indexOf('\n', at + 1);
      const line = text.slice(at + 1, end).replace(/\r$/, '');
      const prev = text.slice(text.lastIndexOf('\n', at - 1) + 1, at).replace(/\r$/, '').split(',');
      // Indices must not fall (that would be an unhandled bad value): move them halfway back to the previous day.
      const fields = line.split(',').map((v, c) =>
        !changed.has(header[c]!) ? v : header[c]!.endsWith('Index') ? String((Number(prev[c]) + Number(v)) / 2) : String(Number(v) * 1.1 + 0.001),
      );
      writeFileSync(path.join(dir, rel), text.slice(0, at + 1) + fields.join(',') + (text[end - 1] === '\r' ? '\r' : '') + text.slice(end));
      edits++;
    }
    expect(edits).toBeGreaterThanOrEqual(8);
    const other = await openHistoricalData({ ...base, dataDir: dir }).catch((e: { problems?: unknown }) => {
      throw new Error(JSON.stringify(e.problems));
    });
    expect(other.startMs).toBe(tl.startMs);
    const hi = tl.indexOf(h);
    let differsAfter = 0;
    for (const key of tl.keys) {
      const a = tl.series(key);
      const b = other.series(key);
      for (let i = 0; i < hi; i++) {
        if (!Object.is(a.values[i], b.values[i]) || a.source[i] !== b.source[i]) throw new Error(`${key} differs at ${new Date(tl.timestampsMs[i]!).toISOString()}, before ${stamp}`);
      }
      if (!Object.is(a.values[hi], b.values[hi]) || !Object.is(a.values[hi + 5], b.values[hi + 5])) differsAfter++;
    }
    expect(differsAfter).toBeGreaterThanOrEqual(10);
  });
});

describe('binary cache', () => {
  test('second open reads the cache, same columns; a corrupt cache is rebuilt', async () => {
    const cacheDir = tmpDir('basis-cache-');
    dirs.push(cacheDir);
    const first = await openHistoricalData({ ...base, cacheDir });
    expect(first.origin).toBe('parsed');
    const second = await openHistoricalData({ ...base, cacheDir });
    expect(second.origin).toBe('cache');
    expect(second.keys).toEqual(first.keys);
    for (const k of first.keys) {
      expect(Buffer.compare(Buffer.from(second.series(k).values.buffer, second.series(k).values.byteOffset, second.series(k).values.byteLength), Buffer.from(first.series(k).values.buffer, first.series(k).values.byteOffset, first.series(k).values.byteLength))).toBe(0);
      expect(Array.from(second.series(k).source)).toEqual(Array.from(first.series(k).source));
      expect(second.series(k).fallbackKey).toBe(first.series(k).fallbackKey);
    }
    expect(second.issues).toEqual(first.issues);
    // another window is another key
    const other = await openHistoricalData({ ...base, cacheDir, startMs: ms('2024-06-01T00:00:00Z') });
    expect(other.origin).toBe('parsed');
    // corrupt every cache file: ignored, rebuilt, warned once
    const files = readdirSync(cacheDir).filter((f) => f.endsWith('.bin'));
    for (const f of files) writeFileSync(path.join(cacheDir, f), 'garbage');
    const warnings: string[] = [];
    const onWarn = (w: Error): void => void warnings.push(w.message);
    process.on('warning', onWarn);
    const rebuilt = await openHistoricalData({ ...base, cacheDir });
    await new Promise((r) => setTimeout(r, 10));
    process.off('warning', onWarn);
    expect(rebuilt.origin).toBe('parsed');
    expect(warnings.some((w) => w.includes('unreadable'))).toBe(true);
    expect((await openHistoricalData({ ...base, cacheDir })).origin).toBe('cache');
    expect(readdirSync(cacheDir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });
});
