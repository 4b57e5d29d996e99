import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BasisError } from '../../errors/base.js';
import { redactUrlsIn } from '../../config/redact.js';
import { DAY_MS, HOUR_MS, ymd, type CexVenueName, type DataFile } from '../synth/schema.js';
import { checkTarget, dataOutputRules } from '../../runs/guard.js';
import { publishOutput } from '../../runs/publish.js';
import { downloadAave } from './aave.js';
import { downloadVenue } from './cex.js';
import { downloadGas } from './gas.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';

export { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
export { createExchange, VENUE_SERIES } from './cex.js';

export const DOWNLOAD_MARKER = 'DOWNLOAD.json';
const SYNTHETIC_MARKER = 'SYNTHETIC.json';
export const ALL_VENUES: readonly CexVenueName[] = ['binance', 'bybit', 'okx'];

export interface DownloadOptions {
  readonly outDir: string;
  /** First UTC day, inclusive. Default 2024-01-01. */
  readonly start?: string;
  /** Last UTC day, inclusive. Default 2024-12-31. */
  readonly end?: string;
  /** Default: binance, bybit, okx. An empty list skips the CEX series. */
  readonly venues?: readonly CexVenueName[];
  /**
   * Ethereum JSON-RPC URL (an archive node for past days) for gas and the AAVE v3 reserve snapshots; without it
   * both are skipped.
   */
  readonly rpcUrl?: string | null;
  /** Read the AAVE reserves (and oracle prices) from `rpcUrl`. Default true; false leaves only gas on the node. */
  readonly aave?: boolean;
  /** Per venue: replace every API origin (keeps paths) — a proxy or a replay server. */
  readonly apiBaseUrls?: Partial<Record<CexVenueName, string>>;
  readonly retry?: RetryPolicy;
  readonly timeoutMs?: number;
  readonly pageLimit?: { readonly ohlcv?: number; readonly funding?: number };
  /** Progress lines; default: stderr. */
  readonly log?: (line: string) => void;
}

export interface DownloadManifest {
  readonly outDir: string;
  readonly start: string;
  readonly end: string;
  readonly files: readonly { readonly path: string; readonly rows: number; readonly first: string; readonly last: string; readonly keys: readonly string[] }[];
  readonly totalRows: number;
  /** Series with no rows in the range, or sources not configured. */
  readonly skipped: readonly string[];
}

function parseDay(text: string, what: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms)) throw new BasisError('CLI-001', `${what}: not an ISO date: ${JSON.stringify(text)}`);
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/**
 * Downloads every configured series for [start, end] and writes them in the real files' schema and names.
 * All-or-nothing: everything is fetched into memory first; on any failure (DPR-009 naming the source and
 * endpoint) nothing is written to `outDir`. `outDir` must be new, empty, or an earlier download holding only the
 * files its DOWNLOAD.json lists; the set, with a DOWNLOAD.json recording its provenance, is then published whole
 * (temp dir + rename; an earlier set is kept until the new one is complete).
 */
export async function downloadData(opts: DownloadOptions): Promise<DownloadManifest> {
  const outDir = resolve(opts.outDir);
  const log = opts.log ?? ((line: string) => process.stderr.write(`${redactUrlsIn(line)}\n`));
  const startMs = parseDay(opts.start ?? '2024-01-01', '--start');
  const endDayMs = parseDay(opts.end ?? '2024-12-31', '--end');
  if (endDayMs < startMs) throw new BasisError('CLI-001', `--end ${ymd(endDayMs)} is before --start ${ymd(startMs)}`);
  const lastHourMs = endDayMs + 23 * HOUR_MS;
  const venues = [...(opts.venues ?? ALL_VENUES)];
  for (const v of venues) if (!ALL_VENUES.includes(v)) throw new BasisError('CLI-001', `unknown venue ${JSON.stringify(v)} (expected ${ALL_VENUES.join(', ')})`);
  if (existsSync(join(outDir, SYNTHETIC_MARKER))) {
    throw new BasisError('DPR-010', `${outDir} holds a synthetic data set (${SYNTHETIC_MARKER}); download into another directory`);
  }
  // Refuse an unusable --out before any request is made.
  checkTarget(outDir, dataOutputRules('download'));
  const retry = opts.retry ?? DEFAULT_RETRY;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let cancelled = false;
  const isCancelled = (): boolean => cancelled;
  const skipped: string[] = [];
  if (!opts.rpcUrl) skipped.push('gas:ethereum:gwei (no --rpc-url)');
  const aave = Boolean(opts.rpcUrl) && opts.aave !== false;
  if (!aave) skipped.push(`aave:* and oracle:* (${opts.rpcUrl ? '--no-aave' : 'no --rpc-url'})`);
  log(`download ${ymd(startMs)} → ${ymd(endDayMs)}: ${[...venues, opts.rpcUrl ? 'ethereum gas' : null, aave ? 'aave' : null].filter(Boolean).join(', ') || 'nothing'}`);

  const jobs: Promise<{ files: DataFile[]; skipped: string[] }>[] = [];
  for (const venue of venues) {
    jobs.push(downloadVenue(venue, startMs, lastHourMs, { retry, log, timeoutMs, apiBaseUrl: opts.apiBaseUrls?.[venue], pageLimit: opts.pageLimit, isCancelled }));
  }
  if (opts.rpcUrl) {
    const rpcUrl = opts.rpcUrl;
    jobs.push(downloadGas(rpcUrl, startMs, lastHourMs, { retry, log, timeoutMs, isCancelled }).then((f) => ({ files: f ? [f] : [], skipped: f ? [] : ['gas:ethereum:gwei'] })));
  }
  if (aave && opts.rpcUrl) jobs.push(downloadAave(opts.rpcUrl, startMs, endDayMs, { retry, log, timeoutMs, isCancelled }));

  // The first failure in time is the cause; the other sources then stop with "cancelled".
  let firstFailure: { err: unknown } | null = null;
  const settled = await Promise.allSettled(
    jobs.map((j) =>
      j.catch((err: unknown) => {
        firstFailure ??= { err };
        cancelled = true; // the other sources stop at their next page
        throw err;
      }),
    ),
  );
  if (firstFailure) {
    const { err } = firstFailure as { err: unknown };
    if (err instanceof BasisError) throw err;
    throw new BasisError('DPR-009', `download failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const files: DataFile[] = [];
  for (const s of settled) {
    if (s.status === 'fulfilled') {
      files.push(...s.value.files);
      skipped.push(...s.value.skipped);
    }
  }
  files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  if (!files.length) throw new BasisError('DPR-009', 'download returned no data for any series in the range');

  const manifestFiles = files.map((f) => ({ path: f.relPath, rows: f.rows, first: new Date(f.firstMs).toISOString(), last: new Date(f.lastMs).toISOString(), keys: f.keys }));
  const marker = {
    generator: 'basis-download',
    range: { start: ymd(startMs), end: ymd(endDayMs) },
    sources: {
      cex: venues.map((v) => `${v} via ccxt${opts.apiBaseUrls?.[v] ? ` (${opts.apiBaseUrls[v]})` : ''}`),
      gas: opts.rpcUrl ? 'eth_feeHistory / eth_getBlockByNumber (JSON-RPC)' : null,
      aave: aave ? 'AAVE v3 Pool.getReserveData, AaveOracle.getAssetPrice, aToken/debt token totalSupply via eth_call at the first block of each UTC day (JSON-RPC)' : null,
    },
    files: manifestFiles,
    skipped,
  };
  publishOutput(outDir, [...files.map((f) => ({ name: f.relPath, content: f.text })), { name: DOWNLOAD_MARKER, content: `${JSON.stringify(marker, null, 2)}\n` }], {
    rules: dataOutputRules('download'),
    failCode: 'DPR-010',
    notice: log,
  });
  for (const s of skipped) log(`skipped: ${s}`);
  log(`wrote ${files.length} files to ${outDir}`);
  return { outDir, start: ymd(startMs), end: ymd(endDayMs), files: manifestFiles, totalRows: files.reduce((s, f) => s + f.rows, 0), skipped };
}
