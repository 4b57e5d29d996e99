import { BasisError, type Problem } from '../errors/base.js';
import { ATTRIBUTION_PARTS } from '../domain/attribution.js';
import type { RunParams } from '../domain/params.js';
import { settlementTest } from '../domain/fundingSchedule.js';
import type { RewardPrograms } from '../domain/rewards.js';
import { positionKey } from '../domain/positionKey.js';
import type { BookedMove } from '../domain/move.js';
import type { DetailsInput } from '../events/detailRow.js';
import type { BasisEvent, EventStatus, EventType } from '../events/types.js';
import { EventLogger } from '../events/logger.js';
import { MarketState } from '../components/marketState.js';
import { PositionMonitor } from '../components/positionMonitor.js';
import { ExposureMonitor } from '../components/exposureMonitor.js';
import { RiskMonitor } from '../components/riskMonitor.js';
import { PnlCalculator } from '../components/pnlCalculator.js';
import { RewardAccrual } from '../components/rewardAccrual.js';
import { serializeMarks } from '../components/marks.js';
import { CEX_LIST } from '../components/slots.js';
import { RejectedError } from '../errors/families.js';
import type { Decision, Strategy, StrategyContext } from '../strategies/strategy.js';
import type { Order } from '../orders/order.js';
import type { SteppedClock } from './clock.js';
import type { MarketFeed } from './marketFeed.js';
import type { EventSink } from './eventSink.js';
import type { ExecutionClient, MarketSettlement, OrderOutcome, VenueFill, VenueReports } from './executionClient.js';
import type { ExposureView } from '../components/exposureMonitor.js';
import type { FlowDriver, FlowHost } from '../flows/driver.js';

/** What the kernel hands an execution client when it builds it: where to report, and the exposure to check against. */
export interface KernelPorts {
  readonly reports: VenueReports;
  readonly exposure: ExposureView;
}

/** Everything the kernel runs with; it builds none of it. */
export interface KernelParts {
  readonly params: RunParams;
  readonly clock: SteppedClock;
  readonly feed: MarketFeed;
  readonly strategy: Strategy;
  /** Builds the execution client on the kernel's report port (a simulated venue reports its fills there too). */
  readonly execution: (ports: KernelPorts) => ExecutionClient & MarketSettlement;
  /** Sinks that receive every event after the memory log (files, a results store, Redis). */
  readonly sinks?: readonly EventSink[];
  /** Fees, slippage and gas on (false = --no-costs, for validation). */
  readonly costs: boolean;
  /** Published restaking rewards to credit (modes whose LST config enables them). */
  readonly rewards?: RewardPrograms;
  /** Builds the driver of the run's deposits and withdrawals on the kernel's flow port (none: no flows). */
  readonly flows?: (host: FlowHost) => FlowDriver;
  /** Called after every tick, once the tick's checks passed (recorders, progress). */
  readonly onTick?: (kernel: StrategyKernel) => void;
}

export interface KernelResult {
  readonly ticks: number;
  readonly initialEquity: number;
  readonly finalEquity: number;
  readonly runMs: number;
}

type RiskLevel = 'ok' | 'warn' | 'breach';

/**
 * The one strategy kernel. Per tick, in the documented order: market snapshot → transfers landing, funding at the
 * venues' settlement times, reward payouts → exposure → risk → the liquidations the market would apply → P&L →
 * strategy → orders → execution → fills reported back and applied by the position monitor → exposure and risk →
 * events. A backtest hands it a historical feed, a backtest clock and simulated venues; live trading hands it
 * venue feeds, the wall clock and live clients: the strategy code is the same.
 *
 * Orders of a decision run one after the other and each waits for the outcome of the one before (the reference's
 * tight loop). A client that answers at once costs no promise; an asynchronous one makes the tick wait.
 */
export class StrategyKernel implements VenueReports {
  readonly params: RunParams;
  readonly clock: SteppedClock;
  readonly positions: PositionMonitor;
  readonly events: EventLogger;
  readonly exposure: ExposureMonitor;
  readonly risk: RiskMonitor;
  readonly pnl: PnlCalculator;
  readonly strategy: Strategy;
  readonly execution: ExecutionClient;
  readonly settlement: MarketSettlement;
  private readonly feed: MarketFeed;
  private readonly sinks: readonly EventSink[];
  private readonly rewards: RewardAccrual | null;
  private readonly onTick: ((kernel: StrategyKernel) => void) | undefined;
  /** Applies the run's deposits and withdrawals (null: the run has none). */
  readonly flows: FlowDriver | null;
  private prev = new MarketState();
  private cur = new MarketState();
  private readonly ctx: StrategyContext & { m: MarketState; nowMs: number };
  rebalances = 0;
  emergencyStops = 0;
  private ran = false;
  /** A DATA_FALLBACK event's details, refilled for each (the event log copies them). */
  private readonly fallbackDetails = { series: '', fallback: '' };
  private ticks = 0;
  private settlesFunding = false;
  private readonly isSettlement: (at: { readonly nowMs: number }) => boolean;

  constructor(parts: KernelParts) {
    const params = parts.params;
    const mode = params.mode;
    this.params = params;
    this.clock = parts.clock;
    this.feed = parts.feed;
    this.strategy = parts.strategy;
    this.sinks = parts.sinks ?? [];
    this.onTick = parts.onTick;
    this.isSettlement = settlementTest(params.engine.fundingHoursUtc);
    this.positions = new PositionMonitor(mode.positions);
    this.events = new EventLogger(this.positions, this.clock);
    this.exposure = new ExposureMonitor(mode.shareClass, this.positions.slots);
    this.risk = new RiskMonitor(mode.risk, params.aave, params.cex, mode.asset, mode.shareClass);
    this.pnl = new PnlCalculator(mode.shareClass, this.positions.slots);
    const client = parts.execution({ reports: this, exposure: this.exposure });
    this.execution = client;
    this.settlement = client;
    this.rewards = parts.rewards ? new RewardAccrual(parts.rewards, this.positions) : null;
    this.ctx = {
      params,
      m: this.cur,
      positions: this.positions,
      exposure: this.exposure,
      risk: this.risk,
      costs: { gasEthFor: (op) => client.gasEthFor(op), aaveBook: (lst) => client.aaveBook(lst) },
      costsOn: parts.costs,
      nowMs: 0,
    };
    this.flows = parts.flows
      ? parts.flows({
          positions: this.positions,
          exposure: this.exposure,
          pnl: this.pnl,
          capitalFlow: (type, key, amount, details) => this.settlement.capitalFlow(type, key, amount, details),
          note: (e) => void this.emit(e),
          strategy: this.strategy,
          ctx: () => this.ctx,
          nowMs: () => this.clock.nowMs,
          execute: (d) => this.execute(d),
          refresh: () => this.afterOrder(),
        })
      : null;
  }

  /** Whether the current tick is a funding settlement time of the venues. */
  get fundingTick(): boolean {
    return this.settlesFunding;
  }

  /** The market snapshot of the current tick. */
  get market(): Readonly<MarketState> {
    return this.cur;
  }

  /**
   * Runs the feed to its end with a client that answers at once (a backtest): no promise anywhere on the path.
   * EXEC-013 if the client answers asynchronously.
   */
  runSync(): KernelResult {
    const t0 = this.begin();
    do {
      if (this.tick() !== undefined) {
        throw new BasisError('EXEC-013', 'the execution client answered asynchronously; run the kernel with run()');
      }
      this.endTick();
    } while (this.advance());
    return this.finish(t0);
  }

  /** Runs the feed to its end with any client; the tick waits only when an order's outcome is pending. */
  async run(): Promise<KernelResult> {
    const t0 = this.begin();
    do {
      const waiting = this.tick();
      if (waiting !== undefined) await waiting;
      this.endTick();
    } while (this.advance());
    return this.finish(t0);
  }

  /** VenueReports: applies a venue's fill to the positions, books its P&L, records the event. */
  report(
    type: EventType,
    status: EventStatus,
    venue: string | undefined,
    token: string | undefined,
    parent: number | undefined,
    fill: VenueFill,
    gasUnits: number | undefined,
    gasPriceGwei: number | undefined,
    gasEth: number | undefined,
    feeAmount: number | undefined,
    feeToken: string | undefined,
    details: DetailsInput | undefined,
  ): number {
    this.positions.applyFill(fill);
    for (let k = 0; k < fill.pnlCount; k++) {
      const part = fill.pnlParts[k] as number;
      this.pnl.bookIndex(part, fill.pnlValues[part] as number);
    }
    const order = this.events.recordFill(type, status, venue, token, parent, fill, gasUnits, gasPriceGwei, gasEth, feeAmount, feeToken, details);
    if (this.sinks.length > 0) this.publishLast();
    return order;
  }

  /** VenueReports: one move booked to one P&L part (a funding payment). */
  reportMove(type: EventType, venue: string, token: string, parent: number | undefined, move: BookedMove, details: DetailsInput | undefined): number {
    this.positions.applyMove(move);
    this.pnl.bookMove(move);
    const order = this.events.recordMove(type, venue, token, parent, move, details);
    if (this.sinks.length > 0) this.publishLast();
    return order;
  }

  private emit(e: Parameters<EventLogger['emit']>[0]): number {
    const order = this.events.emit(e);
    if (this.sinks.length > 0) this.publishLast();
    return order;
  }

  private publishLast(): void {
    const e = this.events.at(this.events.length - 1) as BasisEvent;
    for (const s of this.sinks) s.accept(e);
  }

  private begin(): number {
    if (this.ran) throw new BasisError('BT-004', 'this kernel has already run; build a new one per run');
    this.ran = true;
    const t0 = performance.now();
    if (!this.feed.next(this.cur)) throw new BasisError('BT-004', 'the market feed has no snapshot to start from');
    this.clock.advanceTo(this.cur);
    this.execution.at(this.cur);
    const mode = this.params.mode;
    this.settlement.capitalFlow('INITIAL_CAPITAL', positionKey('wallet', 'BaseToken', mode.shareClass), mode.initialCapital, { amountToken: mode.initialCapital });
    this.exposure.compute(this.positions, this.cur);
    this.pnl.initialEquity = this.exposure.equity;
    return t0;
  }

  /** Moves to the next snapshot; false at the feed's end. */
  private advance(): boolean {
    const swap = this.prev;
    if (!this.feed.next(swap)) return false;
    this.prev = this.cur;
    this.cur = swap;
    this.ctx.m = swap;
    this.clock.advanceTo(swap);
    this.exposure.compute(this.positions, swap);
    this.pnl.marketMove(this.positions, this.exposure, this.prev, swap);
    return true;
  }

  /** After a tick: every invariant on aggregates in one comparison, then the observers. */
  private endTick(): void {
    const eq = this.exposure.equity;
    // Deposits and withdrawals move equity without being P&L: equity − initial − net flows = Σ attribution.
    const initial = this.pnl.initialEquity + (this.flows !== null ? this.flows.netFlows : 0);
    const tolerance = this.params.engine.reconciliationTolerance * Math.abs(this.pnl.initialEquity);
    // False for a NaN or infinite equity or attribution as well as for a residual above tolerance; the last tick's
    // check is the end-of-run check.
    // The running total first (one read); the exact sum over the parts decides before the run is stopped.
    if (!(Math.abs(eq - initial - this.pnl.runningTotal) <= tolerance) && !(Math.abs(eq - initial - this.pnl.total()) <= tolerance)) this.failInvariant(eq, initial, tolerance);
    this.ticks++;
    this.onTick?.(this);
  }

  private finish(t0: number): KernelResult {
    this.emit({ type: 'RUN_END', status: 'completed', deltas: [], details: { ...this.marks(), positions: this.positions.slots.map((s) => s.key).join(',') } });
    return { ticks: this.ticks, initialEquity: this.pnl.initialEquity, finalEquity: this.exposure.equity, runMs: performance.now() - t0 };
  }

  /** The marks the final balances are valued at (for audit replay), and the final equity. */
  marks(): Record<string, number> {
    return { ...serializeMarks(this.cur), finalEquity: this.exposure.equity };
  }

  /** Stops the run with what broke: PNL-004 for a non-finite value (named), PNL-003 for a residual. */
  private failInvariant(eq: number, initial: number, tolerance: number): never {
    const at = new Date(this.clock.nowMs).toISOString();
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
    for (const [name, value] of Object.entries(serializeMarks(this.cur))) if (Math.abs(value) === Infinity) bad(name, value, 'infinite mark');
    this.positions.slots.forEach((sl) => bad(sl.key, this.positions.amounts[sl.index] as number, 'non-finite balance'));
    this.pnl.cumulative.forEach((v, k) => bad(`pnl:${ATTRIBUTION_PARTS[k] ?? k}`, v, 'non-finite attribution'));
    if (problems.length === 0) bad('equity', eq, 'finite balances valued at finite marks overflow the number range');
    throw new BasisError('PNL-004', `non-finite ${Number.isFinite(eq) ? 'attribution' : 'equity'} at ${at} (equity ${eq}); the run stops rather than report it`, { problems });
  }

  /** One tick; returns a promise only when an order's outcome is pending. */
  private tick(): Promise<void> | undefined {
    const pm = this.positions;
    this.execution.at(this.cur);
    this.ctx.nowMs = this.clock.nowMs;
    let touched = false;
    if (pm.inFlight.length > 0) {
      const before = this.events.length;
      this.settlement.settleArrivals();
      touched = this.events.length !== before;
    }
    // The tick's time goes to the calls below in the context, not as a number: a number passed to a call V8 does not
    // inline is boxed at every tick (docs/kernel.md, "Hot path").
    this.settlesFunding = this.isSettlement(this.ctx);
    if (this.settlesFunding) {
      this.feed.readFunding(this.cur);
      const before = this.events.length;
      this.settlement.settleFunding();
      touched = touched || this.events.length !== before;
    }
    if (this.rewards) touched = this.creditRewards() || touched;
    const fallbacks = this.feed.fallbackStarts;
    for (let k = 0; k < fallbacks.length; k++) {
      const f = fallbacks[k] as (typeof fallbacks)[number];
      const details = this.fallbackDetails;
      details.series = f.series;
      details.fallback = f.fallback;
      this.events.note('DATA_FALLBACK', details);
      if (this.sinks.length > 0) this.publishLast();
    }
    if (touched) this.exposure.compute(pm, this.cur);
    this.risk.assess(this.exposure);
    this.logRiskTransitions();
    this.applyMarketLiquidations();
    if (this.flows !== null) {
      const flowing = this.flows.step();
      if (flowing !== undefined) return this.decideAfter(flowing);
    }
    return this.decide();
  }

  /** A method of its own: a closure in tick would make every tick allocate its context (docs/kernel.md, "Hot path"). */
  private async decideAfter(flowing: Promise<void>): Promise<void> {
    await flowing;
    await this.decide();
  }

  private decide(): Promise<void> | undefined {
    const decision = this.strategy.decide(this.ctx);
    return decision ? this.execute(decision) : undefined;
  }

  /** Accrues the eETH held since the last tick and credits every payout due by now. */
  private creditRewards(): boolean {
    const r = this.rewards as RewardAccrual;
    const at = this.ctx;
    r.accrue(at, this.prev, this.positions);
    let credited = false;
    for (let p = r.nextDue(at); p !== null; p = r.nextDue(at)) {
      // A claim the wallet cannot pay gas for yet waits (with those after it) for a later tick.
      if (!this.settlement.creditReward(r.claimFor(p, at))) break;
      r.credited();
      credited = true;
    }
    return credited;
  }

  private readonly riskLevels: RiskLevel[] = ['ok', 'ok', ...CEX_LIST.map((): RiskLevel => 'ok')];
  private riskLevelChanges = 0;
  /** A RISK_BREACH event each time a risk level changes (ok ↔ warn ↔ breach), with the value that moved it. */
  private logRiskTransitions(): void {
    const r = this.risk;
    // The common case (no level moved since the last tick) is one number compare.
    if (r.levelChanges === this.riskLevelChanges) return;
    this.riskLevelChanges = r.levelChanges;
    this.riskTransition(0, r.hfLevel, 'healthFactor', r.healthFactor);
    this.riskTransition(1, r.deltaLevel, 'deltaRatio', r.deltaRatio);
    for (let c = 0; c < CEX_LIST.length; c++) this.riskTransition(2 + c, r.marginLevel[c] as RiskLevel, `marginRatio:${CEX_LIST[c]}`, r.marginRatio[c] as number);
  }

  private riskTransition(k: number, level: RiskLevel, metric: string, value: number): void {
    if (level === this.riskLevels[k]) return;
    this.riskLevels[k] = level;
    this.emit({ type: 'RISK_BREACH', status: 'completed', deltas: [], details: { metric, level, value: Number.isFinite(value) ? value : null } });
  }

  /** Liquidations the market itself would apply this tick (HF < 1, margin below maintenance). */
  private applyMarketLiquidations(): void {
    if (!this.risk.liquidatableAny) return;
    if (this.risk.liquidatableAave) this.settlement.liquidateAave(this.risk.healthFactor);
    for (let c = 0; c < CEX_LIST.length; c++) {
      if (this.risk.liquidatableCex[c] === 1) this.settlement.liquidateCex(CEX_LIST[c] as (typeof CEX_LIST)[number], this.risk.marginRatio[c] as number);
    }
    this.exposure.compute(this.positions, this.cur);
    this.risk.assess(this.exposure);
  }

  /**
   * Runs a decision's orders in sequence. Each order step may be computed from the balances the previous outcome
   * left, so the next order is only built once the previous one is settled. Synchronous outcomes are handled in
   * this loop; the first pending one hands the rest of the decision to an async continuation.
   */
  private execute(d: Decision): Promise<void> | undefined {
    const run = new DecisionRun(this, d);
    for (let o = run.nextOrder(); o !== null; o = run.nextOrder()) {
      const outcome = this.execution.submit(o, run.parent);
      if (outcome instanceof Promise) return this.continueAsync(run, outcome);
      run.settled(o, outcome);
    }
    return undefined;
  }

  private async continueAsync(run: DecisionRun, first: Promise<OrderOutcome>): Promise<void> {
    run.settled(run.current as Order, await first);
    for (let o = run.nextOrder(); o !== null; o = run.nextOrder()) run.settled(o, await this.execution.submit(o, run.parent));
  }

  /** @internal DecisionRun's hooks into the kernel. */
  openDecision(d: Decision): number | undefined {
    const type = d.reason === 'emergency' ? 'EMERGENCY_STOP' : d.reason === 'entry' ? null : 'REBALANCE';
    if (!type) return undefined;
    const parent = this.emit({
      type,
      status: 'completed',
      deltas: [],
      details: { reason: d.reason, detail: d.detail, healthFactor: Number.isFinite(this.risk.healthFactor) ? this.risk.healthFactor : null, ltv: this.risk.ltv, worstMarginRatio: Number.isNaN(this.risk.worstMarginRatio) ? null : this.risk.worstMarginRatio, deltaRatio: this.risk.deltaRatio },
    });
    if (type === 'REBALANCE') this.rebalances++;
    else this.emergencyStops++;
    return parent;
  }

  /** @internal */
  orderRefused(o: Order, parent: number | undefined, err: RejectedError): void {
    this.emit({ type: 'REBALANCE', status: 'failed', deltas: [], ...(parent !== undefined ? { parent } : {}), details: { order: o.kind, reason: err.message } });
  }

  /** @internal */
  afterOrder(): void {
    this.exposure.compute(this.positions, this.cur);
    this.risk.assess(this.exposure);
  }

  /** @internal */
  get context(): StrategyContext {
    return this.ctx;
  }
}

/**
 * The state of one decision being executed: which order step is next, the orders a step produced, and the parent
 * event (REBALANCE or EMERGENCY_STOP, opened with the first order; an emergency stop is recorded even with nothing
 * left to sell).
 */
class DecisionRun {
  parent: number | undefined;
  current: Order | null = null;
  private opened = false;
  private step = 0;
  private batch: readonly Order[] = [];
  private inBatch = 0;

  constructor(
    private readonly k: StrategyKernel,
    private readonly d: Decision,
  ) {
    if (d.reason === 'emergency') this.open();
  }

  private open(): void {
    if (this.opened) return;
    this.opened = true;
    this.parent = this.k.openDecision(this.d);
  }

  nextOrder(): Order | null {
    while (this.inBatch >= this.batch.length) {
      if (this.step >= this.d.orders.length) return (this.current = null);
      const s = this.d.orders[this.step++];
      const produced = typeof s === 'function' ? s(this.k.context) : s;
      if (produced === null || produced === undefined) continue;
      this.batch = Array.isArray(produced) ? (produced as readonly Order[]) : [produced as Order];
      this.inBatch = 0;
    }
    this.open();
    return (this.current = this.batch[this.inBatch++] as Order);
  }

  settled(o: Order, outcome: OrderOutcome): void {
    if (outcome.status === 'rejected') this.k.orderRefused(o, this.parent, outcome.error);
    this.k.afterOrder();
  }
}
