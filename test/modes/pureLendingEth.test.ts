import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA, readCsvColumns, run } from '../engine/helpers.js';

/** The WETH reserve's liquidityIndex at each daily snapshot, read straight from the file. */
function rawWethIndex(): Map<number, number> {
  const dir = path.join(SHARED_DATA, 'aave_v3_ethereum/rates');
  const file = readdirSync(dir).find((f) => f.startsWith('aave_v3_ethereum_WETH_reserve_1d_'));
  const { header, rows } = readCsvColumns(readFileSync(path.join(dir, file as string), 'utf8'));
  const ts = header.indexOf('timestamp');
  const li = header.indexOf('liquidityIndex');
  return new Map(rows.map((r) => [Number(r[ts]) * 1000, Number(r[li])]));
}

describe('pure_lending_eth', () => {
  it('without costs grows exactly with the raw WETH liquidity index between two real snapshots', async () => {
    const index = rawWethIndex();
    for (const [start, end] of [
      ['2024-01-01', '2025-09-26'],
      ['2024-03-14', '2024-12-06'],
      ['2025-02-01', '2025-02-02'],
    ] as const) {
      const out = await run({ mode: 'pure_lending_eth', costs: false, start, end });
      const i0 = index.get(Date.parse(`${start}T00:00:00Z`)) as number;
      const i1 = index.get(Date.parse(`${end}T00:00:00Z`)) as number;
      const ratio = out.summary.finalEquity / out.summary.initialCapital;
      expect(Math.abs(ratio / (i1 / i0) - 1)).toBeLessThan(1e-9);
      expect(out.summary.attribution.supplyInterest).toBeCloseTo(out.summary.reconciliation.balancePnl, 9);
    }
  });

  it('wraps the capital beyond the gas float into WETH (paying WRAP_ETH gas) and supplies the WETH, in ETH terms', async () => {
    const out = await run({ mode: 'pure_lending_eth', start: '2024-06-01', end: '2024-07-01' });
    const wrap = out.events.find((e) => e.type === 'WRAP_ETH');
    const supply = out.events.find((e) => e.type === 'AAVE_SUPPLY');
    const float = out.params.mode.strategy.gasFloat.targetEth;
    expect(wrap?.gasUnits).toBe(out.params.costs.gasUnits.WRAP_ETH);
    expect(wrap?.deltas).toContainEqual(['wallet:BaseToken:WETH', out.summary.initialCapital - float]);
    expect(supply?.token).toBe('WETH');
    expect(supply?.deltas.find(([k]) => k === 'wallet:BaseToken:WETH')?.[1]).toBe(-(out.summary.initialCapital - float));
    expect(supply?.balances?.['wallet:BaseToken:WETH']).toBeUndefined();
    // The float pays the wrap, approval and supply gas and stays unwrapped; the rest earns the WETH supply rate.
    const wallet = supply?.balances?.['wallet:BaseToken:ETH'] as number;
    expect(wallet).toBeCloseTo(float - (wrap?.gasEth as number) - (supply?.gasEth as number), 12);
    expect(out.summary.shareClass).toBe('ETH');
    expect(out.summary.attribution.supplyInterest).toBeGreaterThan(0);
    expect(out.summary.attribution.price).toBe(0);
  });
});
