import type { Problem } from '../errors/base.js';
import type { LeverageParams, LstParams, PerpHedgeParams } from '../domain/params.js';
import type { CexVenue } from '../domain/venues.js';
import type { SeriesKey } from '../data/series.js';
import type { ModeConfig } from '../config/schema.js';
import { CEX_LIST } from '../components/slots.js';
import type { ModeRuleContext, PreflightContext } from './definition.js';

/** Config rules and preflight checks that several modes share, by the building block they use (hedge, LST, leverage). */

export const ALLOCATION_TOLERANCE = 1e-9;
const LST_VENUE = { weETH: 'etherfi', wstETH: 'lido' } as const;

export const fmt = (x: number): string => String(Number(x.toPrecision(10)));

/** Perp hedges: allocations sum to 1 over the mode's venues, and the margin bands are ordered around the target. */
export function checkHedge(m: ModeConfig, h: PerpHedgeParams, spotVenue: CexVenue, ctx: ModeRuleContext): void {
  const { base, fail } = ctx;
  const r = m.risk;
  const sum = Object.values(h.hedgeAllocation).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > ALLOCATION_TOLERANCE) fail([...base, 'strategy', 'hedge', 'hedgeAllocation'], 'hedge allocations must sum to 1', `1 (±${ALLOCATION_TOLERANCE})`, fmt(sum));
  for (const [v, share] of Object.entries(h.hedgeAllocation)) {
    if (share > 0 && !(m.venues as readonly string[]).includes(v)) {
      fail([...base, 'strategy', 'hedge', 'hedgeAllocation', v], `hedge on ${v}, which the mode does not use`, `0, or add ${v} to venues`, fmt(share));
    }
  }
  if (!(m.venues as readonly string[]).includes(spotVenue)) fail([...base, 'strategy', 'spotVenue'], `spot venue ${spotVenue} is not a venue of the mode`, `one of [${m.venues.join(', ')}]`, spotVenue);
  if (!(r.marginRatioRebalance <= h.targetMarginRatio)) {
    fail([...base, 'risk', 'marginRatioRebalance'], 'rebalancing must restore a margin ratio above its trigger', `<= strategy.hedge.targetMarginRatio ${fmt(h.targetMarginRatio)}`, fmt(r.marginRatioRebalance));
  }
  if (!(r.marginRatioRebalance < h.redistributeMarginRatio && h.redistributeMarginRatio <= h.targetMarginRatio)) {
    fail([...base, 'strategy', 'hedge', 'redistributeMarginRatio'], 'collateral is redistributed between the rebalance trigger and the target', `in (risk.marginRatioRebalance ${fmt(r.marginRatioRebalance)}, targetMarginRatio ${fmt(h.targetMarginRatio)}]`, fmt(h.redistributeMarginRatio));
  }
  if (!(h.redeployMarginRatio > h.targetMarginRatio)) {
    fail([...base, 'strategy', 'hedge', 'redeployMarginRatio'], 'redeploying excess margin must leave the target margin ratio behind', `> strategy.hedge.targetMarginRatio ${fmt(h.targetMarginRatio)}`, fmt(h.redeployMarginRatio));
  }
}

/** An LST is minted at its own protocol, which must be a venue of the mode; EtherFi rewards are paid on weETH only. */
export function checkLst(m: ModeConfig, lst: LstParams, ctx: ModeRuleContext): void {
  const { base, fail } = ctx;
  const expectedVenue = LST_VENUE[lst.token];
  if (lst.rewards === 'etherfi_published' && lst.token !== 'weETH') {
    fail([...base, 'strategy', 'lst', 'rewards'], 'EtherFi rewards are paid on eETH/weETH only', `base_only for ${lst.token}`, lst.rewards);
  }
  if (lst.stakingVenue !== expectedVenue) fail([...base, 'strategy', 'lst', 'stakingVenue'], `${lst.token} is minted at ${expectedVenue}`, expectedVenue, lst.stakingVenue);
  if (!(m.venues as readonly string[]).includes(lst.stakingVenue)) fail([...base, 'strategy', 'lst', 'stakingVenue'], `staking venue ${lst.stakingVenue} is not a venue of the mode`, `one of [${m.venues.join(', ')}]`, lst.stakingVenue);
}

/** Leverage bands stay inside e-mode's max LTV and above 0, and the de-lever edge stays out of the HF warning band. */
export function checkLeverage(m: ModeConfig, L: LeverageParams, ctx: ModeRuleContext): void {
  const { base, fail, aave } = ctx;
  if (!aave) return;
  const { ltv, liquidationThreshold: lt } = aave.emode;
  const lambda = ltv * (1 - L.targetLtvBuffer);
  const lev = [...base, 'strategy', 'leverage'];
  if (!(lambda + L.deleverBand < ltv)) {
    fail([...lev, 'deleverBand'], `target LTV λ ${fmt(lambda)} + deleverBand must stay below the e-mode max LTV`, `< ${fmt(ltv)}`, fmt(lambda + L.deleverBand));
  }
  if (!(lambda - L.releverBand > 0)) fail([...lev, 'releverBand'], 'the re-lever band must stay above LTV 0', `< λ ${fmt(lambda)}`, fmt(L.releverBand));
  const hfAtDelever = lt / (lambda + L.deleverBand);
  if (!(hfAtDelever > m.risk.healthFactorWarn)) {
    fail([...base, 'risk', 'healthFactorWarn'], `at the de-lever edge (LTV ${fmt(lambda + L.deleverBand)}) HF is ${fmt(hfAtDelever)}: the book would sit in the warning band`, `< ${fmt(hfAtDelever)}`, fmt(m.risk.healthFactorWarn));
  }
}

/**
 * A hedge of `hedgedUsdt` split by the allocation: each slice must reach the venue's minimum order, and so must the
 * correction a delta rebalance sends (deltaTolerance of the slice), or every such rebalance would order nothing.
 */
export function hedgePreflight(h: PerpHedgeParams, hedgedUsdt: number, ctx: PreflightContext): Problem[] {
  const { params, capitalUsdt } = ctx;
  const mode = params.mode;
  const problems: Problem[] = [];
  for (const v of CEX_LIST) {
    const a = h.hedgeAllocation[v];
    const min = params.cex[v].minOrderUsdt;
    if (a > 0 && hedgedUsdt * a < min) {
      problems.push({ code: 'STRAT-004', path: `modes.${mode.mode}.strategy.hedge.hedgeAllocation.${v}`, message: `the ${v} hedge would be below the minimum order`, expected: `>= ${min} USDT`, received: `${(hedgedUsdt * a).toFixed(2)} USDT` });
    } else if (a > 0 && hedgedUsdt * a * h.deltaTolerance < min) {
      const need = min / (a * h.deltaTolerance) / (hedgedUsdt / capitalUsdt);
      problems.push({ code: 'STRAT-004', path: `modes.${mode.mode}.initialCapital`, message: `a delta rebalance on ${v} (deltaTolerance ${h.deltaTolerance} of its hedge) would be below the minimum order, so it could never be sent; raise the capital or hedge.deltaTolerance`, expected: `capital >= ${need.toFixed(0)} USDT`, received: `${mode.initialCapital} (a ${(hedgedUsdt * a * h.deltaTolerance).toFixed(2)} USDT order)` });
    }
  }
  return problems;
}

/** The series an LST book values itself with: the oracle exchange rate. */
export function lstSeries(lst: LstParams): SeriesKey {
  return `oracle:${lst.token}:ETH`;
}

/** The perp and funding series of every venue the hedge uses. */
export function perpSeries(h: PerpHedgeParams, sym: 'BTCUSDT' | 'ETHUSDT'): SeriesKey[] {
  return CEX_LIST.filter((v) => h.hedgeAllocation[v] > 0).flatMap((v): SeriesKey[] => [`perp:${v}:${sym}`, `funding:${v}:${sym}`]);
}
