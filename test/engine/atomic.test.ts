import { describe, expect, it } from 'vitest';
import { loadConfig, resolveRunParams } from '../../src/config/index.js';
import { openHistoricalData } from '../../src/data/index.js';
import { MarketReader, MarketState } from '../../src/components/marketState.js';
import { EventDrivenStrategyEngine } from '../../src/engine/engine.js';
import { SHARED_DATA } from './helpers.js';

describe('atomic groups', () => {
  it('a flash-loan leverage that would end above the e-mode max LTV rolls back every delta, its gas and its e-mode flag', async () => {
    const { config } = loadConfig({ dataDir: SHARED_DATA });
    const params = resolveRunParams(config, 'eth_leveraged');
    const tl = await openHistoricalData({ dataDir: SHARED_DATA, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir: null, startMs: Date.parse('2024-06-03T00:00:00Z'), endMs: Date.parse('2024-06-04T00:00:00Z') });
    const engine = new EventDrivenStrategyEngine(params, tl, { costs: true, recordTimeseries: false });
    const { positions: pm, pnl, events, execution } = engine;
    const m = new MarketState();
    new MarketReader(tl, params.mode).read(0, m);
    execution.at(m);
    execution.capitalFlow('DEPOSIT', 'wallet:BaseToken:ETH', 10, { amountToken: 10 });
    const before = pm.balances();

    execution.execute({ kind: 'atomic_leverage', lst: 'weETH', inputEth: 9, targetLtv: 0.95 });
    const rolled = events.events.at(-1);
    expect(rolled?.type).toBe('ATOMIC_LEVERAGE_ENTRY');
    expect(rolled?.status).toBe('rolled_back');
    expect(String(rolled?.details?.['reason'])).toMatch(/above e-mode max/);
    expect(pm.balances()).toEqual(before);
    expect(execution.gasPaid).toBe(0);
    expect(pnl.total()).toBe(0);

    execution.execute({ kind: 'atomic_leverage', lst: 'weETH', inputEth: 9, targetLtv: 0.9 });
    const done = events.events.at(-1);
    expect(done?.status).toBe('completed');
    // The e-mode switch was part of the rolled-back transaction, so this one pays for it again.
    expect(done?.gasUnits).toBe(params.costs.gasUnits.ATOMIC_ENTRY + params.costs.gasUnits.SET_EMODE_ONCE);
    const book = execution.aaveBook('weETH');
    expect(book.debtEth / book.collateralEth).toBeCloseTo(0.9, 12);
    expect(book.collateralEth - book.debtEth).toBeCloseTo(9, 9);
  });
});
