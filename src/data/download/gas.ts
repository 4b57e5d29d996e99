import { BasisError } from '../../errors/base.js';
import { gasFile, HOUR_MS, ymd, type DataFile, type GasRow } from '../synth/schema.js';
import { fetchJson } from './http.js';
import type { RetryPolicy } from './retry.js';

/**
 * Hourly Ethereum gas from any JSON-RPC endpoint (an archive node or a provider URL), written with the real gas
 * file's columns. For each hour label T the sampled block is the last block with timestamp ≤ T (found from a
 * 12-second-slot estimate, refined with `eth_getBlockByNumber`, then a bisection); its base fee and the 25th,
 * 50th and 75th percentile priority fees come from `eth_feeHistory(1, block, [25, 50, 75])`.
 */

export interface GasContext {
  readonly retry: RetryPolicy;
  readonly log: (line: string) => void;
  readonly timeoutMs: number;
  readonly isCancelled: () => boolean;
}

interface Block {
  readonly n: number;
  readonly ts: number;
}

const hex = (n: number): string => `0x${n.toString(16)}`;
const isHex = (x: unknown): x is string => typeof x === 'string' && /^0x[0-9a-fA-F]+$/.test(x);
const weiToGwei = (x: string): number => Number(BigInt(x)) / 1e9;

export async function downloadGas(rpcUrl: string, startMs: number, lastHourMs: number, ctx: GasContext): Promise<DataFile | null> {
  let id = 0;
  const rpc = async (method: string, params: unknown[]): Promise<unknown> => {
    const body = (await fetchJson('ethereum rpc', rpcUrl, { method: 'POST', body: { jsonrpc: '2.0', id: ++id, method, params }, timeoutMs: ctx.timeoutMs, retry: ctx.retry, log: ctx.log })) as {
      result?: unknown;
      error?: { message?: string };
    } | null;
    if (!body || typeof body !== 'object') throw new BasisError('DPR-009', `ethereum rpc: ${method} at ${rpcUrl}: response is not a JSON-RPC object`);
    if (body.error) throw new BasisError('DPR-009', `ethereum rpc: ${method} at ${rpcUrl}: ${body.error.message ?? JSON.stringify(body.error)}`);
    return body.result;
  };
  const cache = new Map<number, Block>();
  const block = async (tag: number | 'latest'): Promise<Block> => {
    if (tag !== 'latest' && cache.has(tag)) return cache.get(tag)!;
    const r = (await rpc('eth_getBlockByNumber', [tag === 'latest' ? 'latest' : hex(tag), false])) as { number?: unknown; timestamp?: unknown } | null;
    if (!r || !isHex(r.number) || !isHex(r.timestamp)) throw new BasisError('DPR-009', `ethereum rpc: eth_getBlockByNumber(${tag}) at ${rpcUrl}: expected a block with hex number and timestamp`);
    const b = { n: Number(BigInt(r.number)), ts: Number(BigInt(r.timestamp)) };
    cache.set(b.n, b);
    return b;
  };

  const latest = await block('latest');
  /** Last block with ts ≤ t (unix s); null when t is before block 0 or after the chain head. */
  const lastAtOrBefore = async (t: number, hint: Block): Promise<Block | null> => {
    if (t >= latest.ts) return t === latest.ts ? latest : null;
    let lo: Block | null = null;
    let hi: Block = latest; // ts > t
    let guess = Math.max(0, Math.min(latest.n - 1, hint.n + Math.round((t - hint.ts) / 12)));
    for (let k = 0; k < 8 && !lo; k++) {
      const b = await block(guess);
      if (b.ts <= t) lo = b;
      else {
        hi = b;
        if (guess === 0) return null;
        guess = Math.max(0, guess - Math.max(1, Math.ceil((b.ts - t) / 12)));
      }
    }
    if (!lo) lo = await block(0);
    // Walk up towards t, then bisect (lo.ts ≤ t < hi.ts).
    for (let k = 0; k < 8 && hi.n - lo.n > 1; k++) {
      const step = Math.max(1, Math.floor((t - lo.ts) / 12));
      const probeN = Math.min(hi.n - 1, lo.n + step);
      if (probeN <= lo.n) break;
      const b = await block(probeN);
      if (b.ts <= t) lo = b;
      else {
        hi = b;
        break;
      }
    }
    while (hi.n - lo.n > 1) {
      const mid = await block(Math.floor((lo.n + hi.n) / 2));
      if (mid.ts <= t) lo = mid;
      else hi = mid;
    }
    return lo;
  };

  const rows: GasRow[] = [];
  let hint = latest;
  for (let t = startMs; t <= lastHourMs; t += HOUR_MS) {
    if (ctx.isCancelled()) throw new BasisError('DPR-009', 'ethereum rpc: cancelled');
    const b = await lastAtOrBefore(t / 1000, hint);
    if (!b) continue;
    hint = b;
    const fh = (await rpc('eth_feeHistory', [hex(1), hex(b.n), [25, 50, 75]])) as { baseFeePerGas?: unknown; reward?: unknown } | null;
    const base = Array.isArray(fh?.baseFeePerGas) ? fh.baseFeePerGas[0] : undefined;
    const reward = Array.isArray(fh?.reward) ? (fh.reward[0] as unknown) : undefined;
    if (!isHex(base) || !Array.isArray(reward) || reward.length !== 3 || !reward.every(isHex)) {
      throw new BasisError('DPR-009', `ethereum rpc: eth_feeHistory(${b.n}) at ${rpcUrl}: expected baseFeePerGas[0] and reward[0] with 3 percentiles`);
    }
    rows.push({
      t,
      blockNumber: b.n,
      blockTimestamp: b.ts,
      baseFeeGwei: weiToGwei(base),
      priorityP25Gwei: weiToGwei(reward[0] as string),
      priorityP50Gwei: weiToGwei(reward[1] as string),
      priorityP75Gwei: weiToGwei(reward[2] as string),
    });
    if (rows.length % 500 === 0) ctx.log(`ethereum: gas ${rows.length} hours (${ymd(t)})`);
  }
  ctx.log(`ethereum: gas: ${rows.length} hourly samples${rows.length ? ` (${ymd(rows[0]!.t)} → ${ymd(rows[rows.length - 1]!.t)})` : ''}`);
  // Gwei to 1 wei (9 decimals): the real file rounds to 0.01 gwei, too coarse for sub-gwei fees.
  return rows.length ? gasFile(rows, 'rpc_eth_feeHistory', 'eth_feeHistory at the last block at or before the hour (basis data download)', 9) : null;
}
