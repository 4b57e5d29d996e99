import { BasisError, type Problem } from '../errors/base.js';
import { ATTRIBUTION_PARTS } from '../domain/attribution.js';
import type { RunParams } from '../domain/params.js';
import type { PositionKey } from '../domain/positionKey.js';
import type { SeriesKey, Timeline } from '../data/series.js';
import { SOURCE } from '../data/series.js';
import { isSettlement } from '../domain/fundingSchedule.js';
import { MarketReader, MarketState } from '../components/marketState.js';
import { PositionMonitor } from '../components/positionMonitor.js';
import { ExposureMonitor } from '../components/exposureMonitor.js';
import { RiskMonitor } from '../components/riskMonitor.js';
import { PnlCalculator } from '../components/pnlCalculator.js';
import { AAVE_IDX, CEX_LIST, LST_IDX } from '../components/slots.js';
import { TransferManager } from '../components/transferManager.js';
import { EventLogger } from '../events/logger.js';
import { createExecution, type ExecutionInterface, type MarketSettlement } from '../venues/execution.js';
import { createStrategy } from '../strategies/factory.js';
import type { Decision, Strategy, StrategyContext } from '../strategies/strategy.js';
import type { Order } from '../orders/order.js';
import { BacktestClock } from './clock.js';
import type { RewardPrograms } from '../domain/rewards.js';
import { Recorder } from './recorder.js';

export interface EngineOptions {
  /** Fees, slippage and gas on (false = --no-costs, for validation). */
  readonly costs: boolean;
  /** Record the per-step timeseries (off for the pure-speed benchmark). */
  readonly recordTimeseries: boolean;
  /** Published restaking rewards to credit (modes whose LST config enables them). */
  readonly rewards?: RewardPrograms;
}

export interface EngineResult {
  readonly startIndex: number;
  readonly endIndex: number;
  readonly steps: number;
  readonly initialEquity: number;
  readonly finalEquity: number;
  readonly runMs: number;
}

/**
 * Wires the components in the documented order and runs the synchronous chain per step:
 * market → position refresh (arrivals, funding) → exposure → risk → liquidations the market would apply →
 * P&L → strategy decide → orders → execution → positions → exposure/risk → events.
 * Live trading swaps only the clock, the data source and the execution adapter.
 */
export class EventDrivenStrategyEngine {
  readonly clock = new BacktestClock();
  readonly positions: PositionMonitor;
  readonly events: EventLogger;
  readonly exposure: ExposureMonitor;
  readonly risk: RiskMonitor;
  readonly pnl: PnlCalculator;
  readonly strategy: Strategy;
  readonly execution: ExecutionInterface;
  readonly settlement: MarketSettlement;
  readonly transfers: TransferManager;
  readonly recorder: Recorder;
  private readonly reader: MarketReader;
  private prev = new MarketState();
  private cur = new MarketState();
  private readonly ctx: StrategyContext;
  private readonly fundingStep: Uint8Array;
  /** Steps where a run of fallback values starts (or is already under way at the first step), per series. */
  private fallbackStarts: Array<{ index: number; key: SeriesKey; fallback: string }> = [];
  private fallbackCursor = 0;
  rebalances = 0;
  emergencyStops = 0;
  /** Equity in the share class after each step. */
  readonly stepEquity: Float64Array;
  /** Cumulative eETH-hours held (wallet weETH + supplied weETH, at the exchange rate): the base of reward credits. */
  private readonly eethHours: Float64Array | null;
  private rewardCursor = 0;
  /** Slots of wallet weETH and supplied weETH (−1 when the mode has none). */
  private readonly weethSlots: readonly [number, number];
  private runStartIndex = 0;

  constructor(
    readonly params: RunParams,
    readonly timeline: Timeline,
    readonly options: EngineOptions,
  ) {
    const mode = params.mode;
    this.positions = new PositionMonitor(mode.positions);
    this.events = new EventLogger(this.positions, () => this.clock.nowMs);
    this.exposure = new ExposureMonitor(mode.shareClass, this.positions.slots);
    this.risk = new RiskMonitor(mode.risk, params.aave, params.cex, mode.asset, mode.shareClass);
    this.pnl = new PnlCalculator(mode.shareClass, this.positions.slots);
    this.strategy = createStrategy(mode.strategy);
    this.transfers = new TransferManager(params, this.positions, this.exposure, options.costs);
    const venues = createExecution('backtest', { params, positions: this.positions, pnl: this.pnl, events: this.events, transfers: this.transfers, costs: options.costs });
    this.execution = venues.execution;
    this.settlement = venues.settlement;
    this.reader = new MarketReader(timeline, mode);
    this.recorder = new Recorder(timeline, this.positions, options.recordTimeseries);
    this.stepEquity = new Float64Array(timeline.length);
    this.fundingStep = new Uint8Array(timeline.length);
    for (let i = 0; i < timeline.length; i++) {
      if (isSettlement(timeline.timestampsMs[i] as number, params.engine.fundingHoursUtc)) this.fundingStep[i] = 1;
    }
    this.eethHours = options.rewards ? new Float64Array(timeline.length) : null;
    const slotIf = (key: string): number => (this.positions.has(key) ? this.positions.slotOf(key) : -1);
    this.weethSlots = [slotIf('wallet:BaseToken:weETH'), slotIf('aave_v3:aToken:aweETH')];
    const exec = this.execution;
    this.ctx = {
      params,
      m: this.cur,
      positions: this.positions,
      exposure: this.exposure,
      risk: this.risk,
      costs: { gasEthFor: (op) => exec.gasEthFor(op), aaveBook: (lst) => exec.aaveBook(lst) },
      costsOn: options.costs,
      stepIndex: 0,
    };
  }

  private ran = false;

  /** Runs steps startIndex..endIndex inclusive. An engine runs once: each request gets fresh components. */
  runBacktest(startIndex: number, endIndex: number, onProgress?: (done: number) => void): EngineResult {
    if (this.ran) throw new BasisError('BT-004', 'this engine has already run; create a new one per backtest');
    this.ran = true;
    const t0 = performance.now();
    const pm = this.positions;
    const mode = this.params.mode;
    const capitalKey = `wallet:BaseToken:${mode.shareClass}` as PositionKey;
    this.runStartIndex = startIndex;
    this.clock.advanceTo(this.timeline.timestampsMs[startIndex] as number);
    this.reader.assertComplete(startIndex, endIndex);
    this.reader.read(startIndex, this.cur);
    pm.apply(pm.slotOf(capitalKey), mode.initialCapital);
    this.events.emit({ type: 'INITIAL_CAPITAL', status: 'completed', venue: 'wallet', token: mode.shareClass, deltas: [[capitalKey, mode.initialCapital]], details: { amountToken: mode.initialCapital } });
    this.fallbackStarts = this.findFallbackRuns(startIndex, endIndex);
    this.exposure.compute(pm, this.cur);
    this.pnl.initialEquity = this.exposure.equity;
    const progressEvery = Math.max(1, Math.floor((endIndex - startIndex + 1) / 100));
    const initial = this.pnl.initialEquity;
    const tolerance = this.params.engine.reconciliationTolerance * Math.abs(initial);
    for (let i = startIndex; i <= endIndex; i++) {
      if (i > startIndex) {
        const swap = this.prev;
        this.prev = this.cur;
        this.cur = swap;
        (this.ctx as { m: MarketState }).m = this.cur;
        this.clock.advanceTo(this.timeline.timestampsMs[i] as number);
        this.reader.read(i, this.cur);
        this.exposure.compute(pm, this.cur);
        this.pnl.marketMove(pm, this.exposure, this.prev, this.cur);
      }
      this.step(i);
      const eq = this.exposure.equity;
      // One comparison per step guards every invariant on aggregates: it is false for a NaN or infinite equity or
      // attribution as well as for a residual above tolerance. The last step's check is the end-of-run check.
      if (!(Math.abs(eq - initial - this.pnl.total()) <= tolerance)) this.failInvariant(i, eq, initial, tolerance);
      this.stepEquity[i] = eq;
      if (this.options.recordTimeseries) this.recorder.record(i, this.cur, this.exposure, this.risk, this.pnl, this.fundingStep[i] === 1);
      if (onProgress && (i - startIndex) % progressEvery === 0) onProgress(i - startIndex + 1);
    }
    this.events.emit({
      type: 'RUN_END',
      status: 'completed',
      deltas: [],
      details: this.runEndDetails(),
    });
    const runMs = performance.now() - t0;
    return {
      startIndex,
      endIndex,
      steps: endIndex - startIndex + 1,
      initialEquity: this.pnl.initialEquity,
      finalEquity: this.exposure.equity,
      runMs,
    };
  }

  /** Stops the run with what broke at step i: PNL-004 for a non-finite value (named), PNL-003 for a residual. */
  private failInvariant(i: number, eq: number, initial: number, tolerance: number): never {
    const at = new Date(this.timeline.timestampsMs[i] as number).toISOString();
    const total = this.pnl.total();
    if (Number.isFinite(eq) && Number.isFinite(total)) {
      const residual = eq - initial - total;
      throw new BasisError('PNL-003', `P&L does not reconcile at ${at}: equity change ${eq - initial} vs attributed ${total}`, {
        problems: [{ code: 'PNL-003', path: 'engine.reconciliationTolerance', message: 'balance P&L minus attributed P&L exceeds the tolerance', expected: `|residual| <= ${tolerance}`, received: String(residual) }],
      });
    }
    const problems: Problem[] = [];
    const bad = (path: string, value: number, message: string): void => {
      if (!Number.isFinite(value)) problems.push({ code: 'PNL-004', path, message, expected: 'a finite number', received: String(value) });
    };
    // Marks of series the mode does not read are NaN by design; an infinite one is a real problem.
    for (const [name, value] of Object.entries(this.marks())) if (name !== 'finalEquity' && Math.abs(value) === Infinity) bad(name, value, 'infinite mark');
    this.positions.slots.forEach((sl) => bad(sl.key, this.positions.amounts[sl.index] as number, 'non-finite balance'));
    this.pnl.cumulative.forEach((v, k) => bad(`pnl:${ATTRIBUTION_PARTS[k] ?? k}`, v, 'non-finite attribution'));
    if (problems.length === 0) bad('equity', eq, 'finite balances valued at finite marks overflow the number range');
    throw new BasisError('PNL-004', `non-finite ${Number.isFinite(eq) ? 'attribution' : 'equity'} at ${at} (equity ${eq}); the run stops rather than report it`, { problems });
  }

  private findFallbackRuns(from: number, to: number): Array<{ index: number; key: SeriesKey; fallback: string }> {
    const runs: Array<{ index: number; key: SeriesKey; fallback: string }> = [];
    for (const key of this.params.mode.dataRequirements) {
      if (!this.timeline.has(key)) continue;
      const s = this.timeline.series(key);
      for (let i = from; i <= to; i++) {
        if (s.source[i] === SOURCE.fallback && (i === from || s.source[i - 1] !== SOURCE.fallback)) runs.push({ index: i, key, fallback: s.fallbackKey ?? 'zero' });
      }
    }
    return runs.sort((a, b) => a.index - b.index);
  }

  private step(i: number): void {
    const pm = this.positions;
    this.execution.at(this.cur, i);
    let touched = false;
    if (pm.inFlight.length > 0) {
      this.settlement.settleArrivals();
      touched = true;
    }
    if (this.fundingStep[i] === 1) {
      this.reader.readFunding(i, this.cur);
      const before = this.events.length;
      this.settlement.settleFunding();
      touched = touched || this.events.length !== before;
    }
    if (this.eethHours) touched = this.accrueAndCreditRewards(i) || touched;
    while (this.fallbackCursor < this.fallbackStarts.length && (this.fallbackStarts[this.fallbackCursor] as { index: number }).index === i) {
      const f = this.fallbackStarts[this.fallbackCursor++] as { key: SeriesKey; fallback: string };
      this.events.emit({ type: 'DATA_FALLBACK', status: 'completed', deltas: [], details: { series: f.key, fallback: f.fallback } });
    }
    if (touched) this.exposure.compute(pm, this.cur);
    this.risk.assess(this.exposure);
    this.logRiskTransitions();
    this.applyMarketLiquidations();
    (this.ctx as { stepIndex: number }).stepIndex = i;
    const decision = this.strategy.decide(this.ctx);
    if (decision) this.executeDecision(decision);
  }

  /**
   * Integrates the eETH-equivalent weETH held (balance after the previous step, over the step) and credits every
   * payout due by now from the balance over its own period: only past holdings count, never later ones.
   */
  private accrueAndCreditRewards(i: number): boolean {
    const hours = this.params.engine.stepMinutes / 60;
    const integral = this.eethHours as Float64Array;
    if (i > this.runStartIndex) {
      const m = this.prev;
      const a = this.positions.amounts;
      const wallet = this.weethSlots[0] >= 0 ? (a[this.weethSlots[0]] as number) : 0;
      const supplied = this.weethSlots[1] >= 0 ? (a[this.weethSlots[1]] as number) * (m.liquidityIndex[AAVE_IDX.weETH] as number) : 0;
      integral[i] = (integral[i - 1] as number) + (wallet + supplied) * (m.lstRate[LST_IDX.weETH] as number) * hours;
    }
    const payouts = (this.options.rewards as RewardPrograms).payouts;
    const now = this.timeline.timestampsMs[i] as number;
    let credited = false;
    while (this.rewardCursor < payouts.length && (payouts[this.rewardCursor] as { payoutMs: number }).payoutMs <= now) {
      const p = payouts[this.rewardCursor] as RewardPrograms['payouts'][number];
      const runStart = this.timeline.timestampsMs[this.runStartIndex] as number;
      if (p.periodEndMs <= runStart) {
        this.rewardCursor++;
        continue;
      }
      const avg = (this.eethHoursAt(p.periodEndMs, i, runStart) - this.eethHoursAt(p.periodStartMs, i, runStart)) / ((p.periodEndMs - p.periodStartMs) / 3_600_000);
      // A claim the wallet cannot pay gas for yet waits (with those after it) for a later step.
      if (!this.settlement.creditReward(p, avg, (this.options.rewards as RewardPrograms).priceEth(p.token, now))) break;
      this.rewardCursor++;
      credited = true;
    }
    return credited;
  }

  /** The eETH-hours integral at time t, seen from step i (never later than i). */
  private eethHoursAt(t: number, i: number, runStart: number): number {
    return t <= runStart ? 0 : ((this.eethHours as Float64Array)[Math.min(i, this.timeline.indexOf(t))] as number);
  }

  private readonly riskLevels: Array<'ok' | 'warn' | 'breach'> = ['ok', 'ok', 'ok', 'ok', 'ok'];
  /** A RISK_BREACH event each time a risk level changes (ok ↔ warn ↔ breach), with the value that moved it. */
  private logRiskTransitions(): void {
    const r = this.risk;
    const l = this.riskLevels;
    // The common case (nothing changed) is five string compares: no allocation on the hot path.
    if (r.hfLevel === l[0] && r.deltaLevel === l[1] && r.marginLevel[0] === l[2] && r.marginLevel[1] === l[3] && r.marginLevel[2] === l[4]) return;
    this.riskTransition(0, r.hfLevel, 'healthFactor', r.healthFactor);
    this.riskTransition(1, r.deltaLevel, 'deltaRatio', r.deltaRatio);
    for (let c = 0; c < 3; c++) this.riskTransition(2 + c, r.marginLevel[c] as 'ok' | 'warn' | 'breach', `marginRatio:${CEX_LIST[c]}`, r.marginRatio[c] as number);
  }

  private riskTransition(k: number, level: 'ok' | 'warn' | 'breach', metric: string, value: number): void {
    if (level === this.riskLevels[k]) return;
    this.riskLevels[k] = level;
    this.events.emit({ type: 'RISK_BREACH', status: 'completed', deltas: [], details: { metric, level, value: Number.isFinite(value) ? value : null } });
  }

  /** Liquidations the market itself would apply this step (HF < 1, margin below maintenance). */
  private applyMarketLiquidations(): void {
    const mode = this.params.mode;
    let hit = false;
    if (this.risk.liquidatableAave && (mode.strategy.kind === 'eth_leveraged' || mode.strategy.kind === 'usdt_market_neutral')) {
      this.settlement.liquidateAave(mode.strategy.lst.token, this.risk.healthFactor);
      hit = true;
    }
    for (let c = 0; c < 3; c++) {
      if (this.risk.liquidatableCex[c] === 1) {
        this.settlement.liquidateCex(CEX_LIST[c] as (typeof CEX_LIST)[number], this.risk.marginRatio[c] as number);
        hit = true;
      }
    }
    if (hit) {
      this.exposure.compute(this.positions, this.cur);
      this.risk.assess(this.exposure);
    }
  }

  private executeDecision(d: Decision): void {
    const type = d.reason === 'emergency' ? 'EMERGENCY_STOP' : d.reason === 'entry' ? null : 'REBALANCE';
    let parent: number | undefined;
    const open = (): void => {
      if (!type || parent !== undefined) return;
      parent = this.events.emit({
        type,
        status: 'completed',
        deltas: [],
        details: { reason: d.reason, detail: d.detail, healthFactor: Number.isFinite(this.risk.healthFactor) ? this.risk.healthFactor : null, ltv: this.risk.ltv, worstMarginRatio: Number.isNaN(this.risk.worstMarginRatio) ? null : this.risk.worstMarginRatio, deltaRatio: this.risk.deltaRatio },
      });
      if (type === 'REBALANCE') this.rebalances++;
      else this.emergencyStops++;
    };
    // An emergency stop is recorded even with nothing left to sell; a rebalance only once it orders something.
    if (type === 'EMERGENCY_STOP') open();
    for (const step of d.orders) {
      const produced = typeof step === 'function' ? step(this.ctx) : step;
      if (produced === null) continue;
      const list: readonly Order[] = Array.isArray(produced) ? produced : [produced as Order];
      for (const o of list) {
        open();
        try {
          this.execution.execute(o, parent);
        } catch (err) {
          if (err instanceof BasisError && (err.code === 'EXEC-004' || err.code === 'XFER-001')) {
            this.events.emit({ type: 'REBALANCE', status: 'failed', deltas: [], ...(parent !== undefined ? { parent } : {}), details: { order: o.kind, reason: err.message } });
          } else throw err;
        }
        this.exposure.compute(this.positions, this.cur);
        this.risk.assess(this.exposure);
      }
    }
  }

  /** The prices, indices and rates the final balances are valued at (for audit replay). */
  marks(): Record<string, number> {
    const m = this.cur;
    const out: Record<string, number> = { ethPx: m.ethPx, btcPx: m.btcPx };
    ['USDT', 'WETH', 'weETH', 'wstETH'].forEach((a, i) => {
      out[`liquidityIndex:${a}`] = m.liquidityIndex[i] as number;
      out[`borrowIndex:${a}`] = m.borrowIndex[i] as number;
    });
    out['lstRate:weETH'] = m.lstRate[0] as number;
    out['lstRate:wstETH'] = m.lstRate[1] as number;
    CEX_LIST.forEach((v, c) => {
      out[`perpMark:${v}:BTCUSDT`] = m.perpMark[c * 2] as number;
      out[`perpMark:${v}:ETHUSDT`] = m.perpMark[c * 2 + 1] as number;
    });
    out['finalEquity'] = this.exposure.equity;
    return out;
  }

  /** RUN_END details: the marks, and the subscribed keys in book order so a replay sums equity identically. */
  private runEndDetails(): Record<string, number | string> {
    return { ...this.marks(), positions: this.positions.slots.map((s) => s.key).join(',') };
  }
}
