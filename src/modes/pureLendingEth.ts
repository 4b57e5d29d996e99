import { z } from 'zod';
import { gasFloatSchema } from '../config/strategyPieces.js';
import { PureLendingEthStrategy } from '../strategies/pureLendingEth.js';
import { defineMode } from './definition.js';

/** pure_lending_eth: wrap ETH and supply WETH on AAVE v3, ETH share class (domain.md §3.3). No debt, perps or LST. */
export const pureLendingEthMode = defineMode({
  name: 'pure_lending_eth',
  title: "ETH lending on AAVE v3",
  explanation: {
    summary: "Wraps ETH and supplies WETH to AAVE v3, measured in ETH: the book grows with the WETH supply rate.",
    yieldSources: ["AAVE v3 WETH supply interest"],
    risks: ["Low and variable WETH supply rate", "AAVE smart-contract and oracle risk", "The ETH share class carries ETH's USD price risk", "Gas on entry and exit"],
  },
  asset: 'ETH',
  strategySchema: z.strictObject({ kind: z.literal('pure_lending_eth'), gasFloat: gasFloatSchema }).readonly(),
  createStrategy: (p) => new PureLendingEthStrategy(p),
  requiredSeries: () => ['aave:WETH:liquidityIndex'],
  capabilities: () => ({ lst: null, aaveDebtCollateral: null, cexPerps: false, publishedRewards: false, attribution: ['supplyInterest', 'gas'] }),
  checkConfig: () => {},
  preflight: () => [],
});
