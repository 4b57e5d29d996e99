import { RAY, SECONDS_PER_YEAR, rayMul } from './rayMath.js';

const SECONDS_PER_YEAR_NUM = Number(SECONDS_PER_YEAR);

/**
 * MathUtils.calculateLinearInterest (AAVE v3): the supply (liquidity) index grows linearly with the liquidity
 * rate between updates: RAY + rate·Δt / SECONDS_PER_YEAR.
 */
export function calculateLinearInterest(rateRay: bigint, dtSeconds: bigint): bigint {
  return RAY + (rateRay * dtSeconds) / SECONDS_PER_YEAR;
}

/**
 * MathUtils.calculateCompoundedInterest (AAVE v3.0): the borrow index compounds per second, approximated by the
 * first three terms of the binomial expansion of (1 + rate/year)^Δt, with the contract's integer divisions.
 */
export function calculateCompoundedInterest(rateRay: bigint, dtSeconds: bigint): bigint {
  const exp = dtSeconds;
  if (exp === 0n) return RAY;
  const expMinusOne = exp - 1n;
  const expMinusTwo = exp > 2n ? exp - 2n : 0n;
  const basePowerTwo = rayMul(rateRay, rateRay) / (SECONDS_PER_YEAR * SECONDS_PER_YEAR);
  const basePowerThree = rayMul(basePowerTwo, rateRay) / SECONDS_PER_YEAR;
  const secondTerm = (exp * expMinusOne * basePowerTwo) / 2n;
  const thirdTerm = (exp * expMinusOne * expMinusTwo * basePowerThree) / 6n;
  return RAY + (rateRay * exp) / SECONDS_PER_YEAR + secondTerm + thirdTerm;
}

/** Float mirror of calculateLinearInterest, as a growth factor (≈ 1). */
export function linearInterestFactor(rateApr: number, dtSeconds: number): number {
  return 1 + (rateApr * dtSeconds) / SECONDS_PER_YEAR_NUM;
}

/** Float mirror of calculateCompoundedInterest, as a growth factor (≈ 1). */
export function compoundedInterestFactor(rateApr: number, dtSeconds: number): number {
  if (dtSeconds === 0) return 1;
  const r = rateApr / SECONDS_PER_YEAR_NUM;
  const e1 = dtSeconds - 1;
  const e2 = dtSeconds > 2 ? dtSeconds - 2 : 0;
  return 1 + r * dtSeconds + (dtSeconds * e1 * r * r) / 2 + (dtSeconds * e1 * e2 * r * r * r) / 6;
}
