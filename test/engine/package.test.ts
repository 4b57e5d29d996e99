import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SHARED_DATA } from './helpers.js';

describe("the package entry point ('basis', built by npm install)", () => {
  it('exports the library API and runs a backtest through it', () => {
    const script = `
      import { loadConfig, openHistoricalData, resolveRunParams, runBacktest, verifyRun, BasisError } from 'basis';
      const { config } = loadConfig({ dataDir: ${JSON.stringify(SHARED_DATA)} });
      const params = resolveRunParams(config, 'pure_lending');
      const tl = await openHistoricalData({ dataDir: ${JSON.stringify(SHARED_DATA)}, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir: null });
      const out = await runBacktest({ mode: 'pure_lending', dataDir: ${JSON.stringify(SHARED_DATA)}, start: '2024-06-01', end: '2024-07-01' });
      console.log(JSON.stringify({ steps: tl.length, runSteps: out.summary.steps, verify: typeof verifyRun, err: typeof BasisError }));
    `;
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8' });
    const r = JSON.parse(stdout.trim()) as { steps: number; runSteps: number; verify: string; err: string };
    expect(r.steps).toBeGreaterThan(15_000);
    expect(r.runSteps).toBe(30 * 24 + 1);
    expect(r.verify).toBe('function');
    expect(r.err).toBe('function');
  });

  it('answers --help for every command from the bin', () => {
    for (const args of [[], ['backtest'], ['audit', 'verify'], ['config', 'show'], ['config', 'validate'], ['data', 'check'], ['data', 'synth'], ['data', 'download']]) {
      const out = execFileSync(process.execPath, ['bin/basis.js', ...args, '--help'], { cwd: REPO_ROOT, encoding: 'utf8' });
      expect(out, args.join(' ')).toMatch(/^Usage: basis/);
    }
  });
});
