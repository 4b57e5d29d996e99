import { z } from 'zod';
import { cexVenueSchema, fraction, gasFloatSchema, hedgeSchema } from '../config/strategyPieces.js';
import { BasisStrategy, type BasisAsset, type BasisParams } from '../strategies/basis.js';
import type { ModeDefinition } from './definition.js';
import { checkHedge, hedgePreflight, perpSeries } from './checks.js';

/**
 * The definition of a basis mode (btc_basis, eth_basis): spot long on the spot venue against perp shorts over the
 * CEXs, USDT share class. The modes differ only in their asset, which picks the spot pair and the perps.
 */
export function basisMode<K extends 'btc_basis' | 'eth_basis'>(name: K, asset: BasisAsset): ModeDefinition<K, BasisParams<K>> {
  const sym = asset === 'BTC' ? 'BTCUSDT' : 'ETHUSDT';
  return {
    name,
    asset,
    title: `${asset} basis (spot long, perp short)`,
    explanation: {
      summary: `Buys ${asset} spot on an exchange and shorts the same amount of ${asset} perpetuals over several exchanges, so the USDT book carries no ${asset} price risk and collects the funding the shorts receive.`,
      yieldSources: [`Perpetual funding paid by ${asset} longs to the shorts`, 'The basis between perpetual and spot prices as it converges'],
      risks: ['Negative funding (shorts pay longs)', `Margin calls on the shorts in a fast ${asset} rally, forcing rebalances`, 'Exchange counterparty risk', 'Trading fees and slippage on entry, rebalances and exit'],
    },
    strategySchema: z
      .strictObject({
        kind: z.literal(name),
        spotVenue: cexVenueSchema,
        hedge: hedgeSchema,
        equityDeviation: fraction,
        gasFloat: gasFloatSchema,
      })
      .readonly(),
    createStrategy: (p) => new BasisStrategy(p, asset),
    requiredSeries: (p) => perpSeries(p.hedge, sym),
    capabilities: () => ({
      lst: null,
      aaveDebtCollateral: null,
      cexPerps: true,
      publishedRewards: false,
      attribution: ['funding', 'price', 'basis', 'tradingFees', 'slippage', 'gas', 'transferFees', 'liquidationPenalty'],
    }),
    checkConfig: (m, p, ctx) => checkHedge(m, p.hedge, p.spotVenue, ctx),
    // N = E/(1 + r) of spot is hedged (domain.md §3.4 sizing).
    preflight: (p, ctx) => hedgePreflight(p.hedge, ctx.capitalUsdt / (1 + p.hedge.targetMarginRatio), ctx),
  };
}
