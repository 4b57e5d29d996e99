import { BasisError } from '../errors/base.js';
import { internalized } from '../internalize.js';
import type { PositionKey } from '../domain/positionKey.js';
import type { BookedMove } from '../domain/move.js';
import { slotKindOf, uniformSlotKind, type Slot } from './slots.js';

export type Numeraire = 'usdt' | 'eth' | 'btc';

export interface InFlightTransfer {
  readonly id: string;
  readonly numeraire: Numeraire;
  readonly token: string;
  readonly amount: number;
  readonly to: PositionKey;
  /** When the funds land (the first tick at or after this time credits them). */
  readonly arriveMs: number;
  /** Routes with a next leg re-send on arrival (CEX → wallet → CEX). */
  readonly then?: PositionKey;
}

/** Balances below this (relative to the larger side) are float noise, not a negative balance. */
const NEG_TOLERANCE = 1e-9;

/**
 * The one rule for adding a delta to a balance, shared with the audit replay so both compute bit-identical
 * balances: float noise below zero snaps to zero; a real negative balance is an error (POS-003), a non-finite one
 * too (POS-004).
 */
export function applyDelta(key: string, signed: boolean, before: number, delta: number): number {
  const after = before + delta;
  // x − x is 0 for every finite x and NaN for NaN and ±Infinity: one subtraction guards every balance change.
  if (after - after !== 0) {
    throw new BasisError('POS-004', `${key} would become ${after} (${before} + ${delta})`, {
      problems: [{ code: 'POS-004', message: 'non-finite balance', path: key, expected: 'a finite amount', received: `${before} + ${delta}` }],
    });
  }
  if (signed || after >= 0) return after;
  if (-after <= NEG_TOLERANCE * Math.max(1, Math.abs(before), Math.abs(delta))) return 0;
  throw new BasisError('POS-003', `${key} would go negative (${before} + ${delta})`, {
    problems: [{ code: 'POS-003', message: 'negative balance', path: key, expected: '>= 0', received: String(after) }],
  });
}

/** Would this delta take a non-perp balance below zero by more than float noise? (A venue refuses such a move.) */
export function wouldGoNegative(book: Book, slot: number, delta: number): boolean {
  const s = book.slots[slot] as Slot;
  const before = book.amounts[slot] as number;
  const after = before + delta;
  return s.def.kind !== 'perp' && after < 0 && -after > NEG_TOLERANCE * Math.max(1, Math.abs(before), Math.abs(delta));
}

/**
 * A set of position amounts (token units; scaled units for AAVE; signed base units for perps), perp entry prices
 * and transfers in flight. The kernel's PositionMonitor keeps its book private and changes it only from fills; a
 * simulated venue keeps its own book, the venue side of the same accounts.
 */
export class Book {
  readonly slots: readonly Slot[];
  readonly amounts: Float64Array;
  readonly perpEntry: Float64Array;
  readonly inFlight: InFlightTransfer[] = [];
  /** 1 for a slot whose amount may be negative (a perp's signed size). */
  private readonly signed: Uint8Array;
  /** Counts the changes to the balances: equal between two reads means no balance changed in between. */
  version = 0;
  private readonly byKey = new Map<string, number>();

  constructor(keys: readonly PositionKey[]) {
    this.slots = keys.map((key, index) => {
      const [venue = '', , symbol = ''] = key.split(':');
      // Events and strategies compare these with literals and look them up in maps on the per-step path.
      return { key: internalized(key) as PositionKey, venue: internalized(venue), symbol: internalized(symbol), index, def: uniformSlotKind(slotKindOf(key)) };
    });
    this.slots.forEach((s) => this.byKey.set(s.key, s.index));
    this.amounts = new Float64Array(keys.length);
    this.signed = Uint8Array.from(this.slots, (s) => (s.def.kind === 'perp' ? 1 : 0));
    this.perpEntry = new Float64Array(keys.length).fill(NaN);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  slotOf(key: string): number {
    const i = this.byKey.get(key);
    if (i === undefined) {
      throw new BasisError('POS-001', `position ${key} is not subscribed by this mode`, {
        problems: [{ code: 'POS-001', message: 'every key a run touches must be listed in the mode positions', received: key }],
      });
    }
    return i;
  }

  amount(key: string): number {
    return this.amounts[this.slotOf(key)] as number;
  }

  /**
   * Applies a delta; a non-perp balance may not go negative beyond float noise. The common case (a finite result
   * that is allowed) is tested here and only the rest goes to {@link applyDelta}: kept small, this is inlined
   * where it is called, and the delta is not boxed on its way (docs/kernel.md, "Hot path").
   */
  apply(slot: number, delta: number): void {
    const before = this.amounts[slot] as number;
    const after = before + delta;
    if (after - after === 0 && (after >= 0 || this.signed[slot] === 1)) this.amounts[slot] = after;
    else this.amounts[slot] = applyDelta((this.slots[slot] as Slot).key, this.signed[slot] === 1, before, delta);
    this.version++;
  }

  /**
   * {@link apply} of a booked move's amount (a zero amount changes nothing), written out: handed to apply where V8
   * does not inline it (it decides per process), the amount would be boxed at every move (see BookedMove).
   */
  applyMove(m: BookedMove): void {
    const delta = m.amount;
    if (delta === 0) return;
    const slot = m.slot;
    const before = this.amounts[slot] as number;
    const after = before + delta;
    if (after - after === 0 && (after >= 0 || this.signed[slot] === 1)) this.amounts[slot] = after;
    else this.amounts[slot] = applyDelta((this.slots[slot] as Slot).key, this.signed[slot] === 1, before, delta);
    this.version++;
  }

  /** Every non-zero balance (a key that is absent is zero). */
  balances(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const s of this.slots) {
      const a = this.amounts[s.index] as number;
      if (a !== 0) out[s.key] = a;
    }
    return out;
  }

  inFlightView(): Record<string, { token: string; amount: number; to: string }> {
    const out: Record<string, { token: string; amount: number; to: string }> = {};
    for (const t of this.inFlight) out[t.id] = { token: t.token, amount: t.amount, to: t.to };
    return out;
  }

  /** A copy for a venue's atomic groups: all deltas apply or none. */
  save(): { amounts: Float64Array; perpEntry: Float64Array; inFlight: InFlightTransfer[] } {
    return { amounts: this.amounts.slice(), perpEntry: this.perpEntry.slice(), inFlight: this.inFlight.slice() };
  }

  restore(s: { amounts: Float64Array; perpEntry: Float64Array; inFlight: InFlightTransfer[] }): void {
    this.amounts.set(s.amounts);
    this.version++;
    this.perpEntry.set(s.perpEntry);
    this.inFlight.length = 0;
    this.inFlight.push(...s.inFlight);
  }
}
