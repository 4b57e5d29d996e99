import { BasisError } from '../../errors/base.js';
import type { LstToken } from '../../domain/tokens.js';
import type { LstParams } from '../../domain/params.js';
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
  d.emit('STAKE_DEPOSIT', tx, { venue: lstParams(d).stakingVenue, token: lst, details: { amountEth, rateEthPerLst: d.m.lstRate[LST_IDX[lst]] as number } });
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
  const lst = d.params.capabilities.lst;
  if (lst !== null) return lst;
  throw new BasisError('STRAT-004', `mode ${d.params.mode.mode} has no LST`);
}

/** Wraps wallet ETH into WETH (WETH9 deposit), paying its gas from the float. */
export function wrapEth(d: SimDesk, amountEth: number): void {
  const tx = d.tx();
  d.payGas(tx, 'WRAP_ETH');
  tx.move('wallet:BaseToken:ETH', -amountEth);
  tx.move('wallet:BaseToken:WETH', amountEth);
  d.emit('WRAP_ETH', tx, { venue: 'wallet', token: 'WETH', details: { amountEth } });
}

/** The staking venue's balance of ETH waiting in its withdrawal queue. */
const queueKey = (d: SimDesk): string => `${lstParams(d).stakingVenue}:BaseToken:ETH`;

/**
 * A withdrawal request (EtherFi, Lido): the LST is burnt now and the ETH it is worth at the exchange rate is fixed;
 * it earns nothing in the queue and is claimable once the delay has elapsed. One gas-bearing STAKE_WITHDRAWAL.
 */
export function requestUnstake(d: SimDesk, o: Extract<Order, { kind: 'lst_unstake' }>): void {
  const tx = d.tx();
  const rate = d.m.lstRate[LST_IDX[o.lst]] as number;
  const amountEth = o.amountLst * rate;
  const claimableMs = d.m.timestampMs + o.delayHours * 3_600_000;
  d.payGas(tx, 'STAKE_WITHDRAWAL');
  tx.move(`wallet:BaseToken:${o.lst}`, -o.amountLst);
  tx.move(queueKey(d), amountEth);
  d.unstakeQueue.push({ lst: o.lst, amountEth, claimableMs });
  d.emit('UNSTAKE_REQUESTED', tx, { venue: lstParams(d).stakingVenue, token: o.lst, details: { amountLst: o.amountLst, rateEthPerLst: rate, amountEth, delayHours: o.delayHours, claimableAt: new Date(claimableMs).toISOString() } });
}

/** Claims every queued withdrawal of `lst` whose delay has elapsed; EXEC-004 when none has (the venue would revert). */
export function claimUnstaked(d: SimDesk, lst: LstToken): void {
  const now = d.m.timestampMs;
  let amountEth = 0;
  let claimed = 0;
  for (let i = 0; i < d.unstakeQueue.length; ) {
    const q = d.unstakeQueue[i] as (typeof d.unstakeQueue)[number];
    if (q.lst === lst && q.claimableMs <= now) {
      amountEth += q.amountEth;
      claimed++;
      d.unstakeQueue.splice(i, 1);
    } else i++;
  }
  if (claimed === 0) {
    const next = d.unstakeQueue.find((q) => q.lst === lst);
    throw new BasisError('EXEC-004', `no ${lst} withdrawal is claimable yet${next ? ` (next at ${new Date(next.claimableMs).toISOString()})` : ''}`, {
      problems: [{ code: 'EXEC-004', message: 'claim before the withdrawal queue delay elapsed', expected: next ? `>= ${new Date(next.claimableMs).toISOString()}` : 'a queued withdrawal', received: new Date(now).toISOString() }],
    });
  }
  const tx = d.tx();
  tx.move(queueKey(d), -amountEth);
  tx.move('wallet:BaseToken:ETH', amountEth);
  d.emit('UNSTAKE_CLAIMED', tx, { venue: lstParams(d).stakingVenue, token: lst, details: { amountEth, requests: claimed } });
}
