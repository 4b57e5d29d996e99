import type { Order } from '../../orders/order.js';
import type { EventType } from '../../events/types.js';
import { CEX_IDX, SYM_IDX, perpIdx } from '../../components/slots.js';
import { slippageBps } from '../costs.js';
import type { SimDesk } from './desk.js';

/** CEX spot and perp fills at the step's price, with taker fees and size-bucket slippage. */
export function spotTrade(d: SimDesk, o: Extract<Order, { kind: 'spot_trade' }>): void {
  const base = o.pair === 'BTCUSDT' ? 'BTC' : 'ETH';
  const px = base === 'BTC' ? d.m.btcPx : d.m.ethPx;
  const notional = o.sizeBase * px;
  const curve = base === 'BTC' ? d.params.costs.slippage.spotBTCUSDT : d.params.costs.slippage.spotETHUSDT;
  const slip = d.costsOn ? slippageBps(curve, notional) / 1e4 : 0;
  const feeRate = d.costsOn ? d.params.cex[o.venue].spotFees.takerRate : 0;
  const tx = d.tx();
  const usdtKey = `${o.venue}:BaseToken:USDT`;
  const baseKey = `${o.venue}:BaseToken:${base}`;
  const slipCost = notional * slip;
  const feeUsdt = notional * feeRate;
  if (o.side === 'buy') {
    tx.move(usdtKey, -(notional + slipCost));
    tx.move(baseKey, o.sizeBase);
  } else {
    tx.move(baseKey, -o.sizeBase);
    tx.move(usdtKey, notional - slipCost);
  }
  tx.book('slippage', -slipCost * d.pxU());
  d.fee(tx, usdtKey, feeUsdt, feeUsdt * d.pxU());
  d.emit('SPOT_TRADE', tx, { venue: o.venue, token: base, feeAmount: feeUsdt, feeToken: 'USDT', details: { side: o.side, sizeBase: o.sizeBase, priceUsdt: px, slippageBps: slip * 1e4 } });
}

export function perpTrade(d: SimDesk, o: Extract<Order, { kind: 'perp_trade' }>): void {
  const key = `${o.venue}:Perp:${o.symbol}`;
  const slot = d.pm.slotOf(key);
  const p = perpIdx(CEX_IDX[o.venue], SYM_IDX[o.symbol]);
  const mark = d.m.perpMark[p] as number;
  const size0 = d.pm.amounts[slot] as number;
  let delta = o.deltaBase;
  if (o.reduceOnly) {
    if (size0 === 0 || Math.sign(delta) === Math.sign(size0)) return;
    if (Math.abs(delta) > Math.abs(size0)) delta = -size0;
  }
  if (delta === 0) return;
  const notional = Math.abs(delta) * mark;
  const slip = d.costsOn ? slippageBps(d.params.costs.slippage.perp, notional) / 1e4 : 0;
  const fill = delta > 0 ? mark * (1 + slip) : mark * (1 - slip);
  const tx = d.tx();
  const usdtKey = `${o.venue}:BaseToken:USDT`;
  const entry0 = d.pm.perpEntry[slot] as number;
  let size1 = size0 + delta;
  if (Math.abs(size1) < 1e-12 * Math.max(1, Math.abs(size0))) size1 = 0;
  // Realize P&L on the part that closes; the rest opens at the fill (weighted-average entry).
  let realized = 0;
  if (size0 !== 0 && Math.sign(delta) !== Math.sign(size0)) {
    const closing = Math.min(Math.abs(delta), Math.abs(size0));
    realized = closing * Math.sign(size0) * (fill - entry0);
    if (size1 === 0) tx.setPerpEntry(slot, NaN);
    else if (Math.sign(size1) !== Math.sign(size0)) tx.setPerpEntry(slot, fill);
  } else {
    tx.setPerpEntry(slot, size0 === 0 ? fill : (size0 * entry0 + delta * fill) / size1);
  }
  tx.move(key, size1 - size0);
  if (realized !== 0) tx.move(usdtKey, realized);
  tx.book('slippage', -notional * slip * d.pxU());
  const feeUsdt = d.costsOn ? notional * d.params.cex[o.venue].perpFees.takerRate : 0;
  d.fee(tx, usdtKey, feeUsdt, feeUsdt * d.pxU());
  const type: EventType = Math.abs(size1) < Math.abs(size0) ? 'PERP_CLOSE' : 'PERP_OPEN';
  d.emit(type, tx, { venue: o.venue, token: o.symbol, feeAmount: feeUsdt, feeToken: 'USDT', details: { deltaBase: delta, markUsdt: mark, fillUsdt: fill, realizedUsdt: realized, sizeAfterBase: size1 } });
}
