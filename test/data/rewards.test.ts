import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { simplePolicy } from '../../bench/dataLoad.js';
import { loadRewardSchedule } from '../../src/data/rewards.js';
import { SHARED_DATA, basisError, tmpDir } from './helpers.js';

const EIGEN = 'etherfi/etherfi_eigen_weekly_distributions_2024-08-15_2025-08-02.csv';
const FILES = [EIGEN, 'etherfi/etherfi_ethfi_topups_2024-08-15_2024-12-08.csv', 'uniswap_v3/uniswapv3_EIGENWETH_0.3pct_1h_2024-10-05_2025-09-27.csv', 'uniswap_v3/uniswapv3_ETHFIWETH_0.3pct_1h_2024-04-01_2025-09-27.csv'];
const past = new Date(Date.now() - 86_400_000);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A private copy of the four reward files, with old mtimes (recent files are hashed again on every load). */
function privateData(): string {
  const d = tmpDir('basis-rewards-data-');
  dirs.push(d);
  for (const rel of FILES) {
    mkdirSync(path.join(d, path.dirname(rel)), { recursive: true });
    copyFileSync(path.join(SHARED_DATA, rel), path.join(d, rel));
    utimesSync(path.join(d, rel), past, past);
  }
  return d;
}

const prices = (s: ReturnType<typeof loadRewardSchedule>): number[] => Array.from({ length: 400 }, (_, i) => Date.parse('2024-10-01T00:00:00Z') + i * 7_200_000).flatMap((t) => [s.priceEth('EIGEN', t), s.priceEth('ETHFI', t)]);

describe('reward schedule cache', () => {
  test('a hit gives the parsed schedule exactly; the inputs carry the files\' sha256 either way', () => {
    const dataDir = privateData();
    const cacheDir = tmpDir('basis-rewards-cache-');
    dirs.push(cacheDir);
    const policy = simplePolicy();
    const parsed = loadRewardSchedule(dataDir, policy, null);
    const cold = loadRewardSchedule(dataDir, policy, cacheDir);
    const warm = loadRewardSchedule(dataDir, policy, cacheDir);
    expect([parsed.origin, cold.origin, warm.origin]).toEqual(['parsed', 'parsed', 'cache']);
    expect(warm.payouts).toEqual(parsed.payouts);
    expect(prices(warm)).toEqual(prices(parsed));
    expect(prices(warm).filter(Number.isFinite).length).toBeGreaterThan(500);
    expect(warm.inputs).toEqual(parsed.inputs);
    expect(parsed.inputs.map((i) => i.path)).toEqual(FILES);
  });

  test('the plausibility checks run again when a file changes, and when the bounds change (both are in the key)', async () => {
    const dataDir = privateData();
    const cacheDir = tmpDir('basis-rewards-cache-');
    dirs.push(cacheDir);
    const policy = simplePolicy();
    loadRewardSchedule(dataDir, policy, cacheDir);
    expect(loadRewardSchedule(dataDir, policy, cacheDir).origin).toBe('cache');

    // Bounds the shipped data violates (its first EIGEN per eETH is 0.205): the cached schedule is not used.
    const tight = { ...policy, bounds: { ...policy.bounds, rewardPerEeth: { min: 0, max: 0.15 } } };
    const boundsErr = await basisError(() => loadRewardSchedule(dataDir, tight, cacheDir));
    expect(boundsErr.code).toBe('DPR-005');
    expect(boundsErr.problems[0]).toMatchObject({ file: path.join(dataDir, EIGEN), line: 2, column: 6 });
    const jumpy = { ...policy, maxJumpFraction: 0.01 };
    expect((await basisError(() => loadRewardSchedule(dataDir, jumpy, cacheDir))).code).toBe('DPR-005');

    // A bad row in a file (a new size and mtime): checked again, located by line and column.
    const abs = path.join(dataDir, EIGEN);
    const lines = readFileSync(abs, 'utf8').split('\n');
    lines[3] = lines[3]!.replace(/,[^,]*$/, ',-7');
    writeFileSync(abs, lines.join('\n'));
    const dataErr = await basisError(() => loadRewardSchedule(dataDir, policy, cacheDir));
    expect(dataErr.code).toBe('DPR-005');
    expect(dataErr.problems[0]).toMatchObject({ file: abs, line: 4, column: 6, received: '-7' });
    // Only checked schedules are cached: one file, from the first load.
    expect(readdirSync(cacheDir).filter((n) => n.startsWith('rewards-'))).toHaveLength(1);
  });
});
