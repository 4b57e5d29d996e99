import type { AaveParams, CexVenueParams, RiskParams } from '../domain/params.js';
import type { CexVenue } from '../domain/venues.js';
import type { ShareClass } from '../domain/tokens.js';
import { healthFactor, loanToValue } from '../protocols/aave/health.js';
import type { ExposureView } from './exposureMonitor.js';
import type { ReadonlyFloat64Array } from './positionMonitor.js';
import { CEX_LIST } from './slots.js';

export type RiskLevel = 'ok' | 'warn' | 'breach';

/** Levels by code (0 ok, 1 warn, 2 breach): the monitor compares codes, which are numbers, not strings. */
const LEVELS: readonly RiskLevel[] = ['ok', 'warn', 'breach'];

/**
 * Exposure → risk: AAVE LTV and health factor under e-mode (LST collateral, WETH debt, oracle values, so
 * ETH/USD cancels and only the LST rate moves HF), CEX margin ratio per venue including unrealized P&L,
 * and net delta per underlying against the hedge. Each with an ok/warn/breach level. It only observes;
 * the strategy decides what to do.
 */
export class RiskMonitor {
  ltv = 0;
  healthFactor = Infinity;
  hfLevel: RiskLevel = 'ok';
  /** (collateral + uPnL) / |notional| per CEX; NaN where no perp is open. */
  readonly marginRatio = new Float64Array(3).fill(NaN);
  readonly marginLevel: RiskLevel[] = ['ok', 'ok', 'ok'];
  worstMarginRatio = NaN;
  /** |net delta| / gross hedged exposure for the mode's underlying. */
  deltaRatio = 0;
  deltaLevel: RiskLevel = 'ok';
  /** A venue below maintenance or HF < 1: the market would liquidate now. */
  liquidatableAave = false;
  readonly liquidatableCex = new Uint8Array(3);
  /** liquidatableAave or any liquidatableCex: the kernel tests one flag in the usual step where nothing is. */
  liquidatableAny = false;
  /** Distance to liquidation: relative LST/ETH oracle drop that takes HF to 1. */
  lstDropToLiquidation = Infinity;
  /** Some venue's margin ratio is below the emergency level (a marginLevel is 'breach'). */
  marginBreached = false;
  /** How many times a level changed since the run began: equal between two reads means no level moved. */
  levelChanges = 0;

  private readonly maintenance: Float64Array;
  private hfCode = 0;
  private deltaCode = 0;
  private readonly marginCode = new Uint8Array(3);

  constructor(
    private readonly risk: RiskParams,
    private readonly aave: AaveParams,
    cex: Readonly<Record<CexVenue, CexVenueParams>>,
    private readonly underlying: 'ETH' | 'BTC' | 'USDT',
    private readonly shareClass: ShareClass,
  ) {
    this.maintenance = Float64Array.from(CEX_LIST.map((v) => cex[v].maintenanceMarginRate));
  }

  assess(exp: ExposureView): void {
    const coll = exp.aaveCollateralEth;
    const debt = exp.aaveDebtEth;
    this.ltv = loanToValue(coll, debt);
    this.healthFactor = healthFactor(coll, this.aave.emode.liquidationThreshold, debt);
    // Constant, then overwrite (see healthFactor): a conditional expression would allocate at each step.
    let drop = Infinity;
    if (debt > 0) drop = 1 - 1 / this.healthFactor;
    this.lstDropToLiquidation = drop;
    this.liquidatableAave = this.healthFactor < 1;
    const hfCode = this.healthFactor < this.risk.healthFactorEmergency ? 2 : this.healthFactor < this.risk.healthFactorWarn ? 1 : 0;
    if (hfCode !== this.hfCode) {
      this.hfCode = hfCode;
      this.hfLevel = LEVELS[hfCode] as RiskLevel;
      this.levelChanges++;
    }

    let worst = NaN;
    let liquidatable = this.liquidatableAave;
    let breached = false;
    for (let c = 0; c < CEX_LIST.length; c++) {
      const notional = exp.perpNotional[c] as number;
      let code = 0;
      if (notional > 0) {
        const mr = ((exp.cexCollateral[c] as number) + (exp.perpUpnl[c] as number)) / notional;
        this.marginRatio[c] = mr;
        code = mr < this.risk.marginRatioEmergency ? 2 : mr < this.risk.marginRatioWarn ? 1 : 0;
        const below = mr < (this.maintenance[c] as number);
        this.liquidatableCex[c] = below ? 1 : 0;
        liquidatable = liquidatable || below;
        if (!(mr >= worst)) worst = mr;
      } else {
        this.marginRatio[c] = NaN;
        this.liquidatableCex[c] = 0;
      }
      if (code !== this.marginCode[c]) {
        this.marginCode[c] = code;
        this.marginLevel[c] = LEVELS[code] as RiskLevel;
        this.levelChanges++;
      }
      breached = breached || code === 2;
    }
    this.marginBreached = breached;
    this.worstMarginRatio = worst;
    this.liquidatableAny = liquidatable;

    // Target net delta: none for a hedged book; the whole equity when the share class is the asset (ETH in ETH).
    let net = 0;
    let gross = 0;
    if (this.underlying === 'BTC') {
      net = exp.netDeltaBtc;
      gross = Math.max(exp.longBtc, exp.shortBtc);
    } else if (this.underlying === 'ETH') {
      net = exp.netDeltaEth - (this.shareClass === 'ETH' ? exp.equity : 0);
      gross = Math.max(exp.longEth, exp.shortEth);
    }
    this.deltaRatio = gross > 0 ? Math.abs(net) / gross : 0;
    const deltaCode = this.deltaRatio > this.risk.deltaBreach ? 2 : this.deltaRatio > this.risk.deltaWarn ? 1 : 0;
    if (deltaCode !== this.deltaCode) {
      this.deltaCode = deltaCode;
      this.deltaLevel = LEVELS[deltaCode] as RiskLevel;
      this.levelChanges++;
    }
  }
}

/** What strategies read of the risk: its levels and ratios, never `assess`. */
export type RiskView = Readonly<Omit<RiskMonitor, 'assess' | 'marginRatio' | 'marginLevel' | 'liquidatableCex'>> & {
  readonly marginRatio: ReadonlyFloat64Array;
  readonly marginLevel: readonly RiskLevel[];
  readonly liquidatableCex: { readonly [index: number]: number; readonly length: number };
};
