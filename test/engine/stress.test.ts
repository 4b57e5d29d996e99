import { describe, expect, it } from 'vitest';
import { loadConfig, resolveRunParams } from '../../src/config/index.js';
import { openHistoricalData } from '../../src/data/index.js';
import { generateSynthetic } from '../../src/data/synth/index.js';
import { SHARED_DATA, column, run, tmpDir } from './helpers.js';

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 19) + 'Z';

/** The largest peak-to-trough fall of the ETH valuation price within any 7 days of the real data. */
async function largestEthDrop(): Promise<{ peakMs: number; troughMs: number; drop: number }> {
  const { config } = loadConfig({ dataDir: SHARED_DATA });
  const params = resolveRunParams(config, 'usdt_market_neutral');
  const tl = await openHistoricalData({ dataDir: SHARED_DATA, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir: null });
  const px = tl.series(params.mode.priceSeries.ETH as 'spot:bybit:ETHUSDT').values;
  let best = { peakMs: 0, troughMs: 0, drop: 0 };
  for (let j = 0; j < tl.length; j++) {
    for (let i = Math.max(0, j - 168); i < j; i++) {
      const drop = 1 - (px[j] as number) / (px[i] as number);
      if (drop > best.drop) best = { peakMs: tl.timestampsMs[i] as number, troughMs: tl.timestampsMs[j] as number, drop };
    }
  }
  return best;
}

describe('stress windows show the risk logic acting', () => {
  it('the largest ETH drop in the data: usdt_market_neutral stays hedged and redeploys the margin the shorts earned', async () => {
    const d = await largestEthDrop();
    expect(d.drop).toBeGreaterThan(0.25);
    const start = Math.floor((d.peakMs - 14 * DAY) / DAY) * DAY;
    const end = Math.floor((d.troughMs + 14 * DAY) / DAY) * DAY;
    const out = await run({ mode: 'usdt_market_neutral', start: iso(start), end: iso(end) });
    const acted = out.events.filter((e) => e.type === 'REBALANCE' && e.status === 'completed' && e.timestampMs >= d.peakMs);
    expect(acted.length).toBeGreaterThan(0);
    expect(acted.some((e) => /redeploy|margin|delta/.test(String(e.details?.['detail'])))).toBe(true);
    const margin = column(out, 'marginRatio:binance') as Float64Array;
    expect(Math.max(...Array.from(margin).filter((x) => !Number.isNaN(x)))).toBeGreaterThan(1.5);
    expect(out.summary.liquidations).toBe(0);
    expect(out.summary.emergencyStops).toBe(0);
    expect(out.summary.maxDrawdown).toBeGreaterThan(-0.02);
    expect(Math.abs(out.summary.reconciliation.residual)).toBeLessThan(1e-6 * out.summary.initialCapital);
  });

  it('a synthetic 3% LST depeg: eth_leveraged de-levers back to its target LTV and is not liquidated', async () => {
    const dir = tmpDir('depeg3');
    generateSynthetic({ seed: 11, outDir: dir, start: '2024-06-01', end: '2024-08-31', depeg: { at: '2024-07-15T12:00:00Z', size: 0.03 } });
    const out = await run({ mode: 'eth_leveraged', dataDir: dir, set: ['modes.eth_leveraged.strategy.lst.rewards=base_only'] });
    expect(out.summary.synthetic).toBe(true);
    const delever = out.events.filter((e) => e.type === 'ATOMIC_DELEVERAGE' && e.status === 'completed');
    expect(delever.length).toBeGreaterThan(0);
    expect(delever[0]?.timestampMs).toBeGreaterThanOrEqual(Date.parse('2024-07-15T12:00:00Z'));
    expect(out.summary.liquidations).toBe(0);
    const ltv = column(out, 'ltv') as Float64Array;
    const worst = Math.max(...Array.from(ltv).filter((x) => !Number.isNaN(x)));
    expect(worst).toBeLessThan(out.params.aave.emode.liquidationThreshold);
    expect(ltv[ltv.length - 1]).toBeLessThan(0.92);
  });

  it('a synthetic 8% LST depeg is beyond the buffer: the backtest applies the liquidation with its penalty and reports it', async () => {
    const dir = tmpDir('depeg8');
    generateSynthetic({ seed: 11, outDir: dir, start: '2024-06-01', end: '2024-08-31', depeg: { at: '2024-07-15T12:00:00Z', size: 0.08 } });
    const out = await run({ mode: 'eth_leveraged', dataDir: dir, set: ['modes.eth_leveraged.strategy.lst.rewards=base_only'] });
    expect(out.summary.liquidations).toBeGreaterThan(0);
    expect(out.summary.attribution.liquidationPenalty).toBeLessThan(0);
    const liq = out.events.find((e) => e.type === 'LIQUIDATION');
    expect(Number(liq?.details?.['healthFactor'])).toBeLessThan(1);
    expect(out.events.some((e) => e.type === 'EMERGENCY_STOP' || (e.type === 'REBALANCE' && e.timestampMs >= (liq?.timestampMs ?? 0)))).toBe(true);
    expect(Math.abs(out.summary.reconciliation.residual)).toBeLessThan(1e-6 * out.summary.initialCapital);
  });
});

describe('emergency stop', () => {
  it('usdt_market_neutral unwinds in a safe order when the health factor breaks: on-chain book first, hedges last, nothing left open', async () => {
    const dir = tmpDir('depeg-mn');
    generateSynthetic({ seed: 3, outDir: dir, start: '2024-06-01', end: '2024-08-31', depeg: { at: '2024-07-15T12:00:00Z', size: 0.08 } });
    const out = await run({ mode: 'usdt_market_neutral', dataDir: dir, set: ['modes.usdt_market_neutral.strategy.lst.rewards=base_only'] });
    const stop = out.events.find((e) => e.type === 'EMERGENCY_STOP');
    expect(stop).toBeDefined();
    expect(String(stop?.details?.['detail'])).toMatch(/health factor/);
    const children = out.events.filter((e) => e.parent === stop?.order && e.status === 'completed').map((e) => e.type);
    expect(children[0]).toBe('ATOMIC_DELEVERAGE');
    expect(children.lastIndexOf('PERP_CLOSE')).toBe(children.length - 1);
    expect(children.indexOf('PERP_CLOSE')).toBeGreaterThan(children.lastIndexOf('DEX_SWAP'));
    const last = out.events.at(-1)?.balances ?? {};
    for (const [key, amount] of Object.entries(last)) {
      if (key.includes(':Perp:') || key.startsWith('aave_v3:')) expect(amount, key).toBe(0);
    }
    expect(out.summary.emergencyStops).toBe(1);
    expect(Math.abs(out.summary.reconciliation.residual)).toBeLessThan(1e-6 * out.summary.initialCapital);
  });
});
