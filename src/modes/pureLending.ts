import { z } from 'zod';
import { gasFloatSchema } from '../config/strategyPieces.js';
import { PureLendingStrategy } from '../strategies/pureLending.js';
import { defineMode } from './definition.js';

/** pure_lending: supply USDT on AAVE v3 (domain.md §3.2). No debt, no perps, no LST. */
export const pureLendingMode = defineMode({
  name: 'pure_lending',
  asset: 'USDT',
  strategySchema: z.strictObject({ kind: z.literal('pure_lending'), lendingAsset: z.literal('USDT'), gasFloat: gasFloatSchema }).readonly(),
  createStrategy: (p) => new PureLendingStrategy(p),
  requiredSeries: () => ['aave:USDT:liquidityIndex'],
  capabilities: () => ({ lst: null, aaveDebtCollateral: null, cexPerps: false, publishedRewards: false, attribution: ['supplyInterest', 'price', 'slippage', 'gas'] }),
  checkConfig: () => {},
  preflight: () => [],
});
