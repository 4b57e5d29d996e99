/** The run's parameters as the dashboard reads them (no imports: the Node tests read it too). */

/** The risk limits of the run, from its config; absent when the mode has no such exposure. */
export interface Thresholds {
  readonly healthFactorWarn?: number;
  readonly healthFactorEmergency?: number;
  /** AAVE e-mode: the LTV a borrow may reach, and the LTV at which the position is liquidated. */
  readonly maxLtv?: number;
  readonly liquidationLtv?: number;
  /** The leverage target λ and the band the strategy keeps LTV in (re-lever below, de-lever above). */
  readonly targetLtv?: number;
  readonly ltvBand?: readonly [number, number];
  readonly marginRatioWarn?: number;
  readonly marginRatioRebalance?: number;
  readonly marginRatioEmergency?: number;
  readonly targetMarginRatio?: number;
  /** Maintenance margin rate per CEX venue: the venue liquidates below it. */
  readonly maintenance?: Readonly<Record<string, number>>;
}

type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * The thresholds of a run from its recorded params (config.json's `params`: mode.risk, mode.strategy.leverage and
 * hedge, aave.emode, cex.<venue>.maintenanceMarginRate). Lines only for what the mode holds: the caller draws a
 * threshold only on a chart whose series exist.
 */
export function thresholdsFromParams(params: unknown): Thresholds {
  const p = obj(params);
  const mode = obj(p?.mode);
  const risk = obj(mode?.risk);
  const strategy = obj(mode?.strategy);
  const leverage = obj(strategy?.leverage);
  const hedge = obj(strategy?.hedge);
  const emode = obj(obj(p?.aave)?.emode);
  const cex = obj(p?.cex);
  const out: Record<string, unknown> = {};
  const set = (k: keyof Thresholds, v: unknown): void => {
    if (v !== undefined) out[k] = v;
  };
  set('healthFactorWarn', num(risk?.healthFactorWarn));
  set('healthFactorEmergency', num(risk?.healthFactorEmergency));
  set('marginRatioWarn', num(risk?.marginRatioWarn));
  set('marginRatioRebalance', num(risk?.marginRatioRebalance));
  set('marginRatioEmergency', num(risk?.marginRatioEmergency));
  set('targetMarginRatio', num(hedge?.targetMarginRatio));
  const maxLtv = num(emode?.ltv);
  set('maxLtv', maxLtv);
  set('liquidationLtv', num(emode?.liquidationThreshold));
  const buffer = num(leverage?.targetLtvBuffer);
  if (maxLtv !== undefined && buffer !== undefined) {
    const target = maxLtv * (1 - buffer);
    set('targetLtv', target);
    const lo = num(leverage?.releverBand);
    const hi = num(leverage?.deleverBand);
    if (lo !== undefined && hi !== undefined) set('ltvBand', [target - lo, target + hi]);
  }
  if (cex) {
    const m: Record<string, number> = {};
    for (const [venue, v] of Object.entries(cex)) {
      const rate = num(obj(v)?.maintenanceMarginRate);
      if (rate !== undefined) m[venue] = rate;
    }
    if (Object.keys(m).length > 0) out.maintenance = m;
  }
  return out as Thresholds;
}

/** A nested parameter object as dotted-path rows (arrays and objects flattened, leaves as text). */
export function flattenParams(value: unknown, prefix = ''): [string, string][] {
  const rows: [string, string][] = [];
  const walk = (v: unknown, path: string): void => {
    const o = obj(v);
    if (o) {
      for (const [k, child] of Object.entries(o)) walk(child, path ? `${path}.${k}` : k);
      return;
    }
    if (Array.isArray(v)) {
      rows.push([path, v.map((x) => (typeof x === 'object' ? JSON.stringify(x as Json) : String(x))).join(', ')]);
      return;
    }
    rows.push([path, v === null || v === undefined ? '–' : String(v as string | number | boolean)]);
  };
  walk(value, prefix);
  return rows;
}
