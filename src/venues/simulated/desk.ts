import { BasisError } from '../../errors/base.js';
import type { GasOperation, RunParams } from '../../domain/params.js';
import { ATTRIBUTION_PARTS, type AttributionPart } from '../../domain/attribution.js';
import type { EventLogger } from '../../events/logger.js';
import type { EventType } from '../../events/types.js';
import type { StagedMoves } from '../../events/store.js';
import type { MarketState } from '../../components/marketState.js';
import type { PositionMonitor } from '../../components/positionMonitor.js';
import type { PnlCalculator } from '../../components/pnlCalculator.js';
import { pxBtc, pxEth, pxUsdt } from '../../components/exposureMonitor.js';

/**
 * Collects one event's deltas and P&L while applying them, in reusable typed arrays (by slot and attribution-part
 * index): a desk hands out pooled transactions and takes each back when its event is recorded, so a funding
 * settlement allocates nothing.
 */
export class Tx implements StagedMoves {
  deltaCount = 0;
  deltaSlots = new Int32Array(8);
  deltaAmounts = new Float64Array(8);
  pnlCount = 0;
  readonly pnlParts = new Uint8Array(ATTRIBUTION_PARTS.length);
  readonly pnlValues = new Float64Array(ATTRIBUTION_PARTS.length);
  /** Position of each part in pnlParts, −1 while not booked. */
  private readonly pnlAt = new Int8Array(ATTRIBUTION_PARTS.length).fill(-1);
  gasUnits = 0;
  gasEth = 0;
  /** In the desk's pool: a transaction recorded twice goes back once, so two callers never share it. */
  pooled = false;
  constructor(
    private readonly pm: PositionMonitor,
    private readonly calc: PnlCalculator,
  ) {}
  reset(): void {
    this.deltaCount = 0;
    for (let k = 0; k < this.pnlCount; k++) this.pnlAt[this.pnlParts[k] as number] = -1;
    this.pnlCount = 0;
    this.gasUnits = 0;
    this.gasEth = 0;
  }
  move(key: string, delta: number): void {
    if (delta === 0) return;
    this.moveSlot(this.pm.slotOf(key), delta);
  }
  moveSlot(slot: number, delta: number): void {
    if (delta === 0) return;
    this.pm.apply(slot, delta);
    if (this.deltaCount === this.deltaSlots.length) {
      const slots = new Int32Array(this.deltaCount * 2);
      slots.set(this.deltaSlots);
      this.deltaSlots = slots;
      const amounts = new Float64Array(this.deltaCount * 2);
      amounts.set(this.deltaAmounts);
      this.deltaAmounts = amounts;
    }
    this.deltaSlots[this.deltaCount] = slot;
    this.deltaAmounts[this.deltaCount++] = delta;
  }
  book(part: AttributionPart, valueShare: number): void {
    if (valueShare === 0) return;
    this.calc.book(part, valueShare);
    const p = PART_INDEX[part];
    const at = this.pnlAt[p] as number;
    if (at >= 0) this.pnlValues[at] = (this.pnlValues[at] as number) + valueShare;
    else {
      this.pnlAt[p] = this.pnlCount;
      this.pnlParts[this.pnlCount] = p;
      this.pnlValues[this.pnlCount++] = valueShare;
    }
  }
}

const NO_EXTRA: EmitExtra = {};

const PART_INDEX = Object.fromEntries(ATTRIBUTION_PARTS.map((p, i) => [p, i])) as Record<AttributionPart, number>;

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

  private readonly txPool: Tx[] = [];

  /** A cleared transaction from the pool; {@link emit} returns it there once its event is recorded. */
  tx(): Tx {
    const tx = this.txPool.pop();
    if (tx === undefined) return new Tx(this.pm, this.calc);
    tx.pooled = false;
    tx.reset();
    return tx;
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

  emit(type: EventType, tx: Tx, extra: EmitExtra = NO_EXTRA): number {
    return this.emitFields(type, tx, extra.status ?? 'completed', extra.venue, extra.token, extra.parent ?? this.parent, extra.feeAmount, extra.feeToken, extra.details);
  }

  /** {@link emit} without the options object, for the per-step paths (funding) that must not allocate. */
  emitFields(
    type: EventType,
    tx: Tx,
    status: 'completed' | 'failed' | 'rolled_back',
    venue: string | undefined,
    token: string | undefined,
    parent: number | undefined,
    feeAmount: number | undefined,
    feeToken: string | undefined,
    details: Record<string, number | string | boolean | null> | undefined,
  ): number {
    const gas = tx.gasUnits > 0;
    const order = this.log.recordStaged(
      type,
      status,
      venue,
      token,
      parent,
      tx,
      gas ? tx.gasUnits : undefined,
      gas ? this.m.gasGwei : undefined,
      gas ? tx.gasEth : undefined,
      feeAmount,
      feeAmount !== undefined ? feeToken : undefined,
      details,
    );
    if (!tx.pooled) {
      tx.pooled = true;
      this.txPool.push(tx);
    }
    return order;
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
