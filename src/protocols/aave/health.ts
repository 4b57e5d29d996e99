/**
 * Health factor and LTV (GenericLogic): HF = Σ collateral × liquidation threshold ÷ Σ debt in one currency;
 * no debt ⇒ ∞. In e-mode with LST collateral and WETH debt both sides are in ETH at the oracle, so ETH/USD cancels.
 */
export function healthFactor(collateral: number, liquidationThreshold: number, debt: number): number {
  // Written as "constant, then overwrite" rather than `debt > 0 ? … : Infinity`: optimized, the conditional form
  // boxes every computed result in a new heap number when the constant's branch has never run (docs/kernel.md,
  // "Hot path").
  let hf = Infinity;
  if (debt > 0) hf = (collateral * liquidationThreshold) / debt;
  return hf;
}

export function loanToValue(collateral: number, debt: number): number {
  let ltv = 0;
  if (!(debt <= 0)) {
    ltv = Infinity;
    if (collateral > 0) ltv = debt / collateral;
  }
  return ltv;
}
