import { BasisError } from '../errors/base.js';
import { parsePositionKey, type PositionKey } from '../domain/positionKey.js';
import { isCexVenue } from '../domain/venues.js';

/**
 * Numeric indices for the few enumerations the hot loop touches. Components index Float64Arrays with
 * these instead of string-keyed maps: a step of usdt_market_neutral then costs about a microsecond.
 */
export const AAVE_IDX = { USDT: 0, WETH: 1, weETH: 2, wstETH: 3 } as const;
export type AaveIdx = (typeof AAVE_IDX)[keyof typeof AAVE_IDX];
export const LST_IDX = { weETH: 0, wstETH: 1 } as const;
export type LstIdx = (typeof LST_IDX)[keyof typeof LST_IDX];
export const LST_LIST = ['weETH', 'wstETH'] as const;
export const AAVE_LIST = ['USDT', 'WETH', 'weETH', 'wstETH'] as const;
export const CEX_IDX = { binance: 0, bybit: 1, okx: 2 } as const;
export const CEX_LIST = ['binance', 'bybit', 'okx'] as const;
export const SYM_IDX = { BTCUSDT: 0, ETHUSDT: 1 } as const;
export const SYM_LIST = ['BTCUSDT', 'ETHUSDT'] as const;
export const perpIdx = (cex: number, sym: number): number => cex * 2 + sym;

/** What a slot holds and how it is valued; valuation numeraires are USDT, ETH and BTC units. */
export type SlotKind =
  | { readonly kind: 'usdt' }
  | { readonly kind: 'eth' }
  | { readonly kind: 'btc' }
  | { readonly kind: 'lst'; readonly lst: LstIdx }
  | { readonly kind: 'aToken'; readonly asset: AaveIdx; readonly lst: LstIdx | -1; readonly numeraire: 'usdt' | 'eth' }
  | { readonly kind: 'debt'; readonly asset: AaveIdx; readonly numeraire: 'usdt' | 'eth' }
  | { readonly kind: 'perp'; readonly cex: number; readonly sym: number; /** Index into the per-(venue, symbol) market arrays. */ readonly perp: number };

export interface Slot {
  readonly key: PositionKey;
  readonly venue: string;
  readonly symbol: string;
  readonly index: number;
  readonly def: SlotKind;
}

/**
 * Every slot definition with the same fields in the same order, whatever its kind: the hot loops (exposure, P&L,
 * funding) read `def.kind`, `def.asset`, … of every slot each step, and seven object shapes at one site make those
 * reads megamorphic (a dictionary lookup each). Fields a kind does not use hold -1 / 'usdt' and are never read.
 */
export function uniformSlotKind(k: SlotKind): SlotKind {
  return Object.assign({ kind: k.kind, lst: -1, asset: -1, numeraire: 'usdt', cex: -1, sym: -1, perp: -1 }, k);
}

function unsupported(key: string, why: string): never {
  throw new BasisError('POS-002', `position key ${key} is not supported: ${why}`, {
    problems: [{ code: 'POS-002', message: why, received: key }],
  });
}

export function slotKindOf(key: PositionKey): SlotKind {
  const { venue, type, symbol } = parsePositionKey(key);
  switch (type) {
    case 'BaseToken':
      if (symbol === 'USDT') return { kind: 'usdt' };
      if (symbol === 'ETH' || symbol === 'WETH') return { kind: 'eth' };
      if (symbol === 'BTC') return { kind: 'btc' };
      if (symbol === 'weETH' || symbol === 'wstETH') return { kind: 'lst', lst: LST_IDX[symbol] };
      return unsupported(key, `no valuation for token ${symbol}`);
    case 'LST':
      if (symbol === 'weETH' || symbol === 'wstETH') return { kind: 'lst', lst: LST_IDX[symbol] };
      return unsupported(key, `unknown LST ${symbol}`);
    case 'aToken': {
      const asset = symbol.replace(/^a/, '');
      if (asset === 'USDT') return { kind: 'aToken', asset: AAVE_IDX.USDT, lst: -1, numeraire: 'usdt' };
      if (asset === 'WETH') return { kind: 'aToken', asset: AAVE_IDX.WETH, lst: -1, numeraire: 'eth' };
      if (asset === 'weETH' || asset === 'wstETH') return { kind: 'aToken', asset: AAVE_IDX[asset], lst: LST_IDX[asset], numeraire: 'eth' };
      return unsupported(key, `unknown AAVE reserve ${asset}`);
    }
    case 'debtToken': {
      const asset = symbol.replace(/^debt/, '');
      if (asset === 'USDT') return { kind: 'debt', asset: AAVE_IDX.USDT, numeraire: 'usdt' };
      if (asset === 'WETH') return { kind: 'debt', asset: AAVE_IDX.WETH, numeraire: 'eth' };
      return unsupported(key, `unknown AAVE debt ${asset}`);
    }
    case 'Perp':
      if (!isCexVenue(venue)) return unsupported(key, `perps trade on binance, bybit or okx, not ${venue}`);
      if (symbol !== 'BTCUSDT' && symbol !== 'ETHUSDT') return unsupported(key, `unknown perp ${symbol}`);
      return { kind: 'perp', cex: CEX_IDX[venue], sym: SYM_IDX[symbol], perp: perpIdx(CEX_IDX[venue], SYM_IDX[symbol]) };
  }
}
