import path from 'node:path';
import type { CorpusCase, CorpusRun } from '../types.js';

/*
 * Runs that cannot mean anything or break an invariant inside the loop: capital too small to ever trade or
 * rebalance, values that overflow to Infinity, a reconciliation tolerance nothing can meet, bad values for the
 * invariant and report settings; and the acceptances that go with them (a short window, synthetic data in an
 * LST mode).
 */

const OUT = ['--no-progress', '--out', '{scratch}/out'] as const;
const MONTH = ['--start', '2024-06-01', '--end', '2024-07-01'] as const;
const bt = (mode: string): string[] => ['backtest', '--mode', mode];

/** A short synthetic data set in {scratch}/synth, made by the real CLI. */
const synth = ({ scratch, run }: { scratch: string; run: (args: string[]) => CorpusRun }): void => {
  const r = run(['data', 'synth', '--seed', '5', '--out', path.join(scratch, 'synth'), '--start', '2024-03-01', '--end', '2024-04-15']);
  if (r.status !== 0) throw new Error(`corpus setup: data synth failed: ${r.stderr}`);
};

export const cases: readonly CorpusCase[] = [
  { name: 'invariants: btc_basis with 10 USDT (below the gas float and every minimum order)', class: 'cli', args: [...bt('btc_basis'), ...MONTH, '--capital', '10', ...OUT], expect: { code: 'STRAT-004' } },
  { name: 'invariants: usdt_market_neutral with 10 USDT', class: 'cli', args: [...bt('usdt_market_neutral'), ...MONTH, '--capital', '10', ...OUT], expect: { code: 'STRAT-004' } },
  // 300 USDT opens the position, but a 2 % delta correction on a 30 % venue is 0.90 USDT: it could never be sent.
  { name: 'invariants: btc_basis with 300 USDT (every delta rebalance below the minimum order)', class: 'cli', args: [...bt('btc_basis'), ...MONTH, '--capital', '300', ...OUT], expect: { code: 'STRAT-004' } },
  { name: 'invariants: usdt_market_neutral with 5,000 USDT (delta corrections below the minimum order)', class: 'cli', args: [...bt('usdt_market_neutral'), ...MONTH, '--capital', '5000', ...OUT], expect: { code: 'STRAT-004' } },
  { name: 'invariants: btc_basis --no-costs with 70 USDT (no gas float, still no sendable rebalance)', class: 'cli', args: [...bt('btc_basis'), ...MONTH, '--no-costs', '--capital', '70', ...OUT], expect: { code: 'STRAT-004' } },
  { name: 'invariants: pure_lending with 1.79e308 USDT (equity overflows to Infinity)', class: 'cli', args: [...bt('pure_lending'), ...MONTH, '--capital', '1.79e308', ...OUT], expect: { code: 'PNL-004' } },
  { name: 'invariants: eth_leveraged with 1.79e308 ETH (an aToken balance would be Infinity)', class: 'cli', args: [...bt('eth_leveraged'), ...MONTH, '--capital', '1.79e308', ...OUT], expect: { code: 'POS-004' } },
  { name: 'invariants: usdt_market_neutral with 1.79e308 USDT (equity overflows)', class: 'cli', args: [...bt('usdt_market_neutral'), ...MONTH, '--capital', '1.79e308', ...OUT], expect: { code: 'PNL-004' } },
  { name: 'invariants: --set engine.reconciliationTolerance=1e-300 (float noise is above it)', class: 'cli', args: [...bt('btc_basis'), ...MONTH, '--set', 'engine.reconciliationTolerance=1e-300', ...OUT], expect: { code: 'PNL-003' } },
  { name: 'invariants: --set engine.reconciliationTolerance=0', class: 'config', args: [...bt('btc_basis'), ...MONTH, '--set', 'engine.reconciliationTolerance=0', ...OUT], expect: { code: 'CFG-005' } },
  { name: 'invariants: --set engine.reconciliationTolerance=NaN', class: 'config', args: [...bt('btc_basis'), ...MONTH, '--set', 'engine.reconciliationTolerance=NaN', ...OUT], expect: { code: 'CFG-012' } },
  { name: 'invariants: --set engine.reconciliationTolerance=Infinity', class: 'config', args: [...bt('btc_basis'), ...MONTH, '--set', 'engine.reconciliationTolerance=Infinity', ...OUT], expect: { code: 'CFG-012' } },
  { name: 'invariants: --set report.minApyWindowDays=-1', class: 'config', args: [...bt('pure_lending'), ...MONTH, '--set', 'report.minApyWindowDays=-1', ...OUT], expect: { code: 'CFG-005' } },
  {
    name: 'invariants: a 9-day window',
    class: 'cli',
    args: [...bt('pure_lending'), '--start', '2024-06-01', '--end', '2024-06-10', ...OUT],
    expect: { accepted: true, why: 'a short run is valid; its APY is printed as "n/a (window < 30 days)" and summary.json carries apyNote' },
  },
  {
    name: 'invariants: an LST mode on a fresh synthetic data set',
    class: 'csv',
    setup: synth,
    args: [...bt('usdt_market_neutral'), '--data-dir', '{scratch}/synth', ...OUT],
    expect: { accepted: true, why: 'data synth writes every file the LST modes read, the EtherFi reward schedule included' },
  },
];
