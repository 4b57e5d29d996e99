import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../src/engine/runRecord.js';
import { captureCli, REPO_ROOT, scratch, SHARED_DATA } from './helpers.js';

const cli = captureCli();
const WINDOW = ['--mode', 'btc_basis', '--start', '2025-01-01T00:00Z', '--end', '2025-02-01T00:00Z', '--data-dir', SHARED_DATA, '--no-progress'];

interface ConfigJson {
  run: { -readonly [K in keyof RunRecord]: RunRecord[K] } & { data: { fingerprint: string; files: { path: string; sha256: string }[] } };
  config: unknown;
}
const json = <T = Record<string, unknown>>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const recorded = (dir: string): ConfigJson => json<ConfigJson>(path.join(dir, 'config.json'));
const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('--json, the run record and --from-run', () => {
  it('--json prints only the summary JSON on stdout; the results line goes to stderr', async () => {
    const out = path.join(scratch('json'), 'run');
    expect(await cli.basis('backtest', ...WINDOW, '--json', '--out', out)).toBe(0);
    const doc = JSON.parse(cli.out()) as { finalEquity: number; mode: string };
    expect(doc.mode).toBe('btc_basis');
    expect(doc.finalEquity).toBe(json(path.join(out, 'summary.json')).finalEquity);
    expect(cli.err()).toContain(`results: ${out}/`);
  });

  it('config.json records costs, capital, window, data fingerprint, version and commit; the report shows them', async () => {
    const out = path.join(scratch('rec'), 'run');
    expect(await cli.basis('backtest', ...WINDOW, '--no-costs', '--capital', '25000', '--set', 'modes.btc_basis.strategy.hedge.targetMarginRatio=1.4', '--out', out)).toBe(0);
    const { run } = recorded(out);
    const pkg = json<{ version: string }>(path.join(REPO_ROOT, 'package.json'));
    expect(run).toMatchObject({
      costs: false,
      capital: 25000,
      shareClass: 'USDT',
      version: pkg.version,
      window: { start: '2025-01-01T00:00:00.000Z', end: '2025-02-01T00:00:00.000Z', endInclusive: true },
      request: { start: '2025-01-01T00:00Z', end: '2025-02-01T00:00Z', set: ['modes.btc_basis.strategy.hedge.targetMarginRatio=1.4'] },
      dataDir: path.resolve(SHARED_DATA),
    });
    expect(run.commit).toMatch(/^([0-9a-f]{40}|unknown)$/);
    expect(run.data.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const files = run.data.files;
    expect(files.length).toBeGreaterThan(0);
    const first = files[0]!;
    expect(createHash('sha256').update(readFileSync(path.join(SHARED_DATA, first.path))).digest('hex')).toBe(first.sha256);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    for (const s of ['off (--no-costs)', '25000 USDT', '2025-01-01T00:00:00.000Z → 2025-02-01T00:00:00.000Z', run.data.fingerprint.slice(0, 16), `>${pkg.version}<`]) expect(html).toContain(s);
    expect(cli.out()).toContain('2025-01-01 00:00Z -> 2025-02-01 00:00Z (31.0 days, end inclusive: last step)');
  });

  it('--from-run repeats a run exactly: mode, window, capital, costs and every override (same final equity, same events)', async () => {
    const dir = scratch('from');
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    expect(await cli.basis('backtest', ...WINDOW, '--no-costs', '--capital', '30000', '--set', 'modes.btc_basis.strategy.hedge.targetMarginRatio=1.4', '--out', a)).toBe(0);
    expect(await cli.basis('backtest', '--from-run', a, '--no-progress', '--out', b)).toBe(0);
    expect(cli.err()).not.toMatch(/warning/);
    expect(json(path.join(b, 'summary.json')).finalEquity).toBe(json(path.join(a, 'summary.json')).finalEquity);
    expect(sha(path.join(b, 'events.jsonl'))).toBe(sha(path.join(a, 'events.jsonl')));
    expect(sha(path.join(b, 'timeseries.csv'))).toBe(sha(path.join(a, 'timeseries.csv')));
    const ra = recorded(a);
    const rb = recorded(b);
    expect(rb.config).toEqual(ra.config);
    expect(rb.run.costs).toBe(false);
    expect(rb.run.capital).toBe(30000);
  });

  it('--from-run warns when the recorded data fingerprint or version differ', async () => {
    const dir = scratch('warn');
    const a = path.join(dir, 'a');
    expect(await cli.basis('backtest', ...WINDOW, '--out', a)).toBe(0);
    const copy = path.join(dir, 'copy');
    cpSync(a, copy, { recursive: true });
    const doc = recorded(copy);
    doc.run.version = '0.0.1-old';
    doc.run.data.fingerprint = '0'.repeat(64);
    writeFileSync(path.join(copy, 'config.json'), JSON.stringify(doc));
    expect(await cli.basis('backtest', '--from-run', copy, '--no-progress', '--out', path.join(dir, 'b'))).toBe(0);
    expect(cli.err()).toMatch(/warning: the run was made by basis 0\.0\.1-old/);
    expect(cli.err()).toMatch(/warning: the data differ from the recorded run's/);
  });

  it('--from-run refuses flags that would change the run, and a directory that is not a run', async () => {
    const dir = scratch('refuse');
    for (const extra of [['--mode', 'btc_basis'], ['--no-costs'], ['--capital', '5'], ['--set', 'engine.stepMinutes=5'], ['--start', '2025-01-02']]) {
      const code = await cli.basis('backtest', '--from-run', dir, ...extra, '--no-progress', '--out', path.join(dir, 'x'));
      expect(code).toBe(64);
      expect(cli.err()).toMatch(/CLI-001.*cannot be combined/);
    }
    expect(await cli.basis('backtest', '--from-run', dir, '--no-progress', '--out', path.join(dir, 'x'))).toBe(64);
    expect(cli.err()).toMatch(/BT-001: --from-run: no config.json/);
    writeFileSync(path.join(dir, 'config.json'), '{"mode":"btc_basis","params":{}}');
    expect(await cli.basis('backtest', '--from-run', dir, '--no-progress', '--out', path.join(dir, 'x'))).toBe(64);
    expect(cli.err()).toMatch(/BT-001: --from-run: config.json does not record how the run was made/);
    expect(existsSync(path.join(dir, 'x'))).toBe(false);
  });
});

describe('secrets stay out of a run directory', () => {
  it('a --set of a secret is recorded as [redacted] in config.json and the report', async () => {
    const out = path.join(scratch('secret'), 'run');
    const key = 'KEYabcdef0123456789secret';
    expect(await cli.basis('backtest', ...WINDOW, '--set', `secrets.alchemy.rpcUrl=https://eth.example/v2/${key}`, '--out', out)).toBe(0);
    expect(recorded(out).run.request.set).toEqual(['secrets.alchemy.rpcUrl=[redacted]']);
    for (const f of ['config.json', 'report.html', 'summary.json', 'events.jsonl']) expect(readFileSync(path.join(out, f), 'utf8')).not.toContain(key);
    expect(cli.out() + cli.err()).not.toContain(key);
  });
});

describe('dates on the command line', () => {
  it.each(['2024-02-30', '2023-02-29', '2024-04-31', '2024-13-01', '2024-06-01T25:00Z', 'yesterday'])('--start %s is BT-001 naming start', async (bad) => {
    const out = path.join(scratch('date'), 'run');
    expect(await cli.basis('backtest', '--mode', 'btc_basis', '--start', bad, '--end', '2024-08-01', '--data-dir', SHARED_DATA, '--no-progress', '--out', out)).toBe(64);
    expect(cli.err()).toMatch(/^error BT-001: start is not a real UTC date/);
    expect(existsSync(out)).toBe(false);
  });

  it('every form the tool prints is accepted back, and gives the same window', async () => {
    const forms = ['2024-06-01', '2024-06-01T00:00Z', '2024-06-01 00:00Z', '2024-06-01T00:00', '2024-06-01T00:00:00Z', '2024-06-01T00:00:00.000Z', '2024-06-01T00:00:00+00:00'];
    const dir = scratch('forms');
    for (const [i, f] of forms.entries()) {
      const out = path.join(dir, String(i));
      expect(await cli.basis('backtest', '--mode', 'pure_lending', '--start', f, '--end', '2024-06-03T00:00Z', '--data-dir', SHARED_DATA, '--no-progress', '--out', out), f).toBe(0);
      expect(json(path.join(out, 'summary.json'))).toMatchObject({ start: '2024-06-01T00:00:00.000Z', end: '2024-06-03T00:00:00.000Z' });
    }
  });

  it('`data check` rejects an impossible date with a code', async () => {
    expect(await cli.basis('data', 'check', '--mode', 'btc_basis', '--start', '2024-02-30', '--data-dir', SHARED_DATA)).toBe(64);
    expect(cli.err()).toMatch(/CLI-001/);
  });
});
