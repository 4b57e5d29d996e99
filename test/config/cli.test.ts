import { Command } from 'commander';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { registerConfigCommands } from '../../src/cli/commands/config.js';
import { BasisError } from '../../src/errors/base.js';
import { MODE_NAMES } from '../../src/domain/params.js';
import { cleanupSandboxes, lineIn, sandbox, type Sandbox } from './helpers.js';

afterAll(cleanupSandboxes);
afterEach(() => vi.restoreAllMocks());

async function run(s: Sandbox, args: string[]): Promise<string> {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  });
  const program = new Command('basis').exitOverride();
  registerConfigCommands(program);
  await program.parseAsync(['node', 'basis', ...args, '--config-dir', s.configDir, '--deploy-dir', s.deployDir]);
  return chunks.join('');
}

describe('basis config', () => {
  it('show prints the merged config of one mode as YAML, secrets redacted', async () => {
    const s = sandbox();
    s.write('deploy/.env', 'BASIS__SECRETS__BYBIT__APIKEY=bybit-key-123\nBASIS__SECRETS__ALCHEMY__RPCURL=https://eth-mainnet.example/v2/abcdef\n');
    const out = await run(s, ['config', 'show', '--mode', 'btc_basis']);
    expect(out).not.toContain('bybit-key-123');
    expect(out).not.toContain('abcdef');
    const doc = parse(out.split('\n').slice(1).join('\n')) as Record<string, Record<string, unknown>>;
    expect(Object.keys(doc.modes ?? {})).toEqual(['btc_basis']);
    expect(Object.keys(doc.cex ?? {}).sort()).toEqual(['binance', 'bybit', 'okx']);
    expect(doc.secrets).toMatchObject({ bybit: { apiKey: '[redacted]', secret: null }, alchemy: { rpcUrl: '[redacted]' } });
  });

  it('show --json with --env and --set', async () => {
    const s = sandbox();
    const out = await run(s, ['config', 'show', '--mode', 'pure_lending', '--env', 'prod', '--json', '--set', 'modes.pure_lending.initialCapital=42']);
    const doc = JSON.parse(out) as { env: string; logging: { level: string }; modes: Record<string, { initialCapital: number }>; venues: Record<string, unknown> };
    expect(doc.env).toBe('prod');
    expect(doc.logging.level).toBe('warn');
    expect(doc.modes.pure_lending?.initialCapital).toBe(42);
    expect(Object.keys(doc.venues).sort()).toEqual(['aave_v3', 'uniswap', 'wallet']);
  });

  it('show --explain names layer, file and line for every value', async () => {
    const s = sandbox();
    const out = await run(s, ['config', 'show', '--mode', 'usdt_market_neutral', '--explain']);
    const lines = out.trim().split('\n').slice(1);
    expect(lines.length).toBeGreaterThan(150);
    for (const l of lines) expect(l).toMatch(/ = .*  # (default|env|share_class|venue|mode|local|cli|environ|dotenv) /);
    const stake = lines.find((l) => l.startsWith('modes.usdt_market_neutral.strategy.stakeAllocation = 0.5'));
    expect(stake).toContain(`configs/modes/usdt_market_neutral.yaml:${lineIn(s, 'modes/usdt_market_neutral.yaml', 'stakeAllocation:')}`);
    expect(lines.find((l) => l.startsWith('logging.level = "debug"'))).toContain('configs/dev.json:2');
    expect(lines.some((l) => l.startsWith('modes.btc_basis.'))).toBe(false);
  });

  it('show rejects an unknown mode with CFG-006', async () => {
    const s = sandbox();
    await expect(run(s, ['config', 'show', '--mode', 'ml_btc_directional'])).rejects.toMatchObject({ code: 'CFG-006' });
  });

  it('validate passes on the shipped configs and fails with every problem otherwise', async () => {
    const s = sandbox();
    expect(await run(s, ['config', 'validate', '--data-dir', '/work/shared/data'])).toMatch(new RegExp(`^config ok: env dev, ${MODE_NAMES.length} modes valid`));
    s.edit('modes/btc_basis.yaml', 'initialCapital: 100000', 'initialCapital: 0');
    s.edit('modes/eth_leveraged.yaml', 'deleverBand: 0.005', 'deleverBand: 0.05');
    const err = await run(s, ['config', 'validate']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BasisError);
    const be = err as BasisError;
    expect(be.exitCode).toBe(78);
    expect(be.problems.map((p) => p.code).sort()).toEqual(['CFG-005', 'CFG-008', 'CFG-008']);
  });
});
