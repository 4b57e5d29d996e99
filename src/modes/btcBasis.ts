import { basisMode } from './basisMode.js';

/** btc_basis: BTC spot long against BTCUSDT perp shorts over the CEXs, USDT share class (domain.md §3.4). */
export const btcBasisMode = basisMode('btc_basis', 'BTC', { apy: 0.049, maxDrawdown: -0.0016 });
