import type { Problem } from '../errors/base.js';
import type { AaveParams, CexVenueParams, ModeName } from '../domain/params.js';
import { parsePositionKey } from '../domain/positionKey.js';
import type { CexVenue } from '../domain/venues.js';
import { CATALOG } from '../data/catalog.js';
import type { DataPolicy } from '../data/policy.js';
import type { ModeConfig, ShareClassFile, VenueFile } from './schema.js';
import { parseTimestamp } from '../data/csv.js';
import { pathKey, type PathSeg } from './sources.js';

/** The sections that parsed; a rule runs only when everything it reads is present. */
export interface RuleInput {
  readonly aave?: AaveParams;
  readonly cex: Partial<Record<CexVenue, CexVenueParams>>;
  readonly venues?: Readonly<Record<string, VenueFile>>;
  readonly shareClasses?: Readonly<Record<string, ShareClassFile>>;
  readonly modes: Partial<Record<ModeName, ModeConfig>>;
  readonly data?: DataPolicy;
  /** File and line of the value at a config path. */
  readonly locate: (path: readonly PathSeg[]) => { file?: string; line?: number };
}

/** The asset each mode trades or stakes (domain.md §0). */
export const MODE_ASSET: Readonly<Record<ModeName, 'USDT' | 'BTC' | 'ETH'>> = {
  pure_lending: 'USDT',
  btc_basis: 'BTC',
  eth_basis: 'ETH',
  eth_leveraged: 'ETH',
  usdt_market_neutral: 'ETH',
  usdt_market_neutral_no_leverage: 'ETH',
};
const LST_VENUE = { weETH: 'etherfi', wstETH: 'lido' } as const;
export const ALLOCATION_TOLERANCE = 1e-9;

const fmt = (x: number): string => String(Number(x.toPrecision(10)));

/**
 * Cross-field rules (CFG-008). Each returns every violation it finds. The risk bands are ordered
 *   healthFactorEmergency (> 1) < healthFactorWarn,
 *   maintenanceMarginRate < marginRatioEmergency < marginRatioWarn < marginRatioRebalance <= targetMarginRatio < redeployMarginRatio,
 *   deltaWarn < deltaBreach,
 * so a falling margin ratio first triggers a collateral top-up, then a warning, then the emergency exit,
 * and the emergency exit happens before the venue liquidates.
 */
export function checkRules(input: RuleInput): Problem[] {
  const problems: Problem[] = [];
  const fail = (path: readonly PathSeg[], message: string, expected: string, received: string): void => {
    problems.push({ code: 'CFG-008', ...input.locate(path), path: pathKey(path), message, expected, received });
  };

  // ---- CEX venue parameters
  for (const [venue, p] of Object.entries(input.cex) as [CexVenue, CexVenueParams][]) {
    const base = ['cex', venue];
    if (p.venue !== venue) fail([...base, 'venue'], `cex.${venue} describes another venue`, venue, p.venue);
    if (!(p.maintenanceMarginRate < p.initialMarginRate)) {
      fail([...base, 'maintenanceMarginRate'], 'maintenance margin must be below initial margin', `< initialMarginRate ${fmt(p.initialMarginRate)}`, fmt(p.maintenanceMarginRate));
    }
  }

  // ---- AAVE: max LTV below the liquidation threshold, for e-mode and every reserve
  if (input.aave) {
    const sets: [PathSeg[], { ltv: number; liquidationThreshold: number }][] = [
      [['aave', 'emode'], input.aave.emode],
      ...Object.entries(input.aave.reserves).map(([a, r]): [PathSeg[], { ltv: number; liquidationThreshold: number }] => [['aave', 'reserves', a], r]),
    ];
    for (const [p, r] of sets) {
      if (!(r.ltv < r.liquidationThreshold)) fail([...p, 'ltv'], 'max LTV must be below the liquidation threshold', `< ${fmt(r.liquidationThreshold)}`, fmt(r.ltv));
    }
  }

  // ---- venue files
  for (const [name, v] of Object.entries(input.venues ?? {})) {
    if (v.venue !== name) fail(['venues', name, 'venue'], `venue file ${name} declares another venue`, name, v.venue);
    v.instruments.forEach((key, i) => {
      const venue = key.split(':')[0];
      if (venue !== name) fail(['venues', name, 'instruments', i], 'an instrument of a venue must be held at that venue', `${name}:…`, key);
    });
  }

  // ---- data policy
  if (input.data) {
    for (const [key, pol] of Object.entries(input.data.series)) {
      const p = ['data', 'series', key];
      if (!Object.hasOwn(CATALOG, key)) fail(p, 'policy for an unknown series', 'a series key of the catalog (src/data/catalog.ts)', key);
      if (pol.onMissing === 'fallback' && pol.fallback === null) fail([...p, 'fallback'], 'onMissing fallback needs a fallback series', 'a series key', 'null');
      if (pol.onMissing !== 'fallback' && pol.fallback !== null) fail([...p, 'fallback'], 'a fallback series is only used with onMissing: fallback', 'null', pol.fallback);
      if (pol.fallback === key) fail([...p, 'fallback'], 'a series cannot fall back to itself', 'another series', key);
    }
    for (const [shape, pol] of Object.entries(input.data.defaults)) {
      if (pol.onMissing === 'fallback' || pol.fallback !== null) {
        fail(['data', 'defaults', shape], 'a default policy cannot name a fallback series (declare it per series)', 'onMissing fail|forward_fill|zero, fallback null', `${pol.onMissing}, ${String(pol.fallback)}`);
      }
    }
  }

  // ---- modes
  for (const [mode, m] of Object.entries(input.modes) as [ModeName, ModeConfig][]) {
    const base: PathSeg[] = ['modes', mode];
    const s = m.strategy;
    if (m.mode !== mode) fail([...base, 'mode'], 'mode name differs from its key / file name', mode, m.mode);
    if (s.kind !== mode) fail([...base, 'strategy', 'kind'], 'strategy kind must equal the mode name', mode, s.kind);
    if (m.asset !== MODE_ASSET[mode]) fail([...base, 'asset'], `the asset of ${mode} is fixed by the mode`, MODE_ASSET[mode], m.asset);

    // share class fits the mode
    if (input.shareClasses) {
      const classes = Object.entries(input.shareClasses).filter(([, c]) => c.shareClass === m.shareClass);
      if (classes.length === 0) {
        fail([...base, 'shareClass'], `no share class file declares ${m.shareClass}`, `one of ${Object.values(input.shareClasses).map((c) => c.shareClass).join(', ')}`, m.shareClass);
      } else if (!classes.some(([, c]) => c.supportedModes.includes(mode))) {
        const supporting = Object.values(input.shareClasses).filter((c) => c.supportedModes.includes(mode)).map((c) => c.shareClass);
        fail([...base, 'shareClass'], `share class ${m.shareClass} does not support ${mode}`, supporting.length ? supporting.join(' or ') : `a share class listing ${mode} in supportedModes`, m.shareClass);
      }
    }

    // venues and positions
    m.venues.forEach((v, i) => {
      if (input.venues && !Object.hasOwn(input.venues, v)) fail([...base, 'venues', i], `venue ${v} has no venue file`, `configs/venues/${v}.yaml`, 'no such file');
    });
    m.positions.forEach((key, i) => {
      const { venue } = parsePositionKey(key);
      if (!(m.venues as readonly string[]).includes(venue)) {
        fail([...base, 'positions', i], `position ${key} is at a venue the mode does not use`, `a venue in [${m.venues.join(', ')}]`, venue);
      } else if (input.venues?.[venue] && !(input.venues[venue].instruments as readonly string[]).includes(key)) {
        fail([...base, 'positions', i], `${key} is not a canonical instrument of ${venue}`, `one of configs/venues/${venue}.yaml instruments`, key);
      }
    });
    if (new Set(m.positions).size !== m.positions.length) fail([...base, 'positions'], 'duplicate position keys', 'unique keys', m.positions.join(', '));
    for (const [asset, key] of Object.entries(m.priceSeries)) {
      if (key !== undefined && !(m.dataRequirements as readonly string[]).includes(key)) {
        fail([...base, 'priceSeries', asset], `price series ${key} is not in dataRequirements`, 'a series listed in dataRequirements', key);
      }
    }

    // risk bands
    const r = m.risk;
    if (!(r.healthFactorEmergency > 1)) fail([...base, 'risk', 'healthFactorEmergency'], 'the emergency health factor must lie above liquidation (HF 1)', '> 1', fmt(r.healthFactorEmergency));
    if (!(r.healthFactorEmergency < r.healthFactorWarn)) fail([...base, 'risk', 'healthFactorEmergency'], 'health factor bands out of order', `< healthFactorWarn ${fmt(r.healthFactorWarn)}`, fmt(r.healthFactorEmergency));
    if (!(r.marginRatioEmergency < r.marginRatioWarn)) fail([...base, 'risk', 'marginRatioEmergency'], 'margin ratio bands out of order', `< marginRatioWarn ${fmt(r.marginRatioWarn)}`, fmt(r.marginRatioEmergency));
    if (!(r.marginRatioWarn < r.marginRatioRebalance)) fail([...base, 'risk', 'marginRatioWarn'], 'margin ratio bands out of order', `< marginRatioRebalance ${fmt(r.marginRatioRebalance)}`, fmt(r.marginRatioWarn));
    if (!(r.deltaWarn < r.deltaBreach)) fail([...base, 'risk', 'deltaWarn'], 'delta bands out of order', `< deltaBreach ${fmt(r.deltaBreach)}`, fmt(r.deltaWarn));
    for (const v of m.venues) {
      const c = input.cex[v as CexVenue];
      if (c && !(r.marginRatioEmergency > c.maintenanceMarginRate)) {
        fail([...base, 'risk', 'marginRatioEmergency'], `the emergency margin ratio must lie above ${v}'s maintenance margin (liquidation)`, `> ${fmt(c.maintenanceMarginRate)}`, fmt(r.marginRatioEmergency));
      }
    }

    if (s.kind === 'pure_lending') {
      // nothing beyond the common rules
    }
    if (s.kind === 'btc_basis' || s.kind === 'eth_basis' || s.kind === 'usdt_market_neutral' || s.kind === 'usdt_market_neutral_no_leverage') {
      const h = s.hedge;
      const sum = Object.values(h.hedgeAllocation).reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > ALLOCATION_TOLERANCE) fail([...base, 'strategy', 'hedge', 'hedgeAllocation'], 'hedge allocations must sum to 1', `1 (±${ALLOCATION_TOLERANCE})`, fmt(sum));
      for (const [v, share] of Object.entries(h.hedgeAllocation)) {
        if (share > 0 && !(m.venues as readonly string[]).includes(v)) {
          fail([...base, 'strategy', 'hedge', 'hedgeAllocation', v], `hedge on ${v}, which the mode does not use`, `0, or add ${v} to venues`, fmt(share));
        }
      }
      if (!(m.venues as readonly string[]).includes(s.spotVenue)) fail([...base, 'strategy', 'spotVenue'], `spot venue ${s.spotVenue} is not a venue of the mode`, `one of [${m.venues.join(', ')}]`, s.spotVenue);
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
    if ((s.kind === 'usdt_market_neutral' || s.kind === 'usdt_market_neutral_no_leverage') && !(s.stakeAllocation > 0 && s.stakeAllocation < 1)) {
      fail([...base, 'strategy', 'stakeAllocation'], 'the stake allocation must leave room for both books', 'in (0, 1)', fmt(s.stakeAllocation));
    }
    if (s.kind === 'eth_leveraged' || s.kind === 'usdt_market_neutral' || s.kind === 'usdt_market_neutral_no_leverage') {
      const expectedVenue = LST_VENUE[s.lst.token];
      if (s.lst.rewards === 'etherfi_published' && s.lst.token !== 'weETH') {
        fail([...base, 'strategy', 'lst', 'rewards'], 'EtherFi rewards are paid on eETH/weETH only', `base_only for ${s.lst.token}`, s.lst.rewards);
      }
      if (s.lst.stakingVenue !== expectedVenue) fail([...base, 'strategy', 'lst', 'stakingVenue'], `${s.lst.token} is minted at ${expectedVenue}`, expectedVenue, s.lst.stakingVenue);
      if (!(m.venues as readonly string[]).includes(s.lst.stakingVenue)) fail([...base, 'strategy', 'lst', 'stakingVenue'], `staking venue ${s.lst.stakingVenue} is not a venue of the mode`, `one of [${m.venues.join(', ')}]`, s.lst.stakingVenue);
      if (input.aave && s.kind !== 'usdt_market_neutral_no_leverage') {
        const { ltv, liquidationThreshold: lt } = input.aave.emode;
        const L = s.leverage;
        const lambda = ltv * (1 - L.targetLtvBuffer);
        const lev = [...base, 'strategy', 'leverage'];
        if (!(lambda + L.deleverBand < ltv)) {
          fail([...lev, 'deleverBand'], `target LTV λ ${fmt(lambda)} + deleverBand must stay below the e-mode max LTV`, `< ${fmt(ltv)}`, fmt(lambda + L.deleverBand));
        }
        if (!(lambda - L.releverBand > 0)) fail([...lev, 'releverBand'], 'the re-lever band must stay above LTV 0', `< λ ${fmt(lambda)}`, fmt(L.releverBand));
        const hfAtDelever = lt / (lambda + L.deleverBand);
        if (!(hfAtDelever > r.healthFactorWarn)) {
          fail([...base, 'risk', 'healthFactorWarn'], `at the de-lever edge (LTV ${fmt(lambda + L.deleverBand)}) HF is ${fmt(hfAtDelever)}: the book would sit in the warning band`, `< ${fmt(hfAtDelever)}`, fmt(r.healthFactorWarn));
        }
      }
    }
    if (s.gasFloat.minEth > s.gasFloat.targetEth) fail([...base, 'strategy', 'gasFloat', 'minEth'], 'gas float minimum above its target', `<= targetEth ${fmt(s.gasFloat.targetEth)}`, fmt(s.gasFloat.minEth));

    // window
    if (m.start && m.end && !(toMs(m.start) < toMs(m.end))) fail([...base, 'start'], 'the backtest window must start before it ends', `< end ${m.end}`, m.start);
  }
  return problems;
}

/** ISO date or date-time to epoch ms (a bare date is 00:00 UTC). */
/** The one timestamp parser (the data module's): UTC when no zone is given, real calendar dates only. */
export function toMs(iso: string): number {
  return parseTimestamp(iso);
}
