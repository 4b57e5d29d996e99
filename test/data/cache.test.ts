import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { simplePolicy, USDT_MN_REQUIREMENTS } from '../../bench/dataLoad.js';
import { openHistoricalData, type DataPolicy, type HistoricalTimeline, type SeriesKey } from '../../src/data/index.js';
import { SHARED_DATA, basisError, ms, tmpDir } from './helpers.js';
import { warningsOf } from '../support/warnings.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const fresh = (prefix: string): string => {
  const d = tmpDir(prefix);
  dirs.push(d);
  return d;
};
const base = { dataDir: SHARED_DATA, requirements: USDT_MN_REQUIREMENTS, policy: simplePolicy(), stepMinutes: 60, fundingHoursUtc: [0, 8, 16] };
const binFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.bin')).map((f) => path.join(dir, f));

/** Every column's bytes, for an exact comparison (NaN included). */
function snapshot(tl: HistoricalTimeline): Map<SeriesKey, string> {
  return new Map(tl.keys.map((k) => {
    const s = tl.series(k);
    return [k, Buffer.from(s.values.buffer, s.values.byteOffset, s.values.byteLength).toString('hex') + Buffer.from(s.source).toString('hex')];
  }));
}

/** Offset of the body and the header of a cache file (layout in src/data/cache.ts). */
function layout(file: string): { bodyAt: number; header: { columns: { key: string; values: number }[] } } {
  const buf = readFileSync(file);
  const jsonLen = buf.readUInt32LE(8);
  return { bodyAt: (16 + jsonLen + 7) & ~7, header: JSON.parse(buf.toString('utf8', 16, 16 + jsonLen)) as { columns: { key: string; values: number }[] } };
}

describe('binary cache integrity', () => {
  const corruptions: [string, (file: string) => void][] = [
    ['a flipped bit in the body', (file) => {
      const buf = readFileSync(file);
      const at = Math.floor((layout(file).bodyAt + buf.length) / 2);
      buf[at] = buf[at]! ^ 0x10;
      writeFileSync(file, buf);
    }],
    ['a zeroed region of the body', (file) => {
      const buf = readFileSync(file);
      buf.fill(0, layout(file).bodyAt + 1000, layout(file).bodyAt + 9000);
      writeFileSync(file, buf);
    }],
    ['a NaN written over a price', (file) => {
      const { bodyAt, header } = layout(file);
      const col = header.columns.find((c) => c.key === 'spot:bybit:ETHUSDT')!;
      const buf = readFileSync(file);
      expect(Number.isFinite(buf.readDoubleLE(bodyAt + col.values + 8 * 500))).toBe(true);
      buf.writeDoubleLE(NaN, bodyAt + col.values + 8 * 500);
      writeFileSync(file, buf);
    }],
    ['a flipped bit in the header', (file) => {
      const buf = readFileSync(file);
      const at = buf.indexOf('"startMs":') + 12;
      buf[at] = buf[at]! ^ 0x01;
      writeFileSync(file, buf);
    }],
    ['a truncated file', (file) => writeFileSync(file, readFileSync(file).subarray(0, 5000))],
  ];

  test.each(corruptions)('%s is reported as a DPR-008 cache problem and rebuilt from the CSVs, same values', async (_what, corrupt) => {
    const cacheDir = fresh('basis-cache-');
    const first = await openHistoricalData({ ...base, cacheDir });
    expect(first.origin).toBe('parsed');
    const expected = snapshot(first);
    const [file] = binFiles(cacheDir);
    expect(file).toBeDefined();
    corrupt(file!);
    let rebuilt: HistoricalTimeline | undefined;
    const warnings = await warningsOf(async () => {
      rebuilt = await openHistoricalData({ ...base, cacheDir });
    }, 'DPR-008');
    expect(rebuilt!.origin).toBe('parsed');
    expect(snapshot(rebuilt!)).toEqual(expected);
    expect(rebuilt!.issues).toEqual(first.issues);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain(file!);
    expect(warnings[0]!.message).toContain('a cache problem, not a market-data problem');
    // rebuilt in place: the next open is a clean hit
    const again = await openHistoricalData({ ...base, cacheDir });
    expect(again.origin).toBe('cache');
    expect(snapshot(again)).toEqual(expected);
  });
});

describe('cheap cache key (size + mtime, then content)', () => {
  const SPOT = 'bybit/bybit_ETHUSDT_spot_1h_2024-01-01_2025-09-25.csv';
  const GAS = 'ethereum/ethereum_gas_prices_1h_2024-01-01_2025-09-26.csv';
  const reqs: SeriesKey[] = ['spot:bybit:ETHUSDT', 'gas:ethereum:gwei'];
  const policy = simplePolicy({ 'spot:bybit:ETHUSDT': { onMissing: 'forward_fill', maxStaleHours: 3, fallback: null } });
  const past = new Date(Date.now() - 86_400_000);

  function privateData(): string {
    const d = fresh('basis-cache-data-');
    for (const rel of [SPOT, GAS]) {
      mkdirSync(path.join(d, path.dirname(rel)), { recursive: true });
      copyFileSync(path.join(SHARED_DATA, rel), path.join(d, rel));
      // An old mtime: files modified in the last two seconds are re-hashed every time (same-tick rewrites).
      utimesSync(path.join(d, rel), past, past);
    }
    return d;
  }

  test('a warm start reuses the recorded hash without reading the CSV; a changed size or mtime re-hashes it', async () => {
    const dataDir = privateData();
    const cacheDir = fresh('basis-cache-');
    const o = { dataDir, requirements: reqs, policy, stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir };
    const first = await openHistoricalData(o);
    expect(first.origin).toBe('parsed');
    const manifest = JSON.parse(readFileSync(path.join(cacheDir, 'inputs.json'), 'utf8')) as { inputs: Record<string, { size: number; mtimeMs: number }> };
    expect(Object.keys(manifest.inputs).sort()).toEqual([path.join(dataDir, GAS), path.join(dataDir, SPOT)].sort());

    // Same size, same mtime, different bytes: by design not re-read (that is what keeps a warm start cheap), so
    // the run is served from the cache with the original values; garbage that the parser would reject proves it.
    const spot = path.join(dataDir, SPOT);
    const size = statSync(spot).size;
    writeFileSync(spot, Buffer.alloc(size, 'x'));
    utimesSync(spot, past, past);
    const warm = await openHistoricalData(o);
    expect(warm.origin).toBe('cache');
    expect(snapshot(warm)).toEqual(snapshot(first));

    // A new mtime: the file is hashed (and here parsed) again.
    const now = new Date();
    utimesSync(spot, now, now);
    expect((await basisError(() => openHistoricalData(o))).code).toBe('DPR-002');

    // A new size with the recorded mtime: hashed again too.
    writeFileSync(spot, Buffer.alloc(size + 1, 'x'));
    utimesSync(spot, past, past);
    expect((await basisError(() => openHistoricalData(o))).code).toBe('DPR-002');

    // The original bytes back: the same key as before, a hit again.
    copyFileSync(path.join(SHARED_DATA, SPOT), spot);
    utimesSync(spot, past, past);
    const restored = await openHistoricalData(o);
    expect(restored.origin).toBe('cache');
    expect(snapshot(restored)).toEqual(snapshot(first));
  });
});

describe('input manifest', () => {
  test('a damaged manifest is a DPR-008 cache warning: inputs are hashed again, the timeline still comes from the cache', async () => {
    const cacheDir = fresh('basis-cache-');
    const first = await openHistoricalData({ ...base, cacheDir });
    const manifest = path.join(cacheDir, 'inputs.json');
    writeFileSync(manifest, '{"version":1,"inputs":');
    let warm: HistoricalTimeline | undefined;
    const warnings = await warningsOf(async () => {
      warm = await openHistoricalData({ ...base, cacheDir });
    }, 'DPR-008');
    expect(warm!.origin).toBe('cache');
    expect(snapshot(warm!)).toEqual(snapshot(first));
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining(`input manifest ${manifest} is unreadable`)]);
    const rewritten = Object.keys((JSON.parse(readFileSync(manifest, 'utf8')) as { inputs: object }).inputs);
    expect(rewritten.sort()).toEqual([...new Set(first.coverage.map((c) => path.join(SHARED_DATA, c.file)))].sort());
  });
});

describe('cache size bound', () => {
  const day = 86_400_000;
  /** Three windows of equal length: cache files of equal size. */
  const windows = ['2024-06-01', '2024-07-01', '2024-08-01'].map((d) => ({ startMs: ms(`${d}T00:00:00Z`), endMs: ms(`${d}T00:00:00Z`) + 20 * day }));
  const sleep = (n: number): Promise<void> => new Promise((r) => setTimeout(r, n));

  test('beyond data.cache.maxBytes the least recently used file is removed, the one just used is kept', async () => {
    const probeDir = fresh('basis-cache-');
    await openHistoricalData({ ...base, cacheDir: probeDir, ...windows[0]! });
    const one = statSync(binFiles(probeDir)[0]!).size;
    const policy: DataPolicy = { ...simplePolicy(), cache: { maxBytes: Math.floor(2.5 * one) } };
    const cacheDir = fresh('basis-cache-');
    const open = (w: number): Promise<HistoricalTimeline> => openHistoricalData({ ...base, policy, cacheDir, ...windows[w]! });
    await open(0);
    await sleep(30);
    await open(1);
    expect(binFiles(cacheDir)).toHaveLength(2);
    await sleep(30);
    expect((await open(0)).origin).toBe('cache'); // window 0 is now the most recently used
    const b = binFiles(cacheDir);
    await sleep(30);
    await open(2); // three files do not fit: window 1's, the least recently used, goes
    const after = binFiles(cacheDir);
    expect(after).toHaveLength(2);
    expect((await open(0)).origin).toBe('cache');
    expect((await open(2)).origin).toBe('cache');
    expect(after.filter((f) => b.includes(f))).toHaveLength(1);
    expect((await open(1)).origin).toBe('parsed');
  });

  test('a bound smaller than one file keeps only the file just written', async () => {
    const cacheDir = fresh('basis-cache-');
    const policy: DataPolicy = { ...simplePolicy(), cache: { maxBytes: 1 } };
    for (const w of windows) await openHistoricalData({ ...base, policy, cacheDir, ...w });
    expect(binFiles(cacheDir)).toHaveLength(1);
    expect((await openHistoricalData({ ...base, policy, cacheDir, ...windows[2]! })).origin).toBe('cache');
  });
});
