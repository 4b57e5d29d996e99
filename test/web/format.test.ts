import { describe, expect, it } from 'vitest';
import { amount, byUnit, humanize, pct, qty, signedAmount, span } from '../../web/src/format.js';

/** The web app's number formats: every figure with its unit, signed figures with their sign, no "−0.00". */
describe('web formatters', () => {
  it('percentages carry a sign unless asked not to, and never show a signed zero', () => {
    expect(pct(0.052345)).toBe('+5.23%');
    expect(pct(-0.0009)).toBe('−0.09%');
    expect(pct(-0.000001)).toBe('0.00%');
    expect(pct(0.0054, 2, false)).toBe('0.54%');
    expect(pct(-0.0054, 2, false)).toBe('−0.54%');
    expect(pct(null)).toBe('–');
    expect(pct(Number.NaN)).toBe('–');
  });

  it('amounts carry their token with its decimals (cents for USDT, 4 for ETH)', () => {
    expect(amount(100183.0912, 'USDT')).toBe('100,183.09 USDT');
    expect(amount(114.53961, 'ETH')).toBe('114.5396 ETH');
    expect(amount(-5, 'USDT')).toBe('−5.00 USDT');
    expect(signedAmount(12.5, 'USDT')).toBe('+12.50 USDT');
    expect(signedAmount(-0.001188, 'ETH')).toBe('−0.0012 ETH');
  });

  it('token quantities keep dust readable', () => {
    expect(qty(0.051188000000000004, true)).toBe('+0.051188');
    expect(qty(99807.30265876939)).toBe('99,807.30');
    expect(qty(-192.6973412306153, true)).toBe('−192.6973');
  });

  it('compare metrics follow the units the API names', () => {
    expect(byUnit(100140.89, 'USDT', 'USDT')).toBe('100,140.89 USDT');
    expect(byUnit(114.53961, 'mixed', 'ETH')).toBe('114.5396 ETH');
    expect(byUnit(0.0173, '%', 'USDT')).toBe('+1.73%');
    expect(byUnit(0.0054, '%', 'USDT', false)).toBe('0.54%');
    expect(byUnit(3.4321, '', 'USDT')).toBe('3.43');
    expect(byUnit(12, '', 'USDT')).toBe('12');
  });

  it('windows and labels read as words', () => {
    expect(span('2024-06-01T00:00:00Z', '2024-07-01T00:00:00Z')).toBe('2024-06-01 → 2024-07-01');
    expect(span(null, null)).toBe('full data window');
    expect(humanize('minMoveUsdt')).toBe('Min move USDT');
    expect(humanize('healthFactorWarn')).toBe('Health factor warn');
    expect(humanize('targetLtv')).toBe('Target LTV');
  });
});
