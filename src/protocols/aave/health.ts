/**
 * Health factor and LTV (GenericLogic): HF = Σ collateral × liquidation threshold ÷ Σ debt in one currency;
 * no debt ⇒ ∞. In e-mode with LST collateral and WETH debt both sides are in ETH at the oracle, so ETH/USD cancels.
 */
export function healthFactor(collateral: number, liquidationThreshold: number, debt: number): number {
  return debt > 0 ? (collateral * liquidationThreshold) / debt : Infinity;
}

export function loanToValue(collateral: number, debt: number): number {
  if (debt <= 0) return 0;
  return collateral > 0 ? debt / collateral : Infinity;
}
