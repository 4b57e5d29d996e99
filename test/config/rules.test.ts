import { afterAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/errors/base.js';
import { cleanupSandboxes, lineIn, problemsOf, sandbox, type Sandbox } from './helpers.js';

afterAll(cleanupSandboxes);

/** Applies `edit` to a fresh sandbox and returns the CFG-008 problems (and asserts there is no other kind). */
function violations(edit: (s: Sandbox) => void, opts: { env?: string; overrides?: string[] } = {}): { s: Sandbox; problems: Problem[] } {
  const s = sandbox();
  edit(s);
  const all = problemsOf(() => s.load(opts));
  expect(all.filter((p) => p.code !== 'CFG-008'), JSON.stringify(all)).toEqual([]);
  return { s, problems: all };
}

describe('cross-field rules (CFG-008)', () => {
  it('hedge allocations sum to 1', () => {
    const { s, problems } = violations((s) => s.edit('modes/btc_basis.yaml', '{ binance: 0.4, bybit: 0.3, okx: 0.3 }', '{ binance: 0.4, bybit: 0.3, okx: 0.2 }'));
    expect(problems).toEqual([
      expect.objectContaining({ path: 'modes.btc_basis.strategy.hedge.hedgeAllocation', file: 'configs/modes/btc_basis.yaml', line: lineIn(s, 'modes/btc_basis.yaml', 'hedgeAllocation'), expected: '1 (±1e-9)', received: '0.9' }),
    ]);
  });

  it('a sum within 1e-9 of 1 passes', () => {
    const s = sandbox();
    s.edit('modes/btc_basis.yaml', '{ binance: 0.4, bybit: 0.3, okx: 0.3 }', '{ binance: 0.1, bybit: 0.2, okx: 0.7 }');
    expect(() => s.load()).not.toThrow();
  });

  it('hedges only on venues the mode lists', () => {
    const { problems } = violations((s) => s.edit('modes/btc_basis.yaml', 'venues: [wallet, binance, bybit, okx]', 'venues: [wallet, binance, bybit]'));
    const paths = problems.map((p) => p.path);
    expect(paths).toContain('modes.btc_basis.strategy.hedge.hedgeAllocation.okx');
    // the okx positions are now at a venue the mode does not use, too
    expect(paths).toContain('modes.btc_basis.positions.5');
  });

  it('target LTV: λ + deleverBand < e-mode max LTV', () => {
    const { problems } = violations((s) => s.edit('modes/eth_leveraged.yaml', 'deleverBand: 0.005', 'deleverBand: 0.03'));
    expect(problems.find((p) => p.path === 'modes.eth_leveraged.strategy.leverage.deleverBand')).toMatchObject({ expected: '< 0.93', received: '0.9394005' });
  });

  it('e-mode max LTV < liquidation threshold', () => {
    const { s, problems } = violations((s) => s.edit('venues/aave_v3.yaml', 'ltv: 0.93', 'ltv: 0.96'));
    expect(problems.find((p) => p.path === 'aave.emode.ltv')).toMatchObject({ file: 'configs/venues/aave_v3.yaml', line: lineIn(s, 'venues/aave_v3.yaml', 'ltv: 0.96'), expected: '< 0.95', received: '0.96' });
  });

  it('the health factor at the de-lever edge stays above the warning band', () => {
    const { problems } = violations((s) => s.edit('modes/usdt_market_neutral.yaml', 'healthFactorWarn: 1.035', 'healthFactorWarn: 1.04'));
    expect(problems).toEqual([expect.objectContaining({ path: 'modes.usdt_market_neutral.risk.healthFactorWarn', received: '1.04' })]);
  });

  it('the re-lever band stays above LTV 0', () => {
    const { problems } = violations((s) => s.edit('modes/eth_leveraged.yaml', 'releverBand: 0.01', 'releverBand: 0.95'));
    expect(problems.map((p) => p.path)).toEqual(['modes.eth_leveraged.strategy.leverage.releverBand']);
  });

  it('mode listed in its share class, and the share class exists', () => {
    const a = violations((s) => s.edit('modes/btc_basis.yaml', 'shareClass: USDT', 'shareClass: ETH'));
    expect(a.problems).toEqual([expect.objectContaining({ path: 'modes.btc_basis.shareClass', expected: 'USDT', received: 'ETH' })]);
    const b = violations((s) => s.remove('share_classes/eth.yaml'));
    expect(b.problems).toEqual([expect.objectContaining({ path: 'modes.eth_leveraged.shareClass', message: 'no share class file declares ETH' })]);
  });

  it('every venue of a mode has a venue file', () => {
    const { problems } = violations((s) => {
      s.remove('venues/uniswap.yaml');
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['modes.eth_leveraged.venues.3', 'modes.pure_lending.venues.2', 'modes.usdt_market_neutral.venues.3', 'modes.usdt_market_neutral_no_leverage.venues.2']);
    expect(problems[0]).toMatchObject({ expected: 'configs/venues/uniswap.yaml' });
  });

  it('position keys: at a venue of the mode, and a canonical instrument of that venue', () => {
    const { problems } = violations((s) => {
      s.edit('modes/pure_lending.yaml', '  - aave_v3:aToken:aUSDT', '  - aave_v3:aToken:aETH\n  - lido:LST:wstETH');
    });
    expect(problems.map((p) => [p.path, p.received])).toEqual([
      ['modes.pure_lending.positions.2', 'aave_v3:aToken:aETH'],
      ['modes.pure_lending.positions.3', 'lido'],
    ]);
  });

  it('duplicate position keys', () => {
    const { problems } = violations((s) => s.edit('modes/pure_lending.yaml', '  - aave_v3:aToken:aUSDT', '  - aave_v3:aToken:aUSDT\n  - aave_v3:aToken:aUSDT'));
    expect(problems.map((p) => p.path)).toEqual(['modes.pure_lending.positions']);
  });

  it('price series are among the data requirements', () => {
    const { problems } = violations((s) => s.edit('modes/pure_lending.yaml', '  ETH: spot:bybit:ETHUSDT', '  ETH: spot:binance:ETHUSDT'));
    expect(problems).toEqual([expect.objectContaining({ path: 'modes.pure_lending.priceSeries.ETH', received: 'spot:binance:ETHUSDT' })]);
  });

  it('risk bands are ordered', () => {
    const { problems } = violations((s) => {
      s.edit('modes/btc_basis.yaml', 'healthFactorEmergency: 1.01', 'healthFactorEmergency: 1.05');
      s.edit('modes/btc_basis.yaml', 'marginRatioWarn: 0.25', 'marginRatioWarn: 0.6');
      s.edit('modes/btc_basis.yaml', 'deltaBreach: 0.05', 'deltaBreach: 0.01');
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['modes.btc_basis.risk.deltaWarn', 'modes.btc_basis.risk.healthFactorEmergency', 'modes.btc_basis.risk.marginRatioWarn']);
  });

  it('emergency margin ratio above zero-liquidation and emergency before warn', () => {
    const { problems } = violations((s) => s.edit('modes/pure_lending.yaml', 'marginRatioEmergency: 0.08', 'marginRatioEmergency: 0.3'));
    expect(problems.map((p) => p.path)).toEqual(['modes.pure_lending.risk.marginRatioEmergency']);
  });

  it('the emergency health factor lies above 1', () => {
    const { problems } = violations((s) => s.edit('modes/pure_lending.yaml', 'healthFactorEmergency: 1.01', 'healthFactorEmergency: 0.99'));
    expect(problems.map((p) => [p.path, p.expected])).toEqual([['modes.pure_lending.risk.healthFactorEmergency', '> 1']]);
  });

  it('marginRatioEmergency > maintenanceMarginRate of every CEX the mode uses', () => {
    const { problems } = violations((s) => {
      s.edit('venues/bybit.yaml', 'maintenanceMarginRate: 0.01', 'maintenanceMarginRate: 0.09');
      s.edit('venues/bybit.yaml', 'initialMarginRate: 0.05', 'initialMarginRate: 0.1');
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['modes.btc_basis.risk.marginRatioEmergency', 'modes.eth_basis.risk.marginRatioEmergency', 'modes.usdt_market_neutral.risk.marginRatioEmergency', 'modes.usdt_market_neutral_no_leverage.risk.marginRatioEmergency']);
    expect(problems[0]?.expected).toBe('> 0.09');
  });

  it('maintenance margin below initial margin', () => {
    const { s, problems } = violations((s) => s.edit('venues/okx.yaml', 'initialMarginRate: 0.05', 'initialMarginRate: 0.008'));
    expect(problems).toEqual([expect.objectContaining({ path: 'cex.okx.maintenanceMarginRate', file: 'configs/venues/okx.yaml', line: lineIn(s, 'venues/okx.yaml', 'maintenanceMarginRate'), expected: '< initialMarginRate 0.008' })]);
  });

  it('rebalancing restores a margin ratio above its trigger', () => {
    const { problems } = violations((s) => s.edit('modes/btc_basis.yaml', 'targetMarginRatio: 1.0', 'targetMarginRatio: 0.4'));
    // The redistribution band sits between the trigger and the target, so it breaks with them.
    expect(problems.map((p) => p.path)).toEqual(['modes.btc_basis.risk.marginRatioRebalance', 'modes.btc_basis.strategy.hedge.redistributeMarginRatio']);
  });

  it('collateral is redistributed between the rebalance trigger and the target', () => {
    for (const v of ['0.4', '1.2']) {
      const { problems } = violations((s) => s.edit('modes/usdt_market_neutral.yaml', 'redistributeMarginRatio: 0.9', `redistributeMarginRatio: ${v}`));
      expect(problems).toEqual([expect.objectContaining({ path: 'modes.usdt_market_neutral.strategy.hedge.redistributeMarginRatio', received: v })]);
    }
  });

  it('redeploying excess margin starts above the target margin ratio', () => {
    const { problems } = violations((s) => s.edit('modes/btc_basis.yaml', 'redeployMarginRatio: 2.0', 'redeployMarginRatio: 0.9'));
    expect(problems).toEqual([expect.objectContaining({ path: 'modes.btc_basis.strategy.hedge.redeployMarginRatio', received: '0.9' })]);
  });

  it('stakeAllocation in (0, 1)', () => {
    for (const v of ['0', '1']) {
      const { problems } = violations((s) => s.edit('modes/usdt_market_neutral.yaml', 'stakeAllocation: 0.5', `stakeAllocation: ${v}`));
      expect(problems).toEqual([expect.objectContaining({ path: 'modes.usdt_market_neutral.strategy.stakeAllocation', expected: 'in (0, 1)', received: v })]);
    }
  });

  it('the strategy kind equals the mode name, and the mode field its file name', () => {
    const a = violations((s) => s.edit('modes/eth_leveraged.yaml', 'mode: eth_leveraged', 'mode: usdt_market_neutral'));
    expect(a.problems).toEqual([expect.objectContaining({ path: 'modes.eth_leveraged.mode', expected: 'eth_leveraged', received: 'usdt_market_neutral' })]);
    const b = violations((s) => {
      // pure_lending.yaml carrying a btc_basis strategy block
      s.edit('modes/pure_lending.yaml', /strategy:[\s\S]*?\n(?=# Risk)/, 'strategy:\n  kind: btc_basis\n  spotVenue: binance\n  hedge: { hedgeAllocation: { binance: 1, bybit: 0, okx: 0 }, targetMarginRatio: 1, deltaTolerance: 0.02, redeployMarginRatio: 2, redistributeMarginRatio: 0.9, minMoveUsdt: 100, minMoveFraction: 0.002 }\n  equityDeviation: 0.02\n  gasFloat: { targetEth: 0.05, minEth: 0.02 }\n');
    });
    expect(b.problems.find((p) => p.path === 'modes.pure_lending.strategy.kind')).toMatchObject({ expected: 'pure_lending', received: 'btc_basis' });
  });

  it('the asset is fixed by the mode', () => {
    const { problems } = violations((s) => s.edit('modes/btc_basis.yaml', 'asset: BTC', 'asset: ETH'));
    expect(problems).toEqual([expect.objectContaining({ path: 'modes.btc_basis.asset', expected: 'BTC', received: 'ETH' })]);
  });

  it('the LST matches its staking venue, which the mode uses', () => {
    const a = violations((s) => s.edit('modes/eth_leveraged.yaml', 'token: weETH', 'token: wstETH'), { overrides: ['modes.eth_leveraged.strategy.lst.rewards=base_only'] });
    expect(a.problems.map((p) => [p.path, p.expected])).toEqual([['modes.eth_leveraged.strategy.lst.stakingVenue', 'lido']]);
    const b = violations(() => undefined, { overrides: ['modes.eth_leveraged.strategy.lst.token=wstETH', 'modes.eth_leveraged.strategy.lst.stakingVenue=lido', 'modes.eth_leveraged.strategy.lst.rewards=base_only'] });
    expect(b.problems.map((p) => p.path)).toEqual(['modes.eth_leveraged.strategy.lst.stakingVenue']);
    expect(b.problems[0]?.file).toBe('--set modes.eth_leveraged.strategy.lst.stakingVenue=…');
    // with the venue list switched too, wstETH is a valid configuration
    const s = sandbox();
    expect(() =>
      s.load({ overrides: ['modes.eth_leveraged.strategy.lst.token=wstETH', 'modes.eth_leveraged.strategy.lst.stakingVenue=lido', 'modes.eth_leveraged.strategy.lst.rewards=base_only', 'modes.eth_leveraged.venues=["wallet","aave_v3","lido","uniswap"]'] }),
    ).not.toThrow();
  });

  it('EtherFi rewards only with weETH', () => {
    const { problems } = violations(() => undefined, { overrides: ['modes.eth_leveraged.strategy.lst.token=wstETH', 'modes.eth_leveraged.strategy.lst.stakingVenue=lido', 'modes.eth_leveraged.venues=["wallet","aave_v3","lido","uniswap"]'] });
    expect(problems).toEqual([expect.objectContaining({ path: 'modes.eth_leveraged.strategy.lst.rewards', expected: 'base_only for wstETH', received: 'etherfi_published' })]);
  });

  it('the spot venue is a venue of the mode', () => {
    const { problems } = violations((s) => s.edit('modes/usdt_market_neutral.yaml', 'spotVenue: binance', 'spotVenue: okx\n'), { overrides: ['modes.usdt_market_neutral.venues=["wallet","aave_v3","etherfi","uniswap","binance","bybit"]', 'modes.usdt_market_neutral.strategy.hedge.hedgeAllocation={"binance":0.5,"bybit":0.5,"okx":0}'] });
    const paths = problems.map((p) => p.path);
    expect(paths).toContain('modes.usdt_market_neutral.strategy.spotVenue');
  });

  it('gas float minimum at most its target', () => {
    const { problems } = violations((s) => s.edit('modes/eth_leveraged.yaml', '{ targetEth: 0.5, minEth: 0.2 }', '{ targetEth: 0.1, minEth: 0.2 }'));
    expect(problems.map((p) => p.path)).toEqual(['modes.eth_leveraged.strategy.gasFloat.minEth']);
  });

  it('start before end', () => {
    const { problems } = violations((s) => {
      s.edit('modes/btc_basis.yaml', 'start: null', 'start: 2024-06-01');
      s.edit('modes/btc_basis.yaml', 'end: null', 'end: 2024-06-01');
    });
    expect(problems).toEqual([expect.objectContaining({ path: 'modes.btc_basis.start', expected: '< end 2024-06-01' })]);
  });

  it('venue and cex files describe the venue they are named after', () => {
    const { problems } = violations((s) => {
      s.remove('venues/curve.yaml');
      s.write('venues/curve.yaml', 'venue: uniswap\nkind: dex\ninstruments: [uniswap:BaseToken:ETH]\n');
    });
    expect(problems.map((p) => p.path)).toEqual(['venues.curve.venue', 'venues.curve.instruments.0']);
    const b = violations((s) => s.edit('venues/lido.yaml', '  - lido:LST:wstETH', '  - etherfi:LST:wstETH'));
    expect(b.problems.map((p) => p.path)).toEqual(['venues.lido.instruments.0']);
  });

  it('data policies: fallbacks only with onMissing fallback, never to itself, known series only', () => {
    const s0 = sandbox();
    s0.write(
      'local.json',
      JSON.stringify({
        data: {
          series: {
            'spot:binance:BTCUSDT': { onMissing: 'fail', maxStaleHours: 1, fallback: 'spot:bybit:BTCUSDT' },
            'perp:okx:BTCUSDT': { onMissing: 'fallback', maxStaleHours: 1, fallback: null },
            'perp:binance:BTCUSDT': { onMissing: 'fallback', maxStaleHours: 1, fallback: 'perp:binance:BTCUSDT' },
          },
        },
      }),
    );
    const problems = problemsOf(() => s0.load(), 'CFG-008');
    expect(problems.map((p) => p.path).sort()).toEqual(['data.series.perp:binance:BTCUSDT.fallback', 'data.series.perp:okx:BTCUSDT.fallback', 'data.series.spot:binance:BTCUSDT.fallback']);
  });

  it('all rule violations of all modes arrive in one report', () => {
    const { problems } = violations((s) => {
      s.edit('modes/btc_basis.yaml', '{ binance: 0.4, bybit: 0.3, okx: 0.3 }', '{ binance: 0.5, bybit: 0.3, okx: 0.3 }');
      s.edit('modes/usdt_market_neutral.yaml', 'stakeAllocation: 0.5', 'stakeAllocation: 1');
      s.edit('modes/eth_leveraged.yaml', 'asset: ETH', 'asset: USDT');
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['modes.btc_basis.strategy.hedge.hedgeAllocation', 'modes.eth_leveraged.asset', 'modes.usdt_market_neutral.strategy.stakeAllocation']);
  });
});
