import { z } from 'zod';
import { cexVenueSchema, fraction, gasFloatSchema, hedgeSchema } from '../config/strategyPieces.js';
import { CEX_LIST } from '../components/slots.js';
import type { SeriesKey } from '../data/series.js';
import { BasisStrategy } from '../strategies/basis.js';
import { defineMode } from './definition.js';
import { checkHedge, hedgePreflight } from './checks.js';

/** eth_basis: ETH spot long against ETH perp shorts over the CEXs, USDT share class (domain.md §3.5); the basis strategy of btc_basis with its asset a parameter. */
export const ethBasisMode = defineMode({
  name: 'eth_basis',
  asset: 'ETH',
  strategySchema: z
    .strictObject({
      kind: z.literal('eth_basis'),
      spotVenue: cexVenueSchema,
      hedge: hedgeSchema,
      equityDeviation: fraction,
      gasFloat: gasFloatSchema,
    })
    .readonly(),
  createStrategy: (p) => new BasisStrategy(p, 'ETH'),
  requiredSeries: (p) => CEX_LIST.filter((v) => p.hedge.hedgeAllocation[v] > 0).flatMap((v): SeriesKey[] => [`perp:${v}:ETHUSDT`, `funding:${v}:ETHUSDT`]),
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
});
