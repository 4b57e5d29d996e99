/**
 * The events drawn as markers on every time chart, by the marker kind they become. One list for the report's data
 * (src/report/html.ts) and the web app's charts (web/src/charts/model.ts), which imports it: no imports here, so
 * both the Node build and the browser bundle can read it.
 */
export type MarkerKind = 'rebalance' | 'breach' | 'liquidation' | 'emergency' | 'deposit' | 'withdrawal';

export const MARKER_TYPES: Readonly<Record<string, MarkerKind>> = {
  REBALANCE: 'rebalance',
  RISK_BREACH: 'breach',
  LIQUIDATION: 'liquidation',
  EMERGENCY_STOP: 'emergency',
  DEPOSIT: 'deposit',
  WITHDRAWAL: 'withdrawal',
};
