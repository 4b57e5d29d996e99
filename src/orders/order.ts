import type { AaveAsset, LstToken, PerpSymbol } from '../domain/tokens.js';
import type { CexVenue, Venue } from '../domain/venues.js';

/**
 * Everything a strategy can ask for. Strategies return orders; only execution changes positions.
 * Amounts are positive and in the named units; direction is in `side` or the sign of `deltaBase`.
 */
export type Order =
  | { readonly kind: 'spot_trade'; readonly venue: CexVenue; readonly pair: 'BTCUSDT' | 'ETHUSDT'; readonly side: 'buy' | 'sell'; readonly sizeBase: number }
  /** deltaBase < 0 sells (opens or adds to a short); reduceOnly refuses to flip or grow the position. */
  | { readonly kind: 'perp_trade'; readonly venue: CexVenue; readonly symbol: PerpSymbol; readonly deltaBase: number; readonly reduceOnly: boolean }
  /** WETH comes from wallet ETH (wrapped in the same transaction, as AAVE's WETH gateway does) unless `walletToken`
   * is WETH (wrapped beforehand); a withdrawal returns it the same way. */
  | { readonly kind: 'aave_supply'; readonly asset: AaveAsset; readonly amount: number; readonly walletToken?: 'ETH' | 'WETH' }
  | { readonly kind: 'aave_withdraw'; readonly asset: AaveAsset; readonly amount: number; readonly walletToken?: 'ETH' | 'WETH' }
  /** Wrap wallet ETH into WETH (WETH9 deposit). */
  | { readonly kind: 'wrap_eth'; readonly amountEth: number }
  | { readonly kind: 'aave_borrow'; readonly asset: 'WETH' | 'USDT'; readonly amount: number }
  | { readonly kind: 'aave_repay'; readonly asset: 'WETH' | 'USDT'; readonly amount: number }
  | { readonly kind: 'stake'; readonly lst: LstToken; readonly amountEth: number }
  /** Redeem LST through the protocol's withdrawal queue: the LST leaves the wallet now at the exchange rate, the
   * ETH is held at the staking venue and claimable `delayHours` later. */
  | { readonly kind: 'lst_unstake'; readonly lst: LstToken; readonly amountLst: number; readonly delayHours: number }
  /** Claim every queued withdrawal of this LST whose delay has elapsed into the wallet. */
  | { readonly kind: 'lst_claim'; readonly lst: LstToken }
  /** On-chain swap in the wallet. Its gas is paid after the output is credited, so a swap into ETH can fund its own
   * gas (how a gasless intent swap settles): a USDT-only wallet can buy its first gas float. */
  | { readonly kind: 'dex_swap'; readonly from: 'USDT' | 'ETH' | LstToken; readonly to: 'USDT' | 'ETH'; readonly amountIn: number }
  /** Flash-loan leverage in one transaction: wallet ETH `inputEth` plus a flash loan sized so LTV ends at `targetLtv`. */
  | { readonly kind: 'atomic_leverage'; readonly lst: LstToken; readonly inputEth: number; readonly targetLtv: number }
  /** Flash-loan deleverage in one transaction down to `targetLtv`; `releaseEth` more collateral is sold to ETH and left in the wallet. 0 target and Infinity release = full exit. */
  | { readonly kind: 'atomic_deleverage'; readonly lst: LstToken; readonly targetLtv: number; readonly releaseEth: number }
  /** Iterative (non-atomic) loop: stake, supply, borrow, repeat until the next borrow is below `minBorrowEth` or after `maxIterations` rounds. */
  | { readonly kind: 'loop_leverage'; readonly lst: LstToken; readonly inputEth: number; readonly targetLtv: number; readonly minBorrowEth: number; readonly maxIterations: number }
  | { readonly kind: 'transfer'; readonly token: 'USDT' | 'ETH' | 'BTC'; readonly from: Venue; readonly to: Venue; readonly amount: number; readonly purpose: string };

export type OrderKind = Order['kind'];
