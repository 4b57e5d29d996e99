import { assertNever } from '../errors/base.js';
import type { BasisEvent, EventType } from './types.js';
import { fmtNum } from '../report/format.js';

// Cached formatters (report/format.ts): Number.toLocaleString builds one per call (~50 µs), and a run's events are
// described by the thousand.
const SIGNIFICANT4 = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
const fmt = (v: number, digits = 2): string => fmtNum(v, digits);
const signed = (v: number, digits = 2): string => `${v > 0 ? '+' : v < 0 ? '−' : ''}${fmt(Math.abs(v), digits)}`;
const digitsFor = (token: string | undefined): number => (token === 'USDT' || token === 'USDC' ? 2 : 4);

function num(e: BasisEvent, key: string): number | undefined {
  const v = e.details?.[key];
  return typeof v === 'number' ? v : undefined;
}

function str(e: BasisEvent, key: string): string | undefined {
  const v = e.details?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** "1,000,000.00 USDT" from a details field, or '' when the event has no such number. */
function amount(e: BasisEvent, key: string, token = e.token): string {
  const v = num(e, key);
  return v === undefined ? '' : ` ${fmt(v, digitsFor(token))}${token !== undefined ? ` ${token}` : ''}`;
}

function at(e: BasisEvent): string {
  return e.venue !== undefined ? ` on ${e.venue}` : '';
}

function head(e: BasisEvent): string {
  const t: EventType = e.type;
  switch (t) {
    case 'INITIAL_CAPITAL':
      return `Initial capital${e.deltas[0] !== undefined ? ` ${fmt(e.deltas[0][1], digitsFor(e.token))}${e.token !== undefined ? ` ${e.token}` : ''}` : ''}${at(e)}`;
    case 'DEPOSIT':
      return `Deposit${e.deltas[0] !== undefined ? ` ${fmt(e.deltas[0][1], digitsFor(e.token))}${e.token !== undefined ? ` ${e.token}` : ''}` : ''}${at(e)}`;
    case 'WITHDRAWAL':
      return `Withdrawal${e.deltas[0] !== undefined ? ` ${fmt(Math.abs(e.deltas[0][1]), digitsFor(e.token))}${e.token !== undefined ? ` ${e.token}` : ''}` : ''}${at(e)}`;
    case 'ATOMIC_LEVERAGE_ENTRY':
      return `Leveraged entry (atomic)${at(e)}`;
    case 'ATOMIC_DELEVERAGE':
      return `Deleverage (atomic)${at(e)}`;
    case 'AAVE_SET_EMODE':
      return `Set e-mode${at(e)}`;
    case 'AAVE_SUPPLY':
      return `Supplied${amount(e, 'amountToken')} to AAVE`;
    case 'AAVE_WITHDRAW':
      return `Withdrew${amount(e, 'amountToken')} from AAVE`;
    case 'AAVE_BORROW':
      return `Borrowed${amount(e, 'amountToken')} on AAVE`;
    case 'AAVE_REPAY':
      return `Repaid${amount(e, 'amountToken')} on AAVE`;
    case 'STAKE_DEPOSIT':
      return `Staked${amount(e, 'amountEth', 'ETH')} for ${e.token ?? 'LST'}${at(e)}`;
    case 'UNSTAKE_REQUESTED':
      return `Unstake requested:${amount(e, 'amountLst')}${at(e)}`;
    case 'UNSTAKE_CLAIMED':
      return `Unstake claimed:${amount(e, 'amountEth', 'ETH')}${at(e)}`;
    case 'WRAP_ETH':
      return `Wrapped${amount(e, 'amountEth', 'ETH')} into WETH`;
    case 'DEX_SWAP': {
      const [from, to] = (e.token ?? '->').split('->');
      const inAmt = num(e, 'amountInToken');
      const outAmt = num(e, 'amountOutToken');
      return `Swapped${inAmt !== undefined ? ` ${fmt(inAmt, digitsFor(from))}` : ''} ${from ?? ''} for${outAmt !== undefined ? ` ${fmt(outAmt, digitsFor(to))}` : ''} ${to ?? ''}${at(e)}`;
    }
    case 'SPOT_TRADE': {
      const size = num(e, 'sizeBase');
      const px = num(e, 'priceUsdt');
      return `Spot ${str(e, 'side') ?? 'trade'}${size !== undefined ? ` ${fmt(size, 4)}` : ''} ${e.token ?? ''}${px !== undefined ? ` @ ${fmt(px)} USDT` : ''}${at(e)}`;
    }
    case 'PERP_OPEN':
    case 'PERP_CLOSE': {
      const d = num(e, 'deltaBase');
      const px = num(e, 'fillUsdt');
      return `Perp ${t === 'PERP_OPEN' ? 'open' : 'close'} ${d !== undefined ? signed(d, 4) : ''} ${e.token ?? ''}${px !== undefined ? ` @ ${fmt(px)} USDT` : ''}${at(e)}`;
    }
    case 'FUNDING_SETTLED': {
      const p = num(e, 'paymentUsdt');
      const r = num(e, 'rate8h');
      return `Funding ${p !== undefined ? `${signed(p)} USDT` : ''}${r !== undefined ? ` (rate ${signed(r * 100, 4)} % / 8 h)` : ''} ${e.token ?? ''}${at(e)}`;
    }
    case 'REWARD_CREDITED':
      return `Reward credited ${e.token ?? ''}${at(e)}`;
    case 'TRANSFER_STEP': {
      const route = str(e, 'route');
      const stage = str(e, 'stage');
      return `Transfer ${stage ?? 'step'}${amount(e, 'amountToken')}${route !== undefined ? ` ${route}` : ''}`;
    }
    case 'REBALANCE':
      return `Rebalance${str(e, 'reason') !== undefined ? ` (${(str(e, 'reason') as string).replace(/_/g, ' ')})` : ''}${str(e, 'detail') !== undefined ? `: ${str(e, 'detail')}` : ''}`;
    case 'RISK_BREACH': {
      const value = num(e, 'value');
      return `Risk ${str(e, 'level') ?? 'level'} on ${str(e, 'metric') ?? 'a metric'}${value !== undefined ? ` at ${fmt(value, 4)}` : ''}`;
    }
    case 'LIQUIDATION':
      return `Liquidation${at(e)}`;
    case 'EMERGENCY_STOP':
      return `Emergency stop${str(e, 'detail') !== undefined ? `: ${str(e, 'detail')}` : ''}`;
    case 'DATA_FALLBACK':
      return `Data fallback${str(e, 'series') !== undefined ? ` for ${str(e, 'series')}` : ''}${str(e, 'fallback') !== undefined ? ` from ${str(e, 'fallback')}` : ''}`;
    case 'RUN_END':
      return 'Run end';
    default:
      return assertNever(t, 'event type');
  }
}

/** Numbers as a desk reads them: grouped, 2 decimals from 1 up, 4 significant digits below. */
function amountText(v: number): string {
  const abs = Math.abs(v);
  if (abs === 0) return '0';
  if (abs >= 1) return fmt(v, 2);
  return SIGNIFICANT4.format(v);
}

/** camelCase part names as words: `tradingFees` → `trading fees`. */
const words = (key: string): string => key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/**
 * One readable line per event, for the API's event pages and the free-text search: what happened, how much, where,
 * and what it booked, e.g. "Spot buy 1.1700 BTC @ 67,655.66 USDT on binance; P&L −64.81 (slippage −14.96, trading
 * fees −49.85)".
 */
export function describeEvent(e: BasisEvent): string {
  const text = head(e).replace(/\s+/g, ' ').trim();
  const status = e.status === 'completed' ? '' : ` [${e.status.replace('_', ' ')}]`;
  const parts = Object.entries(e.pnl ?? {}).filter((p): p is [string, number] => typeof p[1] === 'number' && p[1] !== 0);
  if (parts.length === 0) return `${text}${status}`;
  const total = parts.reduce((sum, [, v]) => sum + v, 0);
  return `${text}${status}; P&L ${amountText(total)} (${parts.map(([k, v]) => `${words(k)} ${amountText(v)}`).join(', ')})`;
}
