import { basisMode } from './basisMode.js';

/** eth_basis: ETH spot long against ETHUSDT perp shorts over the CEXs, USDT share class (domain.md §3.5). */
export const ethBasisMode = basisMode('eth_basis', 'ETH', { apy: 0.0495, maxDrawdown: -0.0035 });
