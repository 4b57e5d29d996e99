import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SHARED_DATA, tmpDir } from './helpers.js';

let stderr = '';
let stdout = '';
beforeEach(() => {
  stderr = '';
  stdout = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const basis = (...args: string[]): Promise<number> => main(['node', 'basis', ...args]);

describe('basis backtest: bad input is a coded error and writes nothing', () => {
  it.each([
    ['an unknown mode', ['--mode', 'moon_farming'], 'CFG-006'],
    ['a range before the data', ['--mode', 'pure_lending', '--start', '2023-01-01', '--end', '2023-06-01'], /CFG-011|DPR-006/],
    ['an impossible position (capital below the gas float)', ['--mode', 'eth_leveraged', '--capital', '0.5'], 'STRAT-004'],
    ['a hedge slice below the minimum order', ['--mode', 'btc_basis', '--capital', '40'], 'STRAT-004'],
    ['a config that breaks a cross-field rule', ['--mode', 'usdt_market_neutral', '--set', 'modes.usdt_market_neutral.strategy.hedge.hedgeAllocation.okx=0.9'], 'CFG-008'],
    ['a non-numeric capital', ['--mode', 'pure_lending', '--capital', 'lots'], 'BT-001'],
  ])('%s', async (_what, args, code) => {
    const out = path.join(tmpDir('bad'), 'run');
    const exit = await basis('backtest', ...args, '--data-dir', SHARED_DATA, '--no-progress', '--out', out);
    expect(exit).not.toBe(0);
    expect(stderr).toMatch(code);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });
});

describe('basis backtest → audit verify', () => {
  it('writes all four result files, prints the summary, and the audit passes; any tampering fails it', async () => {
    const out = path.join(tmpDir('cli'), 'run');
    const exit = await basis('backtest', '--mode', 'btc_basis', '--start', '2024-06-01', '--end', '2024-08-01', '--data-dir', SHARED_DATA, '--no-progress', '--out', out);
    expect(stderr).toBe('');
    expect(exit).toBe(0);
    for (const f of ['summary.json', 'config.json', 'timeseries.csv', 'events.jsonl', 'report.html']) expect(existsSync(path.join(out, f))).toBe(true);
    const used = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8')) as { params: { mode: { mode: string; initialCapital: number } } };
    expect(used.params.mode.mode).toBe('btc_basis');
    expect(used.params.mode.initialCapital).toBe(100_000);
    expect(stdout).toMatch(/Reconciliation/);
    expect(stdout).toMatch(/steps\/s/);
    const summary = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;
    for (const k of ['mode', 'shareClass', 'start', 'end', 'steps', 'initialCapital', 'finalEquity', 'totalReturn', 'apy', 'maxDrawdown', 'volatility', 'sharpe', 'sortino', 'rebalances', 'liquidations', 'feesPaid', 'gasPaid', 'attribution', 'reconciliation', 'timing']) {
      expect(summary).toHaveProperty(k);
    }
    expect(await basis('audit', 'verify', out)).toBe(0);
    expect(stdout).toMatch(/audit ok/);

    const file = path.join(out, 'events.jsonl');
    const original = readFileSync(file, 'utf8');
    const lines = original.trimEnd().split('\n');
    const tampered: Array<[string, string]> = [
      ['edited amount', original.replace(/"paymentUsdt":([0-9.]+)/, (_m, v: string) => `"paymentUsdt":${Number(v) * 2}`)],
      ['edited delta', original.replace(/\["binance:BaseToken:USDT",([0-9.]+)\]/, (_m, v: string) => `["binance:BaseToken:USDT",${Number(v) + 1}]`)],
      ['missing event', [...lines.slice(0, 5), ...lines.slice(6)].join('\n') + '\n'],
      ['reordered events', [...lines.slice(0, 5), lines[6], lines[5], ...lines.slice(7)].join('\n') + '\n'],
    ];
    for (const [what, text] of tampered) {
      expect(text, what).not.toBe(original);
      writeFileSync(file, text);
      stderr = '';
      expect(await basis('audit', 'verify', out), what).not.toBe(0);
      expect(stderr, what).toMatch(/EVT-00[24]/);
    }
    writeFileSync(file, original);
    expect(await basis('audit', 'verify', out)).toBe(0);
  });
});
