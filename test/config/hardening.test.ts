import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { redactUrl, redactUrlsIn } from '../../src/config/index.js';
import { parseCsv, parseTimestamp } from '../../src/data/csv.js';
import { formatError } from '../../src/errors/base.js';
import { cleanupSandboxes, expectBasisError, lineIn, problemsOf, sandbox } from './helpers.js';

afterAll(cleanupSandboxes);

const polluted = (): unknown[] => {
  const probe: Record<string, unknown> = {};
  return [probe.polluted, probe.x, (Object.prototype as Record<string, unknown>).polluted];
};

afterEach(() => {
  // Every test below feeds a prototype key to the loader: none may reach Object.prototype.
  expect(polluted()).toEqual([undefined, undefined, undefined]);
});

describe('prototype keys (__proto__, constructor, prototype) are CFG-013 in every layer', () => {
  it('local.json: {"__proto__": {...}} names the file and line, and Object.prototype is untouched', () => {
    const s = sandbox();
    s.write('local.json', '{\n  "engine": {},\n  "__proto__": { "polluted": "yes" }\n}\n');
    const [p, ...rest] = problemsOf(() => s.load(), 'CFG-013');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ code: 'CFG-013', file: 'configs/local.json', line: 3, path: '__proto__' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('nested in the default JSON and in a mode YAML, every key name', () => {
    const s = sandbox();
    s.edit('default.json', '"secrets": {', '"costs2": { "constructor": { "prototype": { "x": 1 } } },\n  "secrets": {');
    s.edit('modes/btc_basis.yaml', 'start: null', 'start: null\nprototype:\n  x: 1');
    s.edit('modes/pure_lending.yaml', 'end: null', 'end: null\n__proto__:\n  x: 1');
    const problems = problemsOf(() => s.load(), 'CFG-013');
    expect(problems.map((p) => p.path).sort()).toEqual(['costs2.constructor', 'modes.btc_basis.prototype', 'modes.pure_lending.__proto__']);
    const mode = problems.find((p) => p.path === 'modes.btc_basis.prototype');
    expect(mode).toMatchObject({ file: 'configs/modes/btc_basis.yaml', line: lineIn(s, 'modes/btc_basis.yaml', 'prototype:') });
  });

  it('a mode file named __proto__.yaml', () => {
    const s = sandbox();
    s.write('modes/__proto__.yaml', 'x: 1\n');
    expect(problemsOf(() => s.load(), 'CFG-013')[0]).toMatchObject({ path: 'modes.__proto__' });
  });

  it('--set paths and --set JSON values', () => {
    const s = sandbox();
    const err = expectBasisError(() =>
      s.load({
        overrides: ['__proto__.polluted=yes', 'engine.constructor.prototype.x=1', 'modes.btc_basis.strategy.hedge={"__proto__":{"polluted":"yes"}}'],
      }),
    );
    expect(err.problems.map((p) => p.code)).toEqual(['CFG-013', 'CFG-013', 'CFG-013']);
    expect(err.problems[0]).toMatchObject({ file: '--set __proto__.polluted', path: '__proto__.polluted' });
    expect(err.problems[2]?.path).toBe('modes.btc_basis.strategy.hedge.__proto__');
  });

  it('BASIS__ environment variables and deploy/.env files', () => {
    const s = sandbox();
    s.write('deploy/.env', 'BASIS__ENGINE__CONSTRUCTOR__X=1\n');
    const problems = problemsOf(() => s.load({ environ: { BASIS__MODES__BTC_BASIS__PROTOTYPE: '1', BASIS__ENGINE__prototype__X: '1' } }), 'CFG-013');
    expect(problems.map((p) => p.file).sort()).toEqual(['$BASIS__ENGINE__prototype__X', '$BASIS__MODES__BTC_BASIS__PROTOTYPE', 'deploy/.env']);
    expect(problems.find((p) => p.file === 'deploy/.env')).toMatchObject({ line: 1 });
  });
});

describe('YAML alias bombs and missing files', () => {
  it('a "billion laughs" mode file is CFG-014 naming the file, not a crash', () => {
    const s = sandbox();
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    s.edit('modes/btc_basis.yaml', 'start: null', `start: null\n${levels.join('\n')}`);
    const err = expectBasisError(() => s.load());
    expect(err.problems).toEqual([expect.objectContaining({ code: 'CFG-014', file: 'configs/modes/btc_basis.yaml' })]);
  });

  it('a few honest aliases are still fine', () => {
    const s = sandbox();
    s.write('local.json', '{}');
    expect(() => s.load()).not.toThrow();
  });

  it('a missing mode file of a known mode is CFG-003 naming that file', () => {
    const s = sandbox();
    s.remove('modes/eth_leveraged.yaml');
    const problems = problemsOf(() => s.load(), 'CFG-003');
    expect(problems).toEqual([expect.objectContaining({ file: 'configs/modes/eth_leveraged.yaml', path: 'modes.eth_leveraged' })]);
  });

  it('BASIS_CONFIG_DIR selects the config directory (a missing one is CFG-003)', () => {
    const s = sandbox();
    s.edit('modes/btc_basis.yaml', 'initialCapital: 100000', 'initialCapital: 4242');
    const loaded = s.load({ configDir: undefined, environ: { BASIS_CONFIG_DIR: s.configDir } });
    expect(loaded.config.modes.btc_basis.initialCapital).toBe(4242);
    expect(problemsOf(() => s.load({ configDir: undefined, environ: { BASIS_CONFIG_DIR: `${s.root}/nope` } }), 'CFG-003')).toHaveLength(1);
  });
});

describe('secrets never appear in a message', () => {
  it('a --set override of a secret with the wrong type, an unknown key under secrets, a malformed secret --set', () => {
    const s = sandbox();
    const err = expectBasisError(() =>
      s.load({ overrides: ['secrets.bybit={"apiKey":"sk-live-123456"}', 'secrets.alchemy.rpcUrl=https://eth.example/v2/KEY-abcdef123456', 'secrets.okx.apiKeyy=sk-other-999', 'secrets.bybit.apiKey:sk-colon-777'] }),
    );
    const text = formatError(err);
    for (const secret of ['sk-live-123456', 'KEY-abcdef123456', 'sk-other-999', 'sk-colon-777']) expect(text).not.toContain(secret);
  });

  it('an unknown key under secrets in local.json is reported with its value redacted', () => {
    const s = sandbox();
    s.write('local.json', '{ "secrets": { "bybit": { "apiKey": null, "secret": null, "token": "tok-secret-55555" } } }');
    const err = expectBasisError(() => s.load());
    expect(err.problems[0]).toMatchObject({ code: 'CFG-005', path: 'secrets.bybit.token', received: '[redacted]' });
    expect(formatError(err)).not.toContain('tok-secret-55555');
  });

  it('URLs are printed by scheme and host only', () => {
    expect(redactUrl('https://eth-mainnet.g.alchemy.com/v2/abcDEF123456')).toBe('https://eth-mainnet.g.alchemy.com/…');
    expect(redactUrl('https://user:pw@node.example:8545/?key=1#x')).toBe('https://node.example:8545/…');
    expect(redactUrl('https://node.example')).toBe('https://node.example');
    expect(redactUrl('not a url with sk-123')).not.toContain('sk-123');
    expect(redactUrlsIn('TypeError: Failed to parse URL from https://x.example/v3/SECRET1234.')).toBe('TypeError: Failed to parse URL from https://x.example/….');
  });
});

describe('dates in config are real calendar dates, in every form the tool prints', () => {
  it.each(['2024-02-30', '2023-02-29', '2024-04-31', '2024-13-01', '2024-01-01T24:00Z', '2024-01-01T00:60Z'])('%s in a mode file is CFG-005 naming the field', (bad) => {
    const s = sandbox();
    s.edit('modes/btc_basis.yaml', 'start: null', `start: "${bad}"`);
    expect(problemsOf(() => s.load(), 'CFG-005')).toEqual([expect.objectContaining({ path: 'modes.btc_basis.start', file: 'configs/modes/btc_basis.yaml' })]);
  });

  it.each(['2024-02-29', '2024-06-01T00:00Z', '2024-06-01T00:00', '2024-06-01T00:00:00Z', '2024-06-01T00:00:00+00:00', '2024-06-01T00:00:00.000Z'])('%s is accepted', (good) => {
    const s = sandbox();
    s.edit('modes/btc_basis.yaml', 'start: null', `start: "${good}"`);
    expect(s.load().config.modes.btc_basis.start).toBe(good);
  });

  it('the one parser: every printed form gives the same instant; impossible dates are NaN', () => {
    const at = Date.UTC(2025, 8, 26, 22, 0);
    for (const f of ['2025-09-26T22:00Z', '2025-09-26T22:00', '2025-09-26 22:00Z', '2025-09-26T22:00:00Z', '2025-09-26T22:00:00.000Z', '2025-09-26T22:00:00+00:00', '2025-09-26T23:00+01:00', new Date(at).toISOString()]) {
      expect(parseTimestamp(f), f).toBe(at);
    }
    for (const f of ['2024-02-30', '2023-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-01-00', '2025-09-26T22', '2025-09-26T22:00.5Z', '2025-09-26T22:0Z']) {
      expect(parseTimestamp(f), f).toBeNaN();
    }
    expect(parseTimestamp('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
    expect(parseTimestamp('1900-02-29')).toBeNaN();
  });

  it.each(['2024-02-30T00:00:00Z', '2023-02-29', '2024-04-31 00:00:00+00:00', '2024-13-01T00:00Z'])('a CSV row stamped %s is DPR-002 with file, line and column', (bad) => {
    const csv = parseCsv(`# note\ntimestamp,v\n2024-01-01T00:00:00Z,1\n${bad},2\n`, 'x/f.csv');
    const err = expectBasisError(() => csv.timestamps('timestamp'));
    expect(err.code).toBe('DPR-002');
    expect(err.problems[0]).toMatchObject({ file: 'x/f.csv', line: 4, column: 1, received: JSON.stringify(bad) });
  });
});
