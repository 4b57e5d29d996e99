import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { BasisError } from '../errors/base.js';
import { PACKAGE_ROOT } from '../packageRoot.js';

/** Marker file the synthetic generator writes at the data directory root. */
export const SYNTHETIC_MARKER = 'SYNTHETIC.json';

const KNOWN_DIRS = ['aave_v3_ethereum', 'binance', 'bybit', 'okx', 'ethereum', 'uniswap_v3', 'ethena', 'etherfi'];

/** True when `dir` looks like a Basis data directory (one of the venue folders, or the synthetic marker). */
export function dataDirHasData(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) return false;
    if (existsSync(path.join(dir, SYNTHETIC_MARKER))) return true;
    const entries = new Set(readdirSync(dir));
    return KNOWN_DIRS.some((d) => entries.has(d));
  } catch {
    return false;
  }
}

const HOW_TO =
  'Get data with `basis data download --out data` (fetches the series from their public sources; needs internet) or ' +
  '`basis data synth --seed 1 --out data` (a synthetic set), or point at an existing copy with --data-dir <dir> or BASIS_DATA_DIR.';

/**
 * The data directory: `explicit` (--data-dir), then BASIS_DATA_DIR, then ./data, then ../shared/data (relative to
 * the working directory, then to the package root, so `npx basis` finds the shared data from any directory). An explicit or environment directory that holds no data is an error (no silent
 * fallback to another set); DPR-004 says how to get data.
 */
export function resolveDataDir(explicit?: string | null): string {
  const tried: string[] = [];
  const pick = (dir: string, origin: string): string => {
    const abs = path.resolve(dir);
    if (dataDirHasData(abs)) return abs;
    throw new BasisError('DPR-004', `no market data in ${abs} (from ${origin}). ${HOW_TO}`, {
      problems: [{ code: 'DPR-004', message: `no data files under ${abs}`, file: abs, expected: 'a data directory (see data/README.md)', received: existsSync(abs) ? 'a directory without data' : 'no such directory' }],
    });
  };
  if (explicit) return pick(explicit, '--data-dir');
  const env = process.env['BASIS_DATA_DIR'];
  if (env) return pick(env, 'BASIS_DATA_DIR');
  for (const candidate of ['data', path.join('..', 'shared', 'data'), path.join(PACKAGE_ROOT, '..', 'shared', 'data')]) {
    const abs = path.resolve(candidate);
    if (tried.includes(abs)) continue;
    tried.push(abs);
    if (dataDirHasData(abs)) return abs;
  }
  throw new BasisError('DPR-004', `no market data found (looked in ${tried.join(', ')}). ${HOW_TO}`, {
    problems: tried.map((t) => ({ code: 'DPR-004' as const, message: 'no data here', file: t })),
  });
}
