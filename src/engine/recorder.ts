import type { Timeline } from '../data/series.js';
import type { TimeseriesFrame } from '../report/types.js';
import { ATTRIBUTION_PARTS } from '../domain/attribution.js';
import type { MarketState } from '../components/marketState.js';
import type { PositionsView } from '../components/positionMonitor.js';
import type { ExposureMonitor } from '../components/exposureMonitor.js';
import type { RiskMonitor } from '../components/riskMonitor.js';
import type { PnlCalculator } from '../components/pnlCalculator.js';
import { AAVE_LIST, CEX_LIST, LST_LIST } from '../components/slots.js';

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
  /** Collateral + unrealized P&L per CEX account (USDT). */
  private readonly marginUsdt: Float64Array[];
  /** The LSTs, AAVE debts and AAVE supplies the book's slots can hold (market index → its slots): a rate column is
   * kept only when one of those positions was open in the window, as a rate the book never earned or paid is noise. */
  private readonly lstSlots: ReadonlyMap<number, readonly number[]>;
  private readonly debtSlots: ReadonlyMap<number, readonly number[]>;
  private readonly supplySlots: ReadonlyMap<number, readonly number[]>;
  private readonly lstIdx: readonly number[];
  private readonly debtIdx: readonly number[];
  private readonly supplyIdx: readonly number[];
  private readonly lstRate: Float64Array[];
  private readonly borrowApr: Float64Array[];
  private readonly supplyApr: Float64Array[];

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
    this.marginUsdt = CEX_LIST.map(col);
    const lst = new Map<number, number[]>();
    const debt = new Map<number, number[]>();
    const supply = new Map<number, number[]>();
    const add = (m: Map<number, number[]>, idx: number, slot: number): void => {
      const list = m.get(idx);
      if (list) list.push(slot);
      else m.set(idx, [slot]);
    };
    pm.slots.forEach((s, k) => {
      const d = s.def;
      if (d.kind === 'lst') add(lst, d.lst, k);
      else if (d.kind === 'aToken') {
        add(supply, d.asset, k);
        if (d.lst >= 0) add(lst, d.lst, k);
      } else if (d.kind === 'debt') add(debt, d.asset, k);
    });
    this.lstSlots = lst;
    this.debtSlots = debt;
    this.supplySlots = supply;
    this.lstIdx = [...lst.keys()].sort((a, b) => a - b);
    this.debtIdx = [...debt.keys()].sort((a, b) => a - b);
    this.supplyIdx = [...supply.keys()].sort((a, b) => a - b);
    this.lstRate = this.lstIdx.map(col);
    this.borrowApr = this.debtIdx.map(col);
    this.supplyApr = this.supplyIdx.map(col);
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
    // Constant, then overwrite (see healthFactor): a conditional expression with NaN would allocate at each step.
    let hf = NaN;
    if (Number.isFinite(risk.healthFactor)) hf = risk.healthFactor;
    this.hf[i] = hf;
    for (let c = 0; c < 3; c++) {
      (this.margin[c] as Float64Array)[i] = risk.marginRatio[c] as number;
      // Funding is plotted at settlements only (the state holds the last settlement's rates in between).
      let rate = NaN;
      if (fundingStep) rate = m.fundingRate[c * 2 + (Number.isNaN(m.fundingRate[c * 2 + 1] as number) ? 0 : 1)] as number;
      (this.funding[c] as Float64Array)[i] = rate;
    }
    this.ethPx[i] = m.ethPx;
    this.btcPx[i] = m.btcPx;
    this.inFlight[i] = exp.inFlightValue;
    for (let k = 0; k < this.pnl.length; k++) (this.pnl[k] as Float64Array)[i] = pnl.cumulative[k] as number;
    for (let c = 0; c < 3; c++) (this.marginUsdt[c] as Float64Array)[i] = (exp.cexCollateral[c] as number) + (exp.perpUpnl[c] as number);
    for (let k = 0; k < this.lstIdx.length; k++) (this.lstRate[k] as Float64Array)[i] = m.lstRate[this.lstIdx[k] as number] as number;
    for (let k = 0; k < this.debtIdx.length; k++) (this.borrowApr[k] as Float64Array)[i] = m.borrowRate[this.debtIdx[k] as number] as number;
    for (let k = 0; k < this.supplyIdx.length; k++) (this.supplyApr[k] as Float64Array)[i] = m.liquidityRate[this.supplyIdx[k] as number] as number;
  }

  /** Columns for steps [from, to], dropping columns that are empty or all zero. */
  frame(from: number, to: number): TimeseriesFrame {
    const cut = (a: Float64Array): Float64Array => a.subarray(from, to + 1);
    const cols: Array<{ name: string; values: Float64Array }> = [{ name: 'equity', values: cut(this.equity) }];
    const keep = (name: string, values: Float64Array): void => {
      const v = cut(values);
      if (nonZero(v)) cols.push({ name, values: v });
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
    CEX_LIST.forEach((v, c) => keep(`marginUsdt:${v}`, this.marginUsdt[c] as Float64Array));
    const held = (slots: readonly number[] | undefined): boolean => (slots ?? []).some((k) => nonZero(cut(this.pos[k] as Float64Array)));
    this.lstIdx.forEach((l, k) => held(this.lstSlots.get(l)) && keep(`lstRate:${LST_LIST[l] as string}`, this.lstRate[k] as Float64Array));
    this.debtIdx.forEach((a, k) => held(this.debtSlots.get(a)) && keep(`borrowApr:${AAVE_LIST[a] as string}`, this.borrowApr[k] as Float64Array));
    this.supplyIdx.forEach((a, k) => held(this.supplySlots.get(a)) && keep(`supplyApr:${AAVE_LIST[a] as string}`, this.supplyApr[k] as Float64Array));
    return { timestampsMs: this.timeline.timestampsMs.subarray(from, to + 1), columns: cols };
  }
}

function nonZero(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    if (x === x && x !== 0) return true;
  }
  return false;
}
