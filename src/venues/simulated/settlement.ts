import { BasisError } from '../../errors/base.js';
import type { LstToken } from '../../domain/tokens.js';
import type { BookedMove } from '../../domain/move.js';
import type { CexVenue } from '../../domain/venues.js';
import type { RewardClaim } from '../../domain/rewards.js';
import { AAVE_IDX, LST_IDX, LST_LIST, type Slot } from '../../components/slots.js';
import { slippageBps } from '../costs.js';
import { PART_INDEX } from '../../components/pnlCalculator.js';
import type { SimDesk } from './desk.js';
import { DetailRow } from '../../events/detailRow.js';
import { aaveBook } from './aave.js';

/** What the market does without an order of ours: funding, reward payouts, liquidations. */

/**
 * What every funding settlement of a book reuses: each slot's venue USDT key and slot, found once instead of per
 * payment, and one details row (the event log copies it when it records the event).
 */
interface FundingScratch {
  readonly usdtKeys: readonly string[];
  /** Slot of each of those keys (-1 where the mode has none), read every settlement. */
  readonly usdtSlots: Int32Array;
  /** The book's perp slots, in slot order: a settlement visits these only. */
  readonly perpSlots: readonly Slot[];
  readonly details: DetailRow;
  /** The payment being reported (the kernel reads it during the call). */
  readonly move: FundingMove;
}

/** A funding payment: the venue's USDT moves and the funding part books its value. */
class FundingMove implements BookedMove {
  slot = 0;
  amount = 0;
  readonly part = FUNDING;
  valueShare = 0;
}

/** A FUNDING_SETTLED event's details, in this order. */
const FUNDING_DETAILS = ['rate8h', 'markUsdt', 'sizeBase', 'paymentUsdt', 'fallback'] as const;
const RATE = 0;
const MARK = 1;
const SIZE = 2;
const PAYMENT = 3;
const FALLBACK = 4;

const FUNDING = PART_INDEX.funding;

const fundingScratch = new WeakMap<SimDesk['pm'], FundingScratch>();

function scratchFor(pm: SimDesk['pm']): FundingScratch {
  let s = fundingScratch.get(pm);
  if (s === undefined) {
    s = newScratch(pm);
    fundingScratch.set(pm, s);
  }
  return s;
}

/** Apart from scratchFor, which runs at every settlement: its closures would make each call allocate a context. */
function newScratch(pm: SimDesk['pm']): FundingScratch {
  const details = new DetailRow(FUNDING_DETAILS, ['fallback']);
  const usdtKeys = pm.slots.map((slot) => `${slot.venue}:BaseToken:USDT`);
  const usdtSlots = Int32Array.from(usdtKeys, (k) => (pm.has(k) ? pm.slotOf(k) : -1));
  return { usdtKeys, usdtSlots, perpSlots: pm.slots.filter((slot) => slot.def.kind === 'perp'), details, move: new FundingMove() };
}

/** Funding at a settlement step: payment = −size × mark × rate (shorts receive positive funding). */
export function settleFunding(d: SimDesk): void {
  const pm = d.pm;
  const scratch = scratchFor(pm);
  const perps = scratch.perpSlots;
  for (let k = 0; k < perps.length; k++) {
    const s = perps[k] as Slot;
    // Always a perp here; the test narrows the definition's type.
    if (s.def.kind !== 'perp') continue;
    const size = pm.amounts[s.index] as number;
    const p = s.def.perp;
    const rate = d.m.fundingRate[p] as number;
    if (size === 0 || !(rate === rate)) continue;
    const mark = d.m.perpMark[p] as number;
    const payment = -size * mark * rate;
    const usdtKey = scratch.usdtKeys[s.index] as string;
    const usdtSlot = scratch.usdtSlots[s.index] as number;
    // A venue without a USDT slot fails as it always did, naming the key (POS-001). Not `usdtSlot >= 0 ? amount :
    // pm.amount(key)`: merged with a call's result, the balance read would be boxed at every payment.
    if (usdtSlot < 0) pm.slotOf(usdtKey);
    const held = pm.amounts[usdtSlot] as number;
    if (payment < 0 && held + payment < -1e-9 * Math.max(1, held, -payment)) {
      throw new BasisError('POS-005', `funding of ${-payment} USDT is due from ${s.venue}, which holds ${held} USDT against its ${s.symbol} perp`, {
        problems: [{ code: 'POS-005', message: 'a perp position whose venue has no collateral to pay funding from', path: usdtKey, expected: `>= ${-payment} USDT`, received: `${held} USDT` }],
      });
    }
    const details = scratch.details;
    const row = details.values;
    row[RATE] = rate;
    row[MARK] = mark;
    row[SIZE] = size;
    row[PAYMENT] = payment;
    row[FALLBACK] = d.m.fundingFallback[p] === 1 ? 1 : 0;
    const move = scratch.move;
    move.slot = usdtSlot;
    move.amount = payment;
    move.valueShare = payment * d.pxU();
    d.emitMove('FUNDING_SETTLED', s.venue, s.symbol, move, details);
  }
}

/**
 * A published restaking reward: claim the tokens earned by the time-weighted eETH balance over the period and
 * sell them for ETH in the wallet (pool price, size-bucket cost, claim and swap gas). Returns false, changing
 * nothing, when the wallet cannot pay the claim's gas even with the proceeds: the reward stays claimable and is
 * claimed at a later step, as a keeper would.
 */
export function creditReward(d: SimDesk, claim: RewardClaim): boolean {
  const p = claim.payout;
  const tokens = p.perEeth * claim.avgEethBalance;
  const priceEth = claim.priceEth;
  if (!(tokens > 0) || !(priceEth > 0)) {
    d.emit('REWARD_CREDITED', d.tx(), { venue: 'etherfi', token: p.token, status: 'failed', details: { ...rewardDetails(claim), reason: priceEth > 0 ? 'no eETH held over the period' : 'no reward token price at payout' } });
    return true;
  }
  const grossEth = tokens * priceEth;
  const curve = p.token === 'EIGEN' ? d.params.costs.slippage.rewardEIGEN : d.params.costs.slippage.rewardETHFI;
  const cost = d.costsOn ? slippageBps(curve, grossEth * d.m.ethPx) / 1e4 : 0;
  if (d.pm.amount('wallet:BaseToken:ETH') + grossEth * (1 - cost) < d.gasEthFor('CLAIM_REWARDS') + d.gasEthFor('TOKEN_SWAP')) return false;
  const tx = d.tx();
  tx.move('wallet:BaseToken:ETH', grossEth * (1 - cost));
  tx.book('rewards', grossEth * d.pxE());
  tx.book('slippage', -grossEth * cost * d.pxE());
  d.payGas(tx, 'CLAIM_REWARDS');
  d.payGas(tx, 'TOKEN_SWAP');
  d.emit('REWARD_CREDITED', tx, { venue: 'etherfi', token: p.token, details: { ...rewardDetails(claim), grossEth, costBps: cost * 1e4 } });
  return true;
}

/**
 * A REWARD_CREDITED event's details, built only for the event: a claim the wallet cannot pay gas for is retried
 * every step until it can (a closure over the figures would allocate at each try).
 */
function rewardDetails(claim: RewardClaim): Record<string, number | string> {
  const p = claim.payout;
  return { token: p.token, perEeth: p.perEeth, avgEethBalance: claim.avgEethBalance, rewardTokens: p.perEeth * claim.avgEethBalance, priceEth: claim.priceEth, periodStart: new Date(p.periodStartMs).toISOString(), periodEnd: new Date(p.periodEndMs).toISOString(), source: p.source };
}

/** What the market would do: AAVE liquidation (close factor, bonus) and CEX liquidation below maintenance. */
export function liquidateAave(d: SimDesk, hf: number): void {
  const lst = suppliedLst(d);
  if (lst === null) return;
  const { collateralEth, debtEth } = aaveBook(d, lst);
  const cf = hf < d.params.aave.fullCloseFactorHf ? 1 : d.params.aave.closeFactor;
  const bonus = d.params.aave.emode.liquidationBonus;
  const repay = Math.min(debtEth * cf, collateralEth / (1 + bonus));
  const seizedEth = repay * (1 + bonus);
  const rate = d.m.lstRate[LST_IDX[lst]] as number;
  const a = AAVE_IDX[lst];
  const tx = d.tx();
  tx.move(`aave_v3:aToken:a${lst}`, -Math.min(d.pm.amount(`aave_v3:aToken:a${lst}`), seizedEth / rate / (d.m.liquidityIndex[a] as number)));
  tx.move('aave_v3:debtToken:debtWETH', -Math.min(d.pm.amount('aave_v3:debtToken:debtWETH'), repay / (d.m.borrowIndex[AAVE_IDX.WETH] as number)));
  tx.book('liquidationPenalty', -repay * bonus * d.pxE());
  d.liquidations++;
  d.emit('LIQUIDATION', tx, { venue: 'aave_v3', token: lst, details: { healthFactor: hf, repaidEth: repay, seizedEth, closeFactor: cf } });
}

/** The LST supplied as collateral on AAVE (the book holds one at a time), or null without one. */
function suppliedLst(d: SimDesk): LstToken | null {
  for (const s of d.pm.slots) {
    if (s.def.kind === 'aToken' && s.def.lst >= 0 && (d.pm.amounts[s.index] as number) > 0) return LST_LIST[s.def.lst as 0 | 1];
  }
  return null;
}

export function liquidateCex(d: SimDesk, venue: CexVenue, marginRatio: number): void {
  const pm = d.pm;
  const usdtKey = `${venue}:BaseToken:USDT`;
  const tx = d.tx();
  let closedNotional = 0;
  for (const s of pm.slots) {
    if (s.def.kind !== 'perp' || s.venue !== venue) continue;
    const size = pm.amounts[s.index] as number;
    if (size === 0) continue;
    const mark = d.m.perpMark[s.def.perp] as number;
    const realized = size * (mark - (pm.perpEntry[s.index] as number));
    tx.move(s.key, -size);
    tx.setPerpEntry(s.index, NaN);
    const coll = pm.amount(usdtKey);
    // A loss beyond the collateral is absorbed by the venue's insurance fund: the account ends at zero.
    const applied = Math.max(realized, -coll);
    tx.move(usdtKey, applied);
    if (applied !== realized) tx.book('liquidationPenalty', (applied - realized) * d.pxU());
    closedNotional += Math.abs(size) * mark;
  }
  const penalty = Math.min(closedNotional * d.params.cex[venue].liquidationFeeRate, pm.amount(usdtKey));
  d.fee(tx, usdtKey, penalty, penalty * d.pxU(), 'liquidationPenalty');
  d.liquidations++;
  d.emit('LIQUIDATION', tx, { venue, details: { marginRatio, closedNotionalUsdt: closedNotional, penaltyUsdt: penalty } });
}
