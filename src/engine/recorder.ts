import type { Timeline } from '../data/series.js';
import type { TimeseriesFrame } from '../report/types.js';
import { ATTRIBUTION_PARTS } from '../domain/attribution.js';
import type { MarketState } from '../components/marketState.js';
import type { PositionsView } from '../components/positionMonitor.js';
import type { ExposureMonitor } from '../components/exposureMonitor.js';
import type { RiskMonitor } from '../components/riskMonitor.js';
import type { PnlCalculator } from '../components/pnlCalculator.js';
import { CEX_LIST } from '../components/slots.js';

/** Per-step columns preallocated for the whole timeline: recording a step is a handful of array writes. */
export class Recorder {
  private readonly n: number;
  readonly equity: Float64Array;
  private readonly pos: Float64Array[];
  private readonly netEth: Float64Array;
  private readonly netBtc: Float64Array;
  private readonly ltv: Float64Array;
  private readonly hf: Float64Array;
  private readonly margin: Float64Array[];
  private readonly funding: Float64Array[];
  private readonly ethPx: Float64Array;
  private readonly btcPx: Float64Array;
  private readonly inFlight: Float64Array;
  /** Cumulative attribution per part, per step. */
  private readonly pnl: Float64Array[];

  constructor(private readonly timeline: Timeline, private readonly pm: PositionsView, enabled: boolean) {
    this.n = enabled ? timeline.length : 0;
    const col = (): Float64Array => new Float64Array(this.n).fill(NaN);
    this.equity = col();
    this.pos = pm.slots.map(col);
    this.netEth = col();
    this.netBtc = col();
    this.ltv = col();
    this.hf = col();
    this.margin = CEX_LIST.map(col);
    this.funding = CEX_LIST.map(col);
    this.ethPx = col();
    this.btcPx = col();
    this.inFlight = col();
    this.pnl = ATTRIBUTION_PARTS.map(col);
  }

  record(i: number, m: MarketState, exp: ExposureMonitor, risk: RiskMonitor, pnl: PnlCalculator, fundingStep: boolean): void {
    this.equity[i] = exp.equity;
    const a = this.pm.amounts;
    for (let k = 0; k < this.pos.length; k++) {
      const d = this.pm.slots[k]!.def;
      const v = a[k] as number;
      (this.pos[k] as Float64Array)[i] =
        d.kind === 'aToken' ? v * (m.liquidityIndex[d.asset] as number) : d.kind === 'debt' ? v * (m.borrowIndex[d.asset] as number) : v;
    }
    this.netEth[i] = exp.netDeltaEth;
    this.netBtc[i] = exp.netDeltaBtc;
    this.ltv[i] = risk.ltv;
    this.hf[i] = Number.isFinite(risk.healthFactor) ? risk.healthFactor : NaN;
    for (let c = 0; c < 3; c++) {
      (this.margin[c] as Float64Array)[i] = risk.marginRatio[c] as number;
      // Funding is plotted at settlements only (the state holds the last settlement's rates in between).
      (this.funding[c] as Float64Array)[i] = fundingStep ? (m.fundingRate[c * 2 + (Number.isNaN(m.fundingRate[c * 2 + 1] as number) ? 0 : 1)] as number) : NaN;
    }
    this.ethPx[i] = m.ethPx;
    this.btcPx[i] = m.btcPx;
    this.inFlight[i] = exp.inFlightValue;
    for (let k = 0; k < this.pnl.length; k++) (this.pnl[k] as Float64Array)[i] = pnl.cumulative[k] as number;
  }

  /** Columns for steps [from, to], dropping columns that are empty or all zero. */
  frame(from: number, to: number): TimeseriesFrame {
    const cut = (a: Float64Array): Float64Array => a.subarray(from, to + 1);
    const cols: Array<{ name: string; values: Float64Array }> = [{ name: 'equity', values: cut(this.equity) }];
    const keep = (name: string, values: Float64Array): void => {
      const v = cut(values);
      for (let i = 0; i < v.length; i++) {
        const x = v[i] as number;
        if (x === x && x !== 0) {
          cols.push({ name, values: v });
          return;
        }
      }
    };
    this.pm.slots.forEach((s, k) => keep(`pos:${s.key}`, this.pos[k] as Float64Array));
    keep('netDelta:ETH', this.netEth);
    keep('netDelta:BTC', this.netBtc);
    keep('ltv', this.ltv);
    keep('healthFactor', this.hf);
    CEX_LIST.forEach((v, c) => keep(`marginRatio:${v}`, this.margin[c] as Float64Array));
    CEX_LIST.forEach((v, c) => keep(`fundingRate:${v}`, this.funding[c] as Float64Array));
    keep('price:ETH', this.ethPx);
    keep('price:BTC', this.btcPx);
    keep('inFlight', this.inFlight);
    ATTRIBUTION_PARTS.forEach((p, k) => keep(`pnl:${p}`, this.pnl[k] as Float64Array));
    return { timestampsMs: this.timeline.timestampsMs.subarray(from, to + 1), columns: cols };
  }
}
