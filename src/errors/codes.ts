/**
 * One registry for every stable error code Basis emits. The CLI maps `exitCode`, the API maps `httpStatus`,
 * and logs carry `code`. Codes never change meaning once published; add new ones at the end of a domain.
 */
export interface ErrorCodeSpec {
  readonly title: string;
  readonly httpStatus: number;
  readonly exitCode: number;
}

const spec = (title: string, httpStatus: number, exitCode: number): ErrorCodeSpec => ({ title, httpStatus, exitCode });

export const ERROR_CODES = {
  // Configuration (exit 78 = EX_CONFIG)
  'CFG-001': spec('config file could not be loaded', 500, 78),
  'CFG-002': spec('required environment variable missing', 400, 78),
  'CFG-003': spec('config file missing', 400, 78),
  'CFG-004': spec('config file could not be parsed', 400, 78),
  'CFG-005': spec('config value invalid', 400, 78),
  'CFG-006': spec('unknown strategy mode', 404, 78),
  'CFG-007': spec('config layers could not be merged', 400, 78),
  'CFG-008': spec('cross-field rule violated', 400, 78),
  'CFG-009': spec('unknown environment', 400, 78),
  'CFG-010': spec('environment override invalid', 400, 78),
  'CFG-011': spec('date range outside the data', 400, 78),
  'CFG-012': spec('command-line override invalid', 400, 78),
  'CFG-013': spec('forbidden config key (__proto__, constructor, prototype)', 400, 78),
  'CFG-014': spec('YAML alias expansion too large', 400, 78),
  // Data provider (exit 65 = EX_DATAERR, 66 = EX_NOINPUT)
  'DPR-001': spec('data file could not be loaded', 500, 66),
  'DPR-002': spec('data file malformed', 422, 65),
  'DPR-003': spec('series could not be aligned', 422, 65),
  'DPR-004': spec('no data directory found', 400, 66),
  'DPR-005': spec('unhandled data quality problem', 422, 65),
  'DPR-006': spec('requested time outside the timeline', 400, 65),
  'DPR-007': spec('unknown series', 400, 65),
  'DPR-008': spec('data cache unreadable', 500, 65),
  'DPR-009': spec('download failed', 502, 69),
  'DPR-010': spec('data output directory not usable', 400, 73),
  // Positions, exposure, risk, P&L
  'POS-001': spec('position key not subscribed', 500, 70),
  'POS-002': spec('position delta malformed', 500, 70),
  'POS-003': spec('negative balance', 500, 70),
  'EXP-003': spec('price missing for valuation', 500, 70),
  'RSK-002': spec('health factor critical', 200, 0),
  'RSK-003': spec('CEX margin critical', 200, 0),
  'PNL-003': spec('P&L reconciliation mismatch', 500, 70),
  'POS-004': spec('non-finite balance', 500, 70),
  'POS-005': spec('payment due from a venue that holds nothing', 500, 70),
  'PNL-004': spec('non-finite equity or P&L', 500, 70),
  // Strategy and execution
  'STRAT-001': spec('strategy decision failed', 500, 70),
  'STRAT-003': spec('invalid strategy mode', 400, 64),
  'STRAT-004': spec('position impossible under this config', 400, 64),
  'EXEC-001': spec('order failed', 500, 70),
  'EXEC-003': spec('invalid order', 500, 70),
  'EXEC-004': spec('order validation failed', 422, 70),
  'EXEC-006': spec('atomic group rolled back', 500, 70),
  'XFER-001': spec('transfer unsafe', 422, 70),
  'XFER-002': spec('transfer failed and was rolled back', 500, 70),
  'EXEC-007': spec('order below the venue minimum', 422, 70),
  'EXEC-008': spec('health factor would fall too low', 422, 70),
  'EXEC-009': spec('venue refused the order', 422, 70),
  'EXEC-010': spec('venue timed out', 504, 75),
  'EXEC-011': spec('venue rate limit hit', 429, 75),
  'EXEC-012': spec('venue unavailable', 503, 75),
  'EXEC-013': spec('asynchronous execution client driven synchronously', 500, 70),
  // Events and audit
  'EVT-001': spec('event log unreadable', 500, 65),
  'EVT-002': spec('event order not strictly increasing', 422, 65),
  'EVT-004': spec('audit replay mismatch', 422, 65),
  'EVT-005': spec('run file malformed', 422, 65),
  'EVT-006': spec('run file does not match its recorded hash', 422, 65),
  'EVT-007': spec('summary signature missing or invalid', 422, 65),
  'EVT-008': spec('audit key invalid', 400, 78),
  'EVT-009': spec('recorded value does not recompute', 422, 65),
  // Backtest requests and results
  'BT-001': spec('backtest request invalid', 400, 64),
  'BT-004': spec('backtest execution failed', 500, 70),
  'BT-005': spec('results could not be written', 500, 73),
  'BT-006': spec('report chart bundle missing (web/dist/report-client.js)', 500, 70),
  // Capital flows (deposits and withdrawals)
  'FLOW-001': spec('capital flow malformed', 400, 64),
  'FLOW-002': spec('capital flow file unreadable or malformed', 400, 66),
  'FLOW-003': spec('capital flow outside the run window', 400, 64),
  'FLOW-004': spec('capital flow amount invalid', 400, 64),
  'FLOW-005': spec('withdrawal larger than the book', 400, 64),
  'FLOW-006': spec('withdrawal could not be served', 500, 70),
  // Run and output directories (exit 73 = EX_CANTCREAT): nothing a user owns is replaced or removed
  'RUN-001': spec('output directory not empty', 409, 73),
  'RUN-002': spec('output path not allowed', 400, 73),
  'RUN-003': spec('run directory holds files Basis did not write', 409, 73),
  // Results store (exit 74 = EX_IOERR)
  'STORE-001': spec('results store unavailable', 503, 74),
  'STORE-002': spec('results store migration failed', 500, 74),
  'STORE-003': spec('run not found', 404, 66),
  'STORE-004': spec('run is still queued or running', 409, 75),
  'STORE-005': spec('store location invalid', 400, 78),
  'STORE-006': spec('run already finished', 409, 75),
  'STORE-007': spec('run abandoned: the process running it stopped', 500, 70),
  'STORE-008': spec('store made by a newer Basis', 500, 74),
  // HTTP API
  'API-001': spec('request invalid', 400, 64),
  'API-002': spec('authentication required', 401, 77),
  'API-003': spec('token refused', 403, 77),
  'API-004': spec('rate limit exceeded', 429, 75),
  'API-005': spec('refusing to listen beyond loopback without BASIS_API_TOKEN', 400, 78),
  'API-006': spec('backtest queue full', 429, 75),
  'API-007': spec('route or resource not found', 404, 66),
  'API-008': spec('run has no such result yet', 409, 75),
  'API-009': spec('internal server error', 500, 70),
  'API-010': spec('backtest worker failed', 500, 70),
  // Generic
  'CLI-001': spec('command-line usage error', 400, 64),
} as const satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;
