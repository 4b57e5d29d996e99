import { BasisError } from '../errors/base.js';
import { RejectedError, VenueRefusedError } from '../errors/families.js';
import type { CexVenue, Venue } from '../domain/venues.js';
import type { RunParams } from '../domain/params.js';
import type { ExposureView } from './exposureMonitor.js';
import type { Book, InFlightTransfer, Numeraire } from './book.js';
import { CEX_IDX } from './slots.js';

export type TransferToken = 'USDT' | 'ETH' | 'BTC';

export interface TransferRequest {
  readonly token: TransferToken;
  readonly from: Venue;
  readonly to: Venue;
  readonly amount: number;
  readonly purpose: string;
}

/** One hop of a route. Every cross-venue move goes through the fund wallet (the fixed-wallet model). */
export interface TransferLeg {
  readonly kind: 'cex_withdrawal' | 'wallet_deposit';
  readonly from: Venue;
  readonly to: Venue;
}

export interface TransferPlan {
  readonly id: string;
  readonly request: TransferRequest;
  readonly legs: readonly TransferLeg[];
}

/** What the transfer manager needs from execution: balance moves with events, gas and fees. */
export interface TransferLedger {
  /** Runs one leg's balance moves as one event; throws (and moves nothing) if the leg cannot execute. */
  leg(
    plan: TransferPlan,
    legIndex: number,
    stage: 'sent' | 'credited' | 'rolled_back',
    body: (
      move: (key: string, delta: number) => void,
      send: (t: InFlightTransfer) => void,
    ) => { fee: number; gasFrom?: 'wallet' | 'none'; details?: Record<string, number | string> },
    status?: 'completed' | 'failed' | 'rolled_back',
  ): void;
  /** Buys gas ETH for the wallet out of a transiting USDT amount (gasless swap); returns USDT spent. */
  gasFromTransit(usdtAvailable: number): number;
  gasEthFor(op: 'VENUE_TRANSFER'): number;
}

const numeraireOf = (t: TransferToken): Numeraire => (t === 'USDT' ? 'usdt' : t === 'ETH' ? 'eth' : 'btc');

/**
 * Cross-venue transfers: plans the route (CEX → wallet → CEX), validates it is safe (the source keeps its margin
 * above the rebalance floor while funds are in flight, the amount covers the fees, every key is subscribed),
 * executes it leg by leg — each leg waits for the previous to be credited — and, when a later leg cannot run,
 * rolls back what can be: the funds stay credited in the wallet and the failure is an event.
 */
export class TransferManager {
  private seq = 0;
  private readonly plans = new Map<string, { plan: TransferPlan; next: number }>();

  constructor(
    private readonly params: RunParams,
    private readonly pm: Book,
    private readonly exposure: ExposureView,
    private readonly costsOn: boolean,
  ) {}

  plan(req: TransferRequest): TransferPlan {
    const legs: TransferLeg[] = [];
    if (req.from === req.to) this.reject(req, 'source and destination are the same venue');
    if (req.from !== 'wallet') legs.push({ kind: 'cex_withdrawal', from: req.from, to: 'wallet' });
    if (req.to !== 'wallet') legs.push({ kind: 'wallet_deposit', from: 'wallet', to: req.to });
    return { id: `T${++this.seq}`, request: req, legs };
  }

  /** Safety checks before anything moves (XFER-001). */
  validate(plan: TransferPlan): void {
    const req = plan.request;
    for (const key of [`${req.from}:BaseToken:${req.token}`, `${req.to}:BaseToken:${req.token}`, `wallet:BaseToken:${req.token}`]) {
      if (!this.pm.has(key)) this.reject(req, `position ${key} is not subscribed by this mode`);
    }
    if (!(req.amount > 0)) this.reject(req, 'amount must be positive');
    const have = this.pm.amount(`${req.from}:BaseToken:${req.token}`);
    if (req.amount > have * (1 + 1e-12)) this.reject(req, `only ${have} ${req.token} at ${req.from}`);
    if (req.from !== 'wallet') {
      const fee = this.withdrawalFee(req.from as CexVenue, req.token);
      if (req.amount <= fee) this.reject(req, `amount does not cover the ${req.from} withdrawal fee ${fee} ${req.token}`);
      const c = CEX_IDX[req.from as CexVenue];
      const notional = this.exposure.perpNotional[c] as number;
      if (req.token === 'USDT' && notional > 0) {
        const after = ((this.exposure.cexCollateral[c] as number) - req.amount + (this.exposure.perpUpnl[c] as number)) / notional;
        const floor = this.params.mode.risk.marginRatioRebalance;
        if (after < floor) this.reject(req, `${req.from} margin ratio would fall to ${after.toFixed(4)}, below the floor ${floor}, while funds are in flight`);
      }
    }
  }

  /** Plans, validates and starts a transfer; later legs start when the previous one is credited. */
  start(req: TransferRequest, ledger: TransferLedger, nowMs: number): TransferPlan {
    const plan = this.plan(req);
    this.validate(plan);
    this.plans.set(plan.id, { plan, next: 0 });
    this.runLeg(plan.id, req.amount, ledger, nowMs);
    return plan;
  }

  /** Credits arrivals; a credited wallet hop starts the next leg at once. */
  settleArrivals(ledger: TransferLedger, nowMs: number): void {
    const due: InFlightTransfer[] = [];
    for (let k = 0; k < this.pm.inFlight.length; ) {
      const t = this.pm.inFlight[k] as InFlightTransfer;
      if (t.arriveMs <= nowMs) {
        this.pm.inFlight.splice(k, 1);
        due.push(t);
      } else k++;
    }
    for (const t of due) {
      const state = this.plans.get(t.id);
      if (!state) throw new BasisError('XFER-002', `transfer ${t.id} arrived without a plan`);
      const legIndex = state.next - 1;
      ledger.leg(state.plan, legIndex, 'credited', (move) => {
        move(t.to, t.amount);
        return { fee: 0 };
      });
      if (state.next < state.plan.legs.length) this.runLeg(t.id, t.amount, ledger, nowMs);
      else this.plans.delete(t.id);
    }
  }

  private runLeg(id: string, amount: number, ledger: TransferLedger, nowMs: number): void {
    const state = this.plans.get(id) as { plan: TransferPlan; next: number };
    const { plan } = state;
    const legIndex = state.next;
    const leg = plan.legs[legIndex] as TransferLeg;
    const token = plan.request.token;
    const stepMin = this.params.engine.stepMinutes;
    try {
      let sendAmount = amount;
      if (leg.kind === 'wallet_deposit' && legIndex > 0 && token === 'USDT') {
        // A hop through the wallet pays the deposit gas from the float; when it runs short, a gasless swap of a
        // little of the transiting USDT buys the float back.
        const gas = ledger.gasEthFor('VENUE_TRANSFER');
        if (gas > 0 && this.pm.amount('wallet:BaseToken:ETH') < gas) sendAmount -= ledger.gasFromTransit(amount);
      }
      ledger.leg(plan, legIndex, 'sent', (move, send) => {
        const fromKey = `${leg.from}:BaseToken:${token}`;
        const toKey = `${leg.to}:BaseToken:${token}`;
        const fee = leg.kind === 'cex_withdrawal' ? this.withdrawalFee(leg.from as CexVenue, token) : 0;
        const latencyMin =
          leg.kind === 'cex_withdrawal' ? this.params.cex[leg.from as CexVenue].withdrawalLatencyMinutes : this.params.cex[leg.to as CexVenue].depositLatencyMinutes;
        const steps = Math.ceil(latencyMin / stepMin);
        move(fromKey, -sendAmount);
        const arriving = sendAmount - fee;
        if (steps === 0) move(toKey, arriving);
        // It lands at the first tick at or after the venue's latency (a whole number of steps on a regular grid).
        else send({ id, numeraire: numeraireOf(token), token, amount: arriving, to: toKey as InFlightTransfer['to'], arriveMs: nowMs + steps * stepMin * 60_000 });
        return {
          fee,
          gasFrom: leg.kind === 'wallet_deposit' ? 'wallet' : 'none',
          details: { from: leg.from, to: leg.to, amountToken: sendAmount, arrivingToken: arriving, arriveInSteps: steps },
        };
      });
      state.next = legIndex + 1;
      if (state.next >= plan.legs.length && !this.pm.inFlight.some((t) => t.id === id)) this.plans.delete(id);
    } catch (err) {
      if (legIndex === 0 || !(err instanceof RejectedError)) {
        this.plans.delete(id);
        throw err;
      }
      // A later leg was refused (its gas, a venue): the funds are already credited in the wallet; that is where they stay.
      this.plans.delete(id);
      ledger.leg(plan, legIndex, 'rolled_back', () => ({ fee: 0, details: { reason: err.message, heldAt: 'wallet' } }), 'rolled_back');
    }
  }

  private withdrawalFee(venue: CexVenue, token: TransferToken): number {
    return this.costsOn ? (this.params.cex[venue].withdrawalFee[token] ?? 0) : 0;
  }

  private reject(req: TransferRequest, why: string): never {
    throw new VenueRefusedError(`transfer of ${req.amount} ${req.token} from ${req.from} to ${req.to} refused: ${why}`, {
      problems: [{ code: 'XFER-001', message: why, path: `${req.from}->${req.to}` }],
    }, 'XFER-001');
  }
}
