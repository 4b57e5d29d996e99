import { BasisError } from '../../errors/base.js';
import { calculateCompoundedInterest, calculateLinearInterest } from '../../protocols/aave/interest.js';
import { rayMul } from '../../protocols/aave/rayMath.js';
import type { SeriesKey } from '../series.js';
import {
  AAVE_RESERVE_ADDRESS,
  DAY_MS,
  HOUR_MS,
  isoZ,
  oracleHourlyFile,
  oracleUsdtDailyFile,
  sig15,
  unixS,
  ymd,
  type AaveAssetName,
  type DataFile,
  type ValueRow,
} from '../synth/schema.js';
import { hexQuantity, JsonRpcClient, type Block, type RpcCall, type RpcContext } from './rpc.js';

/**
 * AAVE v3 (Ethereum) daily reserve snapshots read from the chain through any Ethereum **archive** JSON-RPC
 * endpoint (the same `--rpc-url` as gas). For each UTC day D in the range:
 *
 * 1. the block read is the first block with timestamp ≥ D 00:00 (`JsonRpcClient.firstAtOrAfter`: a
 *    12-second-slot estimate from the previous day's block, refined with `eth_getBlockByNumber`, then a
 *    bisection; one search per day, shared by the four assets);
 * 2. at that block, in JSON-RPC batches: `Pool.getReserveData(asset)`, then for listed reserves
 *    `AaveOracle.getAssetPrice(asset)` and `totalSupply()` of the aToken, the variable and the stable debt token
 *    named in the reserve data;
 * 3. the stored indices are as of the reserve's `lastUpdateTimestamp`, so they are brought to the block's time
 *    exactly as `getReserveNormalizedIncome` / `getReserveNormalizedVariableDebt` do:
 *    liquidityIndex · linearInterest(liquidityRate, Δt) and variableBorrowIndex · compoundedInterest(borrowRate,
 *    Δt), with the project's bigint ray maths (src/protocols/aave).
 *
 * Selectors (the first 4 bytes of keccak256 of the signature; well known, not recomputed here because Node has
 * no keccak256): getReserveData(address) 0x35ea6a75, getAssetPrice(address) 0xb3596f07, totalSupply()
 * 0x18160ddd. `getReserveData` returns the v3.0 `ReserveData` struct as 15 words (v3.1+ keeps that layout as
 * `ReserveDataLegacy`): configuration, liquidityIndex, currentLiquidityRate, variableBorrowIndex,
 * currentVariableBorrowRate, currentStableBorrowRate, lastUpdateTimestamp, id, aTokenAddress,
 * stableDebtTokenAddress, variableDebtTokenAddress, interestRateStrategyAddress, accruedToTreasury, unbacked,
 * isolationModeTotalDebt. A zero liquidity index (or an empty return) means the reserve is not listed at that
 * block: the day is left out (weETH and wstETH before their listing). A zero stable debt token address gives
 * totalStableDebt 0 without a call. Token decimals come from a fixed table (USDT 6, the others 18).
 *
 * Written: the four daily reserve files with the real files' columns, the indices and rates as exact decimals
 * of the ray integers (no float on the way), the totals as exact decimals of the token's integer supply, the
 * price as the exact decimal of the oracle's 8-decimal USD answer; the USDT/USD daily oracle file, and the
 * `…_1h_interpolated_…` oracle files rebuilt the way upstream built them (straight lines between the daily
 * prices; LST/ETH = LST/USD ÷ WETH/USD), which the provider only cross-checks.
 */

export type AaveContext = RpcContext;

export const AAVE_POOL = '0x87870Bca3F3fD6335C3F4ce8392D69350B4fA4E2';
export const AAVE_ORACLE = '0x54586bE62E3c3580375aE3723C145253060Ca0C2';
export const SELECTOR = { getReserveData: '0x35ea6a75', getAssetPrice: '0xb3596f07', totalSupply: '0x18160ddd' } as const;
const ASSETS: readonly AaveAssetName[] = ['USDT', 'WETH', 'weETH', 'wstETH'];
/** ERC-20 decimals of the underlying, which its aToken and debt tokens share. */
export const TOKEN_DECIMALS: Readonly<Record<AaveAssetName, number>> = { USDT: 6, WETH: 18, weETH: 18, wstETH: 18 };
/** AaveOracle answers in USD with 8 decimals (the base currency unit of AAVE v3 Ethereum). */
const PRICE_DECIMALS = 8;
const RAY_DECIMALS = 27;
/** Days per round of batches (a round is 2 batches: ≤ 4 and ≤ 16 calls per day). */
const DAYS_PER_ROUND = 8;
const ZERO_ADDRESS = `0x${'0'.repeat(40)}`;

// ---------------------------------------------------------------- ABI (only what is needed: static words)

const encodeAddress = (address: string): string => address.toLowerCase().replace(/^0x/, '').padStart(64, '0');

/** The 32-byte words of an eth_call result; null for an empty result (`0x`: no code at the address). */
export function decodeWords(result: unknown, minWords: number, what: () => string): bigint[] | null {
  if (typeof result !== 'string' || !/^0x([0-9a-fA-F]{64})*$/.test(result)) {
    throw new Error(`${what()}: expected ABI-encoded 32-byte words, got ${JSON.stringify(typeof result === 'string' ? result.slice(0, 80) : result)}`);
  }
  if (result === '0x') return null;
  const hex = result.slice(2);
  const words: bigint[] = [];
  for (let i = 0; i < hex.length; i += 64) words.push(BigInt(`0x${hex.slice(i, i + 64)}`));
  if (words.length < minWords) throw new Error(`${what()}: expected at least ${minWords} words, got ${words.length}`);
  return words;
}

const wordToAddress = (w: bigint): string => `0x${w.toString(16).padStart(40, '0')}`;

/** An unsigned fixed-point integer as an exact decimal: `fixedToDecimal(1500000n, 6)` = `1.5`; always a `.` digit. */
export function fixedToDecimal(v: bigint, decimals: number): string {
  if (v < 0n) throw new RangeError(`fixedToDecimal: negative value ${v}`);
  const s = v.toString().padStart(decimals + 1, '0');
  const whole = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return `${whole}.${frac || '0'}`;
}

/** A ray (1e27) integer as an exact decimal string (27 fractional digits, trailing zeros trimmed). */
export const rayToDecimal = (v: bigint): string => fixedToDecimal(v, RAY_DECIMALS);

// ---------------------------------------------------------------- reserve state

export interface ReserveData {
  readonly liquidityIndex: bigint;
  readonly currentLiquidityRate: bigint;
  readonly variableBorrowIndex: bigint;
  readonly currentVariableBorrowRate: bigint;
  readonly currentStableBorrowRate: bigint;
  /** Unix seconds. */
  readonly lastUpdateTimestamp: bigint;
  readonly aTokenAddress: string;
  readonly stableDebtTokenAddress: string;
  readonly variableDebtTokenAddress: string;
}

export function decodeReserveData(words: readonly bigint[]): ReserveData {
  const w = (i: number): bigint => words[i] ?? 0n;
  return {
    liquidityIndex: w(1),
    currentLiquidityRate: w(2),
    variableBorrowIndex: w(3),
    currentVariableBorrowRate: w(4),
    currentStableBorrowRate: w(5),
    lastUpdateTimestamp: w(6),
    aTokenAddress: wordToAddress(w(8)),
    stableDebtTokenAddress: wordToAddress(w(9)),
    variableDebtTokenAddress: wordToAddress(w(10)),
  };
}

/** The indices at `blockTs` (unix s), as getReserveNormalizedIncome / getReserveNormalizedVariableDebt compute them. */
export function indicesAt(r: ReserveData, blockTs: bigint): { liquidityIndex: bigint; variableBorrowIndex: bigint } {
  const dt = blockTs - r.lastUpdateTimestamp;
  if (dt < 0n) throw new RangeError(`lastUpdateTimestamp ${r.lastUpdateTimestamp} is after the block time ${blockTs}`);
  return {
    liquidityIndex: rayMul(r.liquidityIndex, calculateLinearInterest(r.currentLiquidityRate, dt)),
    variableBorrowIndex: rayMul(r.variableBorrowIndex, calculateCompoundedInterest(r.currentVariableBorrowRate, dt)),
  };
}

interface Snapshot {
  /** 00:00 UTC of the day, ms. */
  readonly t: number;
  readonly blockNumber: number;
  readonly liquidityIndex: bigint;
  readonly currentLiquidityRate: bigint;
  readonly variableBorrowIndex: bigint;
  readonly currentVariableBorrowRate: bigint;
  readonly currentStableBorrowRate: bigint;
  readonly totalAToken: bigint;
  readonly totalStableDebt: bigint;
  readonly totalVariableDebt: bigint;
  /** 8 decimals, USD. */
  readonly price: bigint;
}

const RESERVE_HEADER =
  'targetDate,timestamp,blockNumber,reserve,symbol,liquidityIndex,currentLiquidityRate,variableBorrowIndex,currentVariableBorrowRate,currentStableBorrowRate,totalAToken,totalStableDebt,totalVariableDebt,price,date';

/** The daily reserve file, named and laid out like the real one, with exact decimals. */
export function reserveFile(asset: AaveAssetName, rows: readonly Snapshot[]): DataFile {
  const first = rows[0];
  const last = rows[rows.length - 1];
  if (!first || !last) throw new RangeError(`aave ${asset}: no rows to write`);
  const dec = TOKEN_DECIMALS[asset];
  const lines = rows.map((r) =>
    [
      isoZ(r.t),
      unixS(r.t),
      String(r.blockNumber),
      AAVE_RESERVE_ADDRESS[asset],
      asset,
      rayToDecimal(r.liquidityIndex),
      rayToDecimal(r.currentLiquidityRate),
      rayToDecimal(r.variableBorrowIndex),
      rayToDecimal(r.currentVariableBorrowRate),
      rayToDecimal(r.currentStableBorrowRate),
      fixedToDecimal(r.totalAToken, dec),
      fixedToDecimal(r.totalStableDebt, dec),
      fixedToDecimal(r.totalVariableDebt, dec),
      fixedToDecimal(r.price, PRICE_DECIMALS),
      ymd(r.t),
    ].join(','),
  );
  const keys: SeriesKey[] = [`aave:${asset}:liquidityIndex`, `aave:${asset}:borrowIndex`, `aave:${asset}:liquidityRate`, `aave:${asset}:borrowRate`];
  return {
    relPath: `aave_v3_ethereum/rates/aave_v3_ethereum_${asset}_reserve_1d_${ymd(first.t)}_${ymd(last.t)}.csv`,
    text: [RESERVE_HEADER, ...lines].join('\n') + '\n',
    rows: rows.length,
    firstMs: first.t,
    lastMs: last.t,
    keys,
  };
}

// ---------------------------------------------------------------- download

const ethCall = (to: string, data: string, block: Block, label: string): RpcCall => ({
  method: 'eth_call',
  params: [{ to, data }, hexQuantity(block.n)],
  label: `eth_call ${label} at block ${block.n}`,
});

export async function downloadAave(rpcUrl: string, startMs: number, lastDayMs: number, ctx: AaveContext): Promise<{ files: DataFile[]; skipped: string[] }> {
  const rpc = new JsonRpcClient('aave rpc', rpcUrl, ctx);
  const daily = new Map<AaveAssetName, Snapshot[]>(ASSETS.map((a) => [a, []]));
  const unlisted = new Map<AaveAssetName, string[]>(ASSETS.map((a) => [a, []]));
  const nDays = Math.floor((lastDayMs - startMs) / DAY_MS) + 1;
  let hint: Block | undefined;
  let done = 0;
  let headReached = false;
  ctx.log(`aave: ${nDays} days of ${ASSETS.join(', ')} via eth_call (Pool.getReserveData, AaveOracle.getAssetPrice, totalSupply)`);

  for (let round = startMs; round <= lastDayMs && !headReached; round += DAYS_PER_ROUND * DAY_MS) {
    // 1. One block per day: the first at or after 00:00 UTC.
    const days: { t: number; block: Block }[] = [];
    for (let t = round; t < round + DAYS_PER_ROUND * DAY_MS && t <= lastDayMs; t += DAY_MS) {
      if (ctx.isCancelled()) throw new BasisError('DPR-009', 'aave rpc: cancelled');
      const block = await rpc.firstAtOrAfter(t / 1000, hint);
      if (!block) {
        ctx.log(`aave: no block at or after ${ymd(t)} 00:00 UTC yet (chain head); stopping there`);
        headReached = true;
        break;
      }
      hint = block;
      days.push({ t, block });
    }
    if (!days.length) break;

    // 2. Reserve data of every asset at every day's block.
    const first: RpcCall[] = [];
    for (const { t, block } of days) {
      for (const asset of ASSETS) {
        first.push(ethCall(AAVE_POOL, `${SELECTOR.getReserveData}${encodeAddress(AAVE_RESERVE_ADDRESS[asset])}`, block, `Pool.getReserveData(${asset}) (${ymd(t)})`));
      }
    }
    const answers = await rpc.batch(first);
    const listed: { t: number; block: Block; asset: AaveAssetName; reserve: ReserveData }[] = [];
    let k = 0;
    for (const { t, block } of days) {
      for (const asset of ASSETS) {
        const call = first[k]!;
        const words = decodeOrFail(() => decodeWords(answers[k], 15, () => 'getReserveData'), call);
        k++;
        const reserve = words ? decodeReserveData(words) : null;
        if (!reserve || reserve.liquidityIndex === 0n) {
          unlisted.get(asset)!.push(ymd(t));
          continue;
        }
        if (reserve.lastUpdateTimestamp > BigInt(block.ts)) throw bad(call, `lastUpdateTimestamp ${reserve.lastUpdateTimestamp} is after the block's timestamp ${block.ts}`);
        if (reserve.aTokenAddress === ZERO_ADDRESS || reserve.variableDebtTokenAddress === ZERO_ADDRESS) throw bad(call, 'a listed reserve without aToken or variable debt token address');
        listed.push({ t, block, asset, reserve });
      }
    }

    // 3. For listed reserves only (the oracle reverts for assets it has no source for): the oracle price, and the
    //    supplies of the aToken and debt tokens named in the reserve data, at the same block.
    const second: RpcCall[] = [];
    const slots: { price: number; aToken: number; variable: number; stable: number | null }[] = [];
    for (const { t, block, asset, reserve } of listed) {
      const push = (to: string, data: string, what: string): number => second.push(ethCall(to, data, block, `${what} (${ymd(t)})`)) - 1;
      slots.push({
        price: push(AAVE_ORACLE, `${SELECTOR.getAssetPrice}${encodeAddress(AAVE_RESERVE_ADDRESS[asset])}`, `AaveOracle.getAssetPrice(${asset})`),
        aToken: push(reserve.aTokenAddress, SELECTOR.totalSupply, `aToken(${asset}).totalSupply()`),
        variable: push(reserve.variableDebtTokenAddress, SELECTOR.totalSupply, `variableDebtToken(${asset}).totalSupply()`),
        stable: reserve.stableDebtTokenAddress === ZERO_ADDRESS ? null : push(reserve.stableDebtTokenAddress, SELECTOR.totalSupply, `stableDebtToken(${asset}).totalSupply()`),
      });
    }
    const values = await rpc.batch(second);
    const uint = (i: number): bigint => {
      const words = decodeOrFail(() => decodeWords(values[i], 1, () => 'uint256'), second[i]!);
      if (!words) throw bad(second[i]!, 'empty result: no contract at this address at this block');
      return words[0]!;
    };
    listed.forEach(({ t, block, asset, reserve }, i) => {
      const s = slots[i]!;
      const price = uint(s.price);
      if (price === 0n) throw bad(second[s.price]!, 'the oracle price of a listed reserve is 0');
      const idx = indicesAt(reserve, BigInt(block.ts));
      daily.get(asset)!.push({
        t,
        blockNumber: block.n,
        liquidityIndex: idx.liquidityIndex,
        currentLiquidityRate: reserve.currentLiquidityRate,
        variableBorrowIndex: idx.variableBorrowIndex,
        currentVariableBorrowRate: reserve.currentVariableBorrowRate,
        currentStableBorrowRate: reserve.currentStableBorrowRate,
        totalAToken: uint(s.aToken),
        totalStableDebt: s.stable === null ? 0n : uint(s.stable),
        totalVariableDebt: uint(s.variable),
        price,
      });
    });
    done += days.length;
    const lastDay = days[days.length - 1]!;
    ctx.log(`aave: ${done}/${nDays} days read (${ymd(lastDay.t)}: block ${lastDay.block.n}, ${second.length + first.length} eth_calls this round)`);
  }

  const files: DataFile[] = [];
  const skipped: string[] = [];
  for (const asset of ASSETS) {
    const rows = daily.get(asset)!;
    const off = unlisted.get(asset)!;
    ctx.log(
      `aave: ${asset}: ${rows.length} daily snapshots${rows.length ? ` (${ymd(rows[0]!.t)} → ${ymd(rows[rows.length - 1]!.t)})` : ''}` +
        (off.length ? `; not listed on ${off.length} day(s) (${off[0]}${off.length > 1 ? ` … ${off[off.length - 1]}` : ''})` : ''),
    );
    if (rows.length) files.push(reserveFile(asset, rows));
    else skipped.push(`aave:${asset}`);
  }

  const processed = 'basis data download';
  const priceOf = (r: Snapshot): number => Number(fixedToDecimal(r.price, PRICE_DECIMALS));
  const usdt = daily.get('USDT')!;
  if (usdt.length) files.push(oracleUsdtDailyFile(usdt.map((r) => ({ t: r.t, value: priceOf(r) })), processed, 'AaveOracle.getAssetPrice at the reserve snapshot block'));
  const hourly = (rows: readonly Snapshot[]): Map<number, number> => {
    const out = new Map<number, number>();
    for (let i = 0; i + 1 < rows.length; i++) {
      const a = rows[i]!;
      const b = rows[i + 1]!;
      const pa = priceOf(a);
      const pb = priceOf(b);
      for (let t = a.t; t < b.t; t += HOUR_MS) out.set(t, pa + ((pb - pa) * (t - a.t)) / (b.t - a.t));
    }
    const last = rows[rows.length - 1];
    if (last) out.set(last.t, priceOf(last));
    return out;
  };
  const weth = daily.get('WETH')!;
  const wethHourly = weth.length ? hourly(weth) : null;
  const toRows = (m: Map<number, number>): ValueRow[] => [...m.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, value: sig15(v) }));
  if (wethHourly && wethHourly.size > 1) files.push(oracleHourlyFile('WETH_USD', toRows(wethHourly), processed, 'linear between daily reserve prices'));
  for (const lst of ['weETH', 'wstETH'] as const) {
    const d = daily.get(lst)!;
    if (!d.length) continue;
    const h = hourly(d);
    if (h.size < 2) continue;
    files.push(oracleHourlyFile(`${lst}_USD`, toRows(h), processed, 'linear between daily reserve prices'));
    if (wethHourly) {
      const ratio = new Map<number, number>();
      for (const [t, v] of h) {
        const w = wethHourly.get(t);
        if (w) ratio.set(t, v / w);
      }
      if (ratio.size > 1) files.push(oracleHourlyFile(`${lst}_ETH`, toRows(ratio), processed, 'LST/USD divided by WETH/USD'));
    }
  }
  return { files, skipped };
}

function bad(call: RpcCall, detail: string): BasisError {
  return new BasisError('DPR-009', `aave rpc: ${call.label}: ${detail}`, { problems: [{ code: 'DPR-009', message: detail, path: call.label }] });
}

function decodeOrFail<T>(fn: () => T, call: RpcCall): T {
  try {
    return fn();
  } catch (err) {
    throw bad(call, err instanceof Error ? err.message : String(err));
  }
}
