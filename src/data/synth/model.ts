import { Rng } from './prng.js';
import {
  DAY_MS,
  HOUR_MS,
  roundTo,
  sig15,
  type AaveAssetName,
  type AaveReserveRow,
  type BarRow,
  type CexSymbol,
  type CexVenueName,
  type EigenWeekRow,
  type EthfiTopUpRow,
  type FundingRow,
  type GasRow,
  type UniswapPool,
  type ValueRow,
} from './schema.js';

/**
 * The stochastic model behind `basis data synth`. Every component draws from its own named PRNG stream.
 *
 * - BTC and ETH: geometric Brownian motion with a shared Markov regime (calm / bull / bear) that switches drift
 *   and volatility, correlated shocks (ρ = 0.8) and rare jumps.
 * - Per venue: spot = mid × (1 + 1 bp noise); perp = mid × (1 + basis + 1.5 bp noise), where the basis is an
 *   Ornstein-Uhlenbeck spread (half-life ≈ 8 h, ≈ 3 bp wide) that mean-reverts to 2.5 × the current funding level.
 * - Funding: per asset an OU factor around 1e-4 per 8 h with occasional negative regimes, plus a per-venue OU
 *   term; Binance and Bybit snap to the 0.0001 interest-rate default inside a small band (as the real venues do).
 * - AAVE: daily utilisation OU → AAVE v3 two-slope rate model → supply rate = borrow × U × (1 − reserve factor);
 *   the liquidity index accrues linearly within a day, the borrow index compounds per second.
 * - LST/ETH rates grow at a daily OU staking APR (≈ 2.7 % weETH, ≈ 2.95 % wstETH), linear within a day;
 *   an optional depeg multiplies them by (1 − size) over a few hours and recovers exponentially over days.
 * - Gas: log base fee = slow OU + fast OU + rare spikes (lognormal), tips lognormal. Ethena APY: daily OU.
 */

export interface ModelInput {
  readonly seed: number;
  /** First hour (00:00 UTC of the first day), ms. */
  readonly startMs: number;
  /** Number of whole days. */
  readonly days: number;
  readonly flatPrices: boolean;
  readonly depeg: { readonly atMs: number; readonly size: number; readonly assets: readonly ('weETH' | 'wstETH')[] } | null;
}

export interface ModelOutput {
  readonly bars: { venue: CexVenueName; symbol: CexSymbol; kind: 'spot' | 'perp'; rows: BarRow[] }[];
  readonly funding: { venue: CexVenueName; symbol: CexSymbol; rows: FundingRow[] }[];
  readonly aave: { asset: AaveAssetName; rows: AaveReserveRow[] }[];
  readonly oracleHourly: { pair: 'WETH_USD' | 'weETH_USD' | 'wstETH_USD' | 'weETH_ETH' | 'wstETH_ETH'; rows: ValueRow[] }[];
  readonly usdtOracle: ValueRow[];
  readonly gas: GasRow[];
  readonly ethena: { t: number; apyPercent: number }[];
  readonly uniswap: { pool: UniswapPool; rows: BarRow[] }[];
  readonly eigenWeeks: EigenWeekRow[];
  readonly ethfiTopUps: EthfiTopUpRow[];
}

/** Starting marks (the real 2024-01-01 opens / 2024-05-12 oracle ratios); every range starts from them. */
export const START_VALUES = {
  BTC: 42283.58,
  ETH: 2282.0,
  EIGEN_WETH: 0.0015,
  ETHFI_WETH: 0.0018,
  weETH_ETH: 1.0381626525752412,
  wstETH_ETH: 1.1663053369569736,
} as const;

const YEAR_H = 8760;
const VENUES: readonly CexVenueName[] = ['binance', 'bybit', 'okx'];
const SYMBOLS: readonly CexSymbol[] = ['BTCUSDT', 'ETHUSDT'];

interface Regime {
  readonly mu: number;
  readonly volBtc: number;
  readonly volEth: number;
}
const REGIMES: readonly Regime[] = [
  { mu: 0.15, volBtc: 0.4, volEth: 0.5 }, // calm
  { mu: 0.9, volBtc: 0.55, volEth: 0.7 }, // bull
  { mu: -0.7, volBtc: 0.7, volEth: 0.9 }, // bear
];

/** OU step with stationary standard deviation `sd` and per-step persistence `phi`. */
function ou(x: number, mean: number, phi: number, sd: number, z: number): number {
  return mean + (x - mean) * phi + sd * Math.sqrt(1 - phi * phi) * z;
}
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

export function runModel(input: ModelInput): ModelOutput {
  const { seed, startMs, days, flatPrices } = input;
  const n = days * 24; // hourly bars
  const rng = (name: string): Rng => new Rng(seed, name);
  const hourT = (i: number): number => startMs + i * HOUR_MS;

  // ------------------------------------------------------------ mid prices (n + 1 points: bar i = [i, i+1])
  const btc = new Float64Array(n + 1);
  const eth = new Float64Array(n + 1);
  const volB = new Float64Array(n + 1);
  const volE = new Float64Array(n + 1);
  {
    const r = rng('prices');
    let regime = 0;
    btc[0] = START_VALUES.BTC;
    eth[0] = START_VALUES.ETH;
    const dt = 1 / YEAR_H;
    for (let i = 0; i < n; i++) {
      const reg = REGIMES[regime] ?? REGIMES[0]!;
      volB[i] = reg.volBtc * Math.sqrt(dt);
      volE[i] = reg.volEth * Math.sqrt(dt);
      const z1 = r.normal();
      const z2 = 0.8 * z1 + 0.6 * r.normal();
      const jump = r.chance(1 / 2000) ? r.normal() * 0.03 : 0;
      if (flatPrices) {
        btc[i + 1] = btc[i]!;
        eth[i + 1] = eth[i]!;
      } else {
        btc[i + 1] = btc[i]! * Math.exp((reg.mu - 0.5 * reg.volBtc ** 2) * dt + volB[i]! * z1 + jump);
        eth[i + 1] = eth[i]! * Math.exp((reg.mu - 0.5 * reg.volEth ** 2) * dt + volE[i]! * z2 + 1.3 * jump);
      }
      if (r.chance(1 / (24 * 30))) regime = (regime + 1 + r.int(0, REGIMES.length - 2)) % REGIMES.length;
    }
    volB[n] = volB[n - 1] ?? 0;
    volE[n] = volE[n - 1] ?? 0;
  }
  const mid = (s: CexSymbol): Float64Array => (s === 'BTCUSDT' ? btc : eth);
  const vol = (s: CexSymbol): Float64Array => (s === 'BTCUSDT' ? volB : volE);

  // ------------------------------------------------------------ funding (settlements at 00/08/16 UTC)
  const settlementIdx: number[] = [];
  for (let i = 0; i < n; i++) if (Math.round(hourT(i) / HOUR_MS) % 8 === 0) settlementIdx.push(i);
  const fundingCommon = new Map<CexSymbol, Float64Array>();
  const funding: ModelOutput['funding'] = [];
  for (const sym of SYMBOLS) {
    const r = rng(`funding:${sym}`);
    const common = new Float64Array(settlementIdx.length);
    const normalMean = sym === 'BTCUSDT' ? 1.0e-4 : 1.1e-4;
    let negative = false;
    let f = normalMean;
    for (let k = 0; k < settlementIdx.length; k++) {
      if (negative ? r.chance(1 / 9) : r.chance(1 / 120)) negative = !negative;
      f = ou(f, negative ? -5e-5 : normalMean, Math.exp(-1 / 9), 6e-5, r.normal());
      common[k] = f;
    }
    fundingCommon.set(sym, common);
    for (const venue of VENUES) {
      const rv = rng(`funding:${venue}:${sym}`);
      let idio = 0;
      const rows: FundingRow[] = [];
      for (let k = 0; k < settlementIdx.length; k++) {
        idio = ou(idio, 0, 0.5, venue === 'okx' ? 2.5e-5 : 1.5e-5, rv.normal());
        let rate = clamp((common[k] ?? 0) + idio, -0.003, 0.003);
        if (venue === 'binance' && Math.abs(rate - 1e-4) < 2e-5) rate = 1e-4;
        if (venue === 'bybit' && Math.abs(rate - 1e-4) < 1e-5) rate = 1e-4;
        rate = venue === 'okx' ? Number(rate.toPrecision(12)) : roundTo(rate, 8);
        rows.push({ t: hourT(settlementIdx[k]!), rate });
      }
      funding.push({ venue, symbol: sym, rows });
    }
  }

  // ------------------------------------------------------------ basis (hourly OU towards 2.5 × funding level)
  const basis = new Map<CexSymbol, Float64Array>();
  for (const sym of SYMBOLS) {
    const r = rng(`basis:${sym}`);
    const common = fundingCommon.get(sym)!;
    const b = new Float64Array(n + 1);
    let k = -1;
    let x = 2.5e-4;
    for (let i = 0; i <= n; i++) {
      while (k + 1 < settlementIdx.length && settlementIdx[k + 1]! <= i) k++;
      const level = k >= 0 ? (common[k] ?? 1e-4) : 1e-4;
      x = ou(x, 2.5 * level, Math.exp(-1 / 12), 3e-4, r.normal());
      b[i] = flatPrices ? 0 : x;
    }
    basis.set(sym, b);
  }

  // ------------------------------------------------------------ CEX bars
  const bars: ModelOutput['bars'] = [];
  const tick = (sym: CexSymbol, venue: CexVenueName, kind: 'spot' | 'perp'): number =>
    sym === 'BTCUSDT' && kind === 'perp' && venue === 'binance' ? 1 : 2;
  const baseVolume: Record<string, number> = {
    'binance:spot:BTCUSDT': 1200,
    'binance:perp:BTCUSDT': 8000,
    'binance:spot:ETHUSDT': 12000,
    'binance:perp:ETHUSDT': 150000,
    'bybit:spot:BTCUSDT': 170,
    'bybit:perp:BTCUSDT': 3000,
    'bybit:spot:ETHUSDT': 3800,
    'bybit:perp:ETHUSDT': 20000,
    'okx:perp:BTCUSDT': 250000, // contracts of 0.01 BTC
    'okx:perp:ETHUSDT': 600000, // contracts of 0.1 ETH
  };
  const series: { venue: CexVenueName; kind: 'spot' | 'perp' }[] = [
    { venue: 'binance', kind: 'spot' },
    { venue: 'bybit', kind: 'spot' },
    { venue: 'binance', kind: 'perp' },
    { venue: 'bybit', kind: 'perp' },
    { venue: 'okx', kind: 'perp' },
  ];
  for (const sym of SYMBOLS) {
    for (const { venue, kind } of series) {
      const r = rng(`bars:${venue}:${kind}:${sym}`);
      const m = mid(sym);
      const b = basis.get(sym)!;
      // Flat prices sit on the coarsest tick of the symbol so every venue shows the very same number.
      const digits = flatPrices ? (sym === 'BTCUSDT' ? 1 : 2) : tick(sym, venue, kind);
      const points = new Float64Array(n + 1);
      for (let i = 0; i <= n; i++) {
        const noise = flatPrices ? 0 : r.normal() * (kind === 'spot' ? 1e-4 : 1.5e-4);
        const level = kind === 'perp' ? b[i]! : 0;
        points[i] = roundTo(m[i]! * (1 + level + noise), digits);
      }
      const volKey = `${venue}:${kind}:${sym}`;
      bars.push({ venue, symbol: sym, kind, rows: makeBars(r, points, vol(sym), baseVolume[volKey] ?? 1000, digits, startMs, flatPrices, venue) });
    }
  }

  // ------------------------------------------------------------ LST exchange rates (hourly) and depeg
  const lst = new Map<'weETH' | 'wstETH', Float64Array>();
  for (const asset of ['weETH', 'wstETH'] as const) {
    const r = rng(`lst:${asset}`);
    const mu = asset === 'weETH' ? 0.027 : 0.0295;
    const daily = new Float64Array(days + 1);
    daily[0] = asset === 'weETH' ? START_VALUES.weETH_ETH : START_VALUES.wstETH_ETH;
    let apr = mu;
    for (let d = 0; d < days; d++) {
      apr = clamp(ou(apr, mu, Math.exp(-1 / 15), 0.004, r.normal()), 0.005, 0.06);
      daily[d + 1] = daily[d]! * (1 + apr / 365);
    }
    const hourly = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const d = Math.floor(i / 24);
      const h = i % 24;
      const fundamental = daily[d]! + ((daily[d + 1]! - daily[d]!) * h) / 24;
      const dep = input.depeg && input.depeg.assets.includes(asset) ? depegFactor(hourT(i), input.depeg.atMs, input.depeg.size) : 1;
      hourly[i] = fundamental * dep;
    }
    lst.set(asset, hourly);
  }

  // ------------------------------------------------------------ oracles
  const oracleHourly: ModelOutput['oracleHourly'] = [];
  const wethUsd: ValueRow[] = [];
  for (let i = 0; i < n; i++) wethUsd.push({ t: hourT(i), value: sig15(eth[i]!) });
  oracleHourly.push({ pair: 'WETH_USD', rows: wethUsd });
  for (const asset of ['weETH', 'wstETH'] as const) {
    const rate = lst.get(asset)!;
    const usd: ValueRow[] = [];
    const inEth: ValueRow[] = [];
    for (let i = 0; i < n; i++) {
      const ratio = sig15(rate[i]!);
      inEth.push({ t: hourT(i), value: ratio });
      usd.push({ t: hourT(i), value: sig15(ratio * wethUsd[i]!.value) });
    }
    oracleHourly.push({ pair: `${asset}_USD`, rows: usd }, { pair: `${asset}_ETH`, rows: inEth });
  }
  const usdtOracle: ValueRow[] = [];
  {
    const r = rng('oracle:USDT');
    let x = 1.0;
    for (let d = 0; d < days; d++) {
      x = ou(x, 1.0, 0.8, 4e-4, r.normal());
      usdtOracle.push({ t: startMs + d * DAY_MS, value: roundTo(x, 8) });
    }
  }

  // ------------------------------------------------------------ AAVE reserves (daily, 00:00 UTC)
  const aave: ModelOutput['aave'] = [];
  const priceAt = (asset: AaveAssetName, d: number): number => {
    if (asset === 'USDT') return usdtOracle[d]!.value;
    if (asset === 'WETH') return wethUsd[d * 24]!.value;
    const pair = oracleHourly.find((o) => o.pair === `${asset}_USD`)!;
    return pair.rows[d * 24]!.value;
  };
  for (const asset of ['USDT', 'WETH', 'weETH', 'wstETH'] as const) {
    const cfg = AAVE_MODEL[asset];
    const r = rng(`aave:${asset}`);
    let u = cfg.uMean;
    let supply = cfg.supply0;
    let li = cfg.li0;
    let bi = cfg.bi0;
    const rows: AaveReserveRow[] = [];
    for (let d = 0; d < days; d++) {
      const t = startMs + d * DAY_MS;
      u = clamp(ou(u, cfg.uMean, Math.exp(-1 / 10), cfg.uSd, r.normal()), cfg.uLo, cfg.uHi);
      supply = supply * Math.exp(0.002 + 0.01 * r.normal());
      const borrowRate = rateModel(cfg, u);
      const liquidityRate = borrowRate * u * (1 - cfg.reserveFactor);
      rows.push({
        t,
        blockNumber: blockAt(t / 1000),
        liquidityIndex: li,
        currentLiquidityRate: liquidityRate,
        variableBorrowIndex: bi,
        currentVariableBorrowRate: borrowRate,
        currentStableBorrowRate: t < STABLE_DEPRECATED_MS ? borrowRate + cfg.stablePremium : 0,
        totalAToken: supply,
        totalStableDebt: 0,
        totalVariableDebt: supply * u,
        price: priceAt(asset, d),
      });
      // AAVE accrual to the next snapshot: supply index linear, borrow index compounded per second.
      li = li * (1 + (liquidityRate * 86_400) / SECONDS_PER_YEAR);
      bi = bi * (1 + borrowRate / SECONDS_PER_YEAR) ** 86_400;
    }
    aave.push({ asset, rows });
  }

  // ------------------------------------------------------------ gas (hourly)
  const gas: GasRow[] = [];
  {
    const r = rng('gas');
    let slow = Math.log(8);
    let fast = 0;
    for (let i = 0; i < n; i++) {
      slow = ou(slow, Math.log(8), Math.exp(-1 / (24 * 60)), 0.6, r.normal());
      fast = ou(fast, 0, Math.exp(-1 / 6), 0.45, r.normal());
      const spike = r.chance(1 / 1000) ? Math.log(5 + 10 * r.uniform()) : 0;
      const base = Math.max(0.01, Math.exp(slow + fast + spike));
      const p25 = Math.exp(Math.log(0.05) + 0.8 * r.normal());
      const p50 = p25 + Math.exp(Math.log(0.2) + 0.9 * r.normal());
      const p75 = p50 + Math.exp(Math.log(1.0) + 0.7 * r.normal());
      const blockTs = Math.floor(hourT(i) / 1000) - 12 * r.int(0, 10);
      gas.push({ t: hourT(i), blockNumber: blockAt(blockTs), blockTimestamp: blockTs, baseFeeGwei: base, priorityP25Gwei: p25, priorityP50Gwei: p50, priorityP75Gwei: p75 });
    }
  }

  // ------------------------------------------------------------ Ethena sUSDe APY (daily)
  const ethena: ModelOutput['ethena'] = [];
  {
    const r = rng('ethena');
    let apy = 12;
    for (let d = 0; d < days; d++) {
      apy = clamp(ou(apy, 12, Math.exp(-1 / 20), 5, r.normal()), 1, 60);
      ethena.push({ t: startMs + d * DAY_MS, apyPercent: roundTo(apy, 2) });
    }
  }

  // ------------------------------------------------------------ Uniswap v3 pools
  const uniswap: ModelOutput['uniswap'] = [];
  {
    const r = rng('dex:WETHUSDT');
    const pts = new Float64Array(n + 1);
    let dev = 0;
    for (let i = 0; i <= n; i++) {
      dev = flatPrices ? 0 : ou(dev, 0, 0.7, 8e-4, r.normal());
      pts[i] = sig15(eth[i]! * (1 + dev));
    }
    uniswap.push({ pool: 'WETHUSDT', rows: makeBars(r, pts, volE, 900_000, null, startMs, flatPrices, 'dex') });
    for (const [pool, start, annualVol] of [
      ['EIGENWETH', START_VALUES.EIGEN_WETH, 1.1],
      ['ETHFIWETH', START_VALUES.ETHFI_WETH, 1.0],
    ] as const) {
      const rp = rng(`dex:${pool}`);
      const p = new Float64Array(n + 1);
      let usd = start * START_VALUES.ETH;
      const v = new Float64Array(n + 1).fill(annualVol / Math.sqrt(YEAR_H));
      for (let i = 0; i <= n; i++) {
        // Beta 0.8 to ETH plus an idiosyncratic lognormal shock.
        if (i > 0 && !flatPrices) usd *= (eth[i]! / eth[i - 1]!) ** 0.8 * Math.exp(-0.5 * v[i]! ** 2 + v[i]! * rp.normal());
        p[i] = flatPrices ? start : sig15(usd / eth[i]!);
      }
      uniswap.push({ pool, rows: makeBars(rp, p, v, pool === 'EIGENWETH' ? 300 : 50, null, startMs, flatPrices, 'dex') });
    }
  }

  // ------------------------------------------------------------ EtherFi rewards (weekly EIGEN, 4-weekly ETHFI)
  // Weekly staking periods from the first day (the last one cut at the range end); EIGEN per eETH per week is a
  // weekly OU; every fourth period also gets an ETHFI top-up, paid ten days after its period ends.
  const eigenWeeks: EigenWeekRow[] = [];
  const ethfiTopUps: EthfiTopUpRow[] = [];
  {
    const r = rng('rewards');
    let perWeek = 0.15;
    let restaked = 1.5e6;
    const lastDayMs = startMs + (days - 1) * DAY_MS;
    for (let k = 0, t = startMs; t <= lastDayMs; k++, t += 7 * DAY_MS) {
      const endMs = Math.min(t + 6 * DAY_MS, lastDayMs);
      perWeek = clamp(ou(perWeek, 0.15, Math.exp(-1 / 8), 0.04, r.normal()), 0.01, 0.5);
      restaked = clamp(restaked * Math.exp(0.05 * r.normal()), 2e5, 5e6);
      const notRestaked = restaked * (0.2 + 0.2 * r.uniform());
      eigenWeeks.push({ t, endMs, ethRestaked: restaked, ethNotRestaked: notRestaked, eigenPerEethWeekly: roundTo(perWeek, 3) });
      if (k % 4 === 0) {
        const per = roundTo(clamp(0.02 * Math.exp(0.5 * r.normal()), 0.001, 0.3), 3);
        ethfiTopUps.push({ t, endMs, payMs: endMs + 10 * DAY_MS, ethfiAmount: per * restaked, ethfiPerEeth: per });
      }
    }
  }

  return { bars, funding, aave, oracleHourly, usdtOracle, gas, ethena, uniswap, eigenWeeks, ethfiTopUps };
}

/** 1 before the depeg, then down linearly to (1 − size) over 6 h, then back with a 2-day time constant. */
export function depegFactor(tMs: number, atMs: number, size: number): number {
  if (tMs <= atMs) return 1;
  const dropMs = 6 * HOUR_MS;
  if (tMs <= atMs + dropMs) return 1 - (size * (tMs - atMs)) / dropMs;
  return 1 - size * Math.exp(-(tMs - atMs - dropMs) / (2 * DAY_MS));
}

const SECONDS_PER_YEAR = 31_536_000;
/** AAVE v3 stable-rate borrowing was switched off on 2024-07-28; the real files show 0 from then on. */
const STABLE_DEPRECATED_MS = Date.UTC(2024, 6, 28);

/** Ethereum block near a unix time: the real 2024-01-01 00:00 block, then 12.08 s per block. */
function blockAt(unixSeconds: number): number {
  return 18_908_894 + Math.round((unixSeconds - 1_704_067_200) / 12.08);
}

interface AaveModel {
  readonly uMean: number;
  readonly uSd: number;
  readonly uLo: number;
  readonly uHi: number;
  readonly base: number;
  readonly slope1: number;
  readonly slope2: number;
  readonly uOptimal: number;
  readonly reserveFactor: number;
  readonly stablePremium: number;
  readonly supply0: number;
  readonly li0: number;
  readonly bi0: number;
}
const AAVE_MODEL: Readonly<Record<AaveAssetName, AaveModel>> = {
  USDT: { uMean: 0.88, uSd: 0.04, uLo: 0.5, uHi: 0.985, base: 0, slope1: 0.06, slope2: 0.75, uOptimal: 0.92, reserveFactor: 0.1, stablePremium: 0.05, supply0: 436_727_963.715508, li0: 1.0361969326346498, bi0: 1.0494393004973817 },
  WETH: { uMean: 0.78, uSd: 0.05, uLo: 0.4, uHi: 0.97, base: 0, slope1: 0.027, slope2: 0.8, uOptimal: 0.9, reserveFactor: 0.15, stablePremium: 0.07, supply0: 500_854.04041475017, li0: 1.0180859234631308, bi0: 1.0328689505465785 },
  weETH: { uMean: 0.05, uSd: 0.02, uLo: 0.001, uHi: 0.3, base: 0, slope1: 0.07, slope2: 3, uOptimal: 0.35, reserveFactor: 0.45, stablePremium: 0.05, supply0: 130_000.12609118767, li0: 1.0000404383063015, bi0: 1.0007883389674932 },
  wstETH: { uMean: 0.02, uSd: 0.01, uLo: 0.001, uHi: 0.3, base: 0, slope1: 0.07, slope2: 3, uOptimal: 0.45, reserveFactor: 0.35, stablePremium: 0.05, supply0: 985_781.8188216442, li0: 1.0005409591782448, bi0: 1.0049308031549067 },
};

function rateModel(cfg: AaveModel, u: number): number {
  if (u <= cfg.uOptimal) return cfg.base + (cfg.slope1 * u) / cfg.uOptimal;
  return cfg.base + cfg.slope1 + (cfg.slope2 * (u - cfg.uOptimal)) / (1 - cfg.uOptimal);
}

/** Bars from n + 1 price points: open = point i, close = point i + 1, wicks from the hour's volatility. */
function makeBars(
  r: Rng,
  points: Float64Array,
  hourlyVol: Float64Array,
  baseVolume: number,
  digits: number | null,
  startMs: number,
  flat: boolean,
  venue: CexVenueName | 'dex',
): BarRow[] {
  const n = points.length - 1;
  const rows: BarRow[] = [];
  const fix = (x: number, dir: 1 | -1): number => {
    if (digits === null) return sig15(x);
    const f = 10 ** digits;
    return (dir > 0 ? Math.ceil(x * f) : Math.floor(x * f)) / f;
  };
  for (let i = 0; i < n; i++) {
    const open = points[i]!;
    const close = points[i + 1]!;
    const sv = hourlyVol[i] ?? 0.005;
    const zh = Math.abs(r.normal());
    const zl = Math.abs(r.normal());
    const zv = r.normal();
    const high = flat ? open : Math.max(open, close, fix(Math.max(open, close) * Math.exp(0.4 * sv * zh), 1));
    const low = flat ? open : Math.min(open, close, fix(Math.min(open, close) * Math.exp(-0.4 * sv * zl), -1));
    const move = open > 0 ? Math.abs(Math.log(close / open)) : 0;
    const volume = baseVolume * Math.exp(0.4 * zv) * (1 + (3 * move) / (sv || 1));
    const typical = (high + low + close) / 3;
    rows.push({
      t: startMs + i * HOUR_MS,
      open,
      high,
      low,
      close,
      volume: venue === 'okx' ? roundTo(volume, 2) : roundTo(volume, venue === 'dex' ? 6 : 5),
      quoteVolume: venue === 'okx' || venue === 'dex' ? undefined : roundTo(volume * typical, 4),
      trades: venue === 'binance' ? Math.round((volume * typical) / 4000 + 100) : undefined,
    });
  }
  return rows;
}
