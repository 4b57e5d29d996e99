import type { Command } from 'commander';
import type { DownloadManifest } from '../../data/download/index.js';
import { CEX_VENUES as ALL_VENUES } from '../../domain/venues.js';
import type { SynthManifest } from '../../data/synth/index.js';
import type { CexVenueName } from '../../data/synth/schema.js';
import { BasisError } from '../../errors/base.js';
import { redactUrl } from '../../config/redact.js';

interface SynthFlags {
  seed: string;
  out: string;
  start?: string;
  end?: string;
  flatPrices?: boolean;
  depegAt?: string;
  depegSize?: string;
  depegAsset?: string;
  json?: boolean;
}

interface DownloadFlags {
  out: string;
  start?: string;
  end?: string;
  venues?: string;
  rpcUrl?: string;
  aave?: boolean;
  json?: boolean;
}

function usage(message: string, received?: string): BasisError {
  return new BasisError('CLI-001', message, { problems: [{ code: 'CLI-001', message, ...(received !== undefined ? { received } : {}) }] });
}

/** --rpc-url must be an http(s) or ws(s) URL; it is never echoed whole (the key is in its path). */
function checkRpcUrl(url: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = '';
  }
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(protocol)) throw usage('--rpc-url is not an http(s) or ws(s) URL', redactUrl(url));
}

function parseSeed(text: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw usage(`--seed must be an integer, got ${JSON.stringify(text)}`, text);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw usage(`--seed is too large: ${text}`, text);
  return n;
}

function table(files: readonly { path: string; rows: number; first: string; last: string }[]): string {
  const width = Math.max(...files.map((f) => f.path.length), 4);
  return files.map((f) => `  ${f.path.padEnd(width)}  ${String(f.rows).padStart(6)} rows  ${f.first.slice(0, 16)} → ${f.last.slice(0, 16)}`).join('\n');
}

export function formatSynthSummary(m: SynthManifest, ms: number): string {
  const p = m.params;
  return [
    `SYNTHETIC data set (basis-synth ${m.version}, seed ${m.seed}): NOT market data`,
    `  out:   ${m.outDir}`,
    `  range: ${p.start} → ${p.end}${p.flatPrices ? '  (flat prices)' : ''}${p.depeg ? `  (depeg ${(p.depeg.size * 100).toFixed(2)} % at ${p.depeg.at}: ${p.depeg.assets.join(', ')})` : ''}`,
    `  files: ${m.files.length} + SYNTHETIC.json, ${m.totalRows} rows, ${ms.toFixed(0)} ms`,
    table(m.files),
  ].join('\n');
}

export function formatDownloadSummary(m: DownloadManifest, ms: number): string {
  return [
    `Downloaded data set: ${m.start} → ${m.end}`,
    `  out:   ${m.outDir}`,
    `  files: ${m.files.length} + DOWNLOAD.json, ${m.totalRows} rows, ${(ms / 1000).toFixed(1)} s`,
    table(m.files),
    ...(m.skipped.length ? ['  skipped:', ...m.skipped.map((s) => `    ${s}`)] : []),
  ].join('\n');
}

/** Adds `basis data synth` and `basis data download` to the `data` command group. */
export function registerDataToolCommands(data: Command): void {
  data
    .command('synth')
    .description(
      'Write a deterministic SYNTHETIC data set (same files, columns and names as the real data, plus SYNTHETIC.json) for demos and tests.',
    )
    .requiredOption('--seed <n>', 'PRNG seed (integer); the same seed and options give byte-identical files')
    .requiredOption('--out <dir>', 'output directory (new, empty, or an earlier synthetic set)')
    .option('--start <iso>', 'first UTC day', '2024-01-01')
    .option('--end <iso>', 'last UTC day (inclusive)', '2024-12-31')
    .option('--flat-prices', 'hold every spot, perp and DEX price exactly constant (funding still varies)')
    .option('--depeg-at <iso>', 'start of an LST/ETH depeg episode (UTC)')
    .option('--depeg-size <f>', 'depeg depth as a fraction, e.g. 0.05 (needs --depeg-at)')
    .option('--depeg-asset <list>', 'weETH, wstETH or both (comma-separated)', 'weETH,wstETH')
    .option('--json', 'print the manifest as JSON')
    .action(async (flags: SynthFlags) => {
      const seed = parseSeed(flags.seed);
      if ((flags.depegAt === undefined) !== (flags.depegSize === undefined)) throw usage('--depeg-at and --depeg-size go together');
      let depeg: { at: string; size: number; assets: ('weETH' | 'wstETH')[] } | undefined;
      if (flags.depegAt !== undefined && flags.depegSize !== undefined) {
        const size = Number(flags.depegSize);
        if (!Number.isFinite(size)) throw usage(`--depeg-size must be a number, got ${JSON.stringify(flags.depegSize)}`, flags.depegSize);
        const assets = (flags.depegAsset ?? 'weETH,wstETH').split(',').map((s) => s.trim());
        for (const a of assets) if (a !== 'weETH' && a !== 'wstETH') throw usage(`--depeg-asset: unknown LST ${JSON.stringify(a)} (weETH, wstETH)`, a);
        depeg = { at: flags.depegAt, size, assets: assets as ('weETH' | 'wstETH')[] };
      }
      const t0 = performance.now();
      const { generateSynthetic } = await import('../../data/synth/index.js');
      const manifest = generateSynthetic({
        seed,
        outDir: flags.out,
        ...(flags.start !== undefined ? { start: flags.start } : {}),
        ...(flags.end !== undefined ? { end: flags.end } : {}),
        flatPrices: flags.flatPrices === true,
        ...(depeg ? { depeg } : {}),
      });
      const ms = performance.now() - t0;
      process.stdout.write((flags.json ? JSON.stringify(manifest, null, 2) : formatSynthSummary(manifest, ms)) + '\n');
    });

  data
    .command('download')
    .description(
      'Fetch the series from their public sources (CEX candles and funding via ccxt; gas and AAVE v3 daily reserve snapshots via Ethereum JSON-RPC) into the real files’ schema and names. All-or-nothing; DPR-009 on failure.',
    )
    .requiredOption('--out <dir>', 'a new or empty directory, or an earlier download (replaced whole once the new set is complete)')
    .option('--start <iso>', 'first UTC day', '2024-01-01')
    .option('--end <iso>', 'last UTC day (inclusive)', '2024-12-31')
    .option('--venues <list>', `CEX venues, comma-separated (${ALL_VENUES.join(',')}); "none" skips them`, ALL_VENUES.join(','))
    .option(
      '--rpc-url <url>',
      'Ethereum JSON-RPC endpoint (an archive node for past days): hourly gas (eth_feeHistory) and AAVE v3 daily reserve snapshots (eth_call); skipped when absent',
    )
    .option('--no-aave', 'do not read the AAVE reserves from --rpc-url (e.g. a node without archive state)')
    .option('--json', 'print the manifest as JSON')
    .action(async (flags: DownloadFlags) => {
      const list = (flags.venues ?? '').trim();
      const venues = list === '' || list === 'none' ? [] : list.split(',').map((s) => s.trim());
      for (const v of venues) if (!(ALL_VENUES as readonly string[]).includes(v)) throw usage(`--venues: unknown venue ${JSON.stringify(v)} (${ALL_VENUES.join(', ')})`, v);
      if (flags.rpcUrl !== undefined) checkRpcUrl(flags.rpcUrl);
      const t0 = performance.now();
      // ccxt is large: load it only when a download actually runs, so every other command starts fast.
      const { downloadData } = await import('../../data/download/index.js');
      const manifest = await downloadData({
        outDir: flags.out,
        ...(flags.start !== undefined ? { start: flags.start } : {}),
        ...(flags.end !== undefined ? { end: flags.end } : {}),
        venues: venues as CexVenueName[],
        rpcUrl: flags.rpcUrl ?? null,
        aave: flags.aave !== false,
      });
      const ms = performance.now() - t0;
      process.stdout.write((flags.json ? JSON.stringify(manifest, null, 2) : formatDownloadSummary(manifest, ms)) + '\n');
    });
}
