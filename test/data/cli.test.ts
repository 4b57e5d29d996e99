import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runCliInProcess } from '../support/cli.js';
import { runDataCheck } from '../../src/cli/commands/data.js';
import { SHARED_DATA, tmpDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const run = runCliInProcess;

describe('basis data check', () => {
  test('every mode checks clean on the shipped data (quirks listed as handled warnings)', async () => {
    const { reports, exitCode } = await runDataCheck({ dataDir: SHARED_DATA });
    expect(reports.map((r) => r.mode)).toEqual(['pure_lending', 'btc_basis', 'eth_basis', 'eth_leveraged', 'usdt_market_neutral', 'usdt_market_neutral_no_leverage']);
    for (const r of reports) {
      expect(r.issues.filter((i) => !i.handled)).toEqual([]);
      expect(r.issues.length).toBeGreaterThan(0);
    }
    expect(reports[0]!.files.length).toBe(49);
    expect(exitCode).toBe(0);
  });

  test('CLI: one mode, text and JSON', async () => {
    const text = await run(['data', 'check', '--mode', 'usdt_market_neutral', '--data-dir', SHARED_DATA]);
    expect(text.code).toBe(0);
    expect(text.out).toContain('mode usdt_market_neutral: OK');
    expect(text.out).toContain('conflicting_duplicates funding:okx:ETHUSDT');
    const json = await run(['data', 'check', '--mode', 'eth_leveraged', '--data-dir', SHARED_DATA, '--start', '2024-06-01', '--end', '2024-12-31T23:00:00Z', '--json']);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.out) as { ok: boolean; window: { startMs: number; endMs: number } };
    expect(r.ok).toBe(true);
    expect(r.window.startMs).toBe(Date.parse('2024-06-01T00:00:00Z'));
    expect(r.window.endMs).toBe(Date.parse('2024-12-31T23:00:00Z'));
  });

  test('CLI: an unhandled problem exits non-zero; a start outside the data is DPR-006', async () => {
    const d = tmpDir();
    dirs.push(d);
    for (const name of readdirSync(SHARED_DATA)) if (name !== 'ethereum') symlinkSync(path.join(SHARED_DATA, name), path.join(d, name));
    mkdirSync(path.join(d, 'ethereum'));
    for (const f of readdirSync(path.join(SHARED_DATA, 'ethereum'))) {
      let text = readFileSync(path.join(SHARED_DATA, 'ethereum', f), 'utf8');
      if (f.startsWith('ethereum_gas_prices')) text = text.replace('2024-03-01T05:00:00Z,ethereum,19340', '2024-03-01T05:00:00Z,ethereum,x19340').replace(/(2024-03-01T05:00:00Z,ethereum,x?\d+,\d+,)[^,]+/, '$1oops');
      writeFileSync(path.join(d, 'ethereum', f), text);
    }
    const bad = await run(['data', 'check', '--mode', 'pure_lending', '--data-dir', d]);
    expect(bad.code).toBe(65);
    expect(bad.out).toContain('unreadable gas:ethereum:gwei');
    expect(bad.out).toMatch(/line \d+, column 5/);
    const early = await run(['data', 'check', '--mode', 'eth_leveraged', '--data-dir', SHARED_DATA, '--start', '2024-01-01']);
    expect(early.code).toBe(65);
    expect(early.err).toContain('DPR-006');
  });
});
