import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, SHARED_DATA } from './helpers.js';

/** The allocation probe in a fresh process with --expose-gc (see test/support/allocationProbe.ts). */
function probe(...args: string[]): Record<string, number | string> {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(REPO_ROOT, 'test/support/allocationProbe.ts'), ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, number | string>;
}

describe('the hot path does not allocate per event or per step', () => {
  it('recording a funding settlement into the columnar log allocates less than four boxed numbers per event', () => {
    const r = probe('events');
    expect(r['recorded']).toBe(500_000);
    // The object-per-event log this replaced allocated an event object, a balances object, a deltas array with its
    // tuples, a P&L object and a details object per event (several hundred bytes); a heap number is 12–16 bytes,
    // and what is left (about 20 bytes) is the clock reading boxed as it crosses a call.
    expect(r['bytesPerEvent'] as number).toBeLessThan(64);
  });

  // Before the columnar log these windows allocated 1,135 (usdt_market_neutral) and 1,240 (btc_basis) bytes a step,
  // and about 700 while each venue fill was a new transaction object; then about 240 (usdt_market_neutral,
  // btc_basis, pure_lending), 185-225 (eth_basis), 115-150 (eth_leveraged) and 50 (eth_staking_only), most of it
  // the strategies' decide: a closure there made every call allocate its context, and numbers computed there and
  // handed to a rarely taken branch, or merged with Infinity/NaN in a conditional, were boxed at every step.
  // Measured since (least of three windows, three processes each): 2 (pure_lending), 2–18 (pure_lending_eth), 40
  // (btc_basis), 44–72 (eth_basis), 29–43 (eth_leveraged), 28 (eth_staking_only), 80–101 (usdt_market_neutral),
  // 89–130 (usdt_market_neutral_no_leverage); what V8 inlines differs from one process to the next. A step that
  // records no event allocates nothing; what is left is the events (storage, details, numbers boxed across calls on
  // the funding, reward and order paths). The limits leave room for the process-to-process spread.
  it.each([
    ['pure_lending', 40],
    ['pure_lending_eth', 60],
    ['btc_basis', 100],
    ['eth_basis', 130],
    ['eth_leveraged', 90],
    ['eth_staking_only', 80],
    ['usdt_market_neutral', 180],
    ['usdt_market_neutral_no_leverage', 200],
  ] as const)('%s: a steady-state window of the full history allocates under %i bytes a step, with no GC', (mode, limit) => {
    const r = probe(mode, SHARED_DATA);
    expect(r['steps'] as number).toBeGreaterThan(4000);
    expect(r['gcInWindow']).toBe(0);
    expect(r['bytesPerStep'] as number).toBeLessThan(limit);
  });
});
