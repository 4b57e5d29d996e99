import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { StrategyParams } from '../domain/params.js';
import { BasisError } from '../errors/base.js';
import { parseCsv, type ParsedCsv } from './csv.js';
import type { DataPolicy } from './policy.js';

const DAY_MS = 86_400_000;

/** One published EtherFi distribution: `perEeth` reward tokens per eETH held over [periodStartMs, periodEndMs). */
export interface RewardPayout {
  readonly token: 'EIGEN' | 'ETHFI';
  readonly payoutMs: number;
  readonly periodStartMs: number;
  readonly periodEndMs: number;
  readonly perEeth: number;
  readonly source: string;
}

export interface RewardSchedule {
  /** Sorted by payout time. */
  readonly payouts: readonly RewardPayout[];
  /** Reward token price in ETH as observable at t (Uniswap pool bar open at t, else the last close before); NaN before any data. */
  priceEth(token: 'EIGEN' | 'ETHFI', tMs: number): number;
}

/** The published reward files the LST modes read (folder, name pattern); `data synth` writes them too. */
export const REWARD_FILES = [
  { dir: 'etherfi', pattern: /^etherfi_eigen_weekly_distributions_.*\.csv$/ },
  { dir: 'etherfi', pattern: /^etherfi_ethfi_topups_.*\.csv$/ },
] as const;

function findFile(dataDir: string, dir: string, pattern: RegExp): string {
  const abs = path.join(dataDir, dir);
  let names: string[];
  try {
    names = readdirSync(abs);
  } catch (cause) {
    throw new BasisError('DPR-001', `cannot list ${abs}`, { cause });
  }
  const name = names.filter((n) => pattern.test(n)).sort().at(-1);
  if (!name) {
    throw new BasisError('DPR-001', `no file matching ${pattern} in ${abs}`, {
      problems: [{ code: 'DPR-001', message: 'reward data missing (set rewards: base_only to run without it)', file: abs, expected: String(pattern) }],
    });
  }
  return path.join(abs, name);
}

function dayMs(file: string, iso: string, line: number): number {
  const ms = Date.parse(`${iso}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new BasisError('DPR-002', `bad date in ${file}`, { problems: [{ code: 'DPR-002', message: 'bad date', file, line, expected: 'YYYY-MM-DD', received: iso }] });
  return ms;
}

/** The Monday 00:00 UTC strictly after the end of a period: weekly distributions are credited then. */
function nextMonday(afterMs: number): number {
  let d = afterMs + DAY_MS - (afterMs % DAY_MS);
  while (new Date(d).getUTCDay() !== 1) d += DAY_MS;
  return d;
}

/** Does a run of this strategy credit EtherFi's published rewards (and so read the reward schedule)? */
export function usesPublishedRewards(s: StrategyParams): boolean {
  return (s.kind === 'eth_leveraged' || s.kind === 'usdt_market_neutral') && s.lst.rewards === 'etherfi_published';
}

/** DPR-005 naming the first row of `column` outside [min, max] (NaN included), with its line and column. */
function checkColumn(csv: ParsedCsv, file: string, column: string, values: Float64Array, min: number, max: number, what: string): void {
  for (let r = 0; r < values.length; r++) {
    const v = values[r] as number;
    if (v >= min && v <= max) continue;
    const line = csv.lineOf(r);
    throw new BasisError('DPR-005', `${file}:${line}: implausible ${what}`, {
      problems: [{ code: 'DPR-005', message: `implausible ${what}`, file, line, column: csv.columnIndex(column) + 1, expected: `${min} … ${max} (data.bounds)`, received: String(v) }],
    });
  }
}

/** Reward token prices: every open/close > 0 and one-step moves of the open within maxJumpFraction. */
function checkBars(csv: ParsedCsv, file: string, bars: PriceBars, maxJump: number): void {
  checkColumn(csv, file, 'open', bars.open, Number.MIN_VALUE, Infinity, 'reward token price');
  checkColumn(csv, file, 'close', bars.close, Number.MIN_VALUE, Infinity, 'reward token price');
  for (let r = 1; r < bars.open.length; r++) {
    const jump = Math.abs((bars.open[r] as number) / (bars.open[r - 1] as number) - 1);
    if (!(jump > maxJump)) continue;
    const line = csv.lineOf(r);
    throw new BasisError('DPR-005', `${file}:${line}: reward token price jumps ${(jump * 100).toFixed(1)}% in one step`, {
      problems: [{ code: 'DPR-005', message: 'one-step price move above data.maxJumpFraction', file, line, column: csv.columnIndex('open') + 1, expected: `<= ${maxJump}`, received: jump.toPrecision(3) }],
    });
  }
}

interface PriceBars {
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly close: Float64Array;
}

function loadBars(file: string, maxJump: number): PriceBars {
  const csv = parseCsv(readFileSync(file, 'utf8'), file);
  const bars = { ts: csv.timestamps('timestamp'), open: csv.numbers('open'), close: csv.numbers('close') };
  checkBars(csv, file, bars, maxJump);
  return bars;
}

/**
 * EtherFi's published reward streams (data/README.md §etherfi): the EIGEN weekly distributions and the ETHFI
 * top-ups, with the amount per eETH each paid. The estimated seasonal airdrops are deliberately left out.
 * Token prices come from the Uniswap v3 pools (WETH per token), read without look-ahead. Amounts and prices are
 * checked against the data policy's plausibility bounds (DPR-005 with file, line and column).
 */
export function loadRewardSchedule(dataDir: string, policy: Pick<DataPolicy, 'bounds' | 'maxJumpFraction'>): RewardSchedule {
  const perEeth = policy.bounds.rewardPerEeth;
  const payouts: RewardPayout[] = [];
  const eigenFile = findFile(dataDir, REWARD_FILES[0].dir, REWARD_FILES[0].pattern);
  const eigen = parseCsv(readFileSync(eigenFile, 'utf8'), eigenFile);
  const eStart = eigen.strings('staking_period_start');
  const eEnd = eigen.strings('staking_period_end');
  const ePerWeek = eigen.numbers('eigen_per_eeth_weekly');
  checkColumn(eigen, eigenFile, 'eigen_per_eeth_weekly', ePerWeek, perEeth.min, perEeth.max, 'EIGEN per eETH');
  for (let r = 0; r < eigen.rowCount; r++) {
    const start = dayMs(eigenFile, eStart[r] as string, eigen.lineOf(r));
    const end = dayMs(eigenFile, eEnd[r] as string, eigen.lineOf(r)) + DAY_MS;
    const weeks = (end - start) / (7 * DAY_MS);
    payouts.push({ token: 'EIGEN', payoutMs: nextMonday(end - 1), periodStartMs: start, periodEndMs: end, perEeth: (ePerWeek[r] as number) * weeks, source: path.basename(eigenFile) });
  }
  const ethfiFile = findFile(dataDir, REWARD_FILES[1].dir, REWARD_FILES[1].pattern);
  const ethfi = parseCsv(readFileSync(ethfiFile, 'utf8'), ethfiFile);
  const tDate = ethfi.strings('top_up_date');
  const tStart = ethfi.strings('staking_period_start');
  const tEnd = ethfi.strings('staking_period_end');
  const tPer = ethfi.numbers('ethfi_per_eeth_distributed');
  checkColumn(ethfi, ethfiFile, 'ethfi_per_eeth_distributed', tPer, perEeth.min, perEeth.max, 'ETHFI per eETH');
  for (let r = 0; r < ethfi.rowCount; r++) {
    const end = dayMs(ethfiFile, tEnd[r] as string, ethfi.lineOf(r)) + DAY_MS;
    // A top-up is paid on its date, never before its staking period has ended.
    const payout = Math.max(dayMs(ethfiFile, tDate[r] as string, ethfi.lineOf(r)), end);
    payouts.push({ token: 'ETHFI', payoutMs: payout, periodStartMs: dayMs(ethfiFile, tStart[r] as string, ethfi.lineOf(r)), periodEndMs: end, perEeth: tPer[r] as number, source: path.basename(ethfiFile) });
  }
  payouts.sort((a, b) => a.payoutMs - b.payoutMs || a.token.localeCompare(b.token));
  const bars = {
    EIGEN: loadBars(findFile(dataDir, 'uniswap_v3', /^uniswapv3_EIGENWETH_.*\.csv$/), policy.maxJumpFraction),
    ETHFI: loadBars(findFile(dataDir, 'uniswap_v3', /^uniswapv3_ETHFIWETH_.*\.csv$/), policy.maxJumpFraction),
  };
  return {
    payouts,
    priceEth(token, tMs) {
      const b = bars[token];
      let lo = 0;
      let hi = b.ts.length - 1;
      if (hi < 0 || (b.ts[0] as number) > tMs) return NaN;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((b.ts[mid] as number) <= tMs) lo = mid;
        else hi = mid - 1;
      }
      return (b.ts[lo] as number) === tMs ? (b.open[lo] as number) : (b.close[lo] as number);
    },
  };
}
