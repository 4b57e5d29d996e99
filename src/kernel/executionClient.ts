import type { GasOperation } from '../domain/params.js';
import type { RewardClaim } from '../domain/rewards.js';
import type { LstToken } from '../domain/tokens.js';
import type { CexVenue } from '../domain/venues.js';
import type { PositionKey } from '../domain/positionKey.js';
import type { BookedMove } from '../domain/move.js';
import type { RejectedError } from '../errors/families.js';
import type { EventStatus, EventType, BasisEvent } from '../events/types.js';
import type { DetailsInput } from '../events/detailRow.js';
import type { MarketState } from '../components/marketState.js';
import type { Fill } from '../components/positionMonitor.js';
import type { Order } from '../orders/order.js';

/**
 * What became of a submitted order. `pending`: accepted, and what it moves arrives later as events (a transfer in
 * flight). A partial fill reports the share done; its fills came back as events like a full one.
 */
export type OrderOutcome =
  | { readonly status: 'filled' }
  | { readonly status: 'partially_filled'; readonly filledFraction: number }
  | { readonly status: 'pending' }
  | { readonly status: 'rejected'; readonly error: RejectedError };

export const FILLED: OrderOutcome = Object.freeze({ status: 'filled' });
export const PENDING: OrderOutcome = Object.freeze({ status: 'pending' });

/**
 * A venue event as reported: its fill (balance moves, entry prices, transfer) and the P&L it books: the parts
 * `pnlParts[k]` for k < `pnlCount` (indices into ATTRIBUTION_PARTS, in the order first booked), each worth
 * `pnlValues[part]` in the share class.
 */
export interface VenueFill extends Fill {
  readonly pnlCount: number;
  readonly pnlParts: ArrayLike<number>;
  readonly pnlValues: ArrayLike<number>;
}

/**
 * Where venues report what happened: the kernel applies the fill to its positions (the only writer), books its
 * P&L and records the event; the returned number is the event's order. Fields come one by one so that reporting
 * builds no intermediate object.
 */
export interface VenueReports {
  report(
    type: EventType,
    status: EventStatus,
    venue: string | undefined,
    token: string | undefined,
    parent: number | undefined,
    fill: VenueFill,
    gasUnits: number | undefined,
    gasPriceGwei: number | undefined,
    gasEth: number | undefined,
    feeAmount: number | undefined,
    feeToken: string | undefined,
    details: DetailsInput | undefined,
  ): number;
  /**
   * {@link report} for the commonest event, one balance move booked to one P&L part with nothing else (a funding
   * payment): no fill object to fill and walk. A zero `amount` records no move and a zero `valueShare` no P&L part,
   * as a fill would. The move is read during the call only: a venue may reuse it for the next.
   */
  reportMove(type: EventType, venue: string, token: string, parent: number | undefined, move: BookedMove, details: DetailsInput | undefined): number;
}

/**
 * How the kernel acts on venues. A backtest client answers at once (a plain outcome: the kernel pays no promise
 * per order); a live client answers with a promise, and the kernel waits for it before the next dependent order.
 */
export interface ExecutionClient {
  /** The market snapshot orders are priced against until the next one. */
  at(m: MarketState): void;
  /** Submits one order; `parent` is the order number of the decision event it belongs to. */
  submit(order: Order, parent: number | undefined): OrderOutcome | Promise<OrderOutcome>;
  /** Gas for an operation at the current gas price, in ETH (0 with costs off). */
  gasEthFor(op: GasOperation): number;
  /** The AAVE position of one LST in ETH terms at the current oracle and indices. */
  aaveBook(lst: LstToken): { collateralEth: number; debtEth: number };
  readonly feesPaid: number;
  readonly gasPaid: number;
  readonly liquidations: number;
}

/**
 * What happens to positions without an order of ours: transfers landing, funding, reward payouts, and the
 * liquidations the market would apply. Simulated in a backtest; observed from the venues when live. Each is
 * reported through VenueReports like a fill.
 */
export interface MarketSettlement {
  settleArrivals(): void;
  settleFunding(): void;
  /** False when the claim cannot pay its gas yet: nothing changed, claim again at a later tick. The claim is read
   * during the call only. */
  creditReward(claim: RewardClaim): boolean;
  /** AAVE liquidates the LST collateral against the WETH debt (health factor below 1). */
  liquidateAave(healthFactor: number): void;
  liquidateCex(venue: CexVenue, marginRatio: number): void;
  /**
   * Capital paid into the fund's wallet by its owners (positive) or out to them (negative): the initial capital, a
   * deposit, a withdrawal. Reported like a fill; returns the event's order number.
   */
  capitalFlow(type: CapitalFlowEvent, key: PositionKey, amount: number, details: BasisEvent['details']): number;
}

export type CapitalFlowEvent = 'INITIAL_CAPITAL' | 'DEPOSIT' | 'WITHDRAWAL';
