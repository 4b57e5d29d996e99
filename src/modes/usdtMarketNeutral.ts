import { z } from 'zod';
import { cexVenueSchema, fraction, gasFloatSchema, hedgeSchema, leverageSchema, lstSchema } from '../config/strategyPieces.js';
import { CEX_LIST } from '../components/slots.js';
import type { SeriesKey } from '../data/series.js';
import { UsdtMarketNeutralStrategy } from '../strategies/usdtMarketNeutral.js';
import { leveragedBook } from '../strategies/stakingBook.js';
import { defineMode } from './definition.js';
import { checkHedge, checkLeverage, checkLst, fmt, hedgePreflight, lstSeries } from './checks.js';

/** usdt_market_neutral: the leveraged LST book hedged with ETH perps, USDT share class (domain.md §3.9). */
export const usdtMarketNeutralMode = defineMode({
  name: 'usdt_market_neutral',
  title: "USDT market neutral (leveraged)",
  explanation: {
    summary: "Runs the leveraged LST loop on AAVE and shorts ETH perpetuals on the exchanges against its ETH exposure, so the USDT book earns staking carry and funding without ETH price risk.",
    yieldSources: ["Leveraged staking yield less the WETH borrow cost", "Perpetual funding received on the ETH shorts (when funding is positive)", "Restaking rewards where the LST earns them"],
    risks: ["Negative funding on the shorts", "Health factor and exchange margin both under stress in a fast ETH move", "LST/ETH depeg", "Exchange counterparty risk and transfer delays between venues", "Borrow rate above staking yield"],
  },
  asset: 'ETH',
  strategySchema: z
    .strictObject({
      kind: z.literal('usdt_market_neutral'),
      lst: lstSchema,
      leverage: leverageSchema,
      // (0, 1) is a cross-field rule (checkConfig) so that its report names the mode; here: a fraction.
      stakeAllocation: fraction,
      spotVenue: cexVenueSchema,
      hedge: hedgeSchema,
      gasFloat: gasFloatSchema,
    })
    .readonly(),
  createStrategy: (p) => new UsdtMarketNeutralStrategy(p, leveragedBook(p.lst.token, p.leverage)),
  requiredSeries: (p) => [
    `aave:${p.lst.token}:liquidityIndex`,
    'aave:WETH:borrowIndex',
    lstSeries(p.lst),
    ...CEX_LIST.filter((v) => p.hedge.hedgeAllocation[v] > 0).flatMap((v): SeriesKey[] => [`perp:${v}:ETHUSDT`, `funding:${v}:ETHUSDT`]),
  ],
  capabilities: (p) => ({
    lst: p.lst,
    aaveDebtCollateral: p.lst.token,
    cexPerps: true,
    publishedRewards: p.lst.rewards === 'etherfi_published',
    attribution: ['supplyInterest', 'borrowCost', 'stakingYield', 'rewards', 'funding', 'price', 'basis', 'tradingFees', 'slippage', 'gas', 'transferFees', 'liquidationPenalty'],
  }),
  checkConfig: (m, p, ctx) => {
    checkHedge(m, p.hedge, p.spotVenue, ctx);
    if (!(p.stakeAllocation > 0 && p.stakeAllocation < 1)) {
      ctx.fail([...ctx.base, 'strategy', 'stakeAllocation'], 'the stake allocation must leave room for both books', 'in (0, 1)', fmt(p.stakeAllocation));
    }
    checkLst(m, p.lst, ctx);
    checkLeverage(m, p.leverage, ctx);
  },
  // The stake allocation of equity is on chain; the hedge shorts its ETH value.
  preflight: (p, ctx) => hedgePreflight(p.hedge, ctx.capitalUsdt * p.stakeAllocation, ctx),
});
