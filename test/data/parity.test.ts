import { cpSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCliInProcess } from '../support/cli.js';
import { SHARED_DATA, tmpDir } from './helpers.js';

/**
 * `basis data check` fails on every file a backtest fails on, and the reverse: for each corruption of a private
 * copy of the real data, both commands (the real CLI entry point, in process) fail with the same code, naming the
 * same file, line and column; the clean copy passes both.
 */
const dirs: string[] = [];
let dataDir = '';
let cacheDir = '';
const savedCacheEnv = process.env.BASIS__PATHS__CACHEDIR;
beforeAll(() => {
  dataDir = tmpDir('basis-parity-data-');
  cacheDir = tmpDir('basis-parity-cache-');
  dirs.push(dataDir, cacheDir);
  cpSync(SHARED_DATA, dataDir, { recursive: true });
  // Runs cache their timelines in a private directory, not the checkout's var/cache.
  process.env.BASIS__PATHS__CACHEDIR = cacheDir;
});
afterAll(() => {
  if (savedCacheEnv === undefined) delete process.env.BASIS__PATHS__CACHEDIR;
  else process.env.BASIS__PATHS__CACHEDIR = savedCacheEnv;
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const run = runCliInProcess;

/** The one file in `dir` of the data copy whose name matches `pattern`, relative to the data directory. */
function find(dir: string, pattern: RegExp): string {
  const hits = readdirSync(path.join(dataDir, dir)).filter((n) => pattern.test(n));
  expect(hits).toHaveLength(1);
  return `${dir}/${hits[0]}`;
}

/** Replaces the field of `column` on 1-based `line` of a CSV with `f(old)`; returns the column's 1-based number. */
function edit(rel: string, line: number, column: string, f: (old: string) => string): number {
  const abs = path.join(dataDir, rel);
  const lines = readFileSync(abs, 'utf8').split('\n');
  const header = lines[0]!.replace(/\r$/, '').split(',');
  const c = header.indexOf(column);
  expect(c).toBeGreaterThanOrEqual(0);
  const cr = lines[line - 1]!.endsWith('\r');
  const fields = lines[line - 1]!.replace(/\r$/, '').split(',');
  fields[c] = f(fields[c]!);
  lines[line - 1] = fields.join(',') + (cr ? '\r' : '');
  writeFileSync(abs, lines.join('\n'));
  return c + 1;
}

interface Corruption {
  readonly name: string;
  readonly mode: string;
  readonly dir: string;
  readonly pattern: RegExp;
  readonly line: number;
  readonly column: string;
  readonly value: (old: string) => string;
  readonly code: string;
}

const corruptions: readonly Corruption[] = [
  { name: 'gas price 1e308', mode: 'pure_lending', dir: 'ethereum', pattern: /^ethereum_gas_prices_1h_/, line: 5002, column: 'gas_price_gwei', value: () => '1e308', code: 'DPR-005' },
  { name: 'AAVE liquidity index x10', mode: 'pure_lending', dir: 'aave_v3_ethereum/rates', pattern: /^aave_v3_ethereum_USDT_reserve_1d_/, line: 300, column: 'liquidityIndex', value: (v) => String(Number(v) * 10), code: 'DPR-005' },
  { name: 'AAVE liquidity index falls', mode: 'pure_lending', dir: 'aave_v3_ethereum/rates', pattern: /^aave_v3_ethereum_USDT_reserve_1d_/, line: 300, column: 'liquidityIndex', value: (v) => String(Number(v) * 0.999), code: 'DPR-005' },
  { name: 'AAVE borrow index falls', mode: 'eth_leveraged', dir: 'aave_v3_ethereum/rates', pattern: /^aave_v3_ethereum_WETH_reserve_1d_/, line: 400, column: 'variableBorrowIndex', value: (v) => String(Number(v) * 0.99), code: 'DPR-005' },
  { name: 'AAVE rate 700 %', mode: 'pure_lending', dir: 'aave_v3_ethereum/rates', pattern: /^aave_v3_ethereum_USDT_reserve_1d_/, line: 300, column: 'currentLiquidityRate', value: () => '7', code: 'DPR-005' },
  { name: 'negative price', mode: 'pure_lending', dir: 'bybit', pattern: /^bybit_ETHUSDT_spot_1h_/, line: 5002, column: 'open', value: () => '-5', code: 'DPR-005' },
  { name: 'price jump x2', mode: 'pure_lending', dir: 'bybit', pattern: /^bybit_ETHUSDT_spot_1h_/, line: 5002, column: 'open', value: (v) => String(Number(v) * 2), code: 'DPR-005' },
  { name: 'price jump in a fallback series', mode: 'pure_lending', dir: 'uniswap_v3', pattern: /^uniswapv3_WETHUSDT_/, line: 5002, column: 'open', value: (v) => String(Number(v) * 2), code: 'DPR-005' },
  { name: 'funding 5.0 per 8 h', mode: 'btc_basis', dir: 'binance', pattern: /^binance_BTCUSDT_funding_8h_/, line: 1000, column: 'funding_rate', value: () => '5.0', code: 'DPR-005' },
  { name: 'reward per eETH -1', mode: 'eth_leveraged', dir: 'etherfi', pattern: /^etherfi_eigen_weekly_distributions_/, line: 3, column: 'eigen_per_eeth_weekly', value: () => '-1', code: 'DPR-005' },
  { name: 'ETHFI top-up per eETH -1', mode: 'usdt_market_neutral', dir: 'etherfi', pattern: /^etherfi_ethfi_topups_/, line: 2, column: 'ethfi_per_eeth_distributed', value: () => '-1', code: 'DPR-005' },
  { name: 'reward token price 0', mode: 'eth_leveraged', dir: 'uniswap_v3', pattern: /^uniswapv3_EIGENWETH_/, line: 100, column: 'close', value: () => '0', code: 'DPR-005' },
  { name: 'benchmark APR NaN', mode: 'pure_lending', dir: 'ethena', pattern: /^ethena_sUSDe_apr_benchmark_1d_/, line: 100, column: 'apr_decimal', value: () => 'NaN', code: 'DPR-002' },
  { name: 'benchmark APR negative', mode: 'pure_lending', dir: 'ethena', pattern: /^ethena_sUSDe_apr_benchmark_1d_/, line: 100, column: 'apr_decimal', value: () => '-0.05', code: 'DPR-005' },
];

describe('data check and backtest agree', () => {
  test('clean data passes both', async () => {
    const check = await run(['data', 'check', '--mode', 'pure_lending', '--data-dir', dataDir]);
    expect(check.code).toBe(0);
    const bt = await run(['backtest', '--mode', 'pure_lending', '--data-dir', dataDir, '--no-progress', '--out', path.join(tmpDir('basis-parity-out-'), 'run')]);
    expect(bt.err).not.toMatch(/error [A-Z]+-\d{3}/);
    expect(bt.code).toBe(0);
  });

  test.each(corruptions)('$name: both fail with $code naming the file, line and column', async (c) => {
    const rel = find(c.dir, c.pattern);
    const original = readFileSync(path.join(dataDir, rel));
    try {
      const col = edit(rel, c.line, c.column, c.value);
      const where = `${rel}:line ${c.line}:col ${col}`;
      const check = await run(['data', 'check', '--mode', c.mode, '--data-dir', dataDir]);
      const bt = await run(['backtest', '--mode', c.mode, '--data-dir', dataDir, '--no-progress', '--out', path.join(tmpDir('basis-parity-out-'), 'run')]);
      expect(check.code).toBe(65);
      expect(bt.code).toBe(65);
      expect(bt.err).toContain(`error ${c.code}:`);
      expect(bt.err).toContain(where);
      expect(check.out).toContain(`${c.code} `);
      const checkLine = check.out.split('\n').find((l) => l.includes(where));
      expect(checkLine, check.out).toBeDefined();
      expect(checkLine).toContain(c.code);
      expect(bt.err).not.toMatch(/\n\s+at /);
    } finally {
      writeFileSync(path.join(dataDir, rel), original);
    }
  });
});
