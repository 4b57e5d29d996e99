import { describe, expect, it } from 'vitest';
import { loadConfig, resolveRunParams } from '../../src/config/index.js';
import { openHistoricalData } from '../../src/data/index.js';
import type { PositionKey } from '../../src/domain/positionKey.js';
import type { RunParams } from '../../src/domain/params.js';
import { MarketReader, MarketState } from '../../src/components/marketState.js';
import { EventDrivenStrategyEngine } from '../../src/engine/engine.js';
import { BasisError } from '../../src/errors/base.js';
import { SHARED_DATA } from './helpers.js';

async function desk() {
  const { config } = loadConfig({ dataDir: SHARED_DATA });
  const base = resolveRunParams(config, 'btc_basis');
  const params: RunParams = { ...base, mode: { ...base.mode, positions: [...base.mode.positions, 'wallet:BaseToken:BTC', 'okx:BaseToken:BTC'] as PositionKey[] } };
  const timeline = await openHistoricalData({
    dataDir: SHARED_DATA,
    requirements: params.mode.dataRequirements,
    policy: config.data,
    stepMinutes: 60,
    fundingHoursUtc: [0, 8, 16],
    startMs: Date.parse('2024-06-03T00:00:00Z'),
    endMs: Date.parse('2024-06-05T00:00:00Z'),
    cacheDir: null,
  });
  // The backtest assembly's kernel components and simulated venues, driven by hand one step at a time.
  const engine = new EventDrivenStrategyEngine(params, timeline, { costs: true, recordTimeseries: false });
  const { positions: pm, exposure, pnl, events: log, execution: exec } = engine;
  const m = new MarketState();
  /** Capital paid into a venue account from outside (reported like any fill, so venue and kernel agree). */
  const seed = (key: PositionKey, amount: number): number => exec.capitalFlow('DEPOSIT', key, amount, { amountToken: amount });
  const reader = new MarketReader(timeline, params.mode);
  const prev = new MarketState();
  // The engine's step: read the market, attribute the move of the unchanged book, then execute.
  const at = (i: number): void => {
    prev.copyFrom(m);
    reader.read(i, m);
    exposure.compute(pm, m);
    if (i > 0) pnl.marketMove(pm, exposure, prev, m);
    exec.at(m);
  };
  at(0);
  return { params, pm, exposure, pnl, log, exec, at, m, seed };
}

describe('transfer manager', () => {
  it('routes CEX → wallet → CEX leg by leg, buys deposit gas from the transiting USDT, and loses only what it books', async () => {
    const d = await desk();
    d.seed('binance:BaseToken:USDT', 10_000);
    d.exposure.compute(d.pm, d.m);
    const equity0 = d.exposure.equity;
    d.exec.execute({ kind: 'transfer', token: 'USDT', from: 'binance', to: 'bybit', amount: 5_000, purpose: 'test' });
    expect(d.pm.amount('binance:BaseToken:USDT')).toBe(5_000);
    expect(d.pm.inFlight).toHaveLength(1);
    for (let i = 1; i <= 4; i++) {
      d.at(i);
      d.exec.settleArrivals();
    }
    expect(d.pm.inFlight).toHaveLength(0);
    // 1 USDT withdrawal fee; the hop bought the wallet's gas float back with part of the transiting USDT.
    const swap = d.log.events.find((e) => e.type === 'DEX_SWAP');
    const spent = Number(swap?.details?.['amountInToken']);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(4_999 * 0.05);
    expect(d.pm.amount('bybit:BaseToken:USDT')).toBeCloseTo(4_999 - spent, 9);
    expect(d.pm.amount('wallet:BaseToken:ETH')).toBeGreaterThan(d.params.mode.strategy.gasFloat.minEth);
    const stages = d.log.events.filter((e) => e.type === 'TRANSFER_STEP').map((e) => `${e.details?.['leg']}:${e.details?.['stage']}`);
    expect(stages).toEqual(['1:sent', '1:credited', '2:sent', '2:credited']);
    expect(d.log.events.some((e) => e.type === 'DEX_SWAP')).toBe(true);
    d.exposure.compute(d.pm, d.m);
    // Price moves of the small ETH gas float are booked as price P&L; everything else is a booked cost.
    expect(Math.abs(d.exposure.equity - equity0 - d.pnl.total())).toBeLessThan(1e-9);
    expect(d.pnl.attribution().transferFees).toBe(-1);
  });

  it('refuses a transfer that would leave its source venue below the margin floor while in flight', async () => {
    const d = await desk();
    d.seed('bybit:BaseToken:USDT', 2_000);
    d.exec.execute({ kind: 'perp_trade', venue: 'bybit', symbol: 'BTCUSDT', deltaBase: -0.05, reduceOnly: false });
    d.exposure.compute(d.pm, d.m);
    const before = d.pm.balances();
    let err: unknown;
    try {
      d.exec.execute({ kind: 'transfer', token: 'USDT', from: 'bybit', to: 'binance', amount: 1_500, purpose: 'test' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BasisError);
    expect((err as BasisError).code).toBe('XFER-001');
    expect((err as BasisError).message).toMatch(/margin ratio would fall/);
    expect(d.pm.balances()).toEqual(before);
    expect(d.pm.inFlight).toHaveLength(0);
  });

  it('refuses routes through positions the mode does not subscribe and amounts below the withdrawal fee', async () => {
    const d = await desk();
    d.seed('binance:BaseToken:USDT', 100);
    expect(() => d.exec.execute({ kind: 'transfer', token: 'ETH', from: 'binance', to: 'bybit', amount: 1, purpose: 'test' })).toThrow(/XFER-001|not subscribed/);
    expect(() => d.exec.execute({ kind: 'transfer', token: 'USDT', from: 'binance', to: 'bybit', amount: 0.5, purpose: 'test' })).toThrow(/withdrawal fee/);
    expect(d.pm.amount('binance:BaseToken:USDT')).toBe(100);
  });

  it('rolls back what it can when a later leg fails: the funds stay credited in the wallet', async () => {
    const d = await desk();
    d.seed('binance:BaseToken:BTC', 0.1);
    d.exec.execute({ kind: 'transfer', token: 'BTC', from: 'binance', to: 'okx', amount: 0.1, purpose: 'test' });
    for (let i = 1; i <= 3; i++) {
      d.at(i);
      d.exec.settleArrivals();
    }
    // The deposit leg needs gas and the wallet holds no ETH (BTC cannot buy it gaslessly): rolled back.
    const last = d.log.events.filter((e) => e.type === 'TRANSFER_STEP').at(-1);
    expect(last?.status).toBe('rolled_back');
    expect(String(last?.details?.['reason'])).toMatch(/gas/);
    expect(d.pm.amount('wallet:BaseToken:BTC')).toBeCloseTo(0.1 - 0.0001, 12);
    expect(d.pm.amount('okx:BaseToken:BTC')).toBe(0);
    expect(d.pm.inFlight).toHaveLength(0);
  });
});

describe('a wallet hop whose gas top-up cannot pay for itself', () => {
  it('is refused as a whole (nothing of the top-up swap left behind), the run goes on, reconciles and replays', async () => {
    // Tight tolerances make btc_basis move small margin amounts through the wallet: the gasless top-up may take only
    // a share of such a transit, which does not buy even the swap's own gas.
    const { run, tmpDir } = await import('./helpers.js');
    const { verifyRun } = await import('../../src/events/audit.js');
    const { writeBacktestResults } = await import('../../src/engine/backtest.js');
    const out = await run({ mode: 'btc_basis', set: ['modes.btc_basis.strategy.hedge.deltaTolerance=0.001', 'modes.btc_basis.strategy.equityDeviation=0.001'] });
    const refused = out.events.filter((e) => e.type === 'TRANSFER_STEP' && e.status === 'rolled_back');
    expect(refused.length).toBeGreaterThan(0);
    for (const e of refused) {
      expect(e.deltas).toEqual([]);
      expect(String(e.details?.['reason'])).toMatch(/not enough ETH in the wallet for gas/);
    }
    expect(Math.abs(out.summary.reconciliation.residual)).toBeLessThan(1e-6 * out.summary.initialCapital);
    const dir = tmpDir('refused-hop');
    await writeBacktestResults(dir, out);
    const report = await verifyRun(dir);
    expect(report.problems).toEqual([]);
    expect(report.finalEquity).toBe(out.summary.finalEquity);
  });
});
