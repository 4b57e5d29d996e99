import { BasisError } from '../../errors/base.js';
import { endpointOf, fetchJson } from './http.js';
import type { RetryPolicy } from './retry.js';

/**
 * A small Ethereum JSON-RPC client over `fetchJson` (retries on network errors, timeouts, 429 and 5xx): single
 * calls, batches (chunked; when the node answers a batch with a single error object instead of an array, the
 * client falls back to one call at a time), and block-by-time search over `eth_getBlockByNumber` with a cache.
 * Every failure is DPR-009 naming the source, the call (method, what it reads, the block) and the endpoint.
 */

export interface RpcContext {
  readonly retry: RetryPolicy;
  readonly log: (line: string) => void;
  readonly timeoutMs: number;
  readonly isCancelled: () => boolean;
}

export interface Block {
  readonly n: number;
  /** Unix seconds. */
  readonly ts: number;
}

export interface RpcCall {
  readonly method: string;
  readonly params: readonly unknown[];
  /** What the call reads, for errors: e.g. `eth_call Pool.getReserveData(USDT) at block 19850229`. */
  readonly label: string;
}

interface RpcResponse {
  readonly id?: unknown;
  readonly result?: unknown;
  readonly error?: { readonly code?: unknown; readonly message?: unknown };
}

export const hexQuantity = (n: number | bigint): string => `0x${n.toString(16)}`;
export const isHexQuantity = (x: unknown): x is string => typeof x === 'string' && /^0x[0-9a-fA-F]+$/.test(x);

/** Errors a pruned (non-archive) node gives for state at old blocks. */
const PRUNED = /missing trie node|historical state|state (is )?not available|pruned|header not found|archive/i;

export class JsonRpcClient {
  private id = 0;
  private batching = true;
  private head: Block | null = null;
  private readonly cache = new Map<number, Block>();
  private readonly endpoint: string;

  constructor(
    /** Prefix of every message, e.g. `ethereum rpc`. */
    readonly source: string,
    private readonly url: string,
    private readonly ctx: RpcContext,
    /** Calls per HTTP request in `batch`. */
    private readonly maxBatch = 50,
  ) {
    this.endpoint = endpointOf(url);
  }

  private fail(label: string, detail: string): BasisError {
    const hint = PRUNED.test(detail) ? ' (the node has no state at that block: use an archive node)' : '';
    return new BasisError('DPR-009', `${this.source}: ${label} at ${this.endpoint}: ${detail}${hint}`, {
      problems: [{ code: 'DPR-009', message: `${label}: ${detail}`, path: this.endpoint }],
    });
  }

  private unwrap(r: RpcResponse | undefined, call: RpcCall): unknown {
    if (!r || typeof r !== 'object') throw this.fail(call.label, 'no JSON-RPC response for this call');
    if (r.error) {
      const msg = typeof r.error.message === 'string' ? r.error.message : JSON.stringify(r.error);
      throw this.fail(call.label, `JSON-RPC error${typeof r.error.code === 'number' ? ` ${r.error.code}` : ''}: ${msg}`);
    }
    if (!('result' in r)) throw this.fail(call.label, 'response has neither result nor error');
    return r.result;
  }

  private async post(body: unknown, label: string): Promise<unknown> {
    if (this.ctx.isCancelled()) throw new BasisError('DPR-009', `${this.source}: cancelled`);
    return fetchJson(`${this.source} ${label}`, this.url, { method: 'POST', body, timeoutMs: this.ctx.timeoutMs, retry: this.ctx.retry, log: this.ctx.log });
  }

  async call(method: string, params: readonly unknown[], label: string = method): Promise<unknown> {
    const call: RpcCall = { method, params, label };
    const body = (await this.post({ jsonrpc: '2.0', id: ++this.id, method, params }, method)) as RpcResponse | null;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw this.fail(label, 'response is not a JSON-RPC object');
    return this.unwrap(body, call);
  }

  /** Results in the order of `calls`; the first failing call (in that order) throws. */
  async batch(calls: readonly RpcCall[]): Promise<unknown[]> {
    const out: unknown[] = [];
    for (let i = 0; i < calls.length; i += this.maxBatch) {
      const chunk = calls.slice(i, i + this.maxBatch);
      if (!this.batching || chunk.length === 1) {
        for (const c of chunk) out.push(await this.call(c.method, c.params, c.label));
        continue;
      }
      const firstId = this.id + 1;
      const body = chunk.map((c) => ({ jsonrpc: '2.0', id: ++this.id, method: c.method, params: c.params }));
      const answer = await this.post(body, `batch of ${chunk.length} (${chunk[0]!.method}…)`);
      if (!Array.isArray(answer)) {
        // A node without batch support answers with one error object: go on one call at a time.
        const r = answer as RpcResponse | null;
        const why = r && typeof r === 'object' && r.error ? String(r.error.message ?? JSON.stringify(r.error)) : 'not a JSON array';
        this.ctx.log(`${this.source}: the node did not accept a batch request (${why}); sending calls one at a time`);
        this.batching = false;
        for (const c of chunk) out.push(await this.call(c.method, c.params, c.label));
        continue;
      }
      const byId = new Map<number, RpcResponse>();
      for (const r of answer as RpcResponse[]) if (r && typeof r === 'object' && typeof r.id === 'number') byId.set(r.id, r);
      chunk.forEach((c, k) => out.push(this.unwrap(byId.get(firstId + k), c)));
    }
    return out;
  }

  async block(tag: number | 'latest'): Promise<Block> {
    if (tag !== 'latest') {
      const hit = this.cache.get(tag);
      if (hit) return hit;
    }
    const label = `eth_getBlockByNumber(${tag})`;
    const r = (await this.call('eth_getBlockByNumber', [tag === 'latest' ? 'latest' : hexQuantity(tag), false], label)) as { number?: unknown; timestamp?: unknown } | null;
    if (!r || !isHexQuantity(r.number) || !isHexQuantity(r.timestamp)) throw this.fail(label, 'expected a block with hex number and timestamp');
    const b = { n: Number(BigInt(r.number)), ts: Number(BigInt(r.timestamp)) };
    this.cache.set(b.n, b);
    return b;
  }

  /** The chain head, read once per client. */
  async latest(): Promise<Block> {
    this.head ??= await this.block('latest');
    return this.head;
  }

  /**
   * Last block with timestamp ≤ t (unix s); null when t is before block 0 or after the chain head. `hint` (a
   * nearby block, e.g. the previous answer) seeds a 12-second-slot estimate; a few slot-sized steps then a
   * bisection finish the search, every block read once per client.
   */
  async lastAtOrBefore(t: number, hint?: Block): Promise<Block | null> {
    const latest = await this.latest();
    if (t >= latest.ts) return t === latest.ts ? latest : null;
    const from = hint ?? latest;
    let lo: Block | null = null;
    let hi: Block = latest; // ts > t
    let guess = Math.max(0, Math.min(latest.n - 1, from.n + Math.round((t - from.ts) / 12)));
    for (let k = 0; k < 8 && !lo; k++) {
      const b = await this.block(guess);
      if (b.ts <= t) lo = b;
      else {
        hi = b;
        if (guess === 0) return null;
        guess = Math.max(0, guess - Math.max(1, Math.ceil((b.ts - t) / 12)));
      }
    }
    if (!lo) {
      lo = await this.block(0);
      if (lo.ts > t) return null;
    }
    // Walk up towards t, then bisect (lo.ts ≤ t < hi.ts).
    for (let k = 0; k < 8 && hi.n - lo.n > 1; k++) {
      const step = Math.max(1, Math.floor((t - lo.ts) / 12));
      const probeN = Math.min(hi.n - 1, lo.n + step);
      if (probeN <= lo.n) break;
      const b = await this.block(probeN);
      if (b.ts <= t) lo = b;
      else {
        hi = b;
        break;
      }
    }
    while (hi.n - lo.n > 1) {
      const mid = await this.block(Math.floor((lo.n + hi.n) / 2));
      if (mid.ts <= t) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  /** First block with timestamp ≥ t (unix s); null when no such block exists yet (t after the chain head). */
  async firstAtOrAfter(t: number, hint?: Block): Promise<Block | null> {
    const latest = await this.latest();
    if (t > latest.ts) return null;
    const before = await this.lastAtOrBefore(t - 1, hint); // last block with ts < t
    return before ? this.block(before.n + 1) : this.block(0);
  }
}
