import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CorpusCase } from '../types.js';

/*
 * Bad configuration, in every layer. Each case works on its own copy of the project's configs/ ({scratch}/configs,
 * selected with BASIS_CONFIG_DIR), never on the project's files.
 */

const CONFIGS = fileURLToPath(new URL('../../../configs/', import.meta.url));
const ENV = { BASIS_CONFIG_DIR: '{scratch}/configs' } as const;

/** Copies configs/ (without a developer's local.json) into scratch, then applies `edit` to the copy. */
function withConfigs(edit: (dir: string) => void = () => undefined): (ctx: { scratch: string }) => void {
  return ({ scratch }) => {
    const dir = path.join(scratch, 'configs');
    cpSync(CONFIGS, dir, { recursive: true, filter: (src) => path.basename(src) !== 'local.json' });
    edit(dir);
  };
}

function write(rel: string, text: string): (dir: string) => void {
  return (dir) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
}

/** Appends YAML lines to a file of the copy. */
function append(rel: string, text: string): (dir: string) => void {
  return (dir) => writeFileSync(path.join(dir, rel), readFileSync(path.join(dir, rel), 'utf8').replace(/\n?$/, '\n') + text);
}

function replace(rel: string, from: string | RegExp, to: string): (dir: string) => void {
  return (dir) => {
    const file = path.join(dir, rel);
    const text = readFileSync(file, 'utf8');
    const next = text.replace(from, to);
    if (next === text) throw new Error(`corpus setup: ${String(from)} not found in ${rel}`);
    writeFileSync(file, next);
  };
}

/** A "billion laughs" document: 9 levels of 9 aliases each. */
function aliasBomb(): string {
  const lines = ['lol0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) lines.push(`lol${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(',')}]`);
  return lines.join('\n') + '\n';
}

const validate = ['config', 'validate'] as const;

export const cases: readonly CorpusCase[] = [
  { name: 'config: __proto__ at the top of local.json', class: 'config', setup: withConfigs(write('local.json', '{"__proto__":{"polluted":"yes"}}\n')), args: validate, env: ENV, expect: { code: 'CFG-013' } },
  { name: 'config: constructor.prototype nested in default.json', class: 'config', setup: withConfigs(replace('default.json', '"secrets": {', '"extra": { "constructor": { "prototype": { "polluted": 1 } } },\n  "secrets": {')), args: validate, env: ENV, expect: { code: 'CFG-013' } },
  { name: 'config: prototype key in a mode YAML', class: 'config', setup: withConfigs(append('modes/btc_basis.yaml', 'prototype:\n  polluted: yes\n')), args: validate, env: ENV, expect: { code: 'CFG-013' } },
  { name: 'config: __proto__ key in a venue YAML', class: 'config', setup: withConfigs(append('venues/okx.yaml', '__proto__:\n  polluted: yes\n')), args: validate, env: ENV, expect: { code: 'CFG-013' } },
  { name: 'config: __proto__ key in a share-class YAML', class: 'config', setup: withConfigs(append('share_classes/usdt.yaml', '__proto__:\n  polluted: yes\n')), args: validate, env: ENV, expect: { code: 'CFG-013' } },
  { name: 'config: a mode file named __proto__.yaml', class: 'config', setup: withConfigs(write('modes/__proto__.yaml', 'polluted: yes\n')), args: validate, env: ENV, expect: { code: 'CFG-013' } },
  { name: 'config: --set __proto__.polluted=yes', class: 'config', setup: withConfigs(), args: [...validate, '--set', '__proto__.polluted=yes'], env: ENV, expect: { code: 'CFG-013' } },
  { name: 'config: --set value is JSON holding __proto__', class: 'config', setup: withConfigs(), args: [...validate, '--set', 'modes.btc_basis.strategy.hedge={"__proto__":{"polluted":"yes"}}'], env: ENV, expect: { code: 'CFG-013' } },
  { name: 'config: BASIS__ENGINE__CONSTRUCTOR__X environment variable', class: 'config', setup: withConfigs(), args: validate, env: { ...ENV, BASIS__ENGINE__CONSTRUCTOR__X: '1' }, expect: { code: 'CFG-013' } },
  {
    name: 'config: prototype key in a deploy/.env file',
    class: 'config',
    setup: (ctx) => {
      withConfigs()(ctx);
      mkdirSync(path.join(ctx.scratch, 'deploy'));
      writeFileSync(path.join(ctx.scratch, 'deploy', '.env'), 'BASIS__MODES__BTC_BASIS__PROTOTYPE=1\n');
    },
    args: [...validate, '--deploy-dir', '{scratch}/deploy'],
    env: ENV,
    expect: { code: 'CFG-013' },
  },
  { name: 'config: __proto__ in local.json reaches backtest too', class: 'config', setup: withConfigs(write('local.json', '{"engine":{"__proto__":{"stepMinutes":1}}}\n')), args: ['backtest', '--mode', 'btc_basis', '--no-progress', '--out', '{scratch}/out'], env: ENV, expect: { code: 'CFG-013' } },
  { name: 'config: YAML alias bomb in a mode file', class: 'config', setup: withConfigs(append('modes/pure_lending.yaml', aliasBomb())), args: validate, env: ENV, expect: { code: 'CFG-014' } },
  { name: 'config: YAML alias bomb in a venue file', class: 'config', setup: withConfigs(append('venues/bybit.yaml', aliasBomb())), args: validate, env: ENV, expect: { code: 'CFG-014' } },
  { name: 'config: missing mode file of a known mode', class: 'config', setup: withConfigs((dir) => rmSync(path.join(dir, 'modes', 'btc_basis.yaml'))), args: validate, env: ENV, expect: { code: 'CFG-003' } },
  { name: 'config: missing default.json', class: 'config', setup: withConfigs((dir) => rmSync(path.join(dir, 'default.json'))), args: validate, env: ENV, expect: { code: 'CFG-003' } },
  { name: 'config: BASIS_CONFIG_DIR names a directory that does not exist', class: 'config', args: validate, env: { BASIS_CONFIG_DIR: '{scratch}/no-such-configs' }, expect: { code: 'CFG-003' } },
  { name: 'config: --config-dir names a file', class: 'config', setup: ({ scratch }) => writeFileSync(path.join(scratch, 'file'), 'x'), args: ['--config-dir', '{scratch}/file', ...validate], expect: { code: 'CFG-003' } },
  { name: 'config: malformed JSON in local.json', class: 'config', setup: withConfigs(write('local.json', '{"engine": {"stepMinutes": 60,}\n')), args: validate, env: ENV, expect: { code: 'CFG-004' } },
  { name: 'config: malformed YAML in a mode file', class: 'config', setup: withConfigs(append('modes/eth_leveraged.yaml', 'strategy: [unclosed\n')), args: validate, env: ENV, expect: { code: 'CFG-004' } },
  { name: 'config: duplicate key in a mode file', class: 'config', setup: withConfigs(append('modes/btc_basis.yaml', 'initialCapital: 5\n')), args: validate, env: ENV, expect: { code: 'CFG-004' } },
  { name: 'config: a mode file holding a list', class: 'config', setup: withConfigs(write('modes/btc_basis.yaml', '- 1\n- 2\n')), args: validate, env: ENV, expect: { code: 'CFG-004' } },
  { name: 'config: initialCapital of the wrong type', class: 'config', setup: withConfigs(replace('modes/btc_basis.yaml', /initialCapital: \d+/, 'initialCapital: lots')), args: validate, env: ENV, expect: { code: 'CFG-005' } },
  { name: 'config: unknown key in a mode file', class: 'config', setup: withConfigs(append('modes/pure_lending.yaml', 'initialCapitol: 5\n')), args: validate, env: ENV, expect: { code: 'CFG-005' } },
  { name: 'config: unknown key under secrets holding a secret (value redacted)', class: 'config', setup: withConfigs(write('local.json', '{"secrets":{"bybit":{"apiKey":null,"secret":null,"token":"tok-live-abcdef"}}}\n')), args: validate, env: ENV, expect: { code: 'CFG-005' } },
  { name: 'config: --set a secret group to the wrong shape (value redacted)', class: 'config', setup: withConfigs(), args: [...validate, '--set', 'secrets.bybit={"apiKey":12345}'], env: ENV, expect: { code: 'CFG-005' } },
  { name: 'config: --set a secret without "=" (not echoed)', class: 'config', setup: withConfigs(), args: [...validate, '--set', 'secrets.bybit.apiKey:sk-live-123'], env: ENV, expect: { code: 'CFG-012' } },
  { name: 'config: placeholder secret in local.json', class: 'config', setup: withConfigs(write('local.json', '{"secrets":{"bybit":{"apiKey":"your_api_key","secret":null}}}\n')), args: validate, env: ENV, expect: { code: 'CFG-002' } },
  { name: 'config: a value where a lower layer has an object', class: 'config', setup: withConfigs(write('local.json', '{"engine": 5}\n')), args: validate, env: ENV, expect: { code: 'CFG-007' } },
  { name: 'config: a mode start of 2024-02-30', class: 'config', setup: withConfigs(replace('modes/btc_basis.yaml', /^start: .*$/m, 'start: "2024-02-30"')), args: validate, env: ENV, expect: { code: 'CFG-005' } },
  { name: 'config: unknown environment from BASIS_ENV', class: 'config', setup: withConfigs(), args: validate, env: { ...ENV, BASIS_ENV: 'qa' }, expect: { code: 'CFG-009' } },
  {
    name: 'config: a mode start in the short form the tool prints',
    class: 'config',
    setup: withConfigs(replace('modes/btc_basis.yaml', /^start: .*$/m, 'start: "2024-06-01T00:00Z"')),
    args: validate,
    env: ENV,
    expect: { accepted: true, why: 'YYYY-MM-DDTHH:MMZ is the form the summary prints; it is a real UTC instant' },
  },
];
