import { describe, expect, it } from 'vitest';
import { captureCli } from './helpers.js';

const cli = captureCli();

describe("commander's usage errors: one coded line on stderr, exit 64, nothing on stdout", () => {
  it.each([
    ['an unknown option', ['backtest', '--mode', 'btc_basis', '--bogus-flag'], /unknown option '--bogus-flag'.*see basis backtest --help/],
    ['a missing required option', ['config', 'show'], /required option '--mode <mode>' not specified.*see basis config show --help/],
    ['a missing --mode on backtest', ['backtest', '--start', '2024-01-01'], /required option '--mode <mode>'/],
    ['a missing option argument', ['backtest', '--mode', 'btc_basis', '--capital'], /option '--capital <amount>' argument missing/],
    ['a missing command argument', ['audit', 'verify'], /missing required argument 'run-dir'.*see basis audit verify --help/],
    ['an extra argument', ['config', 'validate', 'extra'], /too many arguments.*see basis config validate --help/],
    ['an unknown command', ['bogus'], /unknown command 'bogus'.*see basis --help/],
    ['an unknown subcommand', ['data', 'fetch'], /unknown command 'fetch'.*see basis data --help/],
    ['a typo with a suggestion', ['backtest', '--mdoe', 'btc_basis'], /unknown option '--mdoe' \(Did you mean --mode\?\)/],
  ])('%s', async (_what, args, message) => {
    const code = await cli.basis(...args);
    expect(code).toBe(64);
    expect(cli.out()).toBe('');
    const lines = cli.err().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error CLI-001: /);
    expect(lines[0]).toMatch(message);
    expect(cli.err()).not.toMatch(/^error: |Usage:/m);
  });

  it('a group without its subcommand prints its help, then one coded line', async () => {
    const code = await cli.basis('config');
    expect(code).toBe(64);
    expect(cli.err()).toMatch(/Usage: basis config/);
    expect(cli.err().trimEnd().split('\n').at(-1)).toBe('error CLI-001: missing command (see basis config --help)');
  });

  it('--help and --version still print normally and exit 0', async () => {
    expect(await cli.basis('--version')).toBe(0);
    expect(cli.out().trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await cli.basis('backtest', '--help')).toBe(0);
    expect(cli.out()).toMatch(/Usage: basis backtest/);
    expect(cli.out()).toMatch(/--from-run <dir>/);
    expect(cli.out()).toMatch(/inclusive/);
    expect(cli.err()).toBe('');
  });

  it('--rpc-url that is not a URL is CLI-001 and is not echoed', async () => {
    const code = await cli.basis('data', 'download', '--out', '/nonexistent/x', '--venues', 'none', '--rpc-url', 'eth-mainnet/v2/sk-secret-12345');
    expect(code).toBe(64);
    expect(cli.err()).toMatch(/CLI-001/);
    expect(cli.err()).not.toContain('sk-secret-12345');
  });
});
