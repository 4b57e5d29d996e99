import { describe, expect, it } from 'vitest';
import { loadConfig, resolveRunParams } from '../../src/config/index.js';
import { openHistoricalData } from '../../src/data/index.js';
import type { ModeName } from '../../src/domain/params.js';
import { ExposureMonitor } from '../../src/components/exposureMonitor.js';
import { PositionMonitor } from '../../src/components/positionMonitor.js';
import { PositionRef } from '../../src/components/positionRef.js';
import { rewardScheduleFor } from '../../src/engine/backtest.js';
import { backtestKernel } from '../support/backtestKernel.js';
import { EventStore } from '../../src/events/store.js';
import { DetailRow } from '../../src/events/detailRow.js';
import { BasisError } from '../../src/errors/base.js';
import { SHARED_DATA } from '../engine/helpers.js';

/** The figures an ExposureMonitor publishes, for a bit-for-bit comparison. */
function figures(e: ExposureMonitor): number[] {
  return [
    e.usdtUnits, e.ethUnits, e.btcUnits, e.equity, e.inFlightValue, e.netDeltaEth, e.netDeltaBtc, e.longEth, e.shortEth, e.longBtc, e.shortBtc,
    e.aaveCollateralEth, e.aaveDebtEth, e.aaveCollateralUsdt, ...e.cexCollateral, ...e.perpNotional, ...e.perpUpnl,
  ];
}

describe('the hot path computes what the plain code would', () => {
  it.each(['btc_basis', 'usdt_market_neutral', 'usdt_market_neutral_no_leverage'] as const)(
    '%s: after every tick of its full history the exposure (kept partial sums) equals a fresh monitor, bit for bit',
    async (mode: ModeName) => {
      const { config } = loadConfig({ dataDir: SHARED_DATA });
      const params = resolveRunParams(config, mode);
      const timeline = await openHistoricalData({ dataDir: SHARED_DATA, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: params.engine.stepMinutes, fundingHoursUtc: params.engine.fundingHoursUtc, cacheDir: null });
      const rewards = rewardScheduleFor(params, SHARED_DATA, config.data, null);
      let ticks = 0;
      let differing = 0;
      let firstDiff = '';
      let prefixChanges = 0;
      let lastVersion = -1;
      const kernel = backtestKernel(params, timeline, rewards, (k) => {
        ticks++;
        if (k.positions.version !== lastVersion) prefixChanges++;
        lastVersion = k.positions.version;
        const fresh = new ExposureMonitor(params.mode.shareClass, k.positions.slots);
        fresh.compute(k.positions, k.market as Parameters<ExposureMonitor['compute']>[1]);
        const a = figures(k.exposure as ExposureMonitor);
        const b = figures(fresh);
        const bad = a.findIndex((x, i) => !Object.is(x, b[i]));
        if (bad >= 0) {
          differing++;
          if (firstDiff === '') firstDiff = `tick ${ticks}, figure ${bad}: ${a[bad]} vs ${b[bad]}`;
        }
      });
      kernel.runSync();
      expect(ticks).toBe(timeline.length);
      // The book changed many times over the run (entries, rebalances, funding): the kept sums were retaken each time.
      expect(prefixChanges).toBeGreaterThan(100);
      expect(firstDiff).toBe('');
      expect(differing).toBe(0);
    },
  );

  it('a PositionRef reads what amount(key) reads, follows a new book and refuses a key the mode does not hold', () => {
    const a = new PositionMonitor(['wallet:BaseToken:USDT', 'wallet:BaseToken:ETH']);
    const b = new PositionMonitor(['wallet:BaseToken:ETH', 'wallet:BaseToken:USDT']);
    a.applyFill({ deltaCount: 1, deltaSlots: [1], deltaAmounts: [2.5], perpEntries: [], started: undefined, creditedId: undefined });
    b.applyFill({ deltaCount: 1, deltaSlots: [0], deltaAmounts: [7], perpEntries: [], started: undefined, creditedId: undefined });
    const ref = new PositionRef('wallet:BaseToken:ETH');
    expect(ref.amount(a)).toBe(2.5);
    expect(ref.amount(b)).toBe(7);
    a.applyFill({ deltaCount: 1, deltaSlots: [1], deltaAmounts: [0.5], perpEntries: [], started: undefined, creditedId: undefined });
    expect(ref.amount(a)).toBe(a.amount('wallet:BaseToken:ETH'));
    expect(ref.amount(a)).toBe(3);
    const missing = new PositionRef('okx:BaseToken:ETH');
    expect(() => missing.amount(a)).toThrow(BasisError);
    expect(() => missing.amount(a)).toThrow(/POS-001|not subscribed/);
  });

  it('details recorded from a DetailRow read back as the object with the same keys in the same order', () => {
    const book = new PositionMonitor(['wallet:BaseToken:USDT', 'binance:BaseToken:USDT', 'binance:Perp:BTCUSDT']);
    const store = new EventStore(book, { nowMs: 0 });
    const row = new DetailRow(['rate8h', 'markUsdt', 'sizeBase', 'paymentUsdt', 'fallback'], ['fallback']);
    const cases: Array<[number, number, number, number, boolean]> = [
      [0.0001, 65_000.5, -1.25, 8.125, false],
      [-0.00003, 64_000, -1.25, -2.4, true],
      [0, Number.NaN, -0.5, Number.NaN, false],
    ];
    for (const [rate8h, markUsdt, sizeBase, paymentUsdt, fallback] of cases) {
      row.values.set([rate8h, markUsdt, sizeBase, paymentUsdt, fallback ? 1 : 0]);
      store.begin('FUNDING_SETTLED', 'completed', 'binance', 'BTCUSDT', undefined, undefined, undefined, undefined, undefined, undefined);
      store.setDetailRow(row);
      // The same event with its details as an object, through the generic path.
      store.begin('FUNDING_SETTLED', 'completed', 'binance', 'BTCUSDT', undefined, undefined, undefined, undefined, undefined, undefined);
      store.setDetails({ rate8h, markUsdt, sizeBase, paymentUsdt, fallback });
    }
    for (let i = 0; i < cases.length; i++) {
      const fromRow = store.at(2 * i)?.details;
      const fromObject = store.at(2 * i + 1)?.details;
      expect(fromRow).toEqual(fromObject);
      expect(JSON.stringify(fromRow)).toBe(JSON.stringify(fromObject));
      expect(Object.keys(fromRow ?? {})).toEqual(['rate8h', 'markUsdt', 'sizeBase', 'paymentUsdt', 'fallback']);
      expect(fromRow?.['fallback']).toBe(cases[i]?.[4]);
    }
  });
});
