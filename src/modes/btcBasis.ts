import { z } from 'zod';
import { cexVenueSchema, fraction, gasFloatSchema, hedgeSchema } from '../config/strategyPieces.js';
import { CEX_LIST } from '../components/slots.js';
import type { SeriesKey } from '../data/series.js';
import { BasisStrategy } from '../strategies/basis.js';
import { defineMode } from './definition.js';
import { checkHedge, hedgePreflight } from './checks.js';

/** btc_basis: BTC spot long against perp shorts over the CEXs, USDT share class (domain.md §3.4). */
export const btcBasisMode = defineMode({
  name: 'btc_basis',
  asset: 'BTC',
  strategySchema: z
    .strictObject({
      kind: z.literal('btc_basis'),
      spotVenue: cexVenueSchema,
      hedge: hedgeSchema,
      equityDeviation: fraction,
      gasFloat: gasFloatSchema,
    })
    .readonly(),
  createStrategy: (p) => new BasisStrategy(p, 'BTC'),
  requiredSeries: (p) => CEX_LIST.filter((v) => p.hedge.hedgeAllocation[v] > 0).flatMap((v): SeriesKey[] => [`perp:${v}:BTCUSDT`, `funding:${v}:BTCUSDT`]),
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
