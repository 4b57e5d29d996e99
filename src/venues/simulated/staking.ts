import { BasisError } from '../../errors/base.js';
import type { LstToken } from '../../domain/tokens.js';
import { strategyLst, type LstParams } from '../../domain/params.js';
import type { Order } from '../../orders/order.js';
import { LST_IDX } from '../../components/slots.js';
import { slippageBps } from '../costs.js';
import type { SimDesk } from './desk.js';

/** Staking mints at the protocol rate; LST exits and ETH/USDT swaps go through a DEX with its costs. */
/** Mint at the protocol rate (EtherFi/Lido mint 1:1 at the oracle exchange rate). */
export function stake(d: SimDesk, lst: LstToken, amountEth: number): void {
  const tx = d.tx();
  d.payGas(tx, 'STAKE_DEPOSIT');
  tx.move('wallet:BaseToken:ETH', -amountEth);
  tx.move(`wallet:BaseToken:${lst}`, amountEth / (d.m.lstRate[LST_IDX[lst]] as number));
  d.emit('STAKE_DEPOSIT', tx, { venue: strategyLst(d.params.mode.strategy)?.stakingVenue ?? 'etherfi', token: lst, details: { amountEth, rateEthPerLst: d.m.lstRate[LST_IDX[lst]] as number } });
}

export function dexSwap(d: SimDesk, o: Extract<Order, { kind: 'dex_swap' }>): void {
  const tx = d.tx();
  const c = d.params.costs.slippage;
  // Value of the input in ETH and USDT at the step's valuation prices.
  const inEth = o.from === 'ETH' ? o.amountIn : o.from === 'USDT' ? o.amountIn / d.m.ethPx : o.amountIn * (d.m.lstRate[LST_IDX[o.from]] as number);
  const notionalUsd = inEth * d.m.ethPx;
  let costFrac = 0;
  if (d.costsOn) {
    costFrac =
      o.from === 'weETH' || o.from === 'wstETH'
        ? 1 - (1 - lstParams(d).exitDiscount) * (1 - slippageBps(c.dexLstETH[o.from], notionalUsd) / 1e4)
        : slippageBps(c.dexETHUSDT, notionalUsd) / 1e4;
  }
  const outEth = inEth * (1 - costFrac);
  const outAmount = o.to === 'ETH' ? outEth : outEth * d.m.ethPx;
  tx.move(`wallet:BaseToken:${o.from}`, -o.amountIn);
  tx.move(`wallet:BaseToken:${o.to}`, outAmount);
  tx.book('slippage', -inEth * costFrac * d.pxE());
  // A gasless (intent) swap pays its gas out of the ETH it buys; any other swap from the wallet's float.
  d.payGas(tx, 'TOKEN_SWAP');
  d.emit('DEX_SWAP', tx, { venue: 'uniswap', token: `${o.from}->${o.to}`, details: { amountInToken: o.amountIn, amountOutToken: outAmount, costBps: costFrac * 1e4 } });
}

export function lstParams(d: SimDesk): LstParams {
  const lst = strategyLst(d.params.mode.strategy);
  if (lst) return lst;
  throw new BasisError('STRAT-004', `mode ${d.params.mode.strategy.kind} has no LST`);
}
