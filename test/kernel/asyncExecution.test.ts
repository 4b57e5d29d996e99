import { describe, expect, it } from 'vitest';
import { loadConfig, resolveRunParams } from '../../src/config/index.js';
import { openHistoricalData } from '../../src/data/index.js';
import type { RunParams } from '../../src/domain/params.js';
import { MarketReader, MarketState } from '../../src/components/marketState.js';
import { applyDelta } from '../../src/components/book.js';
import { StrategyKernel } from '../../src/kernel/kernel.js';
import { BacktestClock } from '../../src/kernel/clock.js';
import type { FallbackStart, MarketFeed } from '../../src/kernel/marketFeed.js';
import type { EventSink } from '../../src/kernel/eventSink.js';
import type { ExecutionClient, MarketSettlement, OrderOutcome } from '../../src/kernel/executionClient.js';
import { VenueRefusedError } from '../../src/errors/families.js';
import { BasisError } from '../../src/errors/base.js';
import type { BasisEvent } from '../../src/events/types.js';
import type { Order } from '../../src/orders/order.js';
import { SimulatedExecution } from '../../src/venues/simulatedExecution.js';
import { createStrategy } from '../../src/strategies/factory.js';
import { SHARED_DATA } from '../engine/helpers.js';

/** A feed of snapshots read ahead from the real data and handed out one per tick, as a live feed would. */
class SnapshotFeed implements MarketFeed {
  private i = -1;
  readonly fallbackStarts: readonly FallbackStart[] = [];
  constructor(private readonly snapshots: readonly MarketState[]) {}
  next(into: MarketState): boolean {
    if (this.i + 1 >= this.snapshots.length) return false;
    into.copyFrom(this.snapshots[++this.i] as MarketState);
    return true;
  }
  readFunding(into: MarketState): void {
    into.fundingRate.set((this.snapshots[this.i] as MarketState).fundingRate);
    into.fundingFallback.set((this.snapshots[this.i] as MarketState).fundingFallback);
  }
}

/**
 * A venue that answers later (on a later turn of the event loop), fills some orders only in part and refuses others
 * outright, in front of the simulated venues (which price what it does fill).
 */
class AsyncVenues implements ExecutionClient, MarketSettlement {
  submitted = 0;
  partial = 0;
  refused = 0;
  constructor(readonly sim: SimulatedExecution) {}
  at(m: MarketState): void {
    this.sim.at(m);
  }
  submit(order: Order, parent: number | undefined): Promise<OrderOutcome> {
    const k = ++this.submitted;
    return new Promise((resolve) =>
      setImmediate(() => {
        if (k % 9 === 4) {
          this.refused++;
          resolve({ status: 'rejected', error: new VenueRefusedError(`test venue refused order ${k} (${order.kind})`) });
          return;
        }
        const half = k % 4 === 2 ? halve(order) : null;
        if (half === null) {
          resolve(this.sim.submit(order, parent));
          return;
        }
        const out = this.sim.submit(half, parent);
        if (out.status === 'filled') this.partial++;
        resolve(out.status === 'filled' ? { status: 'partially_filled', filledFraction: 0.5 } : out);
      }),
    );
  }
  gasEthFor(op: Parameters<ExecutionClient['gasEthFor']>[0]): number {
    return this.sim.gasEthFor(op);
  }
  aaveBook(lst: Parameters<ExecutionClient['aaveBook']>[0]): { collateralEth: number; debtEth: number } {
    return this.sim.aaveBook(lst);
  }
  get feesPaid(): number {
    return this.sim.feesPaid;
  }
  get gasPaid(): number {
    return this.sim.gasPaid;
  }
  get liquidations(): number {
    return this.sim.liquidations;
  }
  settleArrivals(): void {
    this.sim.settleArrivals();
  }
  settleFunding(): void {
    this.sim.settleFunding();
  }
  creditReward(...a: Parameters<MarketSettlement['creditReward']>): boolean {
    return this.sim.creditReward(...a);
  }
  liquidateAave(hf: number): void {
    this.sim.liquidateAave(hf);
  }
  liquidateCex(...a: Parameters<MarketSettlement['liquidateCex']>): void {
    this.sim.liquidateCex(...a);
  }
  capitalFlow(...a: Parameters<MarketSettlement['capitalFlow']>): number {
    return this.sim.capitalFlow(...a);
  }
}

/** Half of a trade (what a venue fills of it before the rest is cancelled); null for orders that fill whole. */
function halve(o: Order): Order | null {
  if (o.kind === 'perp_trade') return { ...o, deltaBase: o.deltaBase / 2 };
  if (o.kind === 'spot_trade') return { ...o, sizeBase: o.sizeBase / 2 };
  return null;
}

async function assemble(mode: 'btc_basis' | 'usdt_market_neutral', from: string, to: string, tune: (p: RunParams) => RunParams) {
  const { config } = loadConfig({ dataDir: SHARED_DATA });
  const params = tune(resolveRunParams(config, mode));
  const tl = await openHistoricalData({ dataDir: SHARED_DATA, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir: null, startMs: Date.parse(from), endMs: Date.parse(to) });
  const reader = new MarketReader(tl, params.mode);
  const snapshots = Array.from({ length: tl.length }, (_, i) => {
    const m = new MarketState();
    reader.read(i, m);
    reader.readFunding(i, m);
    return m;
  });
  const seen: BasisEvent[] = [];
  const sink: EventSink = { accept: (e) => void seen.push(e) };
  let venues: AsyncVenues | undefined;
  const kernel = new StrategyKernel({
    params,
    clock: new BacktestClock(),
    feed: new SnapshotFeed(snapshots),
    strategy: createStrategy(params.mode.strategy),
    execution: (ports) => (venues = new AsyncVenues(new SimulatedExecution(params, ports, true))),
    sinks: [sink],
    costs: true,
  });
  return { kernel, venues: venues as AsyncVenues, seen, params, ticks: tl.length };
}

/** Replays every event's deltas from an empty book with the position monitor's own balance rule. */
function replay(kernel: StrategyKernel, events: readonly BasisEvent[]): Float64Array {
  const pm = kernel.positions;
  const out = new Float64Array(pm.slots.length);
  for (const e of events) {
    for (const [key, delta] of e.deltas) {
      const slot = pm.slotOf(key);
      out[slot] = applyDelta(key, pm.slots[slot]?.def.kind === 'perp', out[slot] as number, delta);
    }
  }
  return out;
}

describe('the kernel with an asynchronous execution client', () => {
  it('drives btc_basis through entry, rebalances and an emergency stop with late, partial and refused answers; events, balances and P&L stay consistent', async () => {
    // Tight margin bands so that two months of real BTC prices reach the rebalance and then the emergency level.
    const { kernel, venues, seen, params, ticks } = await assemble('btc_basis', '2024-02-01T00:00:00Z', '2024-04-01T00:00:00Z', (p) => ({
      ...p,
      mode: { ...p.mode, risk: { ...p.mode.risk, marginRatioRebalance: 0.95, marginRatioWarn: 0.93, marginRatioEmergency: 0.9 } },
    }));
    const result = await kernel.run();
    const events = kernel.events.events;
    expect(result.ticks).toBe(ticks);

    // Late answers were awaited (every order went through the async client), some in part, some refused.
    expect(venues.submitted).toBeGreaterThan(20);
    expect(venues.partial).toBeGreaterThan(0);
    expect(venues.refused).toBeGreaterThan(0);
    // Each refusal is an event; a refused funding transfer also leaves a venue short, so it refuses later orders.
    const refusals = events.filter((e) => e.type === 'REBALANCE' && e.status === 'failed');
    expect(refusals.filter((e) => String(e.details?.['reason']).startsWith('test venue refused')).length).toBe(venues.refused);
    expect(refusals.length).toBeGreaterThanOrEqual(venues.refused);

    // The strategy went through its phases.
    expect(events.some((e) => e.type === 'SPOT_TRADE')).toBe(true);
    expect(events.filter((e) => e.type === 'REBALANCE' && e.status === 'completed').length).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'EMERGENCY_STOP')).toHaveLength(1);
    expect(kernel.strategy.halted).toBe(true);

    // Every event reached the sink once, in order.
    expect(seen.map((e) => e.order)).toEqual(events.map((e) => e.order));
    // The venues' book and the kernel's positions agree, and replaying the events reproduces both bit for bit.
    expect(Array.from(kernel.positions.amounts)).toEqual(Array.from(venues.sim.venueBook.amounts));
    expect(Array.from(replay(kernel, events))).toEqual(Array.from(kernel.positions.amounts));
    // Money adds up: balance P&L equals the attributed parts (the kernel also checked it at every tick).
    const residual = result.finalEquity - params.mode.initialCapital - kernel.pnl.total();
    expect(Math.abs(residual)).toBeLessThanOrEqual(1e-6 * params.mode.initialCapital);
  }, 120_000);

  it('refuses to run an asynchronous client without waiting for it (EXEC-013)', async () => {
    const { kernel } = await assemble('btc_basis', '2024-02-01T00:00:00Z', '2024-02-03T00:00:00Z', (p) => p);
    let caught: unknown;
    try {
      kernel.runSync();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BasisError);
    expect((caught as BasisError).code).toBe('EXEC-013');
  });
});
