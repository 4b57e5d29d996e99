import type { AttributionPart } from '../domain/attribution.js';

/** Every event type the engine writes. Closed set: the audit and the report switch on it. */
export const EVENT_TYPES = [
  'INITIAL_CAPITAL',
  'DEPOSIT',
  'WITHDRAWAL',
  'ATOMIC_LEVERAGE_ENTRY',
  'ATOMIC_DELEVERAGE',
  'AAVE_SET_EMODE',
  'AAVE_SUPPLY',
  'AAVE_WITHDRAW',
  'AAVE_BORROW',
  'AAVE_REPAY',
  'STAKE_DEPOSIT',
  'DEX_SWAP',
  'SPOT_TRADE',
  'PERP_OPEN',
  'PERP_CLOSE',
  'FUNDING_SETTLED',
  'REWARD_CREDITED',
  'TRANSFER_STEP',
  'REBALANCE',
  'RISK_BREACH',
  'LIQUIDATION',
  'EMERGENCY_STOP',
  'DATA_FALLBACK',
  'RUN_END',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type EventStatus = 'completed' | 'failed' | 'rolled_back' | 'pending';

/**
 * One audit record. `deltas` are the balance moves in the order they were applied, in stored units (token
 * units; scaled units for AAVE positions; base units for perps), so a replay reproduces every balance
 * bit for bit; `balances` are all positions after the event.
 */
export interface BasisEvent {
  readonly order: number;
  readonly timestampMs: number;
  readonly type: EventType;
  readonly status: EventStatus;
  readonly venue?: string;
  readonly token?: string;
  /** Parent order number for children of an atomic group. */
  readonly parent?: number;
  readonly deltas: ReadonlyArray<readonly [string, number]>;
  readonly balances?: Readonly<Record<string, number>>;
  /** Entry price of each open perp after the event. */
  readonly perpEntries?: Readonly<Record<string, number>>;
  /** Transfers in flight after the event, by transfer id. */
  readonly inFlight?: Readonly<Record<string, { token: string; amount: number; to: string }>>;
  /** Costs and income booked by this event, in share-class units, by attribution part. */
  readonly pnl?: Readonly<Partial<Record<AttributionPart, number>>>;
  readonly gasUnits?: number;
  readonly gasPriceGwei?: number;
  readonly gasEth?: number;
  readonly feeAmount?: number;
  readonly feeToken?: string;
  readonly details?: Readonly<Record<string, number | string | boolean | null>>;
}
