import { AAVE_LIST, CEX_LIST, LST_LIST, SYM_LIST, perpIdx } from './slots.js';
import { MarketState } from './marketState.js';

/**
 * The marks a book is valued at (prices, AAVE indices, LST rates, perp marks), by name: written once into the
 * RUN_END event by the kernel and read back by `audit verify`, so both value the final book at the same numbers.
 */
export function serializeMarks(m: MarketState): Record<string, number> {
  const out: Record<string, number> = { ethPx: m.ethPx, btcPx: m.btcPx };
  AAVE_LIST.forEach((a, i) => {
    out[`liquidityIndex:${a}`] = m.liquidityIndex[i] as number;
    out[`borrowIndex:${a}`] = m.borrowIndex[i] as number;
  });
  LST_LIST.forEach((l, i) => {
    out[`lstRate:${l}`] = m.lstRate[i] as number;
  });
  CEX_LIST.forEach((v, c) =>
    SYM_LIST.forEach((sym, s) => {
      out[`perpMark:${v}:${sym}`] = m.perpMark[perpIdx(c, s)] as number;
    }),
  );
  return out;
}

/** The market serializeMarks wrote (a missing or non-numeric mark reads as NaN). */
export function parseMarks(d: Readonly<Record<string, unknown>>): MarketState {
  const m = new MarketState();
  const num = (k: string): number => (typeof d[k] === 'number' ? d[k] : NaN);
  m.ethPx = num('ethPx');
  m.btcPx = num('btcPx');
  AAVE_LIST.forEach((a, i) => {
    m.liquidityIndex[i] = num(`liquidityIndex:${a}`);
    m.borrowIndex[i] = num(`borrowIndex:${a}`);
  });
  LST_LIST.forEach((l, i) => {
    m.lstRate[i] = num(`lstRate:${l}`);
  });
  CEX_LIST.forEach((v, c) =>
    SYM_LIST.forEach((sym, s) => {
      m.perpMark[perpIdx(c, s)] = num(`perpMark:${v}:${sym}`);
    }),
  );
  return m;
}
