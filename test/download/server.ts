import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A real HTTP server on 127.0.0.1 (port 0) that replays the recorded responses in test/fixtures/download in the
 * venues' formats, filtering rows by each request's time window and limit the way the venue does. It also runs a
 * small simulated Ethereum archive node (POST /rpc, single calls and batches): blocks (`CHAIN`), fee history, and
 * `eth_call` to the AAVE v3 Pool (`getReserveData`), the AaveOracle (`getAssetPrice`) and the aToken and debt
 * tokens (`totalSupply`) at any block, answered from the reserve updates in fixtures/download/aave/chain.json (the
 * state at block n is the last update with lastUpdateTimestamp ≤ the block's timestamp, as on chain).
 * `faults` injects failures per path prefix: a list of {status, body} answers consumed before the real one;
 * `rpc.errors` makes the node answer JSON-RPC errors per method (`eth_call`) or method and selector
 * (`eth_call:0x35ea6a75`); `rpc.batch = false` makes it reject batch requests.
 */

const FIX = join(__dirname, '..', 'fixtures', 'download');
const json = (rel: string): unknown => JSON.parse(readFileSync(join(FIX, rel), 'utf8'));

export interface Fault {
  readonly status: number;
  readonly body: string;
}

export interface ReplayServer {
  readonly url: string;
  readonly requests: string[];
  /** path prefix → answers served (and removed) before normal replay; `always` answers forever. */
  readonly faults: Map<string, { queue: Fault[]; always?: Fault }>;
  readonly rpc: RpcSettings;
  close(): Promise<void>;
}

export interface RpcSettings {
  batch: boolean;
  readonly errors: Map<string, { code: number; message: string }>;
  /** Sizes of the batch requests received. */
  readonly batches: number[];
  /** Every call received: `method` or `eth_call:<selector>`. */
  readonly calls: string[];
}

/** Simulated chain: block n has timestamp GENESIS_TS + 12·(n − GENESIS_N) + skipped slots (every 7th block skips one slot). */
export const CHAIN = {
  firstN: 19_849_000,
  firstTs: 1_715_457_611, // 2024-05-11 20:00:11 UTC
  headN: 19_849_000 + 20_000,
  ts(n: number): number {
    const k = n - this.firstN;
    return this.firstTs + 12 * k + 12 * Math.floor(k / 7);
  },
  baseFeeWei(n: number): bigint {
    return BigInt(3_000_000_000 + (n % 997) * 10_000_000);
  },
  tipsWei(n: number): [bigint, bigint, bigint] {
    const b = BigInt(10_000_000 + (n % 13) * 1_000_000);
    return [b, b * 3n, b * 20n];
  },
};

const hex = (n: number | bigint): string => `0x${n.toString(16)}`;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  res.end(text);
}

// ---------------- simulated AAVE v3 state (fixtures/download/aave/chain.json)

export interface ReserveUpdate {
  readonly lastUpdateTimestamp: number;
  readonly configuration: string;
  readonly liquidityIndex: string;
  readonly currentLiquidityRate: string;
  readonly variableBorrowIndex: string;
  readonly currentVariableBorrowRate: string;
  readonly currentStableBorrowRate: string;
  readonly aTokenSupply: string;
  readonly stableDebtSupply: string;
  readonly variableDebtSupply: string;
  /** USD, 8 decimals. */
  readonly price: string;
}
export interface ReserveFixture {
  readonly asset: string;
  readonly id: number;
  readonly aToken: string;
  readonly stableDebtToken: string;
  readonly variableDebtToken: string;
  readonly updates: readonly ReserveUpdate[];
}
export interface AaveChainFixture {
  readonly pool: string;
  readonly oracle: string;
  readonly reserves: Readonly<Record<'USDT' | 'WETH' | 'weETH' | 'wstETH', ReserveFixture>>;
}
export const AAVE_CHAIN = json('aave/chain.json') as AaveChainFixture;

/** The reserve's stored state at a block time: the last update at or before it (undefined: not listed yet). */
export function reserveStateAt(r: ReserveFixture, ts: number): ReserveUpdate | undefined {
  return r.updates.filter((u) => u.lastUpdateTimestamp <= ts).at(-1);
}

const word = (x: bigint | number | string): string => BigInt(x).toString(16).padStart(64, '0');
const addrWord = (a: string): string => a.toLowerCase().replace(/^0x/, '').padStart(64, '0');

interface RpcRequest {
  id: number | null;
  method: string;
  params: unknown[];
}

function ethCall(to: string, data: string, n: number): { result: string } | { error: { code: number; message: string } } {
  const ts = CHAIN.ts(n);
  const selector = data.slice(0, 10);
  const arg = data.length >= 74 ? `0x${data.slice(34, 74)}` : '';
  const reserves = Object.values(AAVE_CHAIN.reserves);
  if (to === AAVE_CHAIN.pool.toLowerCase() && selector === '0x35ea6a75') {
    const r = reserves.find((x) => x.asset.toLowerCase() === arg);
    const u = r && reserveStateAt(r, ts);
    if (!r || !u) return { result: `0x${word(0).repeat(15)}` }; // an unlisted reserve: the zero struct
    const words = [
      word(u.configuration),
      word(u.liquidityIndex),
      word(u.currentLiquidityRate),
      word(u.variableBorrowIndex),
      word(u.currentVariableBorrowRate),
      word(u.currentStableBorrowRate),
      word(u.lastUpdateTimestamp),
      word(r.id),
      addrWord(r.aToken),
      addrWord(r.stableDebtToken),
      addrWord(r.variableDebtToken),
      addrWord('0x00000000000000000000000000000000000057a7'), // interest rate strategy
      word(0), // accruedToTreasury
      word(0), // unbacked
      word(0), // isolationModeTotalDebt
    ];
    return { result: `0x${words.join('')}` };
  }
  if (to === AAVE_CHAIN.oracle.toLowerCase() && selector === '0xb3596f07') {
    const r = reserves.find((x) => x.asset.toLowerCase() === arg);
    const u = r && reserveStateAt(r, ts);
    if (!u) return { error: { code: 3, message: 'execution reverted' } }; // no price source, no fallback oracle
    return { result: `0x${word(u.price)}` };
  }
  if (selector === '0x18160ddd') {
    for (const r of reserves) {
      const kind = r.aToken.toLowerCase() === to ? 'aTokenSupply' : r.stableDebtToken.toLowerCase() === to ? 'stableDebtSupply' : r.variableDebtToken.toLowerCase() === to ? 'variableDebtSupply' : null;
      if (kind) return { result: `0x${word(reserveStateAt(r, ts)?.[kind] ?? 0)}` };
    }
  }
  return { result: '0x' }; // no code at `to`
}

function rpcAnswer(call: RpcRequest, settings: RpcSettings): unknown {
  const reply = (result: unknown): unknown => ({ jsonrpc: '2.0', id: call.id, result });
  const fail = (error: { code: number; message: string }): unknown => ({ jsonrpc: '2.0', id: call.id, error });
  const tx = call.method === 'eth_call' ? (call.params[0] as { to?: string; data?: string }) : undefined;
  const key = tx ? `eth_call:${(tx.data ?? '').slice(0, 10)}` : call.method;
  settings.calls.push(key);
  const injected = settings.errors.get(key) ?? settings.errors.get(call.method);
  if (injected) return fail(injected);
  if (call.method === 'eth_getBlockByNumber') {
    const tag = call.params[0] as string;
    const n = tag === 'latest' ? CHAIN.headN : Number(BigInt(tag));
    if (n > CHAIN.headN || n < 0) return reply(null);
    return reply({ number: hex(n), timestamp: hex(Math.max(0, CHAIN.ts(n))), baseFeePerGas: hex(CHAIN.baseFeeWei(n)), hash: `0x${'ab'.repeat(32)}` });
  }
  if (call.method === 'eth_feeHistory') {
    const n = Number(BigInt(call.params[1] as string));
    return reply({ oldestBlock: hex(n), baseFeePerGas: [hex(CHAIN.baseFeeWei(n)), hex(CHAIN.baseFeeWei(n + 1))], gasUsedRatio: [0.51], reward: [CHAIN.tipsWei(n).map(hex)] });
  }
  if (tx) {
    const tag = call.params[1] as string;
    const n = tag === 'latest' ? CHAIN.headN : Number(BigInt(tag));
    if (n > CHAIN.headN) return fail({ code: -32000, message: 'header not found' });
    const r = ethCall((tx.to ?? '').toLowerCase(), tx.data ?? '', n);
    return 'error' in r ? fail(r.error) : reply(r.result);
  }
  return fail({ code: -32601, message: 'method not found' });
}

const num = (q: URLSearchParams, k: string): number | undefined => (q.has(k) ? Number(q.get(k)) : undefined);

function binanceKlines(file: string, q: URLSearchParams): unknown {
  const rows = json(file) as unknown[][];
  const start = num(q, 'startTime') ?? -Infinity;
  const end = num(q, 'endTime') ?? Infinity;
  const limit = num(q, 'limit') ?? 500;
  return rows.filter((r) => Number(r[0]) >= start && Number(r[0]) <= end).slice(0, limit);
}

function handle(req: IncomingMessage, res: ServerResponse, body: string, settings: RpcSettings): void {
  const u = new URL(req.url ?? '/', 'http://127.0.0.1');
  const q = u.searchParams;
  const p = u.pathname;
  // ---------------- binance
  if (p === '/api/v3/exchangeInfo') return send(res, 200, json('binance/exchangeInfo_spot.json'));
  if (p === '/fapi/v1/exchangeInfo') return send(res, 200, json('binance/exchangeInfo_fapi.json'));
  if (p === '/api/v3/klines') return send(res, 200, binanceKlines(`binance/klines_spot_${q.get('symbol')}.json`, q));
  if (p === '/fapi/v1/klines') return send(res, 200, binanceKlines(`binance/klines_perp_${q.get('symbol')}.json`, q));
  if (p === '/fapi/v1/fundingRate') {
    const rows = json(`binance/fundingRate_${q.get('symbol')}.json`) as { fundingTime: number }[];
    const start = num(q, 'startTime') ?? -Infinity;
    const end = num(q, 'endTime') ?? Infinity;
    return send(res, 200, rows.filter((r) => r.fundingTime >= start && r.fundingTime <= end).slice(0, num(q, 'limit') ?? 100));
  }
  // ---------------- bybit v5
  if (p === '/v5/market/instruments-info') {
    const cat = q.get('category');
    if (q.get('status') === 'PreLaunch') return send(res, 200, { retCode: 0, retMsg: 'OK', result: { category: cat, list: [], nextPageCursor: '' }, retExtInfo: {}, time: 1715644800000 });
    return send(res, 200, json(`bybit/instruments_${cat}.json`));
  }
  if (p === '/v5/market/kline') {
    const kind = q.get('category') === 'spot' ? 'spot' : 'perp';
    const doc = json(`bybit/kline_${kind}_${q.get('symbol')}.json`) as { result: { list: string[][] } };
    const start = num(q, 'start') ?? -Infinity;
    const end = num(q, 'end') ?? Infinity;
    doc.result.list = doc.result.list.filter((r) => Number(r[0]) >= start && Number(r[0]) <= end).slice(0, num(q, 'limit') ?? 200);
    return send(res, 200, doc);
  }
  if (p === '/v5/market/funding/history') {
    const doc = json(`bybit/funding_${q.get('symbol')}.json`) as { result: { list: { fundingRateTimestamp: string }[] } };
    const start = num(q, 'startTime') ?? -Infinity;
    const end = num(q, 'endTime') ?? Infinity;
    doc.result.list = doc.result.list.filter((r) => Number(r.fundingRateTimestamp) >= start && Number(r.fundingRateTimestamp) <= end).slice(0, num(q, 'limit') ?? 200);
    return send(res, 200, doc);
  }
  // ---------------- okx v5 (before/after are exclusive bounds; newest first)
  if (p === '/api/v5/public/instruments') return send(res, 200, json(`okx/instruments_${(q.get('instType') ?? '').toLowerCase()}.json`));
  if (p === '/api/v5/market/history-candles' || p === '/api/v5/market/candles') {
    const doc = json(`okx/history-candles_${q.get('instId')}.json`) as { data: string[][] };
    const before = num(q, 'before') ?? -Infinity;
    const after = num(q, 'after') ?? Infinity;
    doc.data = doc.data.filter((r) => Number(r[0]) > before && Number(r[0]) < after).slice(0, num(q, 'limit') ?? 100);
    return send(res, 200, doc);
  }
  if (p === '/api/v5/public/funding-rate-history') {
    const doc = json(`okx/funding-rate-history_${q.get('instId')}.json`) as { data: { fundingTime: string }[] };
    const before = num(q, 'before') ?? -Infinity;
    const after = num(q, 'after') ?? Infinity;
    doc.data = doc.data.filter((r) => Number(r.fundingTime) > before && Number(r.fundingTime) < after).slice(0, num(q, 'limit') ?? 100);
    return send(res, 200, doc);
  }
  // ---------------- Ethereum JSON-RPC (single call or batch)
  if (p === '/rpc' && req.method === 'POST') {
    const parsed = JSON.parse(body) as RpcRequest | RpcRequest[];
    if (!Array.isArray(parsed)) return send(res, 200, rpcAnswer(parsed, settings));
    if (!settings.batch) return send(res, 200, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'batch requests are not supported' } });
    settings.batches.push(parsed.length);
    return send(res, 200, parsed.map((c) => rpcAnswer(c, settings)));
  }
  send(res, 404, { error: `no fixture for ${p}` });
}

export async function startReplayServer(): Promise<ReplayServer> {
  const requests: string[] = [];
  const faults = new Map<string, { queue: Fault[]; always?: Fault }>();
  const rpc: RpcSettings = { batch: true, errors: new Map(), batches: [], calls: [] };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      requests.push(`${req.method} ${req.url}`);
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      for (const [prefix, f] of faults) {
        if (!path.startsWith(prefix)) continue;
        const next = f.queue.shift() ?? f.always;
        if (next) return send(res, next.status, next.body);
      }
      try {
        handle(req, res, body, rpc);
      } catch (err) {
        send(res, 500, `replay server error: ${String(err)}`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults,
    rpc,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
