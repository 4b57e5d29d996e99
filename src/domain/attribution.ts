/** Named P&L parts in share-class units; they sum to the balance-based P&L. */
export const ATTRIBUTION_PARTS = [
  'supplyInterest',
  'borrowCost',
  'stakingYield',
  'rewards',
  'funding',
  'price',
  'basis',
  'tradingFees',
  'slippage',
  'gas',
  'transferFees',
  'liquidationPenalty',
] as const;
export type AttributionPart = (typeof ATTRIBUTION_PARTS)[number];
export type Attribution = Record<AttributionPart, number>;
