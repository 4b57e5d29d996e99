import type { SeriesKey } from './series.js';

/**
 * Which file holds each series, relative to the data directory. File names follow
 * `<venue>_<instrument>_<kind>_<interval>_<first>_<last>.csv` (data/README.md); `pattern` matches the name
 * with its dates so a synthetic or re-downloaded set with other dates is found the same way.
 */
export type SeriesShape =
  /** Hourly OHLCV bars stamped at open; value = open at t, last close carried into gaps. */
  | 'hourly_bar'
  /** Funding settlements every 8 h: `funding_timestamp,funding_rate`. */
  | 'funding'
  /** Daily AAVE reserve snapshots at 00:00 UTC; indices accrue inside the day as the protocol does. */
  | 'aave_daily'
  /** Daily value held until the next observation (no look-ahead). */
  | 'daily_step'
  /**
   * AAVE oracle price. Upstream ships it as "1h_interpolated" files, straight lines between daily snapshots (they
   * use the next day's value: look-ahead). We read the observed daily snapshot instead (the reserve files' `price`
   * column, USD; LST/ETH = LST price / WETH price at the same snapshot) and hold it until the next one. The
   * interpolated files are only cross-checked by `basis data check`. (Name kept: policy keys use it.)
   */
  | 'oracle_interpolated'
  /** Real hourly observations (gas). */
  | 'hourly_value';

export interface CatalogEntry {
  readonly dir: string;
  readonly pattern: RegExp;
  readonly shape: SeriesShape;
  /** Column holding the value (for bars: the open/close pair is implied). */
  readonly column: string;
  /** Timestamp column; default `timestamp`. */
  readonly timeColumn?: string;
  /** Oracle LST/ETH: divide by this series (WETH/USD) at the same snapshot. */
  readonly denominator?: { readonly dir: string; readonly pattern: RegExp; readonly column: string };
  /** Oracle: the upstream interpolated file, checked (not used) by `basis data check`. */
  readonly upstream?: { readonly dir: string; readonly pattern: RegExp; readonly column: string };
  /** Value domain checked per row: a price or index must be > 0; anything else (funding, gas, AAVE rates, the
   * benchmark APR) lies within its range in `data.bounds`. */
  readonly domain: 'positive' | 'bounded';
  /** A market price: one-step moves above maxJumpFraction are reported. */
  readonly isPrice: boolean;
}

const bar = (dir: string, prefix: string): CatalogEntry => ({
  dir,
  pattern: new RegExp(`^${prefix}_1h_\\d{4}-\\d{2}-\\d{2}_\\d{4}-\\d{2}-\\d{2}\\.csv$`),
  shape: 'hourly_bar',
  column: 'open',
  domain: 'positive',
  isPrice: true,
});
const funding = (venue: string, sym: string): CatalogEntry => ({
  dir: venue,
  pattern: new RegExp(`^${venue}_${sym}_funding_8h_\\d{4}-\\d{2}-\\d{2}_\\d{4}-\\d{2}-\\d{2}\\.csv$`),
  shape: 'funding',
  column: 'funding_rate',
  timeColumn: 'funding_timestamp',
  domain: 'bounded',
  isPrice: false,
});
const aave = (asset: string, column: string): CatalogEntry => ({
  dir: 'aave_v3_ethereum/rates',
  pattern: new RegExp(`^aave_v3_ethereum_${asset}_reserve_1d_\\d{4}-\\d{2}-\\d{2}_\\d{4}-\\d{2}-\\d{2}\\.csv$`),
  shape: 'aave_daily',
  column,
  domain: column.endsWith('Index') ? 'positive' : 'bounded',
  isPrice: false,
});
const reservePattern = (asset: string): RegExp =>
  new RegExp(`^aave_v3_ethereum_${asset}_reserve_1d_\\d{4}-\\d{2}-\\d{2}_\\d{4}-\\d{2}-\\d{2}\\.csv$`);
/** Oracle price observed at the daily reserve snapshots (`price`, USD); `/ETH` divides by WETH's price. */
const oracle = (asset: string, quote: 'USD' | 'ETH'): CatalogEntry => ({
  dir: 'aave_v3_ethereum/rates',
  pattern: reservePattern(asset),
  shape: 'oracle_interpolated',
  column: 'price',
  ...(quote === 'ETH' ? { denominator: { dir: 'aave_v3_ethereum/rates', pattern: reservePattern('WETH'), column: 'price' } } : {}),
  upstream: {
    dir: 'aave_v3_ethereum/oracle',
    pattern: new RegExp(`^aave_v3_ethereum_oracle_${asset}_${quote}_1h_interpolated_\\d{4}-\\d{2}-\\d{2}_\\d{4}-\\d{2}-\\d{2}\\.csv$`),
    column: quote === 'ETH' ? 'oracle_price_eth' : 'oracle_price_usd',
  },
  domain: 'positive',
  isPrice: true,
});

export const CATALOG: Readonly<Record<SeriesKey, CatalogEntry>> = {
  'spot:binance:BTCUSDT': bar('binance', 'binance_BTCUSDT_spot'),
  'spot:binance:ETHUSDT': bar('binance', 'binance_ETHUSDT_spot'),
  'spot:bybit:BTCUSDT': bar('bybit', 'bybit_BTCUSDT_spot'),
  'spot:bybit:ETHUSDT': bar('bybit', 'bybit_ETHUSDT_spot'),
  'dex:uniswap:WETHUSDT': { ...bar('uniswap_v3', 'uniswapv3_WETHUSDT_0\\.3pct'), pattern: /^uniswapv3_WETHUSDT_0\.3pct_1h_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/ },
  'dex:uniswap:EIGENWETH': bar('uniswap_v3', 'uniswapv3_EIGENWETH_0\\.3pct'),
  'dex:uniswap:ETHFIWETH': bar('uniswap_v3', 'uniswapv3_ETHFIWETH_0\\.3pct'),
  'perp:binance:BTCUSDT': bar('binance', 'binance_BTCUSDT_perp'),
  'perp:binance:ETHUSDT': bar('binance', 'binance_ETHUSDT_perp'),
  'perp:bybit:BTCUSDT': bar('bybit', 'bybit_BTCUSDT_perp'),
  'perp:bybit:ETHUSDT': bar('bybit', 'bybit_ETHUSDT_perp'),
  'perp:okx:BTCUSDT': bar('okx', 'okx_BTCUSDT_perp'),
  'perp:okx:ETHUSDT': bar('okx', 'okx_ETHUSDT_perp'),
  'funding:binance:BTCUSDT': funding('binance', 'BTCUSDT'),
  'funding:binance:ETHUSDT': funding('binance', 'ETHUSDT'),
  'funding:bybit:BTCUSDT': funding('bybit', 'BTCUSDT'),
  'funding:bybit:ETHUSDT': funding('bybit', 'ETHUSDT'),
  'funding:okx:BTCUSDT': funding('okx', 'BTCUSDT'),
  'funding:okx:ETHUSDT': funding('okx', 'ETHUSDT'),
  'aave:USDT:liquidityIndex': aave('USDT', 'liquidityIndex'),
  'aave:USDT:borrowIndex': aave('USDT', 'variableBorrowIndex'),
  'aave:USDT:liquidityRate': aave('USDT', 'currentLiquidityRate'),
  'aave:USDT:borrowRate': aave('USDT', 'currentVariableBorrowRate'),
  'aave:WETH:liquidityIndex': aave('WETH', 'liquidityIndex'),
  'aave:WETH:borrowIndex': aave('WETH', 'variableBorrowIndex'),
  'aave:WETH:liquidityRate': aave('WETH', 'currentLiquidityRate'),
  'aave:WETH:borrowRate': aave('WETH', 'currentVariableBorrowRate'),
  'aave:weETH:liquidityIndex': aave('weETH', 'liquidityIndex'),
  'aave:weETH:borrowIndex': aave('weETH', 'variableBorrowIndex'),
  'aave:weETH:liquidityRate': aave('weETH', 'currentLiquidityRate'),
  'aave:weETH:borrowRate': aave('weETH', 'currentVariableBorrowRate'),
  'aave:wstETH:liquidityIndex': aave('wstETH', 'liquidityIndex'),
  'aave:wstETH:borrowIndex': aave('wstETH', 'variableBorrowIndex'),
  'aave:wstETH:liquidityRate': aave('wstETH', 'currentLiquidityRate'),
  'aave:wstETH:borrowRate': aave('wstETH', 'currentVariableBorrowRate'),
  'oracle:weETH:ETH': oracle('weETH', 'ETH'),
  'oracle:wstETH:ETH': oracle('wstETH', 'ETH'),
  'oracle:WETH:USD': oracle('WETH', 'USD'),
  'oracle:weETH:USD': oracle('weETH', 'USD'),
  'oracle:wstETH:USD': oracle('wstETH', 'USD'),
  'oracle:USDT:USD': {
    dir: 'aave_v3_ethereum/oracle',
    pattern: /^aave_v3_ethereum_oracle_USDT_USD_1d_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/,
    shape: 'daily_step',
    column: 'oracle_price_usd',
    domain: 'positive',
    isPrice: true,
  },
  'gas:ethereum:gwei': {
    dir: 'ethereum',
    pattern: /^ethereum_gas_prices_1h_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/,
    shape: 'hourly_value',
    column: 'gas_price_gwei',
    domain: 'bounded',
    isPrice: false,
  },
  'benchmark:ethena:apr': {
    dir: 'ethena',
    pattern: /^ethena_sUSDe_apr_benchmark_1d_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/,
    shape: 'daily_step',
    column: 'apr_decimal',
    timeColumn: 'date',
    domain: 'bounded',
    isPrice: false,
  },
};

export const SERIES_KEYS = Object.keys(CATALOG) as SeriesKey[];
