import { BasisError } from '../errors/base.js';

/** Canonical `venue:position_type:symbol` (domain.md §1.1). */
export const POSITION_TYPES = ['BaseToken', 'aToken', 'LST', 'debtToken', 'Perp'] as const;
export type PositionType = (typeof POSITION_TYPES)[number];
export type PositionKey = `${string}:${PositionType}:${string}`;

export interface ParsedPositionKey {
  readonly venue: string;
  readonly type: PositionType;
  readonly symbol: string;
}

export function parsePositionKey(key: string): ParsedPositionKey {
  const parts = key.split(':');
  const [venue, type, symbol] = parts;
  if (parts.length !== 3 || !venue || !type || !symbol || !(POSITION_TYPES as readonly string[]).includes(type)) {
    throw new BasisError('POS-002', `malformed position key "${key}"`, {
      problems: [{ code: 'POS-002', message: 'position key must be venue:type:symbol', expected: `venue:{${POSITION_TYPES.join('|')}}:symbol`, received: key }],
    });
  }
  return { venue, type: type as PositionType, symbol };
}

export function isPositionKey(key: string): key is PositionKey {
  const parts = key.split(':');
  return parts.length === 3 && parts.every((p) => p.length > 0) && (POSITION_TYPES as readonly string[]).includes(parts[1] ?? '');
}

/** The typed way to name a position: `positionKey('wallet', 'BaseToken', 'USDT')`. */
export function positionKey<V extends string, T extends PositionType, S extends string>(venue: V, type: T, symbol: S): `${V}:${T}:${S}` {
  return `${venue}:${type}:${symbol}`;
}
