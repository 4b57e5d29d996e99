import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { registerDataToolCommands } from '../../src/cli/commands/dataTools.js';
import { BasisError } from '../../src/errors/base.js';
import { startReplayServer } from '../download/server.js';

const roots: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'basis-cli-'));
  roots.push(d);
  return d;
};
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function run(args: string[]): Promise<{ out: string; err: string }> {
  const program = new Command('basis').exitOverride();
  const data = program.command('data');
  registerDataToolCommands(data);
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'basis', 'data', ...args]);
  } finally {
    vi.restoreAllMocks();
  }
  return { out, err };
}

describe('basis data synth / download CLI', () => {
  it('synth writes the set and prints a SYNTHETIC summary', async () => {
    const dir = join(tmp(), 'synth');
    const { out } = await run(['synth', '--seed', '42', '--out', dir, '--start', '2024-02-01', '--end', '2024-02-03', '--depeg-at', '2024-02-02T03:00:00Z', '--depeg-size', '0.02', '--depeg-asset', 'weETH']);
    expect(out).toMatch(/^SYNTHETIC data set \(basis-synth [\d.]+, seed 42\): NOT market data/);
    expect(out).toMatch(/range: 2024-02-01 → 2024-02-03 {2}\(depeg 2\.00 % at 2024-02-02T03:00:00\.000Z: weETH\)/);
    expect(out).toMatch(/binance\/binance_BTCUSDT_spot_1h_2024-02-01_2024-02-03\.csv\s+72 rows/);
    const marker = JSON.parse(readFileSync(join(dir, 'SYNTHETIC.json'), 'utf8')) as { seed: number; params: { depeg: { assets: string[] } } };
    expect(marker.seed).toBe(42);
    expect(marker.params.depeg.assets).toEqual(['weETH']);
  });

  it('synth --flat-prices --json prints the manifest', async () => {
    const dir = join(tmp(), 'flat');
    const { out } = await run(['synth', '--seed', '1', '--out', dir, '--start', '2024-01-01', '--end', '2024-01-01', '--flat-prices', '--json']);
    const m = JSON.parse(out) as { params: { flatPrices: boolean }; files: unknown[] };
    expect(m.params.flatPrices).toBe(true);
    expect(m.files.length).toBeGreaterThan(25);
  });

  it('usage errors are CLI-001', async () => {
    const dir = join(tmp(), 'x');
    await expect(run(['synth', '--seed', 'abc', '--out', dir])).rejects.toMatchObject({ code: 'CLI-001' });
    await expect(run(['synth', '--seed', '1', '--out', dir, '--depeg-at', '2024-03-01'])).rejects.toBeInstanceOf(BasisError);
    await expect(run(['download', '--out', dir, '--venues', 'kraken'])).rejects.toMatchObject({ code: 'CLI-001' });
    expect(existsSync(dir)).toBe(false);
  });

  it('download (gas and AAVE from the local replay server) prints a summary, progress on stderr', async () => {
    const server = await startReplayServer();
    try {
      const dir = join(tmp(), 'dl');
      const { out, err } = await run(['download', '--out', dir, '--start', '2024-05-12', '--end', '2024-05-12', '--venues', 'none', '--rpc-url', `${server.url}/rpc`]);
      expect(out).toMatch(/^Downloaded data set: 2024-05-12 → 2024-05-12/);
      expect(out).toMatch(/ethereum\/ethereum_gas_prices_1h_2024-05-12_2024-05-12\.csv\s+24 rows/);
      expect(out).toMatch(/aave_v3_ethereum_USDT_reserve_1d_2024-05-12_2024-05-12\.csv\s+1 rows/);
      expect(err).toMatch(/ethereum: gas: 24 hourly samples/);
      expect(existsSync(join(dir, 'DOWNLOAD.json'))).toBe(true);
    } finally {
      await server.close();
    }
  });
});
