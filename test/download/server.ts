import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A real HTTP server on 127.0.0.1 (port 0) that replays the recorded responses in test/fixtures/download in the
 * venues' formats, filtering rows by each request's time window and limit the way the venue does. It also runs a
 * tiny simulated Ethereum JSON-RPC node (POST /rpc) and the AAVE adapter endpoint (GET /aave/reserves/…).
 * `faults` injects failures per path prefix: a list of {status, body} answers consumed before the real one.
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
  close(): Promise<void>;
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

const num = (q: URLSearchParams, k: string): number | undefined => (q.has(k) ? Number(q.get(k)) : undefined);

function binanceKlines(file: string, q: URLSearchParams): unknown {
  const rows = json(file) as unknown[][];
  const start = num(q, 'startTime') ?? -Infinity;
  const end = num(q, 'endTime') ?? Infinity;
  const limit = num(q, 'limit') ?? 500;
  return rows.filter((r) => Number(r[0]) >= start && Number(r[0]) <= end).slice(0, limit);
}

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
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
  // ---------------- AAVE adapter
  const aave = /^\/aave\/reserves\/([A-Za-z]+)\/daily$/.exec(p);
  if (aave) {
    const doc = json(`aave/reserve_${aave[1]}.json`) as { snapshots: { timestamp: number }[] };
    const from = Date.parse(`${q.get('from')}T00:00:00Z`) / 1000;
    const to = Date.parse(`${q.get('to')}T00:00:00Z`) / 1000;
    doc.snapshots = doc.snapshots.filter((s) => s.timestamp >= from && s.timestamp <= to);
    return send(res, 200, doc);
  }
  // ---------------- Ethereum JSON-RPC
  if (p === '/rpc' && req.method === 'POST') {
    const call = JSON.parse(body) as { id: number; method: string; params: unknown[] };
    const reply = (result: unknown): void => send(res, 200, { jsonrpc: '2.0', id: call.id, result });
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
    return send(res, 200, { jsonrpc: '2.0', id: call.id, error: { code: -32601, message: 'method not found' } });
  }
  send(res, 404, { error: `no fixture for ${p}` });
}

export async function startReplayServer(): Promise<ReplayServer> {
  const requests: string[] = [];
  const faults = new Map<string, { queue: Fault[]; always?: Fault }>();
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
        handle(req, res, body);
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
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
