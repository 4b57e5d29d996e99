import { BasisError, type Problem } from '../errors/base.js';
import type { RunParams } from '../domain/params.js';
import type { Timeline } from '../data/series.js';
import { CEX_LIST } from '../components/slots.js';

/**
 * Refuses a run whose first step could not build the position at all (STRAT-004): capital that does not
 * cover the gas float, or a hedge slice below the venues' minimum order; and one too small to ever rebalance,
 * whose delta corrections would all fall below the minimum order. Better a clear error before the loop than a
 * silently idle or half-built book, or thousands of rebalances that order nothing.
 */
export function preflight(params: RunParams, timeline: Timeline, startIndex: number, costs: boolean): void {
  const mode = params.mode;
  const s = mode.strategy;
  const problems: Problem[] = [];
  const ethKey = mode.priceSeries.ETH;
  const ethPx = ethKey && timeline.has(ethKey) ? (timeline.series(ethKey).values[startIndex] as number) : NaN;
  const capitalUsdt = mode.shareClass === 'USDT' ? mode.initialCapital : mode.initialCapital * ethPx;
  if (costs) {
    const floatUsdt = s.gasFloat.targetEth * ethPx;
    if (!(capitalUsdt > floatUsdt * 2)) {
      problems.push({ code: 'STRAT-004', path: `modes.${mode.mode}.initialCapital`, message: 'capital does not cover the gas float with room to invest', expected: `> ${(mode.shareClass === 'USDT' ? floatUsdt * 2 : s.gasFloat.targetEth * 2).toFixed(4)} ${mode.shareClass}`, received: String(mode.initialCapital) });
    }
  }
  if (s.kind === 'btc_basis' || s.kind === 'eth_basis' || s.kind === 'usdt_market_neutral' || s.kind === 'usdt_market_neutral_no_leverage') {
    const hedged = s.kind === 'btc_basis' || s.kind === 'eth_basis' ? capitalUsdt / (1 + s.hedge.targetMarginRatio) : capitalUsdt * s.stakeAllocation;
    for (const v of CEX_LIST) {
      const a = s.hedge.hedgeAllocation[v];
      const min = params.cex[v].minOrderUsdt;
      if (a > 0 && hedged * a < min) {
        problems.push({ code: 'STRAT-004', path: `modes.${mode.mode}.strategy.hedge.hedgeAllocation.${v}`, message: `the ${v} hedge would be below the minimum order`, expected: `>= ${min} USDT`, received: `${(hedged * a).toFixed(2)} USDT` });
      } else if (a > 0 && hedged * a * s.hedge.deltaTolerance < min) {
        // The hedge could open, but the correction a delta rebalance sends would be refused: every one would order nothing.
        const need = min / (a * s.hedge.deltaTolerance) / (hedged / capitalUsdt);
        problems.push({ code: 'STRAT-004', path: `modes.${mode.mode}.initialCapital`, message: `a delta rebalance on ${v} (deltaTolerance ${s.hedge.deltaTolerance} of its hedge) would be below the minimum order, so it could never be sent; raise the capital or hedge.deltaTolerance`, expected: `capital >= ${need.toFixed(0)} USDT`, received: `${mode.initialCapital} (a ${(hedged * a * s.hedge.deltaTolerance).toFixed(2)} USDT order)` });
      }
    }
  }
  if (problems.length > 0) throw new BasisError('STRAT-004', `mode ${mode.mode} cannot build its position with this config`, { problems });
}
