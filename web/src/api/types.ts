/** The wire types of the API (docs/api.md). The web app talks to the server only through these. */

export interface Problem {
  code: string;
  message: string;
  path?: string;
  file?: string;
  expected?: string;
  received?: string;
}

export interface ApiErrorBody {
  error: { code: string; message: string; problems: Problem[]; requestId: string };
}

export type ShareClass = 'USDT' | 'ETH';
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A JSON Schema (draft 2020-12) as z.toJSONSchema writes it. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: (string | number | boolean | null)[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
  [key: string]: unknown;
}

export interface ModeInfo {
  name: string;
  shareClass: ShareClass;
  title: string;
  explanation: { yieldSources: string[]; risks: string[]; summary: string };
  window: { start: string; end: string } | null;
  defaults: { capital: number; start: string | null; end: string | null };
  parameters: JsonSchema;
  parameterDefaults: Record<string, unknown>;
  figures: { apy: number; maxDrawdown: number; finalEquity: number; runId: string } | null;
}

export interface Flow {
  at: string;
  amount: number;
}

export interface BacktestBody {
  mode: string;
  start?: string;
  end?: string;
  capital?: number;
  costs?: boolean;
  strategy?: Record<string, unknown>;
  set?: string[];
  flows?: Flow[];
  label?: string;
}

export interface Attribution {
  [part: string]: number;
}

export interface RunSummary {
  mode: string;
  shareClass: ShareClass;
  synthetic: boolean;
  start: string;
  end: string;
  steps: number;
  initialCapital: number;
  finalEquity: number;
  totalReturn: number;
  apy: number;
  maxDrawdown: number;
  volatility: number;
  sharpe: number | null;
  sortino: number | null;
  rebalances: number;
  liquidations: number;
  emergencyStops: number;
  feesPaid: number;
  gasPaid: number;
  attribution: Attribution;
  reconciliation: { balancePnl: number; attributedPnl: number; residual: number; netFlows?: number };
  flows?: { count: number; deposits: number; withdrawals: number; netFlows: number; finalUnits: number; finalNavPerShare: number; moneyWeightedApy: number | null };
  timing: { runMs: number; stepsPerSec: number; backtestMs: number };
  apyNote?: string;
  benchmark?: { name: string; totalReturn: number; apy: number; coverage: number };
  integrity?: { eventsFinalHash: string; events: number };
}

export interface RunListItem {
  id: string;
  status: RunStatus;
  source: 'cli' | 'api' | 'sweep';
  label: string | null;
  mode: string;
  shareClass: string;
  start: string | null;
  end: string | null;
  capital: number;
  createdAt: string;
  finishedAt: string | null;
  progress: number;
  apy: number | null;
  finalEquity: number | null;
  maxDrawdown: number | null;
}

export interface RunDetail extends RunListItem {
  startedAt: string | null;
  version: string;
  commit: string;
  configHash: string | null;
  dataFingerprint: string | null;
  flows: Flow[];
  timings: { queuedMs: number | null; runMs: number | null; totalMs: number | null };
  error: { code: string; message: string } | null;
  auditHash: string | null;
  runDir: string | null;
  summary: RunSummary | null;
}

export interface Timeseries {
  timestampsMs: number[];
  columns: Record<string, (number | null)[]>;
  points: number;
  downsampled: boolean;
}

export interface BasisEvent {
  order: number;
  timestampMs: number;
  type: string;
  status: string;
  venue?: string;
  token?: string;
  parent?: number;
  deltas: [string, number][];
  balances?: Record<string, number>;
  perpEntries?: Record<string, number>;
  inFlight?: Record<string, { token: string; amount: number; to: string }>;
  pnl?: Record<string, number>;
  gasEth?: number;
  feeAmount?: number;
  feeToken?: string;
  details?: Record<string, number | string | boolean | null>;
}

export interface StoredEvent {
  order: number;
  timestampMs: number;
  time: string;
  type: string;
  status: string;
  venue: string | null;
  token: string | null;
  parent: number | null;
  text: string;
  event: BasisEvent;
}

export interface EventPage {
  total: number;
  offset: number;
  limit: number;
  types: string[];
  venues: string[];
  events: StoredEvent[];
}

export interface Comparison {
  runs: RunListItem[];
  metrics: { name: string; label: string; unit: string; values: (number | null)[] }[];
  configDiff: { path: string; values: (string | number | boolean | null)[] }[];
  equity: { timestampsMs: number[]; series: (number | null)[][] };
}
