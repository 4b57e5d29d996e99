import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatError } from '../../src/errors/base.js';
import { ERROR_CODES } from '../../src/errors/codes.js';
import { resolveRunParams, type BasisConfig } from '../../src/config/index.js';
import type { ModeName } from '../../src/domain/params.js';
import { cleanupSandboxes, expectBasisError, lineIn, problemsOf, sandbox } from './helpers.js';

afterAll(cleanupSandboxes);

describe('error codes', () => {
  it('CFG-001: a config file that cannot be read', () => {
    const s = sandbox();
    s.remove('local.json');
    mkdirSync(join(s.configDir, 'local.json')); // a directory where a file is expected
    const [p] = problemsOf(() => s.load(), 'CFG-001');
    expect(p).toMatchObject({ code: 'CFG-001', file: 'configs/local.json' });
  });

  it('CFG-002: a placeholder secret, located in its dotenv file, value not echoed', () => {
    const s = sandbox();
    s.write('deploy/.env', 'BASIS__SECRETS__BINANCE__APIKEY=your_binance_api_key\n');
    const err = expectBasisError(() => s.load());
    expect(err.code).toBe('CFG-002');
    expect(err.problems[0]).toMatchObject({ path: 'secrets.binance.apiKey', file: 'deploy/.env', line: 1, received: 'a placeholder' });
    expect(formatError(err)).not.toContain('your_binance_api_key');
  });

  it('CFG-003: a required file or directory is missing', () => {
    const s = sandbox();
    s.remove('staging.json');
    s.remove('share_classes');
    const problems = problemsOf(() => s.load({ env: 'staging' }), 'CFG-003');
    expect(problems.map((p) => p.file).sort()).toEqual(['configs/share_classes', 'configs/staging.json']);
  });

  it('CFG-004: syntax errors with file, line and column, in YAML and JSON, all reported', () => {
    const s = sandbox();
    s.edit('modes/btc_basis.yaml', 'initialCapital: 100000', 'initialCapital: [100000');
    s.write('local.json', '{\n  "engine": {\n    "stepMinutes": 15,\n  }\n}\n');
    s.write('venues/curve.yaml', 'venue: curve\nvenue: curve\nkind: dex\ninstruments: []\n');
    const problems = problemsOf(() => s.load(), 'CFG-004');
    const files = problems.map((p) => p.file);
    expect(files).toContain('configs/modes/btc_basis.yaml');
    expect(files).toContain('configs/local.json');
    expect(problems.find((p) => p.file === 'configs/venues/curve.yaml')).toMatchObject({ line: 2 });
    expect(problems.find((p) => p.file === 'configs/local.json')?.line).toBe(4);
    for (const p of problems) expect(p.line).toBeGreaterThan(0);
  });

  it('CFG-004: a file that is not a mapping', () => {
    const s = sandbox();
    s.write('dev.json', '[1, 2]');
    expect(problemsOf(() => s.load(), 'CFG-004')[0]).toMatchObject({ file: 'configs/dev.json', expected: 'mapping' });
  });

  it('CFG-005: schema problems name file, line, path, expected and found — every one of them', () => {
    const s = sandbox();
    s.edit('modes/btc_basis.yaml', 'initialCapital: 100000', 'initialCapital: -5');
    s.edit('modes/pure_lending.yaml', 'asset: USDT', 'asset: USDT\nassett: USDT');
    s.edit('venues/okx.yaml', 'takerRate: 0.0005', 'takerRate: "0.0005"');
    s.edit('modes/eth_leveraged.yaml', 'entryMethod: atomic', 'entryMethod: flash');
    s.write('local.json', '{\n  "engine": { "stepMinutes": 0 }\n}');
    const err = expectBasisError(() => s.load());
    expect(err.code).toBe('CFG-005');
    const byPath = new Map(err.problems.map((p) => [p.path, p]));
    expect(byPath.get('modes.btc_basis.initialCapital')).toMatchObject({
      code: 'CFG-005',
      file: 'configs/modes/btc_basis.yaml',
      line: lineIn(s, 'modes/btc_basis.yaml', 'initialCapital'),
      expected: '> 0',
      received: '-5',
    });
    expect(byPath.get('modes.pure_lending.assett')).toMatchObject({ file: 'configs/modes/pure_lending.yaml', line: lineIn(s, 'modes/pure_lending.yaml', 'assett'), expected: expect.stringContaining('no such key') });
    expect(byPath.get('cex.okx.perpFees.takerRate')).toMatchObject({ file: 'configs/venues/okx.yaml', line: lineIn(s, 'venues/okx.yaml', '"0.0005"'), expected: 'number', received: 'string "0.0005"' });
    expect(byPath.get('modes.eth_leveraged.strategy.leverage.entryMethod')).toMatchObject({ expected: '"atomic" | "loop"', received: '"flash"' });
    expect(byPath.get('engine.stepMinutes')).toMatchObject({ file: 'configs/local.json', line: 2, received: '0' });
    expect(err.problems.length).toBeGreaterThanOrEqual(5);
    expect(err.exitCode).toBe(78);
  });

  it('CFG-005: a missing key points at the object that lacks it; a wrong strategy kind names the options', () => {
    const s = sandbox();
    s.edit('modes/btc_basis.yaml', /\n {4}deltaTolerance: 0\.02/, '');
    s.edit('modes/pure_lending.yaml', 'kind: pure_lending', 'kind: lending');
    const problems = problemsOf(() => s.load(), 'CFG-005');
    expect(problems.find((p) => p.path === 'modes.btc_basis.strategy.hedge.deltaTolerance')).toMatchObject({
      file: 'configs/modes/btc_basis.yaml',
      line: lineIn(s, 'modes/btc_basis.yaml', 'hedge:'),
      received: 'nothing (missing)',
    });
    expect(problems.find((p) => p.path === 'modes.pure_lending.strategy.kind')).toMatchObject({ expected: expect.stringContaining('"btc_basis"') });
  });

  it('CFG-005: malformed position keys and unknown series keys', () => {
    const s = sandbox();
    s.edit('modes/pure_lending.yaml', '  - aave_v3:aToken:aUSDT', '  - aave_v3:Supply:aUSDT');
    s.edit('modes/pure_lending.yaml', '  - gas:ethereum:gwei', '  - gas:ethereum:wei');
    const paths = problemsOf(() => s.load(), 'CFG-005').map((p) => p.path);
    expect(paths).toContain('modes.pure_lending.positions.2');
    expect(paths).toContain('modes.pure_lending.dataRequirements.2');
  });

  it('CFG-006: resolveRunParams with an unknown mode', () => {
    const { config } = sandbox().load();
    const err = expectBasisError(() => resolveRunParams(config as BasisConfig, 'ml_btc_directional' as ModeName));
    expect(err.code).toBe('CFG-006');
    expect(err.problems[0]).toMatchObject({ received: 'ml_btc_directional', expected: expect.stringContaining('btc_basis') });
  });

  it('CFG-007: a layer giving a value where a lower layer has an object', () => {
    const s = sandbox();
    s.write('local.json', '{\n  "aave": {\n    "emode": 0.93\n  }\n}\n');
    const [p] = problemsOf(() => s.load(), 'CFG-007');
    expect(p).toMatchObject({ file: 'configs/local.json', line: 3, path: 'aave.emode' });
    expect(p?.message).toContain('configs/venues/aave_v3.yaml');
  });

  it('CFG-009: an unknown environment, from the option or from BASIS_ENV', () => {
    const s = sandbox();
    expect(problemsOf(() => s.load({ env: 'production' }), 'CFG-009')[0]).toMatchObject({ file: '--env', expected: 'dev | staging | prod', received: 'production' });
    expect(problemsOf(() => s.load({ environ: { BASIS_ENV: 'test' } }), 'CFG-009')[0]).toMatchObject({ file: '$BASIS_ENV', received: 'test' });
  });

  it('CFG-010: unknown path or untypeable value in BASIS__ variables and deploy/.env, all named', () => {
    const s = sandbox();
    s.write('deploy/.env', 'BASIS__ENGINE__STEPMINUTS=5\n');
    const problems = problemsOf(
      () => s.load({ environ: { BASIS__NOPE__X: '1', BASIS__ENGINE__STEPMINUTES: 'sixty', BASIS__ENGINE__FUNDINGHOURSUTC: '0,8,16', BASIS__SECRETS__OKX__SECRET__X: 'a' } }),
      'CFG-010',
    );
    const files = problems.map((p) => p.file);
    expect(files).toEqual(
      expect.arrayContaining(['$BASIS__NOPE__X', '$BASIS__ENGINE__STEPMINUTES', '$BASIS__ENGINE__FUNDINGHOURSUTC', '$BASIS__SECRETS__OKX__SECRET__X', 'deploy/.env']),
    );
    expect(problems.find((p) => p.file === '$BASIS__ENGINE__STEPMINUTES')).toMatchObject({ path: 'engine.stepMinutes', expected: 'a number', received: '"sixty"' });
    expect(problems.find((p) => p.file === 'deploy/.env')).toMatchObject({ line: 1, path: 'ENGINE.STEPMINUTS' });
  });

  it('CFG-011: a window outside the data, and a required series without a file', () => {
    const s = sandbox();
    s.edit('modes/eth_leveraged.yaml', 'start: null', 'start: 2024-05-01');
    s.edit('modes/btc_basis.yaml', 'end: null', 'end: 2025-12-31');
    const problems = problemsOf(() => s.load({ dataDir: '/work/shared/data' }), 'CFG-011');
    expect(problems.find((p) => p.path === 'modes.eth_leveraged.start')).toMatchObject({
      file: 'configs/modes/eth_leveraged.yaml',
      line: lineIn(s, 'modes/eth_leveraged.yaml', 'start:'),
      expected: expect.stringContaining('>= 2024-05-12'),
      received: '2024-05-01',
    });
    expect(problems.find((p) => p.path === 'modes.btc_basis.end')).toMatchObject({ expected: expect.stringContaining('<= 2025-09-2'), received: '2025-12-31' });
    expect(problems).toHaveLength(2);

    const empty = sandbox();
    const missing = problemsOf(() => empty.load({ dataDir: join(empty.root, 'no-data') }), 'CFG-011');
    expect(missing.some((p) => p.path === 'modes.pure_lending.dataRequirements.0' && p.received === 'none')).toBe(true);
  });

  it('CFG-011: fallback series do not constrain the window; paths.dataDir is used when no dataDir is given', () => {
    const s = sandbox();
    // okx BTC perp has no file at all and okx funding starts 2024-05-01; both fall back to binance.
    s.edit('modes/btc_basis.yaml', 'start: null', 'start: 2024-01-02');
    s.write('local.json', '{ "paths": { "dataDir": "/work/shared/data" } }');
    expect(() => s.load({ dataDir: undefined })).not.toThrow();
    s.edit('modes/btc_basis.yaml', 'start: 2024-01-02', 'start: 2023-12-01');
    expect(problemsOf(() => s.load({ dataDir: undefined }), 'CFG-011')).toHaveLength(1);
  });

  it('CFG-012: bad --set overrides', () => {
    const s = sandbox();
    const problems = problemsOf(() => s.load({ overrides: ['engine.stepMinutes', 'engine.nope=1', 'engine.stepMinutes=abc'] }), 'CFG-012');
    expect(problems).toHaveLength(3);
    expect(problems.map((p) => p.file)).toEqual(['--set engine.stepMinutes', '--set engine.nope', '--set engine.stepMinutes']);
  });

  it('every code used is registered with exit code 78', () => {
    for (const code of ['CFG-001', 'CFG-002', 'CFG-003', 'CFG-004', 'CFG-005', 'CFG-006', 'CFG-007', 'CFG-008', 'CFG-009', 'CFG-010', 'CFG-011', 'CFG-012'] as const) {
      expect(ERROR_CODES[code].exitCode).toBe(78);
    }
  });

  it('formats a report without a stack trace', () => {
    const s = sandbox();
    s.edit('modes/btc_basis.yaml', 'initialCapital: 100000', 'initialCapital: 0');
    const text = formatError(expectBasisError(() => s.load()));
    expect(text).toMatch(/^error CFG-005: configuration invalid: 1 problem/);
    expect(text).toContain(`CFG-005 configs/modes/btc_basis.yaml:line ${lineIn(s, 'modes/btc_basis.yaml', 'initialCapital')} at modes.btc_basis.initialCapital`);
    expect(text).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  });
});
