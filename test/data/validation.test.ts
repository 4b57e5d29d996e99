import { rmSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { checkData, openHistoricalData, resolveDataDir, SOURCE, type DataPolicy, type SeriesKey, type SeriesPolicy } from '../../src/data/index.js';
import { simplePolicy } from '../../bench/dataLoad.js';
import { D, H, bars, barCsv, basisError, fundingCsv, ms, reserveCsv, tmpDir, writeData, type ReserveRow } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const T0 = ms('2024-01-01T00:00:00Z');
const SPOT = 'bybit/bybit_ETHUSDT_spot_1h_2024-01-01_2024-01-03.csv';
const FAIL: SeriesPolicy = { onMissing: 'fail', maxStaleHours: 0, fallback: null };

function dir(files: Record<string, string>): string {
  const d = tmpDir();
  dirs.push(d);
  for (const [rel, text] of Object.entries(files)) writeData(d, rel, text);
  return d;
}
function opts(dataDir: string, requirements: SeriesKey[], policy: DataPolicy = simplePolicy(), extra: { startMs?: number; endMs?: number } = {}) {
  return { dataDir, requirements, policy, stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir: null, ...extra };
}
const spotOnly = (text: string, policy?: DataPolicy, extra?: { startMs?: number; endMs?: number }) => opts(dir({ [SPOT]: text }), ['spot:bybit:ETHUSDT'], policy, extra);
const failing = simplePolicy({ 'spot:bybit:ETHUSDT': FAIL });
const kinds = (r: { issues: readonly { kind: string; handled: boolean }[] }, handled: boolean): string[] => r.issues.filter((i) => i.handled === handled).map((i) => i.kind);

describe('gaps', () => {
  const holed = bars(T0, 48).filter((_, i) => i !== 10 && i !== 11);
  test('fail policy: a hole in the window is unhandled (check lists it, open throws DPR-005)', async () => {
    const o = spotOnly(barCsv(holed), failing);
    const r = await checkData(o);
    expect(r.ok).toBe(false);
    expect(kinds(r, false)).toContain('gap');
    const gap = r.issues.find((i) => i.kind === 'gap' && !i.handled)!;
    expect(gap).toMatchObject({ count: 2, firstMs: T0 + 10 * H, lastMs: T0 + 11 * H });
    const e = await basisError(() => openHistoricalData(o));
    expect(e.code).toBe('DPR-005');
    expect(e.problems.some((p) => p.message.includes('gap'))).toBe(true);
  });
  test('forward_fill: the last close is held (counted from the bar end), reported handled', async () => {
    const tl = await openHistoricalData(spotOnly(barCsv(holed)));
    const s = tl.series('spot:bybit:ETHUSDT');
    expect(s.values[10]).toBe(2010); // close of bar 9 (open 2009, close 2010)
    expect(s.values[11]).toBe(2010);
    expect(s.source[10]).toBe(SOURCE.forwardFilled);
    expect(s.values[12]).toBe(2012);
    expect(tl.issues.find((i) => i.kind === 'forward_filled')).toMatchObject({ handled: true, count: 2 });
    expect(tl.issues.find((i) => i.kind === 'gap')).toMatchObject({ handled: true, count: 2 });
  });
  test('fallback: another venue fills the hole, source = fallback, recorded', async () => {
    const d = dir({
      'binance/binance_ETHUSDT_spot_1h_2024-01-01_2024-01-02.csv': barCsv(bars(T0, 48).filter((_, i) => i < 5 || i > 20)),
      [SPOT]: barCsv(bars(T0, 48, (i) => 3000 + i)),
    });
    const policy = simplePolicy({ 'spot:binance:ETHUSDT': { onMissing: 'fallback', maxStaleHours: 1, fallback: 'spot:bybit:ETHUSDT' } });
    const tl = await openHistoricalData(opts(d, ['spot:binance:ETHUSDT'], policy));
    const s = tl.series('spot:binance:ETHUSDT');
    expect(s.fallbackKey).toBe('spot:bybit:ETHUSDT');
    expect(s.source[5]).toBe(SOURCE.forwardFilled); // bar 4's close, observable at 05:00
    expect(s.values[5]).toBe(2005);
    expect(s.source[6]).toBe(SOURCE.forwardFilled); // 1 h stale: still within maxStaleHours 1
    expect(s.source[7]).toBe(SOURCE.fallback);
    expect(s.values[7]).toBe(3007);
    expect(s.source[21]).toBe(SOURCE.observed);
    expect(tl.issues.find((i) => i.kind === 'fallback_used')).toMatchObject({ handled: true, count: 14, firstMs: T0 + 7 * H, lastMs: T0 + 20 * H });
  });
});

describe('duplicates and order', () => {
  test('exact duplicate rows are dropped (handled)', async () => {
    const rows = bars(T0, 30);
    rows.splice(10, 0, rows[9]!);
    const tl = await openHistoricalData(spotOnly(barCsv(rows), failing));
    expect(tl.length).toBe(30);
    expect(tl.issues.find((i) => i.kind === 'duplicate')).toMatchObject({ handled: true, count: 1, firstMs: T0 + 9 * H });
  });
  test('different rows at one timestamp are unhandled', async () => {
    const rows = bars(T0, 30);
    rows.splice(10, 0, [T0 + 9 * H, 1999, 2001]);
    const r = await checkData(spotOnly(barCsv(rows)));
    expect(r.issues.find((i) => i.kind === 'conflicting_duplicates')).toMatchObject({ handled: false, count: 1 });
  });
  test('non-monotonic timestamps: sorted, reported handled', async () => {
    const rows = bars(T0, 30);
    [rows[5], rows[6]] = [rows[6]!, rows[5]!];
    const tl = await openHistoricalData(spotOnly(barCsv(rows), failing));
    expect(tl.series('spot:bybit:ETHUSDT').values[5]).toBe(2005);
    expect(tl.issues.find((i) => i.kind === 'non_monotonic')).toMatchObject({ handled: true, count: 1 });
  });
});

describe('bad values and jumps', () => {
  test.each([0, -5])('price %d inside the window is unhandled', async (v) => {
    const rows = bars(T0, 30);
    rows[12] = [T0 + 12 * H, v, 2013];
    const r = await checkData(spotOnly(barCsv(rows)));
    expect(r.issues.find((i) => i.kind === 'bad_value')).toMatchObject({ handled: false, count: 1, firstMs: T0 + 12 * H });
    await expect(openHistoricalData(spotOnly(barCsv(rows)))).rejects.toMatchObject({ code: 'DPR-005' });
  });
  test('a bad price outside the window is a handled warning', async () => {
    const rows = bars(T0, 30);
    rows[1] = [T0 + H, 0, 2002];
    const tl = await openHistoricalData(spotOnly(barCsv(rows), undefined, { startMs: T0 + 5 * H }));
    expect(tl.startMs).toBe(T0 + 5 * H);
    expect(tl.issues.find((i) => i.kind === 'bad_value')).toMatchObject({ handled: true });
  });
  // Issue 7: the jump bound holds whatever the missing-data policy (it used to be waived under forward_fill and
  // fallback); outside the run window a jump stays a warning.
  test('a one-step jump over 30 %: unhandled in the window under fail and forward_fill alike, with its line', async () => {
    const rows = bars(T0, 30, (i) => (i >= 15 ? 3000 : 2000));
    const strict = await checkData(spotOnly(barCsv(rows), failing));
    expect(strict.issues.find((i) => i.kind === 'jump')).toMatchObject({ handled: false, count: 1, firstMs: T0 + 15 * H, line: 17, column: 2 });
    const lenient = await checkData(spotOnly(barCsv(rows)));
    expect(lenient.issues.find((i) => i.kind === 'jump')).toMatchObject({ handled: false, line: 17 });
    expect(lenient.ok).toBe(false);
    const outside = await checkData(spotOnly(barCsv(rows), undefined, { startMs: T0 + 16 * H }));
    expect(outside.issues.find((i) => i.kind === 'jump')).toMatchObject({ handled: true });
    expect(outside.ok).toBe(true);
  });
});

describe('AAVE daily series', () => {
  const day = (i: number, L: number): ReserveRow => ({ t: T0 + i * D, L, lr: 0.05, B: 1.1 + i * 0.001, br: 0.08, price: 2000 });
  test('a stale index (unchanged while the rate is positive) is a handled warning', async () => {
    const rows = [day(0, 1.0), day(1, 1.0001), day(2, 1.0001), day(3, 1.0003)];
    const d = dir({ 'aave_v3_ethereum/rates/aave_v3_ethereum_WETH_reserve_1d_2024-01-01_2024-01-04.csv': reserveCsv(rows) });
    const tl = await openHistoricalData(opts(d, ['aave:WETH:liquidityIndex']));
    expect(tl.issues.find((i) => i.kind === 'stale')).toMatchObject({ handled: true, count: 1, firstMs: T0 + D, lastMs: T0 + 2 * D });
  });
  test('a falling index is unhandled', async () => {
    const rows = [day(0, 1.0), day(1, 1.0001), day(2, 0.9999), day(3, 1.0003)];
    const d = dir({ 'aave_v3_ethereum/rates/aave_v3_ethereum_WETH_reserve_1d_2024-01-01_2024-01-04.csv': reserveCsv(rows) });
    const r = await checkData(opts(d, ['aave:WETH:liquidityIndex']));
    expect(r.issues.find((i) => i.kind === 'bad_value')).toMatchObject({ handled: false });
  });
  test('accrual between snapshots uses only the earlier snapshot', async () => {
    const rows = [day(0, 1.0), day(1, 1.0002), day(2, 1.0004)];
    const d = dir({ 'aave_v3_ethereum/rates/aave_v3_ethereum_WETH_reserve_1d_2024-01-01_2024-01-03.csv': reserveCsv(rows) });
    const tl = await openHistoricalData(opts(d, ['aave:WETH:liquidityIndex', 'aave:WETH:borrowIndex', 'aave:WETH:borrowRate']));
    const L = tl.series('aave:WETH:liquidityIndex').values;
    const B = tl.series('aave:WETH:borrowIndex').values;
    expect(tl.length).toBe(49); // through the last snapshot; beyond it: missing
    expect(L[0]).toBe(1.0);
    expect(L[24]).toBe(1.0002);
    expect(L[6]).toBeCloseTo(1.0 * (1 + (0.05 * 6 * 3600) / 31_536_000), 15);
    // (1 + b/secondsPerYear)^Δs, computed as exp(Δs·log1p(·)) to keep the 1e-9 per-second rate exact
    expect(B[30]).toBeCloseTo(1.101 * Math.exp(6 * 3600 * Math.log1p(0.08 / 31_536_000)), 15);
    expect(B[30]).toBeCloseTo(1.101 * (1 + 0.08 / 31_536_000) ** (6 * 3600), 10);
    expect(tl.series('aave:WETH:borrowRate').values[30]).toBe(0.08);
    expect(tl.series('aave:WETH:liquidityIndex').source[6]).toBe(SOURCE.accrued);
  });
});

describe('funding', () => {
  const okxFile = 'okx/okx_ETHUSDT_funding_8h_2024-01-01_2024-01-02.csv';
  const settle = (i: number): number => T0 + i * 8 * H;
  const rows: [number, number][] = [
    [settle(0), 0.0001],
    [settle(0), 0.0002], // one default, one ≥ 0: keep the other
    [settle(1), 0.0001],
    [settle(1), -0.0003], // other negative: keep the larger (0.0001)
    [settle(2), -0.0002],
    [settle(2), -0.0004], // keep the larger
    [settle(3), 0.00005],
    [settle(5), 0.00007], // settle(4) missing
  ];
  test('OKX two rows per settlement: okx_prefer_non_default, reported handled with count', async () => {
    const d = dir({ [okxFile]: fundingCsv(rows, 'ETHUSDT', 'okx') });
    const policy = simplePolicy({ 'funding:okx:ETHUSDT': { onMissing: 'zero', maxStaleHours: 0, fallback: null } });
    const tl = await openHistoricalData(opts(d, ['funding:okx:ETHUSDT'], policy, { startMs: settle(0), endMs: settle(5) }));
    const f = tl.series('funding:okx:ETHUSDT');
    expect([f.values[0], f.values[8], f.values[16], f.values[24]]).toEqual([0.0002, 0.0001, -0.0002, 0.00005]);
    expect(f.values[1]).toBeNaN();
    expect(f.values[32]).toBe(0);
    expect(f.source[32]).toBe(SOURCE.fallback);
    expect(tl.issues.find((i) => i.kind === 'conflicting_duplicates')).toMatchObject({ handled: true, count: 3 });
    expect(tl.issues.find((i) => i.kind === 'lagged')).toMatchObject({ handled: true });
  });
  test('conflictingFundingRule fail: unhandled; missing settlement under fail: unhandled', async () => {
    const d = dir({ [okxFile]: fundingCsv(rows, 'ETHUSDT', 'okx') });
    const policy = { ...simplePolicy({ 'funding:okx:ETHUSDT': FAIL }), conflictingFundingRule: 'fail' as const };
    const r = await checkData(opts(d, ['funding:okx:ETHUSDT'], policy));
    expect(r.issues.find((i) => i.kind === 'conflicting_duplicates')).toMatchObject({ handled: false, count: 3 });
    expect(r.issues.find((i) => i.kind === 'gap' && !i.handled)).toMatchObject({ count: 1, firstMs: settle(4) });
  });
});

describe('malformed files and bad requests', () => {
  test('a truncated CSV: open throws DPR-002 with file, line, column; check lists it unhandled', async () => {
    const full = barCsv(bars(T0, 10));
    const text = full.slice(0, full.lastIndexOf(',bybit,') + 4); // last row cut inside its 7th field
    const o = spotOnly(text);
    const e = await basisError(() => openHistoricalData(o));
    expect(e.code).toBe('DPR-002');
    expect(e.problems[0]).toMatchObject({ line: 11, column: 8, expected: '10 fields', received: '7 fields' });
    expect(e.problems[0]!.file).toContain('bybit_ETHUSDT_spot_1h');
    const r = await checkData(o);
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({ kind: 'unreadable', handled: false });
    expect(r.issues[0]!.message).toContain('line 11');
  });
  test('a non-number in a used column', async () => {
    const text = barCsv(bars(T0, 10)).replace('T04:00:00Z,2004', 'T04:00:00Z,oops');
    const e = await basisError(() => openHistoricalData(spotOnly(text)));
    expect(e.problems[0]).toMatchObject({ code: 'DPR-002', line: 6, column: 2, received: '"oops"' });
  });
  test('a bad header', async () => {
    const text = barCsv(bars(T0, 10)).replace('timestamp,open', 'time,open');
    const e = await basisError(() => openHistoricalData(spotOnly(text)));
    expect(e.problems[0]).toMatchObject({ code: 'DPR-002', line: 1 });
  });
  test('no data directory: DPR-004 says how to get data', async () => {
    const empty = tmpDir();
    dirs.push(empty);
    const e = await basisError(() => resolveDataDir(empty));
    expect(e.code).toBe('DPR-004');
    expect(e.message).toContain('basis data download');
    expect(e.message).toContain('basis data synth');
  });
  test('a missing file: DPR-001', async () => {
    const d = dir({ [SPOT]: barCsv(bars(T0, 10)) });
    const e = await basisError(() => openHistoricalData(opts(d, ['spot:bybit:ETHUSDT', 'gas:ethereum:gwei'])));
    expect(e.code).toBe('DPR-001');
  });
  test('start or end outside the data: DPR-006 with the expected range', async () => {
    const e = await basisError(() => openHistoricalData(spotOnly(barCsv(bars(T0, 10)), undefined, { startMs: T0 - D })));
    expect(e.code).toBe('DPR-006');
    expect(e.problems[0]!.expected).toContain('2024-01-01T00:00Z');
    const e2 = await basisError(() => openHistoricalData(spotOnly(barCsv(bars(T0, 10)), undefined, { endMs: T0 + 30 * H })));
    expect(e2.code).toBe('DPR-006');
  });
  test('SYNTHETIC.json marks the timeline synthetic', async () => {
    const d = dir({ [SPOT]: barCsv(bars(T0, 10)), 'SYNTHETIC.json': '{"seed":1}' });
    expect((await openHistoricalData(opts(d, ['spot:bybit:ETHUSDT']))).synthetic).toBe(true);
    expect(resolveDataDir(d)).toBe(d);
  });
});
