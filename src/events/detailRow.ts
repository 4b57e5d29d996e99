/**
 * The details of a frequent event of one fixed shape (a funding payment), as numbers in a reused row: the event
 * log copies them by position, without walking an object's keys or testing each value's type. Recorded, an event
 * with a row reads exactly as one whose details were the object of the same keys in the same order.
 */
export class DetailRow {
  /** The value of key k; for a boolean key, 1 is true and 0 false. */
  readonly values: Float64Array;
  /** 1 where key k holds a boolean. */
  readonly booleans: Uint8Array;

  constructor(
    readonly keys: readonly string[],
    booleanKeys: readonly string[] = [],
  ) {
    this.values = new Float64Array(keys.length);
    this.booleans = Uint8Array.from(keys, (k) => (booleanKeys.includes(k) ? 1 : 0));
  }
}

/** What an event carries as details: an object, or a row of a fixed shape. */
export type DetailsInput = Readonly<Record<string, number | string | boolean | null>> | DetailRow;
