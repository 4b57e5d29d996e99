import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '../../src/data/synth/index.js';
import { SHARED_DATA, readCsvColumns, run, tmpDir } from './helpers.js';

function rawUsdtIndex(): Map<number, number> {
  const dir = path.join(SHARED_DATA, 'aave_v3_ethereum/rates');
  const file = readdirSync(dir).find((f) => f.startsWith('aave_v3_ethereum_USDT_reserve_1d_'));
  const { header, rows } = readCsvColumns(readFileSync(path.join(dir, file as string), 'utf8'));
  const ts = header.indexOf('timestamp');
  const li = header.indexOf('liquidityIndex');
  return new Map(rows.map((r) => [Number(r[ts]) * 1000, Number(r[li])]));
}

describe('closed-form cases', () => {
  it('pure_lending without costs grows exactly with the raw USDT liquidity index between two real snapshots', async () => {
    const index = rawUsdtIndex();
    for (const [start, end] of [
      ['2024-01-01', '2025-09-26'],
      ['2024-03-14', '2024-12-06'],
      ['2025-02-01', '2025-02-02'],
    ] as const) {
      const out = await run({ mode: 'pure_lending', costs: false, start, end });
      const i0 = index.get(Date.parse(`${start}T00:00:00Z`)) as number;
      const i1 = index.get(Date.parse(`${end}T00:00:00Z`)) as number;
      const ratio = out.summary.finalEquity / out.summary.initialCapital;
      expect(Math.abs(ratio / (i1 / i0) - 1)).toBeLessThan(1e-9);
      expect(out.summary.attribution.supplyInterest).toBeCloseTo(out.summary.reconciliation.balancePnl, 6);
    }
  });

  it('btc_basis without costs on flat synthetic prices earns exactly the closed-form sum of funding', async () => {
    const dir = tmpDir('flat');
    generateSynthetic({ seed: 7, outDir: dir, start: '2024-02-01', end: '2024-03-31', flatPrices: true });
    const capital = 100_000;
    const out = await run({ mode: 'btc_basis', costs: false, dataDir: dir, capital, set: ['modes.btc_basis.strategy.equityDeviation=0.5'] });
    expect(out.summary.synthetic).toBe(true);
    const s = out.params.mode.strategy;
    if (s.kind !== 'btc_basis') throw new Error('unexpected strategy');
    // Shorts open at the second step (after the deposit lands); settlements strictly after it pay
    // N × Σ_v a_v × rate_v with N = E/(1 + r), independent of the (flat) price.
    const notional = capital / (1 + s.hedge.targetMarginRatio);
    const opened = out.events.find((e) => e.type === 'PERP_OPEN');
    expect(opened).toBeDefined();
    const funding = out.events.filter((e) => e.type === 'FUNDING_SETTLED');
    expect(funding.length).toBeGreaterThan(100);
    let closedForm = 0;
    for (const e of funding) {
      const venue = e.venue as 'binance' | 'bybit' | 'okx';
      closedForm += notional * s.hedge.hedgeAllocation[venue] * Number(e.details?.['rate8h']);
      expect(e.timestampMs).toBeGreaterThan((opened as { timestampMs: number }).timestampMs);
    }
    expect(Math.abs(out.summary.reconciliation.balancePnl - closedForm)).toBeLessThan(1e-9 * capital);
    expect(Math.abs(out.summary.attribution.funding - closedForm)).toBeLessThan(1e-9 * capital);
    expect(out.summary.attribution.price).toBe(0);
    expect(out.summary.attribution.basis).toBe(0);
  });
});
