import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureCli, scratch, SHARED_DATA } from './helpers.js';
import { warningsOf } from '../support/warnings.js';

const cli = captureCli();
const EIGEN_BARS = 'uniswap_v3/uniswapv3_EIGENWETH_0.3pct_1h_2024-10-05_2025-09-27.csv';
const ETHFI_BARS = 'uniswap_v3/uniswapv3_ETHFIWETH_0.3pct_1h_2024-04-01_2025-09-27.csv';
const REWARD_FILES = ['etherfi/etherfi_eigen_weekly_distributions_2024-08-15_2025-08-02.csv', 'etherfi/etherfi_ethfi_topups_2024-08-15_2024-12-08.csv', EIGEN_BARS, ETHFI_BARS];
const past = new Date(Date.now() - 86_400_000);

interface Recorded {
  run: { data: { fingerprint: string; files: { path: string; sha256: string }[] } };
}
const recorded = (dir: string): Recorded => JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Recorded;
const finalEquity = (dir: string): number => (JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { finalEquity: number }).finalEquity;
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Same size, same mtime, bytes no parser accepts: a run that still succeeds cannot have read the file. */
function garble(file: string): void {
  writeFileSync(file, Buffer.alloc(statSync(file).size, 'x'));
  utimesSync(file, past, past);
}

describe('reward schedule cache (usdt_market_neutral)', () => {
  it('a warm run reads no reward CSV; a changed file is read and checked again; a damaged cache is rebuilt; the fingerprint covers the reward files', async () => {
    const dir = scratch('rewards');
    const data = path.join(dir, 'data');
    // Old mtimes: files modified in the last two seconds are hashed again on every run (same-tick rewrites).
    cpSync(SHARED_DATA, data, { recursive: true, preserveTimestamps: true });
    for (const rel of REWARD_FILES) utimesSync(path.join(data, rel), past, past);
    const cache = path.join(dir, 'cache');
    const args = ['--mode', 'usdt_market_neutral', '--start', '2024-10-07T00:00Z', '--end', '2025-01-31T00:00Z', '--data-dir', data, '--set', `paths.cacheDir=${cache}`, '--no-progress'];
    const run = async (name: string): Promise<string> => {
      const out = path.join(dir, name);
      expect(await cli.basis('backtest', ...args, '--out', out), cli.err()).toBe(0);
      return out;
    };

    const cold = await run('cold');
    const cacheFiles = readdirSync(cache).filter((n) => /^rewards-[0-9a-f]+\.bin$/.test(n));
    expect(cacheFiles).toHaveLength(1);
    const events = sha256(path.join(cold, 'events.jsonl'));
    // Rewards are credited in this window, so a schedule that was not loaded would show in the results.
    expect(readFileSync(path.join(cold, 'events.jsonl'), 'utf8')).toMatch(/EIGEN/);

    // The fingerprint lists every file the run read, reward files and benchmark included, by their sha256.
    const { files, fingerprint } = recorded(cold).run.data;
    const listed = files.map((f) => f.path);
    for (const rel of [...REWARD_FILES, 'ethena/ethena_sUSDe_apr_benchmark_1d_2024-02-16_2025-09-18.csv']) expect(listed).toContain(rel);
    for (const f of files) expect(sha256(path.join(SHARED_DATA, f.path)), f.path).toBe(f.sha256);

    garble(path.join(data, EIGEN_BARS));
    garble(path.join(data, ETHFI_BARS));
    const warm = await run('warm');
    expect(finalEquity(warm)).toBe(finalEquity(cold));
    expect(sha256(path.join(warm, 'events.jsonl'))).toBe(events);
    expect(recorded(warm).run.data.fingerprint).toBe(fingerprint);

    // A new mtime: the file is hashed, so parsed and checked, again, and its garbage is a data error.
    const now = new Date();
    utimesSync(path.join(data, EIGEN_BARS), now, now);
    expect(await cli.basis('backtest', ...args, '--out', path.join(dir, 'touched'))).not.toBe(0);
    expect(cli.err()).toContain('DPR-002');
    expect(cli.err()).toContain(EIGEN_BARS);

    // A new size with the recorded mtime: read again too.
    writeFileSync(path.join(data, ETHFI_BARS), Buffer.alloc(statSync(path.join(data, ETHFI_BARS)).size + 1, 'x'));
    utimesSync(path.join(data, ETHFI_BARS), past, past);
    copyFileSync(path.join(SHARED_DATA, EIGEN_BARS), path.join(data, EIGEN_BARS));
    utimesSync(path.join(data, EIGEN_BARS), past, past);
    expect(await cli.basis('backtest', ...args, '--out', path.join(dir, 'resized'))).not.toBe(0);
    expect(cli.err()).toContain('DPR-002');
    expect(cli.err()).toContain(ETHFI_BARS);

    // The original bytes back, then a damaged cache file: a DPR-008 warning, rebuilt, the same results.
    copyFileSync(path.join(SHARED_DATA, ETHFI_BARS), path.join(data, ETHFI_BARS));
    utimesSync(path.join(data, ETHFI_BARS), past, past);
    const file = path.join(cache, cacheFiles[0]!);
    const buf = readFileSync(file);
    buf[buf.length - 100] = buf[buf.length - 100]! ^ 0x10;
    writeFileSync(file, buf);
    let rebuilt = '';
    const warnings = await warningsOf(async () => {
      rebuilt = await run('rebuilt');
    }, 'DPR-008');
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining(`reward cache ${file} is unreadable (body checksum mismatch)`)]);
    expect(finalEquity(rebuilt)).toBe(finalEquity(cold));
    expect(sha256(path.join(rebuilt, 'events.jsonl'))).toBe(events);
    expect(readFileSync(file).equals(buf)).toBe(false);

    // --from-run repeats the cached run exactly, without a fingerprint warning.
    const again = path.join(dir, 'again');
    expect(await cli.basis('backtest', '--from-run', warm, '--no-progress', '--out', again)).toBe(0);
    expect(cli.err()).not.toMatch(/data differ/);
    expect(sha256(path.join(again, 'events.jsonl'))).toBe(events);
    expect(recorded(again).run.data.fingerprint).toBe(fingerprint);
  });
});
