import type { BasisEvent, EventType } from '../events/types.js';

const LABELS: Record<EventType, string> = {
  INITIAL_CAPITAL: 'Initial capital',
  DEPOSIT: 'Deposit',
  WITHDRAWAL: 'Withdrawal',
  ATOMIC_LEVERAGE_ENTRY: 'Atomic leverage entry',
  ATOMIC_DELEVERAGE: 'Atomic deleverage',
  AAVE_SET_EMODE: 'Set AAVE e-mode',
  AAVE_SUPPLY: 'Supplied to AAVE',
  AAVE_WITHDRAW: 'Withdrew from AAVE',
  AAVE_BORROW: 'Borrowed on AAVE',
  AAVE_REPAY: 'Repaid on AAVE',
  STAKE_DEPOSIT: 'Staked',
  UNSTAKE_REQUESTED: 'Unstake requested',
  UNSTAKE_CLAIMED: 'Unstake claimed',
  WRAP_ETH: 'Wrapped ETH',
  DEX_SWAP: 'DEX swap',
  SPOT_TRADE: 'Spot trade',
  PERP_OPEN: 'Perp opened',
  PERP_CLOSE: 'Perp closed',
  FUNDING_SETTLED: 'Funding settled',
  REWARD_CREDITED: 'Reward credited',
  TRANSFER_STEP: 'Transfer',
  REBALANCE: 'Rebalance',
  RISK_BREACH: 'Risk breach',
  LIQUIDATION: 'Liquidation',
  EMERGENCY_STOP: 'Emergency stop',
  DATA_FALLBACK: 'Data fallback',
  RUN_END: 'Run end',
};

/** Numbers as a desk reads them: grouped, 2 decimals for large amounts, 4 significant digits for small ones. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs === 0) return '0';
  if (abs >= 1) return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return v.toLocaleString('en-US', { maximumSignificantDigits: 4 });
}

function formatDetail(v: number | string | boolean | null): string {
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

/** camelCase detail keys as words: `sizeBase` → `size base`. */
function words(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_:]/g, ' ').toLowerCase();
}

/** At most this many details on the line; the full record is beside it in the response. */
const MAX_DETAILS = 4;

/**
 * One readable line for an event, e.g. "Spot trade BTC on binance: side buy, size base 1.17; P&L −64.81 (slippage
 * −14.96, trading fees −49.85)". Null details (a series the run does not use) are left out.
 */
export function eventText(e: BasisEvent): string {
  const head = [LABELS[e.type] ?? e.type, e.token, e.venue ? `on ${e.venue}` : undefined].filter((x) => x !== undefined && x !== '').join(' ');
  const details = Object.entries(e.details ?? {})
    .filter(([, v]) => v !== null)
    .slice(0, MAX_DETAILS)
    .map(([k, v]) => `${words(k)} ${formatDetail(v)}`);
  const pnlParts = Object.entries(e.pnl ?? {}).filter((p): p is [string, number] => typeof p[1] === 'number' && p[1] !== 0);
  const pnlTotal = pnlParts.reduce((s, [, v]) => s + v, 0);
  const pnl = pnlParts.length > 0 ? `P&L ${formatNumber(pnlTotal)} (${pnlParts.map(([k, v]) => `${words(k)} ${formatNumber(v)}`).join(', ')})` : undefined;
  const status = e.status !== 'completed' ? ` [${e.status.replace('_', ' ')}]` : '';
  return `${head}${status}${details.length > 0 ? `: ${details.join(', ')}` : ''}${pnl ? `; ${pnl}` : ''}`;
}
