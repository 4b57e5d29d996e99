import { BasisError } from '../errors/base.js';
import type { PositionKey } from '../domain/positionKey.js';
import type { ShareClass } from '../domain/tokens.js';
import type { PositionsView } from '../components/positionMonitor.js';
import type { ExposureView } from '../components/exposureMonitor.js';
import type { PnlCalculator } from '../components/pnlCalculator.js';
import { PART_INDEX } from '../components/pnlCalculator.js';
import type { EventInput } from '../events/logger.js';
import type { CapitalFlowEvent } from '../kernel/executionClient.js';
import type { Decision, FlowAnswer, Strategy, StrategyContext } from '../strategies/strategy.js';
import type { Flow } from './schedule.js';
import { navPerShare, unitsForFlow, type DatedCashflow } from './returns.js';

/** What the driver needs from the kernel: read-only views, and the things only the kernel does. */
export interface FlowHost {
  readonly positions: PositionsView;
  readonly exposure: ExposureView;
  readonly pnl: Readonly<Pick<PnlCalculator, 'cumulative'>>;
  /** Pays capital into the wallet or out of it through the venue, which reports it like a fill. */
  readonly capitalFlow: (type: CapitalFlowEvent, key: PositionKey, amount: number, details: EventInput['details']) => number;
  /** Records an event that moves nothing (a withdrawal waiting for its cash). */
  readonly note: (e: EventInput) => void;
  readonly strategy: Strategy;
  readonly ctx: () => StrategyContext;
  readonly nowMs: () => number;
  /** Runs a decision through the engine's order path (events, exposure and risk after every order). */
  readonly execute: (d: Decision) => void;
  /** Recomputes exposure and risk after balances moved outside an order. */
  readonly refresh: () => void;
}

/** How often a withdrawal may ask the strategy to release more before it is refused (FLOW-006). */
const MAX_RELEASES = 4;

/** The cost parts an unwind or a deployment books (what the flow itself costs the fund). */
const COST_PARTS = [PART_INDEX.tradingFees, PART_INDEX.slippage, PART_INDEX.gas, PART_INDEX.transferFees] as const;

interface PendingWithdrawal {
  readonly flow: Flow;
  readonly amount: number;
  releases: number;
  slow: boolean;
}

export interface FlowOutcome {
  /** Deposits credited and withdrawals paid, in share-class units (withdrawals positive). */
  readonly deposits: number;
  readonly withdrawals: number;
  readonly netFlows: number;
  readonly units: number;
  /** Time of each change in units, with the units after it. */
  readonly unitChanges: ReadonlyArray<{ readonly atMs: number; readonly unitsAfter: number }>;
  /** Flows as the investor's cashflows (deposits negative, withdrawals positive), with the initial capital first. */
  readonly cashflows: readonly DatedCashflow[];
  /** Costs booked by the orders that deployed deposits and unwound withdrawals (≤ 0, share-class units). */
  readonly deployCosts: number;
  readonly unwindCosts: number;
  /** Flows due but not completed when the run ended (a withdrawal still waiting for its cash). */
  readonly pending: number;
}

/**
 * Applies the run's deposits and withdrawals, once per step before the strategy decides. A deposit credits the
 * wallet and issues units at the NAV per share before it, then asks the strategy to deploy it. A withdrawal is
 * paid from the wallet when it holds the amount ("fast"); otherwise the strategy unwinds the book 1:1 ("slow")
 * and the withdrawal completes, redeeming units at the NAV per share then, at the step the cash is in the wallet.
 */
export class FlowDriver {
  private cursor = 0;
  units: number;
  netFlows = 0;
  private deposits = 0;
  private withdrawals = 0;
  private deployCosts = 0;
  private unwindCosts = 0;
  private readonly unitChanges: Array<{ atMs: number; unitsAfter: number }> = [];
  private readonly cashflows: DatedCashflow[] = [];
  private readonly queue: PendingWithdrawal[] = [];
  private pendingDeploy = 0;
  private readonly walletSlot: number;
  private readonly initialCapital: number;

  constructor(
    private readonly flows: readonly Flow[],
    private readonly shareClass: ShareClass,
    initialCapital: number,
    private readonly host: FlowHost,
  ) {
    this.units = initialCapital;
    this.walletSlot = host.positions.slotOf(`wallet:BaseToken:${shareClass}` as PositionKey);
    this.initialCapital = initialCapital;
  }

  private wallet(): number {
    return this.host.positions.amounts[this.walletSlot] as number;
  }

  private nav(): number {
    return navPerShare(this.host.exposure.equity, this.units);
  }

  /** Runs a hook's decision and adds what its orders booked in costs to `into`. */
  private run(answer: FlowAnswer, into: 'deployCosts' | 'unwindCosts'): boolean {
    if (answer === null || answer === 'wait') return false;
    const c = this.host.pnl.cumulative;
    let before = 0;
    for (const k of COST_PARTS) before += c[k] as number;
    this.host.execute(answer);
    let after = 0;
    for (const k of COST_PARTS) after += c[k] as number;
    this[into] += after - before;
    return true;
  }

  /** One step: pay what can be paid, apply the flows now due, unwind for withdrawals, deploy deposits. */
  step(): void {
    const now = this.host.nowMs();
    // The initial capital is the investor's first cashflow, at the run's first tick.
    if (this.cashflows.length === 0) this.cashflows.push({ atMs: now, amount: -this.initialCapital });
    while (this.cursor < this.flows.length && (this.flows[this.cursor] as Flow).atMs <= now) {
      const f = this.flows[this.cursor++] as Flow;
      if (f.amount > 0) this.deposit(f);
      else this.queue.push({ flow: f, amount: -f.amount, releases: 0, slow: false });
    }
    this.serveWithdrawals();
    // A deployment may take several steps (transfers land in between): the strategy is asked until it answers null.
    if (this.pendingDeploy > 0 && this.queue.length === 0) {
      const answer = this.host.strategy.deploy(this.host.ctx(), this.pendingDeploy);
      if (answer === null) this.pendingDeploy = 0;
      else this.run(answer, 'deployCosts');
    }
  }

  private deposit(f: Flow): void {
    const nav = this.nav();
    const issued = unitsForFlow(f.amount, nav);
    this.units += issued;
    this.netFlows += f.amount;
    this.deposits += f.amount;
    this.pendingDeploy += f.amount;
    this.cashflows.push({ atMs: this.host.nowMs(), amount: -f.amount });
    this.unitChanges.push({ atMs: this.host.nowMs(), unitsAfter: this.units });
    this.host.capitalFlow('DEPOSIT', `wallet:BaseToken:${this.shareClass}`, f.amount, { amountToken: f.amount, unitsIssued: issued, navPerShare: nav, unitsAfter: this.units, requestedAt: new Date(f.atMs).toISOString(), source: f.source });
    this.host.refresh();
  }

  private serveWithdrawals(): void {
    while (this.queue.length > 0) {
      const w = this.queue[0] as PendingWithdrawal;
      if (this.wallet() >= w.amount) {
        this.pay(w);
        this.queue.shift();
        continue;
      }
      if (!w.slow) {
        w.slow = true;
        this.host.note({
          type: 'WITHDRAWAL',
          status: 'pending',
          venue: 'wallet',
          token: this.shareClass,
          deltas: [],
          details: { amountToken: w.amount, navPerShare: this.nav(), walletToken: this.wallet(), requestedAt: new Date(w.flow.atMs).toISOString(), source: w.flow.source, path: 'slow' },
        });
      }
      // Cash already on its way is waited for; only then is more released.
      if (this.host.positions.inFlight.length > 0) return;
      if (w.amount > this.host.exposure.equity) {
        throw new BasisError('FLOW-006', `${w.flow.source}: withdrawal of ${w.amount} ${this.shareClass} exceeds the book's equity of ${this.host.exposure.equity} ${this.shareClass}`, {
          problems: [{ code: 'FLOW-006', path: w.flow.source, message: 'the book lost the value to pay this withdrawal', expected: `at most ${this.host.exposure.equity}`, received: String(w.amount) }],
        });
      }
      if (w.releases >= MAX_RELEASES) {
        throw new BasisError('FLOW-006', `${w.flow.source}: ${MAX_RELEASES} unwinds left the wallet with ${this.wallet()} of the ${w.amount} ${this.shareClass} to pay`, {
          problems: [{ code: 'FLOW-006', path: w.flow.source, message: 'the strategy could not free the cash', expected: `${w.amount} ${this.shareClass} in the wallet`, received: String(this.wallet()) }],
        });
      }
      const answer = this.host.strategy.release(this.host.ctx(), w.amount - this.wallet());
      if (answer === null) {
        throw new BasisError('FLOW-006', `${w.flow.source}: the strategy has nothing to release for a withdrawal of ${w.amount} ${this.shareClass}`, {
          problems: [{ code: 'FLOW-006', path: w.flow.source, message: 'nothing to unwind', expected: `${w.amount} ${this.shareClass} in the wallet`, received: String(this.wallet()) }],
        });
      }
      if (!this.run(answer, 'unwindCosts')) return;
      w.releases++;
      if (this.wallet() < w.amount) return;
    }
  }

  private pay(w: PendingWithdrawal): void {
    const nav = this.nav();
    const redeemed = unitsForFlow(w.amount, nav);
    this.units -= redeemed;
    this.netFlows -= w.amount;
    this.withdrawals += w.amount;
    this.cashflows.push({ atMs: this.host.nowMs(), amount: w.amount });
    this.unitChanges.push({ atMs: this.host.nowMs(), unitsAfter: this.units });
    this.host.capitalFlow('WITHDRAWAL', `wallet:BaseToken:${this.shareClass}`, -w.amount, { amountToken: w.amount, unitsRedeemed: redeemed, navPerShare: nav, unitsAfter: this.units, requestedAt: new Date(w.flow.atMs).toISOString(), source: w.flow.source, path: w.slow ? 'slow' : 'fast' });
    this.host.refresh();
  }

  outcome(): FlowOutcome {
    return {
      deposits: this.deposits,
      withdrawals: this.withdrawals,
      netFlows: this.netFlows,
      units: this.units,
      unitChanges: this.unitChanges,
      cashflows: this.cashflows,
      deployCosts: this.deployCosts,
      unwindCosts: this.unwindCosts,
      pending: this.queue.length + (this.flows.length - this.cursor),
    };
  }
}
