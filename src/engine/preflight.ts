import { BasisError, type Problem } from '../errors/base.js';
import type { RunParams } from '../domain/params.js';
import type { Timeline } from '../data/series.js';
import { modeDefinition } from '../modes/registry.js';

/**
 * Refuses a run whose first step could not build the position at all (STRAT-004): capital that does not cover
 * the gas float, or what the mode's definition refuses (a hedge slice below the venues' minimum order, or one too
 * small to ever rebalance, whose delta corrections would all fall below the minimum order). Better a clear error
 * before the loop than a silently idle or half-built book, or thousands of rebalances that order nothing.
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
  problems.push(...modeDefinition(mode.mode).preflight(s, { params, capitalUsdt, costs }));
  if (problems.length > 0) throw new BasisError('STRAT-004', `mode ${mode.mode} cannot build its position with this config`, { problems });
}
