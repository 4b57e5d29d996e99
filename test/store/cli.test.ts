import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureCli, scratch, REPO_ROOT } from '../cli/helpers.js';
import { openStore } from '../../src/store/open.js';

const cli = captureCli();
const WINDOW = ['--start', '2024-06-01', '--end', '2024-07-01'];

function ids(json: string): string[] {
  return (JSON.parse(json) as { runs: Array<{ id: string }> }).runs.map((r) => r.id);
}

describe('basis runs: the results store from the command line', () => {
  const dir = scratch('store');
  const db = path.join(dir, 'runs.sqlite');

  it('records every backtest, lists, shows, compares, exports (audit-clean) and deletes runs', async () => {
    expect(await cli.basis('--db', db, 'backtest', '--mode', 'btc_basis', ...WINDOW, '--capital', '100000', '--no-progress', '--out', path.join(dir, 'a'), '--label', 'base case')).toBe(0);
    const first = /stored: run ([0-9a-f]{12})/.exec(cli.out())?.[1] as string;
    expect(first).toBeDefined();
    expect(await cli.basis('--db', db, 'backtest', '--mode', 'btc_basis', ...WINDOW, '--capital', '250000', '--set', 'modes.btc_basis.strategy.hedge.targetMarginRatio=1.5', '--flow', '2024-06-15=+50000', '--no-progress', '--out', path.join(dir, 'b'))).toBe(0);
    const second = /stored: run ([0-9a-f]{12})/.exec(cli.out().split(first)[2] ?? '')?.[1] as string;
    expect(second).toMatch(/^[0-9a-f]{12}$/);
    const unstored = cli.out().length;
    expect(await cli.basis('--db', db, 'backtest', '--mode', 'btc_basis', ...WINDOW, '--no-store', '--no-progress', '--out', path.join(dir, 'c'))).toBe(0);
    expect(cli.out().slice(unstored)).toContain('results: ');
    expect(cli.out().slice(unstored)).not.toMatch(/stored: run/);

    const before = cli.out().length;
    expect(await cli.basis('--db', db, 'runs', 'list', '--json')).toBe(0);
    expect(ids(cli.out().slice(before))).toEqual([second, first]);
    const listed = cli.out().length;
    expect(await cli.basis('--db', db, 'runs', 'list', '--search', 'BASE')).toBe(0);
    const table = cli.out().slice(listed);
    expect(table).toContain(first);
    expect(table).not.toContain(second);
    expect(table).toMatch(/1 of 1 run in /);

    const shown = cli.out().length;
    expect(await cli.basis('--db', db, 'runs', 'show', first)).toBe(0);
    const summary = JSON.parse(readFileSync(path.join(dir, 'a', 'summary.json'), 'utf8')) as { finalEquity: number };
    expect(cli.out().slice(shown)).toContain(`run ${first} "base case": completed`);
    expect(cli.out().slice(shown)).toContain(summary.finalEquity.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));

    const shownSecond = cli.out().length;
    expect(await cli.basis('--db', db, 'runs', 'show', second)).toBe(0);
    expect(cli.out().slice(shownSecond)).toContain('flows 2024-06-15T00:00:00.000Z=+50000');

    const compared = cli.out().length;
    expect(await cli.basis('--db', db, 'runs', 'compare', first, second, '--json')).toBe(0);
    const cmp = JSON.parse(cli.out().slice(compared)) as { metrics: Array<{ name: string; values: number[] }>; configDiff: Array<{ path: string; values: unknown[] }> };
    expect(cmp.metrics.find((m) => m.name === 'finalEquity')?.values[0]).toBe(summary.finalEquity);
    expect(cmp.configDiff.map((d) => d.path).sort()).toEqual(['config.modes.btc_basis.initialCapital', 'config.modes.btc_basis.strategy.hedge.targetMarginRatio', 'flows', 'flows.0.amount', 'flows.0.at']);
    expect(cmp.configDiff.find((d) => d.path.endsWith('initialCapital'))?.values).toEqual([100000, 250000]);

    const exp = path.join(dir, 'export');
    expect(await cli.basis('--db', db, 'runs', 'export', first, '--out', exp)).toBe(0);
    for (const f of ['summary.json', 'config.json', 'timeseries.csv', 'events.jsonl']) {
      expect(readFileSync(path.join(exp, f), 'utf8')).toBe(readFileSync(path.join(dir, 'a', f), 'utf8'));
    }
    expect(await cli.basis('audit', 'verify', exp)).toBe(0);
    // An export never writes over anything: the same directory again is refused.
    expect(await cli.basis('--db', db, 'runs', 'export', first, '--out', exp)).not.toBe(0);
    expect(cli.err()).toMatch(/RUN-00[13]/);

    expect(await cli.basis('--db', db, 'runs', 'delete', first)).toBe(0);
    expect(existsSync(path.join(dir, 'a', 'summary.json'))).toBe(true);
    expect(await cli.basis('--db', db, 'runs', 'show', first)).toBe(66);
    expect(cli.err()).toContain('STORE-003');
    expect(await cli.basis('--db', db, 'runs', 'compare', second)).toBe(64);
    expect(cli.err()).toContain('CLI-001');
    expect(await cli.basis('--db', db, 'runs', 'list', '--status', 'finished')).toBe(64);
    expect(cli.err()).toMatch(/CLI-001.*--status.*expected queued \| running/);
  });

  it('records a secret-named --set override by its path only, as config.json does', async () => {
    expect(await cli.basis('--db', db, 'backtest', '--mode', 'pure_lending', '--start', '2025-09-01', '--end', '2025-09-03', '--set', 'secrets.binance.apiKey=not-for-the-store', '--no-progress', '--out', path.join(dir, 'secret'))).toBe(0);
    const id = /stored: run ([0-9a-f]{12})/.exec(cli.out())?.[1] as string;
    const store = await openStore({ file: db, env: {} });
    const run = await store.getRun(id);
    await store.close();
    expect(run?.request['set']).toEqual(['secrets.binance.apiKey=[redacted]']);
    expect(JSON.stringify(run)).not.toContain('not-for-the-store');
  });

  it('a CLI run killed mid-run is marked failed, with the reason, on the next open', async () => {
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/basis.js'), '--db', db, 'backtest', '--mode', 'btc_basis', ...WINDOW, '--no-progress', '--out', path.join(dir, 'killed')], {
      env: { ...process.env, BASIS_FAULT_PAUSE: 'run-started' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes('paused run-started')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`the run exited (${code}) before pausing: ${err}`)));
    });
    const running = await openStore({ file: db, env: {} });
    const live = (await running.listRuns({ status: 'running' })).runs;
    await running.close();
    expect(live).toHaveLength(1);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const start = cli.out().length;
    expect(await cli.basis('--db', db, 'runs', 'show', live[0]?.id as string)).toBe(0);
    expect(cli.out().slice(start)).toMatch(/: failed[\s\S]*error STORE-007: the process that was running it \(.+:\d+\) stopped before the run finished/);
    expect(existsSync(path.join(dir, 'killed'))).toBe(false);
  });
});
