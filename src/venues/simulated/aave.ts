import { HealthFactorTooLowError } from '../../errors/families.js';
import type { LstToken } from '../../domain/tokens.js';
import { AAVE_IDX, LST_IDX } from '../../components/slots.js';
import type { SimDesk } from './desk.js';

/** AAVE v3: balances are scaled by the liquidity and borrow indices, exactly as the aToken and debt token store them. */
export function aaveKeys(asset: keyof typeof AAVE_IDX): { a: string; d: string; wallet: string } {
  return { a: `aave_v3:aToken:a${asset}`, d: `aave_v3:debtToken:debt${asset}`, wallet: `wallet:BaseToken:${asset === 'WETH' ? 'ETH' : asset}` };
}

export function aaveSupply(d: SimDesk, asset: keyof typeof AAVE_IDX, amount: number): void {
  const tx = d.tx();
  const k = aaveKeys(asset);
  if (!d.approved.has(asset)) {
    d.payGas(tx, 'APPROVAL_ONCE');
    d.approved.add(asset);
  }
  d.payGas(tx, 'COLLATERAL_SUPPLIED');
  tx.move(k.wallet, -amount);
  tx.move(k.a, amount / (d.m.liquidityIndex[AAVE_IDX[asset]] as number));
  d.emit('AAVE_SUPPLY', tx, { venue: 'aave_v3', token: asset, details: { amountToken: amount, liquidityIndex: d.m.liquidityIndex[AAVE_IDX[asset]] as number } });
}

export function aaveWithdraw(d: SimDesk, asset: keyof typeof AAVE_IDX, amount: number): void {
  const tx = d.tx();
  const k = aaveKeys(asset);
  const idx = d.m.liquidityIndex[AAVE_IDX[asset]] as number;
  const scaledHave = d.pm.amount(k.a);
  const scaled = Number.isFinite(amount) ? Math.min(scaledHave, amount / idx) : scaledHave;
  d.payGas(tx, 'COLLATERAL_WITHDRAWN');
  tx.move(k.a, -scaled);
  tx.move(k.wallet, scaled * idx);
  d.emit('AAVE_WITHDRAW', tx, { venue: 'aave_v3', token: asset, details: { amountToken: scaled * idx, liquidityIndex: idx } });
}

export function aaveBorrow(d: SimDesk, asset: 'WETH' | 'USDT', amount: number): void {
  const tx = d.tx();
  const k = aaveKeys(asset);
  d.payGas(tx, 'LOAN_CREATED');
  tx.move(k.d, amount / (d.m.borrowIndex[AAVE_IDX[asset]] as number));
  tx.move(k.wallet, amount);
  d.emit('AAVE_BORROW', tx, { venue: 'aave_v3', token: asset, details: { amountToken: amount } });
}

export function aaveRepay(d: SimDesk, asset: 'WETH' | 'USDT', amount: number): void {
  const tx = d.tx();
  const k = aaveKeys(asset);
  const idx = d.m.borrowIndex[AAVE_IDX[asset]] as number;
  const scaled = Math.min(d.pm.amount(k.d), amount / idx);
  d.payGas(tx, 'LOAN_REPAID');
  tx.move(k.wallet, -scaled * idx);
  tx.move(k.d, -scaled);
  d.emit('AAVE_REPAY', tx, { venue: 'aave_v3', token: asset, details: { amountToken: scaled * idx } });
}

/** Aggregate AAVE position in ETH terms for one LST. */
export function aaveBook(d: SimDesk, lst: LstToken): { collateralEth: number; debtEth: number } {
  const a = AAVE_IDX[lst];
  const scaled = d.pm.has(`aave_v3:aToken:a${lst}`) ? d.pm.amount(`aave_v3:aToken:a${lst}`) : 0;
  const debt = d.pm.has('aave_v3:debtToken:debtWETH') ? d.pm.amount('aave_v3:debtToken:debtWETH') : 0;
  return {
    collateralEth: scaled * (d.m.liquidityIndex[a] as number) * (d.m.lstRate[LST_IDX[lst]] as number),
    debtEth: debt * (d.m.borrowIndex[AAVE_IDX.WETH] as number),
  };
}

export function checkLtv(d: SimDesk, lst: LstToken, when: string): void {
  const { collateralEth, debtEth } = aaveBook(d, lst);
  if (debtEth > collateralEth * d.params.aave.emode.ltv * (1 + 1e-9)) {
    throw new HealthFactorTooLowError(`LTV ${debtEth / collateralEth} above e-mode max ${d.params.aave.emode.ltv} ${when}`);
  }
}
