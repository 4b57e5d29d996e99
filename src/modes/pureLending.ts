import { z } from 'zod';
import { gasFloatSchema } from '../config/strategyPieces.js';
import { PureLendingStrategy } from '../strategies/pureLending.js';
import { defineMode } from './definition.js';

/** pure_lending: supply USDT on AAVE v3 (domain.md §3.2). No debt, no perps, no LST. */
export const pureLendingMode = defineMode({
  name: 'pure_lending',
  title: "USDT lending on AAVE v3",
  explanation: {
    summary: "Supplies USDT to AAVE v3 and holds the interest-bearing aUSDT: no debt, no hedge, no price exposure.",
    yieldSources: ["AAVE v3 USDT supply interest (variable, set by pool utilisation)"],
    risks: ["Supply rate falls when borrowing demand falls", "AAVE smart-contract and oracle risk", "USDT depeg (the book is measured in USDT)", "Gas on entry and exit"],
  },
  asset: 'USDT',
  strategySchema: z.strictObject({ kind: z.literal('pure_lending'), lendingAsset: z.literal('USDT'), gasFloat: gasFloatSchema }).readonly(),
  createStrategy: (p) => new PureLendingStrategy(p),
  requiredSeries: () => ['aave:USDT:liquidityIndex'],
  capabilities: () => ({ lst: null, aaveDebtCollateral: null, cexPerps: false, publishedRewards: false, attribution: ['supplyInterest', 'price', 'slippage', 'gas'] }),
  checkConfig: () => {},
  preflight: () => [],
});
