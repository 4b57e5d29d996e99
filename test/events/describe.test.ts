import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/events/describe.js';
import { run } from '../engine/helpers.js';

describe('describeEvent: one readable line per event', () => {
  it.each(['usdt_market_neutral', 'btc_basis', 'eth_staking_only'])('reads every event of a real %s run', async (mode) => {
    const out = await run({ mode, start: '2024-06-01', end: '2024-09-01' });
    const texts = out.events.map((e) => [e, describeEvent(e)] as const);
    for (const [e, text] of texts) {
      expect(text, e.type).not.toMatch(/undefined|NaN|\[object/);
      expect(text.length, e.type).toBeGreaterThan(6);
      if (e.status !== 'completed') expect(text).toContain(`[${e.status.replace('_', ' ')}]`);
      const pnl = Object.values(e.pnl ?? {}).filter((v) => v !== 0);
      if (pnl.length > 0) expect(text).toMatch(/; P&L [-\d]/);
    }
    const spot = texts.find(([e]) => e.type === 'SPOT_TRADE');
    if (spot) expect(spot[1]).toContain(`${Number(spot[0].details?.['sizeBase']).toFixed(4)} ${spot[0].token}`);
    const funding = texts.find(([e]) => e.type === 'FUNDING_SETTLED');
    if (funding) expect(funding[1]).toMatch(/^Funding [+−-][\d,.]+ USDT \(rate [+−-]?[\d.]+ % \/ 8 h\)/);
    const rebalance = texts.find(([e]) => e.type === 'REBALANCE');
    if (rebalance) expect(rebalance[1]).toContain(String(rebalance[0].details?.['detail']));
  });
});
