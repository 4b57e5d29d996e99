/**
 * One balance move booked to one P&L part and nothing else: a funding payment, the commonest event. It is handed
 * from the venue to the kernel, the position books, the P&L and the event log as one object whose numbers each
 * reads for itself, because a number passed to (or returned from) a call V8 does not inline is boxed: passed
 * along as arguments, a payment allocated at every call on its way (docs/kernel.md, "Hot path").
 */
export interface BookedMove {
  /** The position's slot in the book. */
  readonly slot: number;
  /** Change of the position, in its own units; 0 records no move. */
  readonly amount: number;
  /** Index of the attribution part in ATTRIBUTION_PARTS. */
  readonly part: number;
  /** Value booked to the part, in share-class units; 0 books nothing. */
  readonly valueShare: number;
}
