import { describe, expect, it } from 'vitest';
import { CEX_LIST } from '../../src/components/slots.js';
import { column, run } from '../engine/helpers.js';

/**
 * The hedged staking book grows and shrinks as a scaled copy of itself: after a deposit and a withdrawal every CEX
 * venue sits at the margin ratio it has in the run without them, so the flows move no later trigger (margin support,
 * redeploy) and the run earns what the plain run earns less the costs of deploying and unwinding.
 */
describe.each(['usdt_market_neutral', 'usdt_market_neutral_no_leverage'] as const)('%s: capital flows and the margin ratios', (mode) => {
  const window = { mode, capital: 1_000_000, start: '2024-09-01', end: '2024-09-12' };
  const DEPOSIT_AT = Date.parse('2024-09-03T00:00Z');
  const WITHDRAWAL_AT = Date.parse('2024-09-04T00:00Z');

  it('a deposit, then an equal withdrawal a day later, leave every venue at the ratio of the run without them', async () => {
    const plain = await run(window);
    const flows = await run({ ...window, flows: ['2024-09-03T00:00Z=+500000', '2024-09-04T00:00Z=-500000'] });
    const ts = plain.frame.timestampsMs;
    expect(Array.from(flows.frame.timestampsMs)).toEqual(Array.from(ts));
    // The deposit's margin is in flight for the step after the purchase; from the next step on, and through the
    // withdrawal (its venues send at once what leaves them at their ratio), the ratios are the plain run's.
    const from = ts.findIndex((t) => t > DEPOSIT_AT + 3_600_000);
    const withdrawalRow = ts.findIndex((t) => t >= WITHDRAWAL_AT);
    expect(from).toBeGreaterThan(0);
    expect(withdrawalRow).toBeGreaterThan(from);
    let worstGap = 0;
    for (const venue of CEX_LIST) {
      const a = column(plain, `marginRatio:${venue}`) as Float64Array;
      const b = column(flows, `marginRatio:${venue}`) as Float64Array;
      for (let k = from; k < ts.length; k++) worstGap = Math.max(worstGap, Math.abs((b[k] as number) - (a[k] as number)));
      // The book really was bigger in between: the ratio held while the shorts grew by half.
      expect(Math.abs((b[withdrawalRow - 1] as number) - (a[withdrawalRow - 1] as number))).toBeLessThan(1e-3);
    }
    expect(worstGap).toBeLessThan(1e-3);
    const short = (out: typeof plain, k: number): number => CEX_LIST.reduce((s, v) => s - ((column(out, `pos:${v}:Perp:ETHUSDT`) as Float64Array)[k] as number), 0);
    expect(short(flows, withdrawalRow - 1) / short(plain, withdrawalRow - 1)).toBeGreaterThan(1.45);
  });
});
