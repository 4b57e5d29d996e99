import { BasisError } from '../../errors/base.js';
import type { GasOperation, RunParams } from '../../domain/params.js';
import type { LstToken } from '../../domain/tokens.js';
import type { AttributionPart } from '../../domain/attribution.js';
import type { EventLogger } from '../../events/logger.js';
import type { EventType } from '../../events/types.js';
import type { MarketState } from '../../components/marketState.js';
import type { PositionMonitor } from '../../components/positionMonitor.js';
import type { PnlCalculator } from '../../components/pnlCalculator.js';
import { pxBtc, pxEth, pxUsdt } from '../../components/exposureMonitor.js';

/** Collects one event's deltas and P&L while applying them. */
export class Tx {
  readonly deltas: Array<[string, number]> = [];
  readonly pnl: Partial<Record<AttributionPart, number>> = {};
  gasUnits = 0;
  gasEth = 0;
  constructor(
    private readonly pm: PositionMonitor,
    private readonly calc: PnlCalculator,
  ) {}
  move(key: string, delta: number): void {
    if (delta === 0) return;
    this.pm.apply(this.pm.slotOf(key), delta);
    this.deltas.push([key, delta]);
  }
  book(part: AttributionPart, valueShare: number): void {
    if (valueShare === 0) return;
    this.calc.book(part, valueShare);
    this.pnl[part] = (this.pnl[part] ?? 0) + valueShare;
  }
}

export interface EmitExtra {
  readonly venue?: string;
  readonly token?: string;
  readonly parent?: number;
  readonly details?: Record<string, number | string | boolean | null>;
  readonly feeAmount?: number;
  readonly feeToken?: string;
  readonly status?: 'completed' | 'failed' | 'rolled_back';
}

/**
 * What every simulated venue operation shares: the book, the market of the step, the cost switches, and the
 * three ways money leaves (gas from the wallet float, fees, and the event that records it).
 */
export class SimDesk {
  m!: MarketState;
  stepIndex = 0;
  /** The decision event (REBALANCE, EMERGENCY_STOP) the current order belongs to: its events point at it. */
  parent: number | undefined;
  emodeSet = false;
  /** Withdrawals waiting in a staking protocol's queue, oldest first: the ETH each pays and when it can be claimed. */
  readonly unstakeQueue: Array<{ readonly lst: LstToken; readonly amountEth: number; readonly claimableMs: number }> = [];
  readonly approved = new Set<string>();
  liquidations = 0;
  feesPaid = 0;
  gasPaid = 0;

  constructor(
    readonly params: RunParams,
    readonly pm: PositionMonitor,
    readonly calc: PnlCalculator,
    readonly log: EventLogger,
    readonly costsOn: boolean,
  ) {}

  tx(): Tx {
    return new Tx(this.pm, this.calc);
  }

  pxU(): number {
    return pxUsdt(this.params.mode.shareClass, this.m);
  }
  pxE(): number {
    return pxEth(this.params.mode.shareClass, this.m);
  }
  pxB(): number {
    return pxBtc(this.params.mode.shareClass, this.m);
  }

  emit(type: EventType, tx: Tx, extra: EmitExtra = {}): number {
    const gas = tx.gasUnits > 0;
    return this.log.record(
      type,
      extra.status ?? 'completed',
      extra.venue,
      extra.token,
      extra.parent ?? this.parent,
      tx.deltas,
      tx.pnl,
      gas ? tx.gasUnits : undefined,
      gas ? this.m.gasGwei : undefined,
      gas ? tx.gasEth : undefined,
      extra.feeAmount,
      extra.feeAmount !== undefined ? extra.feeToken : undefined,
      extra.details,
    );
  }

  /** Gas for one operation, in ETH, at this step's gas price. */
  gasEthFor(op: GasOperation): number {
    if (!this.costsOn) return 0;
    return this.params.costs.gasUnits[op] * this.m.gasGwei * 1e-9 * this.params.costs.gasPriceMultiplier;
  }

  /** Pays an operation's gas from the wallet's ETH; EXEC-004 when the float cannot cover it. */
  payGas(tx: Tx, op: GasOperation): void {
    const eth = this.gasEthFor(op);
    if (eth === 0) return;
    const have = this.pm.amount('wallet:BaseToken:ETH');
    if (have < eth) {
      throw new BasisError('EXEC-004', `not enough ETH in the wallet for gas (${op}: need ${eth}, have ${have})`, {
        problems: [{ code: 'EXEC-004', message: 'gas float too small', expected: `>= ${eth} ETH`, received: String(have) }],
      });
    }
    tx.move('wallet:BaseToken:ETH', -eth);
    tx.gasUnits += this.params.costs.gasUnits[op];
    tx.gasEth += eth;
    const v = eth * this.pxE();
    tx.book('gas', -v);
    this.gasPaid += v;
  }

  fee(tx: Tx, key: string, amount: number, valueShare: number, part: AttributionPart = 'tradingFees'): void {
    if (amount === 0) return;
    tx.move(key, -amount);
    tx.book(part, -valueShare);
    this.feesPaid += valueShare;
  }
}
