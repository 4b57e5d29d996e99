/** The run's columns as the dashboard asks for and draws them (no imports: the Node tests read it too). */

/** Columns on one time axis; null where a series has no value. */
export interface SeriesFrame {
  readonly timestampsMs: readonly number[];
  readonly columns: Readonly<Record<string, readonly (number | null)[]>>;
}

/**
 * The columns the dashboard draws, in the groups it asks the API for together: a group holds every column one
 * of its views combines (net delta with prices and equity, margin ratio with margin in USDT, …). Asking per group
 * keeps each answer near the points asked for, where one request for all columns would keep every column's
 * extreme rows and grow with the number of columns. An entry ending in `:` is a prefix.
 */
export const COLUMN_GROUPS: readonly (readonly string[])[] = [
  ['equity', 'navPerShare', 'drawdown', 'benchmark:'],
  ['pnl:'],
  ['ltv', 'healthFactor'],
  ['marginRatio:', 'marginUsdt:'],
  ['fundingRate:'],
  ['netDelta:', 'price:', 'equity'],
  ['lstRate:', 'borrowApr:', 'stakingApr:'],
];

/** The run's column names in COLUMN_GROUPS, each group only with the columns the run has (empty groups dropped). */
export function columnGroups(names: readonly string[]): string[][] {
  return COLUMN_GROUPS.map((group) => names.filter((n) => group.some((g) => (g.endsWith(':') ? n.startsWith(g) : n === g)))).filter((g) => g.length > 0);
}
