import { z } from 'zod';
import { cexVenueSchema, fraction, gasFloatSchema, hedgeSchema, lstSchema } from '../config/strategyPieces.js';
import { CEX_LIST } from '../components/slots.js';
import type { SeriesKey } from '../data/series.js';
import { UsdtMarketNeutralStrategy } from '../strategies/usdtMarketNeutral.js';
import { walletBook } from '../strategies/stakingBook.js';
import { defineMode } from './definition.js';
import { checkHedge, checkLst, fmt, hedgePreflight, lstSeries } from './checks.js';

/**
 * usdt_market_neutral_no_leverage: the staking half of usdt_market_neutral without the AAVE loop (the LST held in
 * the wallet), hedged with ETH perps on its realised ETH value; USDT share class (domain.md §3.8).
 */
export const usdtMarketNeutralNoLeverageMode = defineMode({
  name: 'usdt_market_neutral_no_leverage',
  title: "USDT market neutral (no leverage)",
  explanation: {
    summary: "Buys and stakes ETH into an LST held in the wallet and shorts ETH perpetuals against it, so the USDT book earns staking yield and funding without ETH price risk.",
    yieldSources: ["Staking (and restaking) yield on the LST", "Perpetual funding received on the ETH shorts (when funding is positive)"],
    risks: ["Negative funding on the shorts", "Exchange margin calls in a fast ETH rally", "LST/ETH depeg", "Exchange counterparty risk"],
  },
  asset: 'ETH',
  strategySchema: z
    .strictObject({
      kind: z.literal('usdt_market_neutral_no_leverage'),
      lst: lstSchema,
      // (0, 1) is a cross-field rule (checkConfig) so that its report names the mode; here: a fraction.
      stakeAllocation: fraction,
      spotVenue: cexVenueSchema,
      hedge: hedgeSchema,
      gasFloat: gasFloatSchema,
      idleEthFraction: fraction,
    })
    .readonly(),
  createStrategy: (p) => new UsdtMarketNeutralStrategy(p, walletBook(p.lst.token, p.idleEthFraction)),
  requiredSeries: (p) => [lstSeries(p.lst), ...CEX_LIST.filter((v) => p.hedge.hedgeAllocation[v] > 0).flatMap((v): SeriesKey[] => [`perp:${v}:ETHUSDT`, `funding:${v}:ETHUSDT`])],
  capabilities: (p) => ({
    lst: p.lst,
    aaveDebtCollateral: null,
    cexPerps: true,
    publishedRewards: p.lst.rewards === 'etherfi_published',
    attribution: ['stakingYield', 'rewards', 'funding', 'price', 'basis', 'tradingFees', 'slippage', 'gas', 'transferFees', 'liquidationPenalty'],
  }),
  checkConfig: (m, p, ctx) => {
    checkHedge(m, p.hedge, p.spotVenue, ctx);
    if (!(p.stakeAllocation > 0 && p.stakeAllocation < 1)) {
      ctx.fail([...ctx.base, 'strategy', 'stakeAllocation'], 'the stake allocation must leave room for both books', 'in (0, 1)', fmt(p.stakeAllocation));
    }
    checkLst(m, p.lst, ctx);
  },
  // The stake allocation of equity is on chain; the hedge shorts its ETH value.
  preflight: (p, ctx) => hedgePreflight(p.hedge, ctx.capitalUsdt * p.stakeAllocation, ctx),
});
