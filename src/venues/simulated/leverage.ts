import { BasisError } from '../../errors/base.js';
import { InsufficientFundsError, RejectedError, VenueRefusedError } from '../../errors/families.js';
import type { LstToken } from '../../domain/tokens.js';
import { AAVE_IDX, LST_IDX } from '../../components/slots.js';
import { swapBps } from '../costs.js';
import type { SimDesk, Tx } from './desk.js';
import { aaveBook, aaveBorrow, checkLtv } from './aave.js';
import { lstParams, stake } from './staking.js';

/**
 * Leverage on AAVE e-mode: the flash-loan entry and deleverage are one transaction each (all deltas or none);
 * the legacy loop is one transaction per step, each paying gas, with intermediate states exposed.
 */

export interface AtomicResult {
  readonly tx: Tx;
  /** What happened inside the transaction, with units in the names (flash loan, stake, supply, borrow, swap). */
  readonly steps: Record<string, number>;
}

/** Runs `body` as one all-or-nothing transaction; on failure restores every balance and logs the rollback. */
export function atomic(d: SimDesk, name: 'ATOMIC_LEVERAGE_ENTRY' | 'ATOMIC_DELEVERAGE', body: () => AtomicResult): void {
  const emodeBefore = d.emodeSet;
  const gasBefore = d.gasPaid;
  const feesBefore = d.feesPaid;
  d.atomicDepth++;
  try {
    const { tx, steps } = body();
    d.emit(name, tx, { venue: 'aave_v3', details: { atomic: true, ...steps } });
  } catch (err) {
    // A transaction reverts when a check fails or a balance cannot cover it (a refusal); anything else is a bug.
    if (!(err instanceof RejectedError)) throw err;
    d.undoOpen();
    d.emodeSet = emodeBefore;
    d.gasPaid = gasBefore;
    d.feesPaid = feesBefore;
    d.emit(name, d.tx(), { venue: 'aave_v3', status: 'rolled_back', details: { atomic: true, reason: err.message } });
  } finally {
    d.atomicDepth--;
  }
}

/** Flash-borrow WETH F, stake input + F, supply the LST, borrow F (+premium) to repay the flash. */
export function leverageInTx(d: SimDesk, lst: LstToken, inputEth: number, targetLtv: number): AtomicResult {
  const tx = d.tx();
  if (!d.emodeSet) {
    d.payGas(tx, 'SET_EMODE_ONCE');
    d.emodeSet = true;
  }
  d.payGas(tx, 'ATOMIC_ENTRY');
  const { collateralEth: c, debtEth: debt } = aaveBook(d, lst);
  const flash = (targetLtv * (c + inputEth) - debt) / (1 - targetLtv);
  if (!(flash > 0)) throw new VenueRefusedError(`leverage entry needs a positive flash loan (got ${flash})`);
  const premium = d.costsOn ? flash * d.params.aave.flashLoanFeeRate : 0;
  const rate = d.m.lstRate[LST_IDX[lst]] as number;
  const lstUnits = (inputEth + flash) / rate;
  const a = AAVE_IDX[lst];
  tx.move('wallet:BaseToken:ETH', -inputEth);
  tx.move(`aave_v3:aToken:a${lst}`, lstUnits / (d.m.liquidityIndex[a] as number));
  tx.move('aave_v3:debtToken:debtWETH', (flash + premium) / (d.m.borrowIndex[AAVE_IDX.WETH] as number));
  tx.book('tradingFees', -premium * d.pxE());
  d.feesPaid += premium * d.pxE();
  checkLtv(d, lst, 'after leverage');
  return { tx, steps: { inputEth, flashBorrowWeth: flash, stakedEth: inputEth + flash, lstMinted: lstUnits, rateEthPerLst: rate, borrowedWeth: flash + premium, flashPremiumWeth: premium, targetLtv } };
}

/** Flash-borrow WETH R, repay R of debt, withdraw LST, sell it on a DEX for WETH to repay the flash. */
export function deleverageInTx(d: SimDesk, lst: LstToken, targetLtv: number, releaseEth: number): AtomicResult {
  const tx = d.tx();
  d.payGas(tx, 'ATOMIC_DELEVERAGE_ONE_SWAP');
  const { collateralEth: c, debtEth: debt } = aaveBook(d, lst);
  const rate = d.m.lstRate[LST_IDX[lst]] as number;
  const full = !Number.isFinite(releaseEth) || targetLtv <= 0;
  // Repay R: (debt − R) / (c − R/q − release/q) = λ  →  R = (debt − λ(c − release/q)) / (1 − λ/q)
  const release = full ? 0 : releaseEth;
  const plan = (q: number): { repay: number; sellEth: number } => {
    const repay = full ? debt : Math.min(Math.max((debt - targetLtv * (c - release / q)) / (1 - targetLtv / q), 0), debt);
    return { repay, sellEth: full ? c : repay / q + release / q };
  };
  const exitQ = (bps: number): number => (1 - lstParams(d).exitDiscount) * (1 - bps / 1e4);
  // The DEX cost is the bucket of the LST actually sold, which itself depends on that cost.
  const curve = d.params.costs.slippage.dexLstETH[lst];
  const bps = d.costsOn ? swapBps(curve, (b) => plan(exitQ(b)).sellEth * d.m.ethPx) : 0;
  const q = d.costsOn ? exitQ(bps) : 1;
  const { repay, sellEth } = plan(q);
  if (sellEth > c * (1 + 1e-12)) throw new InsufficientFundsError(`deleverage needs ${sellEth} ETH of collateral, only ${c} supplied`);
  const a = AAVE_IDX[lst];
  const scaledSell = Math.min(d.pm.amount(`aave_v3:aToken:a${lst}`), sellEth / rate / (d.m.liquidityIndex[a] as number));
  const premium = d.costsOn ? repay * d.params.aave.flashLoanFeeRate : 0;
  const proceedsEth = sellEth * q;
  tx.move(`aave_v3:aToken:a${lst}`, -scaledSell);
  tx.move('aave_v3:debtToken:debtWETH', -Math.min(d.pm.amount('aave_v3:debtToken:debtWETH'), repay / (d.m.borrowIndex[AAVE_IDX.WETH] as number)));
  tx.move('wallet:BaseToken:ETH', proceedsEth - repay - premium);
  tx.book('slippage', -(sellEth - proceedsEth) * d.pxE());
  tx.book('tradingFees', -premium * d.pxE());
  d.feesPaid += premium * d.pxE();
  if (!full) checkLtv(d, lst, 'after deleverage');
  return { tx, steps: { flashBorrowWeth: repay, repaidWeth: repay, withdrawnLstEth: sellEth, swapProceedsEth: proceedsEth, releasedEth: proceedsEth - repay - premium, flashPremiumWeth: premium, exitSlippageBps: bps, targetLtv: full ? 0 : targetLtv } };
}

/** Legacy iterative loop: each round pays its own gas and leaves intermediate states exposed. */
export function loopLeverage(d: SimDesk, lst: LstToken, inputEth: number, targetLtv: number): void {
  const s = d.params.mode.strategy;
  if (s.kind !== 'eth_leveraged' && s.kind !== 'usdt_market_neutral') throw new BasisError('STRAT-004', 'loop leverage needs an LST mode');
  if (!d.emodeSet) {
    const tx = d.tx();
    d.payGas(tx, 'SET_EMODE_ONCE');
    d.emodeSet = true;
    d.emit('AAVE_SET_EMODE', tx, { venue: 'aave_v3' });
  }
  let toStake = inputEth;
  for (let k = 0; k < s.leverage.loopMaxIterations; k++) {
    const gasRound = d.gasEthFor('STAKE_DEPOSIT') + d.gasEthFor('COLLATERAL_SUPPLIED') + d.gasEthFor('LOAN_CREATED');
    toStake = Math.min(toStake, d.pm.amount('wallet:BaseToken:ETH') - gasRound);
    if (!(toStake > 0)) break;
    stake(d, lst, toStake);
    const units = d.pm.amount(`wallet:BaseToken:${lst}`);
    supplyLst(d, lst, units);
    const { collateralEth, debtEth } = aaveBook(d, lst);
    const borrow = targetLtv * collateralEth - debtEth;
    if (borrow < s.leverage.loopMinBorrowEth) break;
    aaveBorrow(d, 'WETH', borrow);
    toStake = borrow;
  }
}

export function supplyLst(d: SimDesk, lst: LstToken, units: number): void {
  const tx = d.tx();
  d.payGas(tx, 'COLLATERAL_SUPPLIED');
  tx.move(`wallet:BaseToken:${lst}`, -units);
  tx.move(`aave_v3:aToken:a${lst}`, units / (d.m.liquidityIndex[AAVE_IDX[lst]] as number));
  d.emit('AAVE_SUPPLY', tx, { venue: 'aave_v3', token: lst, details: { amountToken: units } });
}
