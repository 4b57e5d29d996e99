import { z } from 'zod';
import { gasFloatSchema, leverageSchema, lstSchema } from '../config/strategyPieces.js';
import { EthLeveragedStrategy } from '../strategies/ethLeveraged.js';
import { defineMode } from './definition.js';
import { checkLeverage, checkLst, lstSeries } from './checks.js';

/** eth_leveraged: LST collateral against WETH debt in AAVE e-mode, unhedged, ETH share class (domain.md §3.7). */
export const ethLeveragedMode = defineMode({
  name: 'eth_leveraged',
  title: "ETH leveraged staking (AAVE loop)",
  explanation: {
    summary: "Supplies an LST as collateral on AAVE v3 in e-mode and borrows WETH to stake again, a leveraged staking loop measured in ETH, unhedged.",
    yieldSources: ["Staking (and restaking) yield on the leveraged LST position", "The spread of staking yield over the WETH borrow rate, multiplied by the leverage"],
    risks: ["WETH borrow rate rising above the staking yield (negative carry)", "LST/ETH depeg lowering the health factor towards liquidation", "AAVE liquidation penalty", "Smart-contract risk of AAVE and the staking protocol"],
  },
  asset: 'ETH',
  strategySchema: z.strictObject({ kind: z.literal('eth_leveraged'), lst: lstSchema, leverage: leverageSchema, gasFloat: gasFloatSchema }).readonly(),
  createStrategy: (p) => new EthLeveragedStrategy(p),
  requiredSeries: (p) => [`aave:${p.lst.token}:liquidityIndex`, 'aave:WETH:borrowIndex', lstSeries(p.lst)],
  capabilities: (p) => ({
    lst: p.lst,
    aaveDebtCollateral: p.lst.token,
    cexPerps: false,
    publishedRewards: p.lst.rewards === 'etherfi_published',
    attribution: ['supplyInterest', 'borrowCost', 'stakingYield', 'rewards', 'price', 'tradingFees', 'slippage', 'gas', 'liquidationPenalty'],
  }),
  checkConfig: (m, p, ctx) => {
    checkLst(m, p.lst, ctx);
    checkLeverage(m, p.leverage, ctx);
  },
  preflight: () => [],
});
