import type { SeriesKey } from '../series.js';

/**
 * Writers for every data file the catalog reads, in the exact layout of the real files in ../shared/data
 * (header, column order, timestamp style, CRLF where the real file has it, `#` comment lines in oracle files).
 * Shared by the synthetic generator and the downloader so both produce files the provider reads unchanged.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export type CexSymbol = 'BTCUSDT' | 'ETHUSDT';
export type CexVenueName = 'binance' | 'bybit' | 'okx';
export type AaveAssetName = 'USDT' | 'WETH' | 'weETH' | 'wstETH';
export type UniswapPool = 'WETHUSDT' | 'EIGENWETH' | 'ETHFIWETH';

/** One generated or downloaded file, relative to the data directory (always `/`-separated). */
export interface DataFile {
  readonly relPath: string;
  readonly text: string;
  readonly rows: number;
  readonly firstMs: number;
  readonly lastMs: number;
  /** Catalog series this file serves. */
  readonly keys: readonly SeriesKey[];
}

// ---------------------------------------------------------------- formatting

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `YYYY-MM-DD` (UTC). */
export function ymd(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}
function hms(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}
/** `2024-01-01T00:00:00Z` */
export const isoZ = (ms: number): string => `${ymd(ms)}T${hms(ms)}Z`;
/** `2024-05-12 01:00:00+00:00` (pandas style) */
export const isoSpaceOffset = (ms: number): string => `${ymd(ms)} ${hms(ms)}+00:00`;
/** `2024-01-01T00:00:00+00:00Z` (the malformed style of the Uniswap and LST-yield files) */
export const isoOffsetZ = (ms: number): string => `${ymd(ms)}T${hms(ms)}+00:00Z`;
/** Unix seconds. */
export const unixS = (ms: number): string => String(Math.floor(ms / 1000));

/**
 * A float the way Python's `repr` prints it (the real files were written by pandas): always a `.0` on whole
 * numbers, exponent form below 1e-4 with a two-digit exponent (`1.304e-05`).
 */
export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`cannot write non-finite number ${x}`);
  if (x === 0) return '0.0';
  const ax = Math.abs(x);
  if (ax < 1e-4 || ax >= 1e16) {
    const s = x.toExponential();
    const m = /^(-?[\d.]+)e([+-])(\d+)$/.exec(s);
    if (!m) return s;
    const exp = (m[3] ?? '').length < 2 ? `0${m[3] ?? ''}` : (m[3] ?? '');
    return `${m[1] ?? ''}e${m[2] ?? ''}${exp}`;
  }
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** Round to `digits` decimals (for prices on a tick grid). */
export function roundTo(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** 15 significant digits, like the long DEX and oracle floats. */
export const sig15 = (x: number): number => Number(x.toPrecision(15));

function csv(header: string, lines: string[], eol: '\n' | '\r\n', comments: string[] = []): string {
  return [...comments, header, ...lines].join(eol) + eol;
}

const dates = (firstMs: number, lastMs: number): string => `${ymd(firstMs)}_${ymd(lastMs)}`;

function span<T extends { t: number }>(rows: readonly T[], what: string): [number, number] {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last) throw new RangeError(`${what}: no rows to write`);
  return [first.t, last.t];
}

// ---------------------------------------------------------------- CEX bars

export interface BarRow {
  /** Bar open time, ms. */
  readonly t: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Base units (BTC/ETH); OKX perps: contracts, as in the real OKX file. */
  readonly volume: number;
  /** Binance: quote volume (USDT); Bybit: turnover (USDT). Empty when unknown. */
  readonly quoteVolume?: number;
  /** Binance only: number of trades. */
  readonly trades?: number;
}

const optNum = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '' : pyFloat(x));
const optInt = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '' : String(Math.round(x)));

export function barFile(venue: CexVenueName, symbol: CexSymbol, kind: 'spot' | 'perp', rows: readonly BarRow[]): DataFile {
  const [firstMs, lastMs] = span(rows, `${venue} ${symbol} ${kind}`);
  const ohlcv = (r: BarRow): string =>
    `${isoZ(r.t)},${pyFloat(r.open)},${pyFloat(r.high)},${pyFloat(r.low)},${pyFloat(r.close)},${pyFloat(r.volume)}`;
  let header: string;
  let lines: string[];
  if (venue === 'binance') {
    if (kind === 'spot') {
      header = 'timestamp,open,high,low,close,volume,quote_volume,trades_count,source,asset_pair';
      const pair = `${symbol.slice(0, -4)}/USDT`;
      lines = rows.map((r) => `${ohlcv(r)},${optNum(r.quoteVolume)},${optInt(r.trades)},binance_spot,${pair}`);
    } else {
      header = 'timestamp,open,high,low,close,volume,quote_volume,trades_count,source,symbol,data_type';
      lines = rows.map((r) => `${ohlcv(r)},${optNum(r.quoteVolume)},${optInt(r.trades)},binance_futures,${symbol},futures`);
    }
  } else if (venue === 'bybit') {
    header = 'timestamp,open,high,low,close,volume,source,symbol,data_type,turnover';
    const dataType = kind === 'spot' ? 'spot' : 'futures';
    lines = rows.map((r) => `${ohlcv(r)},bybit,${symbol},${dataType},${optNum(r.quoteVolume)}`);
  } else {
    if (kind === 'spot') throw new RangeError('okx spot files are not part of the catalog');
    header = 'timestamp,open,high,low,close,volume,source,symbol,data_type';
    lines = rows.map((r) => `${ohlcv(r)},okx,${symbol},futures`);
  }
  const key = `${kind}:${venue}:${symbol}` as SeriesKey;
  return {
    relPath: `${venue}/${venue}_${symbol}_${kind}_1h_${dates(firstMs, lastMs)}.csv`,
    text: csv(header, lines, '\r\n'),
    rows: rows.length,
    firstMs,
    lastMs,
    keys: [key],
  };
}

// ---------------------------------------------------------------- funding

export interface FundingRow {
  /** Settlement time, ms. */
  readonly t: number;
  /** Per 8 h settlement, decimal; positive = longs pay shorts. */
  readonly rate: number;
}

export function fundingFile(venue: CexVenueName, symbol: CexSymbol, rows: readonly FundingRow[]): DataFile {
  const [firstMs, lastMs] = span(rows, `${venue} ${symbol} funding`);
  const source = venue === 'binance' ? 'binance_futures' : venue;
  return {
    relPath: `${venue}/${venue}_${symbol}_funding_8h_${dates(firstMs, lastMs)}.csv`,
    text: csv('funding_timestamp,funding_rate,symbol,source', rows.map((r) => `${isoZ(r.t)},${pyFloat(r.rate)},${symbol},${source}`), '\n'),
    rows: rows.length,
    firstMs,
    lastMs,
    keys: [`funding:${venue}:${symbol}` as SeriesKey],
  };
}

// ---------------------------------------------------------------- AAVE reserves (daily)

export const AAVE_RESERVE_ADDRESS: Readonly<Record<AaveAssetName, string>> = {
  USDT: '0xdAC17F958D2ee523a2206206994597C13D831ec7',
  WETH: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
  weETH: '0xCd5fE23C85820F7B72D0926FC9b05b43E359b7ee',
  wstETH: '0x7f39C581F595B53c5cb19bD0b3f8dA6c935E2Ca0',
};

export interface AaveReserveRow {
  /** Snapshot time (00:00 UTC), ms. */
  readonly t: number;
  readonly blockNumber: number;
  /** Decimal (ray / 1e27). */
  readonly liquidityIndex: number;
  /** APR, decimal. */
  readonly currentLiquidityRate: number;
  readonly variableBorrowIndex: number;
  readonly currentVariableBorrowRate: number;
  readonly currentStableBorrowRate: number;
  /** Token units. */
  readonly totalAToken: number;
  readonly totalStableDebt: number;
  readonly totalVariableDebt: number;
  /** AAVE oracle price, USD. */
  readonly price: number;
}

export function aaveReserveFile(asset: AaveAssetName, rows: readonly AaveReserveRow[], address = AAVE_RESERVE_ADDRESS[asset]): DataFile {
  const [firstMs, lastMs] = span(rows, `aave ${asset}`);
  const header =
    'targetDate,timestamp,blockNumber,reserve,symbol,liquidityIndex,currentLiquidityRate,variableBorrowIndex,currentVariableBorrowRate,currentStableBorrowRate,totalAToken,totalStableDebt,totalVariableDebt,price,date';
  const lines = rows.map((r) =>
    [
      isoZ(r.t),
      unixS(r.t),
      String(r.blockNumber),
      address,
      asset,
      pyFloat(r.liquidityIndex),
      pyFloat(r.currentLiquidityRate),
      pyFloat(r.variableBorrowIndex),
      pyFloat(r.currentVariableBorrowRate),
      pyFloat(r.currentStableBorrowRate),
      pyFloat(r.totalAToken),
      pyFloat(r.totalStableDebt),
      pyFloat(r.totalVariableDebt),
      pyFloat(r.price),
      ymd(r.t),
    ].join(','),
  );
  const keys: SeriesKey[] = [
    `aave:${asset}:liquidityIndex`,
    `aave:${asset}:borrowIndex`,
    `aave:${asset}:liquidityRate`,
    `aave:${asset}:borrowRate`,
  ];
  return {
    relPath: `aave_v3_ethereum/rates/aave_v3_ethereum_${asset}_reserve_1d_${dates(firstMs, lastMs)}.csv`,
    text: csv(header, lines, '\n'),
    rows: rows.length,
    firstMs,
    lastMs,
    keys,
  };
}

// ---------------------------------------------------------------- AAVE oracle

export interface ValueRow {
  readonly t: number;
  readonly value: number;
}

export type OraclePair = 'WETH_USD' | 'weETH_USD' | 'wstETH_USD' | 'weETH_ETH' | 'wstETH_ETH';

/** Hourly `…_1h_interpolated_…` oracle file: `#` comment lines, then `timestamp,oracle_price_{usd|eth},asset,source,quote_currency`. */
export function oracleHourlyFile(pair: OraclePair, rows: readonly ValueRow[], processed: string, sourceNote?: string): DataFile {
  const [firstMs, lastMs] = span(rows, `oracle ${pair}`);
  const [asset, quote] = pair.split('_') as [string, string];
  const derived = quote === 'ETH';
  const source = derived ? 'aave_oracle_derived' : 'aave_oracle_extracted';
  const comments = derived
    ? [`# Source: ${source}`, `# Asset_pair: ${pair}`, `# Quote_currency: ETH`, `# Methodology: asset_usd / eth_usd`]
    : [`# Source: ${source}`, `# Asset: ${asset}`, `# Quote_currency: USD`];
  if (sourceNote) comments.push(`# Generator: ${sourceNote}`);
  comments.push(`# Processed: ${processed}`, `# Records: ${rows.length}`);
  const column = derived ? 'oracle_price_eth' : 'oracle_price_usd';
  const lines = rows.map((r) => `${isoSpaceOffset(r.t)},${pyFloat(r.value)},${asset},${source},${quote}`);
  const key = (derived ? `oracle:${asset}:ETH` : `oracle:${asset}:USD`) as SeriesKey;
  return {
    relPath: `aave_v3_ethereum/oracle/aave_v3_ethereum_oracle_${pair}_1h_interpolated_${dates(firstMs, lastMs)}.csv`,
    text: csv(`timestamp,${column},asset,source,quote_currency`, lines, '\n', comments),
    rows: rows.length,
    firstMs,
    lastMs,
    keys: [key],
  };
}

/** Daily USDT/USD oracle file (unix-second timestamps). */
export function oracleUsdtDailyFile(rows: readonly ValueRow[], processed: string, sourceNote?: string): DataFile {
  const [firstMs, lastMs] = span(rows, 'oracle USDT_USD');
  const comments = ['# Source: aave_oracle_extracted', '# Asset: USDT', '# Quote_currency: USD'];
  if (sourceNote) comments.push(`# Generator: ${sourceNote}`);
  comments.push(`# Processed: ${processed}`, `# Records: ${rows.length}`);
  const lines = rows.map((r) => `${unixS(r.t)},${pyFloat(r.value)},USDT,aave_oracle_extracted,USD`);
  return {
    relPath: `aave_v3_ethereum/oracle/aave_v3_ethereum_oracle_USDT_USD_1d_${dates(firstMs, lastMs)}.csv`,
    text: csv('timestamp,oracle_price_usd,asset,source,quote_currency', lines, '\n', comments),
    rows: rows.length,
    firstMs,
    lastMs,
    keys: ['oracle:USDT:USD'],
  };
}

// ---------------------------------------------------------------- gas

export interface GasRow {
  /** Hour label, ms. */
  readonly t: number;
  readonly blockNumber: number;
  /** Unix seconds of the sampled block. */
  readonly blockTimestamp: number;
  readonly baseFeeGwei: number;
  readonly priorityP25Gwei: number;
  readonly priorityP50Gwei: number;
  readonly priorityP75Gwei: number;
}

/**
 * `gas_price_gwei` = base + p50 tip (also written as `gas_price_avg_gwei`), `gas_price_median_gwei` = base + p25
 * tip, as in the real file. `digits` rounds the gwei columns (the real file uses 2).
 */
export function gasFile(rows: readonly GasRow[], source: string, note: string, digits = 2): DataFile {
  const [firstMs, lastMs] = span(rows, 'gas');
  const g = (x: number): string => pyFloat(roundTo(x, digits));
  const header =
    'timestamp,chain,block_number,block_timestamp,gas_price_gwei,gas_price_avg_gwei,gas_price_median_gwei,base_fee_gwei,priority_fee_p25_gwei,priority_fee_p50_gwei,priority_fee_p75_gwei,source,note';
  const lines = rows.map((r) => {
    const price = g(r.baseFeeGwei + r.priorityP50Gwei);
    return [
      isoZ(r.t),
      'ethereum',
      String(r.blockNumber),
      String(r.blockTimestamp),
      price,
      price,
      g(r.baseFeeGwei + r.priorityP25Gwei),
      g(r.baseFeeGwei),
      g(r.priorityP25Gwei),
      g(r.priorityP50Gwei),
      g(r.priorityP75Gwei),
      source,
      note,
    ].join(',');
  });
  return {
    relPath: `ethereum/ethereum_gas_prices_1h_${dates(firstMs, lastMs)}.csv`,
    text: csv(header, lines, '\r\n'),
    rows: rows.length,
    firstMs,
    lastMs,
    keys: ['gas:ethereum:gwei'],
  };
}

// ---------------------------------------------------------------- Ethena benchmark

/** Daily sUSDe benchmark: `apy_percent` in, APR derived as 365·((1+apy)^(1/365) − 1) like the real file. */
export function ethenaFile(rows: readonly { t: number; apyPercent: number }[], processed: string, source = 'defillama_manual_csv'): DataFile {
  const [firstMs, lastMs] = span(rows, 'ethena');
  const header =
    'date,protocol,symbol,apy_percent,apr_percent,apy_decimal,apr_decimal,base_apy_percent,reward_apy_percent,source,processed_date,methodology';
  const lines = rows.map((r) => {
    const apy = r.apyPercent / 100;
    const apr = 365 * ((1 + apy) ** (1 / 365) - 1);
    return [
      ymd(r.t),
      'ethena',
      'sUSDE',
      pyFloat(r.apyPercent),
      pyFloat(apr * 100),
      pyFloat(apy),
      pyFloat(apr),
      pyFloat(r.apyPercent),
      '0.0',
      source,
      processed,
      'apy_converted_to_apr_for_consistency',
    ].join(',');
  });
  return {
    relPath: `ethena/ethena_sUSDe_apr_benchmark_1d_${dates(firstMs, lastMs)}.csv`,
    text: csv(header, lines, '\n'),
    rows: rows.length,
    firstMs,
    lastMs,
    keys: ['benchmark:ethena:apr'],
  };
}

// ---------------------------------------------------------------- Uniswap v3 pools

export const UNISWAP_POOLS: Readonly<Record<UniswapPool, { address: string; base: string; quote: string }>> = {
  WETHUSDT: { address: '0x4e68ccd3e89f51c3074ca5072bbac773960dfa36', base: 'WETH', quote: 'USDT' },
  EIGENWETH: { address: '0xc2c390c6cd3c4e6c2b70727d35a45e8a072f18ca', base: 'EIGEN', quote: 'WETH' },
  ETHFIWETH: { address: '0x06f00544c0bc62e6db10f46d370dfccdc23d8189', base: 'ETHFI', quote: 'WETH' },
};

export function uniswapFile(pool: UniswapPool, rows: readonly BarRow[], source = 'geckoterminal_pro'): DataFile {
  const [firstMs, lastMs] = span(rows, `uniswap ${pool}`);
  const p = UNISWAP_POOLS[pool];
  const header = 'timestamp,date_utc,open,high,low,close,volume,pool_address,dex,fee_tier,base_token,quote_token,source';
  const lines = rows.map((r) =>
    [
      unixS(r.t),
      isoOffsetZ(r.t),
      pyFloat(r.open),
      pyFloat(r.high),
      pyFloat(r.low),
      pyFloat(r.close),
      pyFloat(r.volume),
      p.address,
      'Uniswap v3',
      '0.3%',
      p.base,
      p.quote,
      source,
    ].join(','),
  );
  return {
    relPath: `uniswap_v3/uniswapv3_${pool}_0.3pct_1h_${dates(firstMs, lastMs)}.csv`,
    text: csv(header, lines, '\r\n'),
    rows: rows.length,
    firstMs,
    lastMs,
    keys: [`dex:uniswap:${pool}` as SeriesKey],
  };
}

// ---------------------------------------------------------------- EtherFi published rewards

/** One weekly EIGEN distribution: the staking period (inclusive days) and EIGEN per eETH per week. */
export interface EigenWeekRow {
  readonly t: number;
  readonly endMs: number;
  readonly ethRestaked: number;
  readonly ethNotRestaked: number;
  readonly eigenPerEethWeekly: number;
}

/** `etherfi_eigen_weekly_distributions_*.csv`, the layout of the real file (LF, plain numbers). */
export function eigenDistributionsFile(rows: readonly EigenWeekRow[]): DataFile {
  const [firstMs] = span(rows, 'eigen distributions');
  const lastMs = rows[rows.length - 1]?.endMs ?? firstMs;
  const header = 'staking_period_start,staking_period_end,eigen_earned,eth_restaked,eth_not_restaked,eigen_per_eeth_weekly';
  const lines = rows.map((r) => {
    const weeks = (r.endMs + DAY_MS - r.t) / (7 * DAY_MS);
    return [ymd(r.t), ymd(r.endMs), String(Math.round(r.eigenPerEethWeekly * weeks * r.ethRestaked)), String(Math.round(r.ethRestaked)), String(Math.round(r.ethNotRestaked)), r.eigenPerEethWeekly.toFixed(3)].join(',');
  });
  return { relPath: `etherfi/etherfi_eigen_weekly_distributions_${dates(firstMs, lastMs)}.csv`, text: csv(header, lines, '\n'), rows: rows.length, firstMs, lastMs, keys: [] };
}

/** One ETHFI top-up: paid on `payMs` for the staking period [t, endMs] (inclusive days). */
export interface EthfiTopUpRow {
  readonly t: number;
  readonly endMs: number;
  readonly payMs: number;
  readonly ethfiAmount: number;
  readonly ethfiPerEeth: number;
}

/** `etherfi_ethfi_topups_*.csv`, the layout of the real file. */
export function ethfiTopUpsFile(rows: readonly EthfiTopUpRow[]): DataFile {
  const [firstMs] = span(rows, 'ethfi top-ups');
  const lastMs = rows[rows.length - 1]?.endMs ?? firstMs;
  const header = 'top_up_date,staking_period_start,staking_period_end,ethfi_amount,ethfi_per_eeth_distributed';
  const lines = rows.map((r) => [ymd(r.payMs), ymd(r.t), ymd(r.endMs), String(Math.round(r.ethfiAmount)), r.ethfiPerEeth.toFixed(3)].join(','));
  return { relPath: `etherfi/etherfi_ethfi_topups_${dates(firstMs, lastMs)}.csv`, text: csv(header, lines, '\n'), rows: rows.length, firstMs, lastMs, keys: [] };
}
