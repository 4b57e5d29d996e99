import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sha256Hex } from '../contentHash.js';
import { checkWithin, parseCsv } from './csv.js';
import type { DataPolicy } from './policy.js';
import type { DataInput } from './series.js';

const YEAR_MS = 365 * 86_400_000;

export interface BenchmarkResult {
  readonly name: string;
  /** Growth of 1 USDT earning the benchmark over the covered part of the window, minus 1. */
  readonly totalReturn: number;
  readonly apy: number;
  /** Share of the window the benchmark has data for. */
  readonly coverage: number;
}

/** The Ethena sUSDe daily APRs, by UTC day start. */
export type BenchmarkAprs = ReadonlyMap<number, number>;

/** The benchmark as read: its APRs and the file they came from (for the run's data fingerprint). */
export interface BenchmarkData {
  readonly aprs: BenchmarkAprs;
  readonly input: DataInput;
}

/**
 * Reads the Ethena sUSDe daily APR file (data/README.md: daily APR; the bad 2024-05-02 value is already dropped
 * upstream), every APR checked against data.bounds.benchmarkApr (DPR-005 with file, line and column; a NaN is
 * DPR-002 from the parser). Null when the data set has no benchmark file.
 */
export function loadBenchmark(dataDir: string, policy: Pick<DataPolicy, 'bounds'>): BenchmarkData | null {
  const dir = path.join(dataDir, 'ethena');
  let name: string | undefined;
  try {
    name = readdirSync(dir).filter((n) => /^ethena_sUSDe_apr_benchmark_1d_.*\.csv$/.test(n)).sort().at(-1);
  } catch {
    return null;
  }
  if (!name) return null;
  const file = path.join(dir, name);
  const bytes = readFileSync(file);
  const csv = parseCsv(bytes.toString('utf8'), file);
  const days = csv.timestamps('date');
  const apr = csv.numbers('apr_decimal');
  const { min, max } = policy.bounds.benchmarkApr;
  checkWithin(csv, 'apr_decimal', apr, min, max, 'benchmark APR', 'data.bounds.benchmarkApr');
  const byDay = new Map<number, number>();
  for (let r = 0; r < csv.rowCount; r++) {
    byDay.set(days[r] as number, apr[r] as number);
  }
  return { aprs: byDay, input: { path: `ethena/${name}`, sha256: sha256Hex(bytes) } };
}

/**
 * The Ethena sUSDe yield a USDT desk measures itself against. Each step accrues at the APR of its own day, held
 * through the day; days without data do not count, and `coverage` says how much of the window had data.
 */
export function ethenaBenchmark(byDay: BenchmarkAprs | null, timestampsMs: Float64Array): BenchmarkResult | null {
  if (!byDay || timestampsMs.length < 2) return null;
  let growth = 1;
  let coveredMs = 0;
  for (let i = 1; i < timestampsMs.length; i++) {
    const t0 = timestampsMs[i - 1] as number;
    const dt = (timestampsMs[i] as number) - t0;
    const rate = byDay.get(t0 - (t0 % 86_400_000));
    if (rate === undefined) continue;
    growth *= 1 + (rate * dt) / YEAR_MS;
    coveredMs += dt;
  }
  const spanMs = (timestampsMs[timestampsMs.length - 1] as number) - (timestampsMs[0] as number);
  if (coveredMs === 0) return null;
  return { name: 'Ethena sUSDe', totalReturn: growth - 1, apy: Math.pow(growth, YEAR_MS / coveredMs) - 1, coverage: coveredMs / spanMs };
}
