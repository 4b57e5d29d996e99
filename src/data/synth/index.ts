import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BasisError } from '../../errors/base.js';
import { runModel } from './model.js';
import {
  DAY_MS,
  aaveReserveFile,
  barFile,
  eigenDistributionsFile,
  ethenaFile,
  ethfiTopUpsFile,
  fundingFile,
  gasFile,
  oracleHourlyFile,
  oracleUsdtDailyFile,
  uniswapFile,
  ymd,
  type DataFile,
} from './schema.js';
import { checkTarget, dataOutputRules } from '../../runs/guard.js';
import { publishOutput } from '../../runs/publish.js';

export { depegFactor, START_VALUES } from './model.js';

export const SYNTH_GENERATOR = 'basis-synth';
/** Bump when the model changes so a file set says which model made it. */
export const SYNTH_VERSION = '1.0.0';
export const SYNTHETIC_MARKER = 'SYNTHETIC.json';

export interface SynthOptions {
  /** Any safe integer; same seed + same options → byte-identical files. */
  readonly seed: number;
  readonly outDir: string;
  /** First UTC day (ISO date or date-time; the day is used). Default 2024-01-01. */
  readonly start?: string;
  /** Last UTC day, inclusive. Default 2024-12-31. */
  readonly end?: string;
  /** Hold every spot, perp and DEX price exactly constant (funding, rates and gas still vary). */
  readonly flatPrices?: boolean;
  /** Depeg episode on the LST/ETH exchange rates (the synthetic stress case). */
  readonly depeg?: { readonly at: string; readonly size: number; readonly assets?: readonly ('weETH' | 'wstETH')[] };
}

export interface SynthFileInfo {
  readonly path: string;
  readonly rows: number;
  readonly first: string;
  readonly last: string;
  readonly keys: readonly string[];
}

export interface SynthManifest {
  readonly generator: typeof SYNTH_GENERATOR;
  readonly version: string;
  readonly seed: number;
  readonly params: {
    readonly start: string;
    readonly end: string;
    readonly flatPrices: boolean;
    readonly depeg: { readonly at: string; readonly size: number; readonly assets: readonly string[] } | null;
  };
  readonly createdFor: 'demos and property tests';
  readonly files: readonly SynthFileInfo[];
  /** Absolute output directory (not part of SYNTHETIC.json). */
  readonly outDir: string;
  readonly totalRows: number;
}

function parseDay(text: string, what: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text);
  if (!Number.isFinite(ms)) throw new BasisError('CLI-001', `${what}: not an ISO date: ${JSON.stringify(text)}`);
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function parseInstant(text: string, what: string): number {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`);
  if (!Number.isFinite(ms)) throw new BasisError('CLI-001', `${what}: not an ISO time: ${JSON.stringify(text)}`);
  return ms;
}

/** Builds every file in memory (pure: no I/O). */
export function buildSynthetic(opts: Omit<SynthOptions, 'outDir'>): { files: DataFile[]; params: SynthManifest['params'] } {
  if (!Number.isSafeInteger(opts.seed)) throw new BasisError('CLI-001', `--seed must be an integer, got ${opts.seed}`);
  const startMs = parseDay(opts.start ?? '2024-01-01', '--start');
  const endMs = parseDay(opts.end ?? '2024-12-31', '--end');
  if (endMs < startMs) throw new BasisError('CLI-001', `--end ${ymd(endMs)} is before --start ${ymd(startMs)}`);
  const days = Math.round((endMs - startMs) / DAY_MS) + 1;
  let depeg: { atMs: number; size: number; assets: ('weETH' | 'wstETH')[] } | null = null;
  if (opts.depeg) {
    const atMs = parseInstant(opts.depeg.at, '--depeg-at');
    const size = opts.depeg.size;
    if (!(size > 0 && size < 1)) throw new BasisError('CLI-001', `--depeg-size must be a fraction in (0, 1), got ${size}`);
    if (atMs < startMs || atMs >= endMs + DAY_MS) {
      throw new BasisError('CLI-001', `--depeg-at ${new Date(atMs).toISOString()} is outside ${ymd(startMs)} … ${ymd(endMs)}`);
    }
    depeg = { atMs, size, assets: [...(opts.depeg.assets ?? ['weETH', 'wstETH'])] };
  }
  const flatPrices = opts.flatPrices === true;
  const m = runModel({ seed: opts.seed, startMs, days, flatPrices, depeg });
  const processed = `${SYNTH_GENERATOR} ${SYNTH_VERSION} seed=${opts.seed} (synthetic)`;
  const note = `${SYNTH_GENERATOR} ${SYNTH_VERSION} seed=${opts.seed}: SYNTHETIC data, not market observations`;
  const files: DataFile[] = [
    ...m.bars.map((b) => barFile(b.venue, b.symbol, b.kind, b.rows)),
    ...m.funding.map((f) => fundingFile(f.venue, f.symbol, f.rows)),
    ...m.aave.map((a) => aaveReserveFile(a.asset, a.rows)),
    ...m.oracleHourly.map((o) => oracleHourlyFile(o.pair, o.rows, processed, note)),
    oracleUsdtDailyFile(m.usdtOracle, processed, note),
    gasFile(m.gas, 'basis_synth', 'SYNTHETIC gas (lognormal model)'),
    ethenaFile(m.ethena, processed, 'basis_synth'),
    ...m.uniswap.map((u) => uniswapFile(u.pool, u.rows)),
    // The LST modes credit EtherFi's published rewards: without these files they could not run on this set.
    eigenDistributionsFile(m.eigenWeeks),
    ethfiTopUpsFile(m.ethfiTopUps),
  ];
  files.sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0));
  const params: SynthManifest['params'] = {
    start: ymd(startMs),
    end: ymd(endMs),
    flatPrices,
    depeg: depeg ? { at: new Date(depeg.atMs).toISOString(), size: depeg.size, assets: depeg.assets } : null,
  };
  return { files, params };
}

/** Renders SYNTHETIC.json (no wall-clock time, so it is deterministic too). */
export function syntheticMarker(seed: number, params: SynthManifest['params'], files: readonly DataFile[]): string {
  const body = {
    generator: SYNTH_GENERATOR,
    version: SYNTH_VERSION,
    seed,
    params,
    createdFor: 'demos and property tests',
    note: 'Every file in this directory was generated by a seeded stochastic model. It is not market data.',
    files: files.map((f) => ({ path: f.relPath, rows: f.rows, first: new Date(f.firstMs).toISOString(), last: new Date(f.lastMs).toISOString(), keys: f.keys })),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/**
 * Generates a full synthetic data set into `opts.outDir` in the schema and file naming of the real data, plus
 * `SYNTHETIC.json` at its root. The directory must be new, empty, or an earlier synthetic set holding only the files
 * its SYNTHETIC.json lists (replaced whole, and kept until the new set is complete); anything else is refused with
 * DPR-010, so real data is never mixed with synthetic data and no user file is touched.
 */
export function generateSynthetic(opts: SynthOptions): SynthManifest {
  const outDir = resolve(opts.outDir);
  checkTarget(outDir, dataOutputRules('synth'));
  const { files, params } = buildSynthetic(opts);
  publishOutput(outDir, [...files.map((f) => ({ name: f.relPath, content: f.text })), { name: SYNTHETIC_MARKER, content: syntheticMarker(opts.seed, params, files) }], {
    rules: dataOutputRules('synth'),
    failCode: 'DPR-010',
  });
  return {
    generator: SYNTH_GENERATOR,
    version: SYNTH_VERSION,
    seed: opts.seed,
    params,
    createdFor: 'demos and property tests',
    files: files.map((f) => ({ path: f.relPath, rows: f.rows, first: new Date(f.firstMs).toISOString(), last: new Date(f.lastMs).toISOString(), keys: f.keys })),
    outDir,
    totalRows: files.reduce((s, f) => s + f.rows, 0),
  };
}

/** True when `dataDir` holds a SYNTHETIC.json marker. */
export function isSyntheticDir(dataDir: string): boolean {
  return existsSync(join(dataDir, SYNTHETIC_MARKER));
}
