/** Every venue Basis knows. `wallet` is the one fund wallet on Ethereum; Alchemy is a transport, not a venue. */
export const VENUES = ['wallet', 'aave_v3', 'etherfi', 'lido', 'uniswap', 'curve', 'binance', 'bybit', 'okx'] as const;
export type Venue = (typeof VENUES)[number];

export const CEX_VENUES = ['binance', 'bybit', 'okx'] as const;
export type CexVenue = (typeof CEX_VENUES)[number];

export function isCexVenue(v: string): v is CexVenue {
  return (CEX_VENUES as readonly string[]).includes(v);
}
