/** Tokens held in positions. Native token units everywhere; valuation is a separate step. */
export const TOKENS = ['USDT', 'ETH', 'WETH', 'BTC', 'weETH', 'wstETH', 'EIGEN', 'ETHFI'] as const;
export type Token = (typeof TOKENS)[number];

export const LST_TOKENS = ['weETH', 'wstETH'] as const;
export type LstToken = (typeof LST_TOKENS)[number];

export const SHARE_CLASSES = ['USDT', 'ETH'] as const;
export type ShareClass = (typeof SHARE_CLASSES)[number];

/** AAVE reserves Basis models. */
export const AAVE_ASSETS = ['USDT', 'WETH', 'weETH', 'wstETH'] as const;
export type AaveAsset = (typeof AAVE_ASSETS)[number];

/** Perp contracts: linear, USDT-margined, size in base units. */
export const PERP_SYMBOLS = ['BTCUSDT', 'ETHUSDT'] as const;
export type PerpSymbol = (typeof PERP_SYMBOLS)[number];
