import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CorpusCase, CorpusRun } from '../types.js';

/**
 * Bad market data (class csv) and a damaged binary timeline cache (class cache). CSV cases corrupt one field of a
 * private copy of the real data; the run must fail with the code `basis data check` reports for the same file.
 * Cache cases prime a cache in `{scratch}-cache` (a sibling of scratch: the cache is the tool's, and rebuilding
 * it rewrites its files), damage it, and expect the run to succeed: a damaged cache is a DPR-008 warning and a
 * rebuild from the CSVs, never a wrong answer.
 */

/** Replaces the field of `column` on 1-based `line` of the one CSV in `dir` matching `pattern`. */
function editCsv(dataDir: string, dir: string, pattern: RegExp, line: number, column: string, f: (old: string) => string): void {
  const names = readdirSync(path.join(dataDir, dir)).filter((n) => pattern.test(n));
  if (names.length !== 1) throw new Error(`expected one file matching ${pattern} in ${dir}, found ${names.length}`);
  const abs = path.join(dataDir, dir, names[0]!);
  const lines = readFileSync(abs, 'utf8').split('\n');
  const c = lines[0]!.replace(/\r$/, '').split(',').indexOf(column);
  if (c < 0) throw new Error(`no column ${column} in ${abs}`);
  const cr = lines[line - 1]!.endsWith('\r');
  const fields = lines[line - 1]!.replace(/\r$/, '').split(',');
  fields[c] = f(fields[c]!);
  lines[line - 1] = fields.join(',') + (cr ? '\r' : '');
  writeFileSync(abs, lines.join('\n'));
}

interface Edit {
  readonly dir: string;
  readonly pattern: RegExp;
  readonly line: number;
  readonly column: string;
  readonly value: (old: string) => string;
}

const GAS: Omit<Edit, 'value'> = { dir: 'ethereum', pattern: /^ethereum_gas_prices_1h_/, line: 5002, column: 'gas_price_gwei' };
const USDT_RESERVE = { dir: 'aave_v3_ethereum/rates', pattern: /^aave_v3_ethereum_USDT_reserve_1d_/, line: 300 };
const WETH_RESERVE = { dir: 'aave_v3_ethereum/rates', pattern: /^aave_v3_ethereum_WETH_reserve_1d_/, line: 400 };
const WEETH_RESERVE = { dir: 'aave_v3_ethereum/rates', pattern: /^aave_v3_ethereum_weETH_reserve_1d_/, line: 200 };
const BYBIT_SPOT = { dir: 'bybit', pattern: /^bybit_ETHUSDT_spot_1h_/, line: 5002, column: 'open' };
const BENCHMARK = { dir: 'ethena', pattern: /^ethena_sUSDe_apr_benchmark_1d_/, line: 100, column: 'apr_decimal' };
const times = (k: number) => (v: string): string => String(Number(v) * k);
const to = (s: string) => (): string => s;

const backtest = (mode: string, ...extra: string[]): readonly string[] => ['backtest', '--mode', mode, '--data-dir', '{dataDir}', '--no-progress', '--set', 'paths.cacheDir={scratch}-cache', '--out', '{scratch}/run', ...extra];
const check = (mode: string): readonly string[] => ['data', 'check', '--mode', mode, '--data-dir', '{dataDir}'];

function csvCase(name: string, edit: Edit, args: readonly string[], expect: CorpusCase['expect']): CorpusCase {
  return {
    name,
    class: 'csv',
    needsDataCopy: true,
    setup: ({ dataDir }) => editCsv(dataDir, edit.dir, edit.pattern, edit.line, edit.column, edit.value),
    args,
    expect,
  };
}

const csvCases: CorpusCase[] = [
  csvCase('gas price 1e308 inside the window (used to give +38 % APY)', { ...GAS, value: to('1e308') }, backtest('pure_lending'), { code: 'DPR-005' }),
  csvCase('negative gas price, data check', { ...GAS, value: to('-1') }, check('pure_lending'), { code: 'DPR-005' }),
  csvCase('AAVE liquidity index x10 in one snapshot (used to give 297 % APY)', { ...USDT_RESERVE, column: 'liquidityIndex', value: times(10) }, backtest('pure_lending'), { code: 'DPR-005' }),
  csvCase('AAVE liquidity index falls, data check', { ...USDT_RESERVE, column: 'liquidityIndex', value: times(0.999) }, check('pure_lending'), { code: 'DPR-005' }),
  csvCase('AAVE borrow rate 5000 %', { ...WETH_RESERVE, column: 'currentVariableBorrowRate', value: to('50') }, backtest('eth_leveraged'), { code: 'DPR-005' }),
  csvCase('AAVE borrow index falls', { ...WETH_RESERVE, column: 'variableBorrowIndex', value: times(0.99) }, backtest('usdt_market_neutral'), { code: 'DPR-005' }),
  csvCase('negative spot price', { ...BYBIT_SPOT, value: to('-5') }, backtest('pure_lending'), { code: 'DPR-005' }),
  csvCase('zero spot price, data check', { ...BYBIT_SPOT, value: to('0') }, check('pure_lending'), { code: 'DPR-005' }),
  csvCase('spot price x3 for one bar (jump bound)', { ...BYBIT_SPOT, value: times(3) }, backtest('pure_lending'), { code: 'DPR-005' }),
  csvCase('jump in a fallback-only series (Uniswap WETH/USDT backs Bybit spot)', { dir: 'uniswap_v3', pattern: /^uniswapv3_WETHUSDT_/, line: 5002, column: 'open', value: times(2) }, backtest('pure_lending'), { code: 'DPR-005' }),
  csvCase('LST oracle price x2 for one snapshot (weETH/ETH jump)', { ...WEETH_RESERVE, column: 'price', value: times(2) }, backtest('usdt_market_neutral'), { code: 'DPR-005' }),
  csvCase('funding rate 5.0 per 8 h', { dir: 'binance', pattern: /^binance_BTCUSDT_funding_8h_/, line: 1000, column: 'funding_rate', value: to('5.0') }, backtest('btc_basis'), { code: 'DPR-005' }),
  csvCase('funding rate -0.5 per 8 h, data check', { dir: 'bybit', pattern: /^bybit_BTCUSDT_funding_8h_/, line: 1000, column: 'funding_rate', value: to('-0.5') }, check('btc_basis'), { code: 'DPR-005' }),
  csvCase('EIGEN reward per eETH -1', { dir: 'etherfi', pattern: /^etherfi_eigen_weekly_distributions_/, line: 3, column: 'eigen_per_eeth_weekly', value: to('-1') }, backtest('eth_leveraged'), { code: 'DPR-005' }),
  csvCase('ETHFI top-up per eETH 1e9, data check', { dir: 'etherfi', pattern: /^etherfi_ethfi_topups_/, line: 2, column: 'ethfi_per_eeth_distributed', value: to('1e9') }, check('eth_leveraged'), { code: 'DPR-005' }),
  csvCase('reward token price 0 (EIGEN/WETH pool)', { dir: 'uniswap_v3', pattern: /^uniswapv3_EIGENWETH_/, line: 100, column: 'close', value: to('0') }, backtest('eth_leveraged'), { code: 'DPR-005' }),
  csvCase('benchmark APR NaN', { ...BENCHMARK, value: to('NaN') }, backtest('pure_lending'), { code: 'DPR-002' }),
  csvCase('benchmark APR negative', { ...BENCHMARK, value: to('-0.05') }, backtest('btc_basis'), { code: 'DPR-005' }),
  csvCase('benchmark APR 5000 %, data check', { ...BENCHMARK, value: to('50') }, check('pure_lending'), { code: 'DPR-005' }),
  csvCase('gas price 1e308 before a later --start', { ...GAS, line: 3, value: to('1e308') }, backtest('pure_lending', '--start', '2024-03-01'), { accepted: true, why: 'a bad row outside the run window is dropped and reported as a handled warning; it never reaches the run' }),
];

/** Runs pure_lending once so `{scratch}-cache` holds its timeline, then damages that file with `damage`. */
function cacheCase(name: string, damage: (buf: Buffer, bodyAt: number) => Buffer, file: 'timeline' | 'manifest' = 'timeline'): CorpusCase {
  return {
    name,
    class: 'cache',
    setup: ({ scratch, dataDir, run }) => {
      const cacheDir = `${scratch}-cache`;
      const primed: CorpusRun = run(['backtest', '--mode', 'pure_lending', '--data-dir', dataDir, '--no-progress', '--set', `paths.cacheDir=${cacheDir}`, '--out', path.join(scratch, 'primed')]);
      if (primed.status !== 0) throw new Error(`priming run failed: ${primed.stderr}`);
      const target = file === 'manifest' ? 'inputs.json' : readdirSync(cacheDir).find((n) => n.endsWith('.bin'));
      if (!target) throw new Error(`no ${file} in ${cacheDir}`);
      const abs = path.join(cacheDir, target);
      const buf = readFileSync(abs);
      const bodyAt = file === 'manifest' ? 0 : (16 + buf.readUInt32LE(8) + 7) & ~7;
      writeFileSync(abs, damage(buf, bodyAt));
    },
    args: backtest('pure_lending'),
    expect: { accepted: true, why: 'a damaged cache is a DPR-008 warning naming the cache file, rebuilt from the CSVs; the run gives the same results' },
  };
}

const cacheCases: CorpusCase[] = [
  cacheCase('cache: one flipped bit in the body', (b, at) => {
    const i = Math.floor((at + b.length) / 2);
    b[i] = b[i]! ^ 0x04;
    return b;
  }),
  cacheCase('cache: a zeroed region of the body', (b, at) => b.fill(0, at + 64, at + 4096)),
  cacheCase('cache: a NaN written over a value', (b, at) => {
    b.writeDoubleLE(NaN, at + 8 * 100);
    return b;
  }),
  cacheCase('cache: a flipped bit in the header', (b) => {
    b[20] = b[20]! ^ 0x01;
    return b;
  }),
  cacheCase('cache: truncated to half', (b) => b.subarray(0, b.length >> 1)),
  cacheCase('cache: input manifest is not JSON', () => Buffer.from('{"version":1,"inputs":'), 'manifest'),
];

export const cases: readonly CorpusCase[] = [...csvCases, ...cacheCases];
