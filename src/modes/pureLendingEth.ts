import { z } from 'zod';
import { gasFloatSchema } from '../config/strategyPieces.js';
import { PureLendingEthStrategy } from '../strategies/pureLendingEth.js';
import { defineMode } from './definition.js';

/** pure_lending_eth: wrap ETH and supply WETH on AAVE v3, ETH share class (domain.md §3.3). No debt, perps or LST. */
export const pureLendingEthMode = defineMode({
  name: 'pure_lending_eth',
  asset: 'ETH',
  strategySchema: z.strictObject({ kind: z.literal('pure_lending_eth'), gasFloat: gasFloatSchema }).readonly(),
  createStrategy: (p) => new PureLendingEthStrategy(p),
  requiredSeries: () => ['aave:WETH:liquidityIndex'],
  capabilities: () => ({ lst: null, aaveDebtCollateral: null, cexPerps: false, publishedRewards: false, attribution: ['supplyInterest', 'gas'] }),
  checkConfig: () => {},
  preflight: () => [],
});
