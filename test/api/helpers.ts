import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore, type StoreOptions } from '../../src/store/open.js';
import { buildServer, type BasisServer, type ServerOptions } from '../../src/api/server.js';
import type { RunStore } from '../../src/store/types.js';

export const DATA_DIR = path.resolve(import.meta.dirname, '../../../shared/data');

/** Two months of btc_basis: a real run of about a second. */
export const SHORT_BODY = { mode: 'btc_basis', start: '2024-06-01T00:00:00Z', end: '2024-08-01T00:00:00Z', capital: 100000 } as const;

/** usdt_market_neutral over its whole window on one-minute steps: several seconds of engine, to cancel or kill mid-run. */
export const LONG_BODY = { mode: 'usdt_market_neutral', set: ['engine.stepMinutes=1'] } as const;

export interface TestServer {
  readonly url: string;
  readonly server: BasisServer;
  readonly store: RunStore;
  readonly dir: string;
  close(): Promise<void>;
}

/**
 * A real server on port 0 over a SQLite store (or the given store access) in a temp dir of its own; run
 * directories go under the first such dir of the test file (BASIS__PATHS__RESULTSDIR, read by the worker threads as
 * by the CLI).
 */
export async function startServer(opts: Partial<Omit<ServerOptions, 'store' | 'storeAccess'>> & { storeAccess?: StoreOptions } = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'basis-api-'));
  // Worker threads copy the environment when they start: the first server's results dir serves the whole file.
  process.env.BASIS__PATHS__RESULTSDIR ??= path.join(dir, 'results');
  const access: StoreOptions = opts.storeAccess ?? { file: path.join(dir, 'store.sqlite') };
  const store = await openStore(access);
  const server = await buildServer({ dataDir: DATA_DIR, workers: 1, logger: false, token: null, ...opts, store, storeAccess: access });
  const url = await server.listen(0);
  return {
    url,
    server,
    store,
    dir,
    async close() {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: T;
}

export async function call<T = Record<string, unknown>>(url: string, init: { method?: string; body?: unknown; token?: string; headers?: Record<string, string> } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(url, { method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'), headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json: json as T };
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly requestId: string; readonly problems: ReadonlyArray<{ code: string; path?: string; expected?: string; received?: string }> };
}

export interface SseEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** Reads a server-sent event stream to its end (the server ends it after a final status). */
export async function readSse(url: string, onEvent?: (e: SseEvent) => void): Promise<SseEvent[]> {
  const res = await fetch(url);
  if (res.headers.get('content-type')?.startsWith('text/event-stream') !== true) throw new Error(`not an event stream: ${res.status} ${await res.text()}`);
  const out: SseEvent[] = [];
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event !== undefined && data !== undefined) {
        const e = { event, data: JSON.parse(data) as Record<string, unknown> };
        out.push(e);
        onEvent?.(e);
      }
    }
  }
  return out;
}

/** Polls a run until it is running, for at most a minute (it may also have finished by then). */
export async function waitRunning(url: string, id: string): Promise<void> {
  for (let k = 0; k < 600 && (await call<{ status: string }>(`${url}/api/v1/backtests/${id}`)).json.status !== 'running'; k++) await new Promise((ok) => setTimeout(ok, 100));
}

/** Polls GET /backtests/:id until the run is final (the SSE stream is tested on its own). */
export async function waitFinal(url: string, id: string): Promise<Record<string, unknown>> {
  for (;;) {
    const r = await call(`${url}/api/v1/backtests/${id}`);
    const status = r.json.status;
    if (status === 'completed' || status === 'failed' || status === 'cancelled') return r.json;
    await new Promise((res) => setTimeout(res, 200));
  }
}
