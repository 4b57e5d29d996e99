import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveRunParams } from '../../src/config/index.js';
import { runBacktest } from '../../src/engine/backtest.js';
import { COLUMN_GROUPS, columnGroups } from '../../web/src/charts/columns.js';
import { flattenParams, thresholdsFromParams } from '../../web/src/charts/runParams.js';

const SHARED_DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');

/** What the dashboard reads of a run's parameters and columns, on the shipped configuration and a real run. */
describe('the dashboard model', () => {
  const { config } = loadConfig({ dataDir: SHARED_DATA });

  it('draws the limits of the run: health factor and margin bands, e-mode LTVs, the leverage target and its band, maintenance per venue', () => {
    const p = resolveRunParams(config, 'usdt_market_neutral');
    // The params as config.json records them (what the API's /config and the report hand over).
    const t = thresholdsFromParams(JSON.parse(JSON.stringify(p)) as unknown);
    const s = p.mode.strategy as unknown as { leverage: { targetLtvBuffer: number; releverBand: number; deleverBand: number }; hedge: { targetMarginRatio: number } };
    const target = p.aave.emode.ltv * (1 - s.leverage.targetLtvBuffer);
    expect(t).toEqual({
      healthFactorWarn: p.mode.risk.healthFactorWarn,
      healthFactorEmergency: p.mode.risk.healthFactorEmergency,
      marginRatioWarn: p.mode.risk.marginRatioWarn,
      marginRatioRebalance: p.mode.risk.marginRatioRebalance,
      marginRatioEmergency: p.mode.risk.marginRatioEmergency,
      targetMarginRatio: s.hedge.targetMarginRatio,
      maxLtv: p.aave.emode.ltv,
      liquidationLtv: p.aave.emode.liquidationThreshold,
      targetLtv: target,
      ltvBand: [target - s.leverage.releverBand, target + s.leverage.deleverBand],
      maintenance: { binance: p.cex.binance.maintenanceMarginRate, bybit: p.cex.bybit.maintenanceMarginRate, okx: p.cex.okx.maintenanceMarginRate },
    });
    // A book without leverage or a hedge has no target band or margin target to draw.
    const plain = thresholdsFromParams(JSON.parse(JSON.stringify(resolveRunParams(config, 'pure_lending'))) as unknown);
    expect(plain.targetLtv).toBeUndefined();
    expect(plain.ltvBand).toBeUndefined();
    expect(plain.targetMarginRatio).toBeUndefined();
    expect(thresholdsFromParams(null)).toEqual({});
  });

  it('lists the strategy parameters as dotted paths with their values', () => {
    const p = resolveRunParams(config, 'usdt_market_neutral');
    const rows = new Map(flattenParams(JSON.parse(JSON.stringify(p.mode.strategy)) as unknown, 'strategy'));
    const s = p.mode.strategy as unknown as { hedge: { hedgeAllocation: { okx: number } }; lst: { token: string } };
    expect(rows.get('strategy.hedge.hedgeAllocation.okx')).toBe(String(s.hedge.hedgeAllocation.okx));
    expect(rows.get('strategy.lst.token')).toBe(s.lst.token);
    expect(flattenParams({ a: [1, 2], b: null })).toEqual([
      ['a', '1, 2'],
      ['b', '–'],
    ]);
  });

  it('asks for every drawn column of a real run, each view’s columns in one group, and nothing it does not draw', async () => {
    const out = await runBacktest({ mode: 'usdt_market_neutral', dataDir: SHARED_DATA, progress: false, start: '2024-06-01', end: '2024-07-01', flows: ['2024-06-15T00:00:00Z=10000'] });
    const names = out.frame.columns.map((c) => c.name);
    const groups = columnGroups(names);
    const asked = new Set(groups.flat());
    const drawn = names.filter((n) => !n.startsWith('pos:') && !n.startsWith('supplyApr:') && n !== 'inFlight' && n !== 'units');
    expect([...asked].sort()).toEqual(drawn.sort());
    const together = (...cols: string[]): boolean => groups.some((g) => cols.every((c) => g.includes(c)));
    expect(together('equity', 'navPerShare', 'benchmark:sUSDe')).toBe(true);
    expect(together('netDelta:ETH', 'price:ETH', 'equity')).toBe(true);
    expect(together('marginRatio:binance', 'marginUsdt:binance', 'marginRatio:okx', 'marginUsdt:okx')).toBe(true);
    expect(together('lstRate:weETH', 'stakingApr:weETH', 'borrowApr:WETH')).toBe(true);
    expect(together(...names.filter((n) => n.startsWith('pnl:')))).toBe(true);
    expect(groups.length).toBe(COLUMN_GROUPS.length);
  }, 60_000);
});
