import type { Metrics } from './metrics.js';
import type { ModeName } from '../domain/params.js';
import type { ShareClass } from '../domain/tokens.js';
import type { Attribution } from '../domain/attribution.js';

export { ATTRIBUTION_PARTS, type Attribution, type AttributionPart } from '../domain/attribution.js';

/** The run's metrics (report/metrics.ts) plus what it did and how its P&L splits. */
export interface RunSummary extends Metrics {
  readonly mode: ModeName;
  readonly shareClass: ShareClass;
  readonly synthetic: boolean;
  readonly start: string;
  readonly end: string;
  readonly steps: number;
  readonly initialCapital: number;
  readonly finalEquity: number;
  readonly rebalances: number;
  readonly liquidations: number;
  readonly emergencyStops: number;
  readonly feesPaid: number;
  readonly gasPaid: number;
  readonly attribution: Attribution;
  /** balancePnl = finalEquity − initialCapital − netFlows (netFlows present when the run has capital flows). */
  readonly reconciliation: { readonly balancePnl: number; readonly attributedPnl: number; readonly residual: number; readonly netFlows?: number };
  /**
   * Set when the run has deposits or withdrawals: the metrics above are then time-weighted (computed on NAV per
   * share, so a deposit is not return), and this holds the money-weighted return beside them.
   */
  readonly flows?: FlowSummary;
  /**
   * In-process milliseconds: `loadMs` = config + data; `runMs` the engine loop alone; `backtestMs` everything
   * runBacktest did (config, data, preflight, engine, metrics). What the user waited for is the CLI's Time line.
   */
  readonly timing: {
    readonly loadMs: number;
    readonly configMs: number;
    readonly dataMs: number;
    readonly runMs: number;
    readonly stepsPerSec: number;
    readonly backtestMs: number;
  };
  /**
   * Set when the window is shorter than `report.minApyWindowDays`: an annualised figure over a few days means
   * nothing, so the summary and report print this ("n/a (window < N days)") instead; `apy` keeps its value.
   */
  readonly apyNote?: string;
  /** The yield a USDT book is measured against (Ethena sUSDe), over the same window; absent without its data. */
  readonly benchmark?: { readonly name: string; readonly totalReturn: number; readonly apy: number; readonly coverage: number };
}

export interface FlowSummary {
  readonly count: number;
  readonly deposits: number;
  readonly withdrawals: number;
  readonly netFlows: number;
  /** Units outstanding at the end (the initial capital issued `initialCapital` units at NAV 1). */
  readonly finalUnits: number;
  readonly finalNavPerShare: number;
  /** Annual IRR of the dated flows (capital and deposits in, withdrawals and final equity out); null when undefined. */
  readonly moneyWeightedApy: number | null;
  /** Costs booked by the orders that deployed deposits and unwound withdrawals (≤ 0, share class). */
  readonly deployCosts: number;
  readonly unwindCosts: number;
  /** Flows not completed by the end of the run (a withdrawal still waiting for its cash). */
  readonly pending: number;
}

/**
 * Per-step columns. Names follow one convention so the report and the dashboard pick charts by prefix:
 * `equity`, `drawdown`, `pos:<positionKey>` (token units), `netDelta:<ETH|BTC>` (units), `ltv`, `healthFactor`,
 * `marginRatio:<venue>`, `fundingRate:<venue>` (per 8 h, at settlements), `price:<ETH|BTC>`, `inFlight` (share class),
 * `navPerShare` and `units` (runs with flows), and:
 * - `pnl:<part>`: cumulative attribution of each P&L part since the start (share class; parts never booked dropped);
 * - `marginUsdt:<venue>`: collateral + unrealised P&L of the CEX account (USDT);
 * - `lstRate:<weETH|wstETH>`: ETH per LST at the AAVE oracle, for the LSTs the book held;
 * - `borrowApr:<asset>` / `supplyApr:<asset>`: AAVE variable borrow / supply rate (decimal per year) of the reserves
 *   the book borrowed / supplied;
 * - `stakingApr:<lst>`: the LST's staking yield, its exchange-rate growth over the trailing 7 days, per year
 *   (report/derivedColumns.ts, computed after the run);
 * - `benchmark:<name>`: the initial capital held in the benchmark, in the share class: `benchmark:sUSDe` (Ethena,
 *   USDT books), `benchmark:ETH` (holding ETH) and `benchmark:<lst>` (staking it) for ETH books.
 */
export interface TimeseriesFrame {
  readonly timestampsMs: Float64Array;
  readonly columns: ReadonlyArray<{ readonly name: string; readonly values: Float64Array }>;
}

/** The fields of an event the report renders; the full event type lives in events/. */
export interface ReportEvent {
  readonly order: number;
  readonly timestampMs: number;
  readonly type: string;
  readonly venue?: string;
  readonly token?: string;
  readonly status: string;
  readonly [field: string]: unknown;
}
