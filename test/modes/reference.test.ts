import { describe, expect, it } from 'vitest';
import { MODES, MODE_NAMES } from '../../src/modes/registry.js';
import { run } from '../engine/helpers.js';

describe("each mode's reference figures (what the web app shows before a mode is run)", () => {
  it.each(MODE_NAMES)('%s: APY and max drawdown over the whole shipped window at the default capital, to 0.01 point', async (mode) => {
    const out = await run({ mode });
    const ref = MODES[mode].reference;
    expect(Math.abs(out.summary.apy - ref.apy)).toBeLessThanOrEqual(0.00005 + 1e-12);
    expect(Math.abs(out.summary.maxDrawdown - ref.maxDrawdown)).toBeLessThanOrEqual(0.00005 + 1e-12);
  });
});
