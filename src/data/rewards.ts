import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../contentHash.js';
import { strategyLst, type StrategyParams } from '../domain/params.js';
import type { RewardPayout, RewardPrograms } from '../domain/rewards.js';
import { BasisError } from '../errors/base.js';
import { CorruptCacheError, InputHashes, evictCache, readFramed, warnCache, writeFramed } from './cache.js';
import { checkWithin, parseCsv, type ParsedCsv } from './csv.js';
import type { DataPolicy } from './policy.js';
import type { DataInput } from './series.js';

const DAY_MS = 86_400_000;

export type { RewardPayout } from '../domain/rewards.js';

/** The published reward programs as loaded: what the engine reads, plus the files they came from. */
export interface RewardSchedule extends RewardPrograms {
  /** The four files the schedule was made from, with their content hashes (paths relative to the data directory). */
  readonly inputs: readonly DataInput[];
  /** Parsed (and checked) now, or read from the reward cache, which holds only schedules that passed the checks. */
  readonly origin: 'parsed' | 'cache';
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
  return strategyLst(s)?.rewards === 'etherfi_published';
}

/** Reward token prices: every open/close > 0 and one-step moves of the open within maxJumpFraction. */
function checkBars(csv: ParsedCsv, file: string, bars: PriceBars, maxJump: number): void {
  checkWithin(csv, 'open', bars.open, Number.MIN_VALUE, Infinity, 'reward token price', 'prices > 0');
  checkWithin(csv, 'close', bars.close, Number.MIN_VALUE, Infinity, 'reward token price', 'prices > 0');
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

function loadBars(file: string, text: string, maxJump: number): PriceBars {
  const csv = parseCsv(text, file);
  const bars = { ts: csv.timestamps('timestamp'), open: csv.numbers('open'), close: csv.numbers('close') };
  checkBars(csv, file, bars, maxJump);
  return bars;
}

type Token = RewardPayout['token'];
const TOKENS: readonly Token[] = ['EIGEN', 'ETHFI'];

/** The files a schedule is read from, absolute (each missing one is DPR-001). */
function rewardInputs(dataDir: string): { eigen: string; ethfi: string; bars: Record<Token, string> } {
  return {
    eigen: findFile(dataDir, REWARD_FILES[0].dir, REWARD_FILES[0].pattern),
    ethfi: findFile(dataDir, REWARD_FILES[1].dir, REWARD_FILES[1].pattern),
    bars: { EIGEN: findFile(dataDir, 'uniswap_v3', /^uniswapv3_EIGENWETH_.*\.csv$/), ETHFI: findFile(dataDir, 'uniswap_v3', /^uniswapv3_ETHFIWETH_.*\.csv$/) },
  };
}

/** Parses and checks the four files (`read` gives a file's bytes): DPR-002/DPR-005 with file, line and column. */
function parseSchedule(files: ReturnType<typeof rewardInputs>, policy: Pick<DataPolicy, 'bounds' | 'maxJumpFraction'>, read: (abs: string) => Buffer): { payouts: RewardPayout[]; bars: Record<Token, PriceBars> } {
  const perEeth = policy.bounds.rewardPerEeth;
  const payouts: RewardPayout[] = [];
  const eigenFile = files.eigen;
  const eigen = parseCsv(read(eigenFile).toString('utf8'), eigenFile);
  const eStart = eigen.strings('staking_period_start');
  const eEnd = eigen.strings('staking_period_end');
  const ePerWeek = eigen.numbers('eigen_per_eeth_weekly');
  checkWithin(eigen, 'eigen_per_eeth_weekly', ePerWeek, perEeth.min, perEeth.max, 'EIGEN per eETH', 'data.bounds.rewardPerEeth');
  for (let r = 0; r < eigen.rowCount; r++) {
    const start = dayMs(eigenFile, eStart[r] as string, eigen.lineOf(r));
    const end = dayMs(eigenFile, eEnd[r] as string, eigen.lineOf(r)) + DAY_MS;
    const weeks = (end - start) / (7 * DAY_MS);
    payouts.push({ token: 'EIGEN', payoutMs: nextMonday(end - 1), periodStartMs: start, periodEndMs: end, perEeth: (ePerWeek[r] as number) * weeks, source: path.basename(eigenFile) });
  }
  const ethfiFile = files.ethfi;
  const ethfi = parseCsv(read(ethfiFile).toString('utf8'), ethfiFile);
  const tDate = ethfi.strings('top_up_date');
  const tStart = ethfi.strings('staking_period_start');
  const tEnd = ethfi.strings('staking_period_end');
  const tPer = ethfi.numbers('ethfi_per_eeth_distributed');
  checkWithin(ethfi, 'ethfi_per_eeth_distributed', tPer, perEeth.min, perEeth.max, 'ETHFI per eETH', 'data.bounds.rewardPerEeth');
  for (let r = 0; r < ethfi.rowCount; r++) {
    const end = dayMs(ethfiFile, tEnd[r] as string, ethfi.lineOf(r)) + DAY_MS;
    // A top-up is paid on its date, never before its staking period has ended.
    const payout = Math.max(dayMs(ethfiFile, tDate[r] as string, ethfi.lineOf(r)), end);
    payouts.push({ token: 'ETHFI', payoutMs: payout, periodStartMs: dayMs(ethfiFile, tStart[r] as string, ethfi.lineOf(r)), periodEndMs: end, perEeth: tPer[r] as number, source: path.basename(ethfiFile) });
  }
  payouts.sort((a, b) => a.payoutMs - b.payoutMs || a.token.localeCompare(b.token));
  return {
    payouts,
    bars: {
      EIGEN: loadBars(files.bars.EIGEN, read(files.bars.EIGEN).toString('utf8'), policy.maxJumpFraction),
      ETHFI: loadBars(files.bars.ETHFI, read(files.bars.ETHFI).toString('utf8'), policy.maxJumpFraction),
    },
  };
}

// --- reward cache --------------------------------------------------------------------------------------

/** Bump when the parse or the cached layout changes: older files then miss (their key differs). */
const REWARD_CACHE_VERSION = 1;
const REWARD_MAGIC = 'BASISRW1';

/** The cached schedule: payouts in the header, per token three Float64 columns (ts, open, close) from `at`. */
interface RewardHeader {
  version: number;
  key: string;
  payouts: RewardPayout[];
  bars: Record<Token, { length: number; at: number }>;
}

function rewardCacheFile(cacheDir: string, key: string): string {
  return path.join(cacheDir, `rewards-${key.slice(0, 24)}.bin`);
}

function writeRewardCache(file: string, key: string, payouts: readonly RewardPayout[], bars: Record<Token, PriceBars>): void {
  const layout = {} as RewardHeader['bars'];
  let at = 0;
  for (const t of TOKENS) {
    layout[t] = { length: bars[t].ts.length, at };
    at += 3 * 8 * bars[t].ts.length;
  }
  const body = Buffer.alloc(at);
  for (const t of TOKENS) {
    const n = layout[t].length;
    [bars[t].ts, bars[t].open, bars[t].close].forEach((col, i) => Buffer.from(col.buffer, col.byteOffset, n * 8).copy(body, layout[t].at + i * n * 8));
  }
  const header: RewardHeader = { version: REWARD_CACHE_VERSION, key, payouts: [...payouts], bars: layout };
  writeFramed(file, REWARD_MAGIC, header, body);
}

function readRewardCache(file: string, key: string): { payouts: RewardPayout[]; bars: Record<Token, PriceBars> } | null {
  const framed = readFramed<RewardHeader>(file, REWARD_MAGIC, REWARD_CACHE_VERSION, key);
  if (!framed) return null;
  const { header, buffer, bodyAt } = framed;
  const col = (t: Token, i: number): Float64Array => new Float64Array(buffer, bodyAt + header.bars[t].at + i * header.bars[t].length * 8, header.bars[t].length);
  return { payouts: header.payouts, bars: { EIGEN: { ts: col('EIGEN', 0), open: col('EIGEN', 1), close: col('EIGEN', 2) }, ETHFI: { ts: col('ETHFI', 0), open: col('ETHFI', 1), close: col('ETHFI', 2) } } };
}

/**
 * EtherFi's published reward streams (data/README.md §etherfi): the EIGEN weekly distributions and the ETHFI
 * top-ups, with the amount per eETH each paid. The estimated seasonal airdrops are deliberately left out.
 * Token prices come from the Uniswap v3 pools (WETH per token), read without look-ahead. Amounts and prices are
 * checked against the data policy's plausibility bounds (DPR-005 with file, line and column).
 *
 * With a `cacheDir`, a checked schedule is kept in a binary cache file (the timeline cache's framing, checksums
 * and LRU bound) keyed by the four files' content hashes (cheap while their size and mtime are unchanged: see
 * InputHashes), the bounds checked and a format version, so a warm run reads none of the ~5 MB of CSVs. A changed
 * file or bound changes the key, so the checks run again; a damaged cache file is a DPR-008 warning and rebuilt.
 */
export function loadRewardSchedule(dataDir: string, policy: Pick<DataPolicy, 'bounds' | 'maxJumpFraction' | 'cache'>, cacheDir: string | null = null): RewardSchedule {
  const files = rewardInputs(dataDir);
  const all = [files.eigen, files.ethfi, files.bars.EIGEN, files.bars.ETHFI];
  const digests = new Map<string, string>();
  const bytes = new Map<string, Buffer>();
  const cannotRead = (abs: string, err: unknown): BasisError => new BasisError('DPR-001', `cannot read ${abs}`, { cause: err, problems: [{ code: 'DPR-001', message: String((err as Error).message), file: abs }] });
  const read = (abs: string): Buffer => {
    let b = bytes.get(abs);
    if (!b) {
      try {
        b = readFileSync(abs);
      } catch (err) {
        throw cannotRead(abs, err);
      }
      bytes.set(abs, b);
    }
    return b;
  };
  let loaded: { payouts: RewardPayout[]; bars: Record<Token, PriceBars> } | null = null;
  let origin: RewardSchedule['origin'] = 'parsed';
  let cachePath: string | null = null;
  let cacheKey = '';
  if (cacheDir) {
    const hashes = new InputHashes(cacheDir);
    if (hashes.problem !== null) {
      warnCache(`input manifest ${path.join(cacheDir, 'inputs.json')} is unreadable (${hashes.problem}): a cache problem, not a market-data problem; every input is hashed again and the manifest rewritten`);
    }
    const h = createHash('sha256');
    h.update(JSON.stringify({ v: REWARD_CACHE_VERSION, rewardPerEeth: policy.bounds.rewardPerEeth, maxJumpFraction: policy.maxJumpFraction }));
    for (const abs of all) {
      let digest: string;
      try {
        digest = hashes.hash(abs);
      } catch (err) {
        throw cannotRead(abs, err);
      }
      digests.set(abs, digest);
      const got = hashes.bytes.get(abs);
      if (got) bytes.set(abs, got);
      h.update(`\n${path.relative(dataDir, abs).split(path.sep).join('/')}\n${digest}`);
    }
    cacheKey = h.digest('hex');
    cachePath = rewardCacheFile(cacheDir, cacheKey);
    try {
      hashes.save();
    } catch (err) {
      warnCache(`input manifest in ${cacheDir} could not be written (${(err as Error).message}); inputs will be hashed again next time`, `manifest:${cacheDir}`);
    }
    try {
      loaded = readRewardCache(cachePath, cacheKey);
      if (loaded) origin = 'cache';
    } catch (err) {
      if (!(err instanceof CorruptCacheError)) throw err;
      warnCache(`reward cache ${err.file} is unreadable (${err.reason}): a cache problem, not a market-data problem; rebuilding it from the CSVs`);
    }
  }
  if (!loaded) {
    loaded = parseSchedule(files, policy, read);
    for (const abs of all) if (!digests.has(abs)) digests.set(abs, sha256Hex(read(abs)));
    if (cachePath && cacheDir) {
      try {
        writeRewardCache(cachePath, cacheKey, loaded.payouts, loaded.bars);
        evictCache(cacheDir, policy.cache.maxBytes, cachePath);
      } catch (err) {
        warnCache(`reward cache ${cachePath} could not be written (${(err as Error).message})`, `write:${cachePath}`);
      }
    }
  }
  const { payouts, bars } = loaded;
  const inputs = all.map((abs) => ({ path: path.relative(dataDir, abs).split(path.sep).join('/'), sha256: digests.get(abs)! }));
  return {
    payouts,
    inputs,
    origin,
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
