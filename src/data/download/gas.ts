import { BasisError } from '../../errors/base.js';
import { gasFile, HOUR_MS, ymd, type DataFile, type GasRow } from '../synth/schema.js';
import { endpointOf } from './http.js';
import { hexQuantity, isHexQuantity, JsonRpcClient, type RpcContext } from './rpc.js';

/**
 * Hourly Ethereum gas from any JSON-RPC endpoint (an archive node or a provider URL), written with the real gas
 * file's columns. For each hour label T the sampled block is the last block with timestamp ≤ T
 * (`JsonRpcClient.lastAtOrBefore`: a 12-second-slot estimate refined with `eth_getBlockByNumber`, then a
 * bisection); its base fee and the 25th, 50th and 75th percentile priority fees come from
 * `eth_feeHistory(1, block, [25, 50, 75])`.
 */

export type GasContext = RpcContext;

const weiToGwei = (x: string): number => Number(BigInt(x)) / 1e9;

export async function downloadGas(rpcUrl: string, startMs: number, lastHourMs: number, ctx: GasContext): Promise<DataFile | null> {
  const rpc = new JsonRpcClient('ethereum rpc', rpcUrl, ctx);
  const rows: GasRow[] = [];
  let hint = await rpc.latest();
  for (let t = startMs; t <= lastHourMs; t += HOUR_MS) {
    if (ctx.isCancelled()) throw new BasisError('DPR-009', 'ethereum rpc: cancelled');
    const b = await rpc.lastAtOrBefore(t / 1000, hint);
    if (!b) continue;
    hint = b;
    const label = `eth_feeHistory(${b.n})`;
    const fh = (await rpc.call('eth_feeHistory', [hexQuantity(1), hexQuantity(b.n), [25, 50, 75]], label)) as { baseFeePerGas?: unknown; reward?: unknown } | null;
    const base = Array.isArray(fh?.baseFeePerGas) ? fh.baseFeePerGas[0] : undefined;
    const reward = Array.isArray(fh?.reward) ? (fh.reward[0] as unknown) : undefined;
    if (!isHexQuantity(base) || !Array.isArray(reward) || reward.length !== 3 || !reward.every(isHexQuantity)) {
      throw new BasisError('DPR-009', `ethereum rpc: ${label} at ${endpointOf(rpcUrl)}: expected baseFeePerGas[0] and reward[0] with 3 percentiles`);
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
