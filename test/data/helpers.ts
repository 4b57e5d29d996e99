import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BasisError } from '../../src/errors/base.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DATA = path.resolve(repoRoot, '../shared/data');
export const H = 3_600_000;
export const D = 86_400_000;
export const ms = (iso: string): number => Date.parse(iso);

export function tmpDir(prefix = 'basis-data-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeData(dir: string, rel: string, text: string): string {
  const abs = path.join(dir, rel);
  mkdirSync(path.dirname(abs), { recursive: true });
  writeFileSync(abs, text);
  return abs;
}

const isoZ = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

/** Hourly bar CSV (Bybit layout) from [time, open, close] rows. */
export function barCsv(rows: readonly (readonly [number, number | string, number | string])[]): string {
  const lines = ['timestamp,open,high,low,close,volume,source,symbol,data_type,turnover'];
  for (const [t, o, c] of rows) lines.push(`${isoZ(t)},${o},${Math.max(Number(o), Number(c)) || o},${Math.min(Number(o), Number(c)) || o},${c},10,bybit,ETHUSDT,spot,1000`);
  return lines.join('\r\n') + '\r\n';
}

/** Hourly bars from start, n of them, open = close = f(i). */
export function bars(startMs: number, n: number, f: (i: number) => number = (i) => 2000 + i): [number, number, number][] {
  return Array.from({ length: n }, (_, i) => [startMs + i * H, f(i), f(i + 1)] as [number, number, number]);
}

export function fundingCsv(rows: readonly (readonly [number, number])[], symbol = 'ETHUSDT', source = 'bybit'): string {
  return ['funding_timestamp,funding_rate,symbol,source', ...rows.map(([t, r]) => `${isoZ(t)},${r},${symbol},${source}`)].join('\n') + '\n';
}

export interface ReserveRow {
  t: number;
  L: number;
  lr: number;
  B: number;
  br: number;
  price: number;
}

export function reserveCsv(rows: readonly ReserveRow[], symbol = 'WETH'): string {
  const head = 'targetDate,timestamp,blockNumber,reserve,symbol,liquidityIndex,currentLiquidityRate,variableBorrowIndex,currentVariableBorrowRate,currentStableBorrowRate,totalAToken,totalStableDebt,totalVariableDebt,price,date';
  return [head, ...rows.map((r, i) => `${isoZ(r.t)},${r.t / 1000},${1000 + i},0xabc,${symbol},${r.L},${r.lr},${r.B},${r.br},0.0,100.0,0.0,50.0,${r.price},${isoZ(r.t).slice(0, 10)}`)].join('\n') + '\n';
}

/** Catches a BasisError (or fails). */
export async function basisError(fn: () => unknown): Promise<BasisError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof BasisError) return err;
    throw err;
  }
  throw new Error('expected a BasisError');
}
