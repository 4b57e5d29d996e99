import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveRunParams } from '../../src/config/index.js';
import { openHistoricalData } from '../../src/data/index.js';
import { generateSynthetic } from '../../src/data/synth/index.js';
import { EventDrivenStrategyEngine } from '../../src/engine/engine.js';
import { BasisError } from '../../src/errors/base.js';
import { slippageBps } from '../../src/venues/costs.js';
import { CEX_IDX, SYM_IDX } from '../../src/components/slots.js';
import { MarketState } from '../../src/components/marketState.js';
import { REPO_ROOT, SHARED_DATA, column, run, tmpDir } from './helpers.js';

/** The real CLI in a child process: exit status and both streams. */
function basis(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/basis.js'), ...args], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, BASIS_DATA_DIR: SHARED_DATA } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('a broken invariant stops the run with a coded error and writes nothing', () => {
  it.each([
    // Capital at the top of the float range: the first interest accrual overflows equity to Infinity.
    ['equity overflows to Infinity (pure_lending)', ['--mode', 'pure_lending', '--capital', '1.79e308'], 'PNL-004', /non-finite equity at 2024-06-\d\dT/],
    // The leverage entry would supply an infinite aToken balance: caught where the balance changes, not reverted.
    ['a balance would become Infinity (eth_leveraged)', ['--mode', 'eth_leveraged', '--capital', '1.79e308'], 'POS-004', /aave_v3:aToken:aweETH would become Infinity/],
    ['equity overflows to Infinity (usdt_market_neutral)', ['--mode', 'usdt_market_neutral', '--capital', '1.79e308'], 'PNL-004', /PNL-004 at equity/],
    // Float noise (~1e-12) is above a 1e-300 tolerance: the per-step reconciliation refuses it.
    ['a residual above the configured tolerance', ['--mode', 'btc_basis', '--set', 'engine.reconciliationTolerance=1e-300'], 'PNL-003', /P&L does not reconcile at 2024-06-01T/],
  ])('%s', (_what, args, code, detail) => {
    const out = path.join(tmpDir('invariant'), 'run');
    const r = basis('backtest', ...args, '--start', '2024-06-01', '--end', '2024-07-01', '--no-progress', '--out', out);
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(new RegExp(`^error ${code}: `, 'm'));
    expect(r.stderr).toMatch(detail);
    expect(r.stderr).not.toMatch(/\n\s+at |TypeError/);
    expect(existsSync(out)).toBe(false);
  });

  it('a funding payment due from a venue that holds no USDT is POS-005, naming the venue and the amounts', async () => {
    const { config } = loadConfig({ dataDir: SHARED_DATA });
    const params = resolveRunParams(config, 'btc_basis');
    const tl = await openHistoricalData({ dataDir: SHARED_DATA, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir: null, startMs: Date.parse('2024-06-01T00:00:00Z'), endMs: Date.parse('2024-06-02T00:00:00Z') });
    const engine = new EventDrivenStrategyEngine(params, tl, { costs: true, recordTimeseries: false });
    const m = new MarketState();
    const p = CEX_IDX.bybit * 2 + SYM_IDX.BTCUSDT;
    m.perpMark[p] = 60_000;
    m.fundingRate[p] = 0.001;
    engine.execution.at(m);
    // A 1 BTC long on bybit with nothing in the bybit account: longs pay positive funding (60 USDT here). Set on the
    // venue's side of the book: the kernel sees it only through what the venue reports.
    const venue = engine.execution.venueBook;
    venue.apply(venue.slotOf('bybit:Perp:BTCUSDT'), 1);
    let caught: unknown;
    try {
      engine.settlement.settleFunding();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(BasisError);
    expect((caught as BasisError).code).toBe('POS-005');
    expect((caught as BasisError).message).toMatch(/funding of 60 USDT is due from bybit, which holds 0 USDT/);
    expect(engine.positions.amount('bybit:BaseToken:USDT')).toBe(0);
  });
});

describe('multi-year synthetic histories run to the end', () => {
  it('7 years (2018-2024): every mode completes and reconciles; no venue is left paying from an empty account', async () => {
    const dir = tmpDir('synth7y');
    generateSynthetic({ seed: 1, outDir: dir, start: '2018-01-01', end: '2024-12-31' });
    for (const mode of ['pure_lending', 'btc_basis', 'eth_basis', 'eth_leveraged', 'usdt_market_neutral', 'usdt_market_neutral_no_leverage'] as const) {
      const out = await run({ mode, dataDir: dir, recordTimeseries: false });
      expect(out.summary.synthetic).toBe(true);
      expect(out.summary.start.slice(0, 10)).toBe('2018-01-01');
      expect(out.summary.end.slice(0, 10)).toBe('2024-12-31');
      expect(Math.abs(out.summary.reconciliation.residual)).toBeLessThan(1e-6 * out.summary.initialCapital);
      expect(Number.isFinite(out.summary.apy)).toBe(true);
      expect(out.summary.liquidations).toBe(0);
    }
  }, 240_000);
});

describe('every slippage bucket is the bucket of the notional actually swapped', () => {
  it('a deleverage prices its LST exit at the bucket of the LST sold, not of the whole debt', async () => {
    const dir = tmpDir('delever-bucket');
    generateSynthetic({ seed: 11, outDir: dir, start: '2024-06-01', end: '2024-08-31', depeg: { at: '2024-07-15T12:00:00Z', size: 0.03 } });
    // A small book (6 ETH, about 55 ETH of debt, ~$120k): the debt sits in a dearer bucket than the slice sold (~$35k).
    const out = await run({ mode: 'eth_leveraged', dataDir: dir, capital: 6, set: ['modes.eth_leveraged.strategy.lst.rewards=base_only'] });
    const s = out.params.mode.strategy;
    if (s.kind !== 'eth_leveraged') throw new Error('unexpected strategy');
    const curve = out.params.costs.slippage.dexLstETH[s.lst.token];
    const price = column(out, 'price:ETH') as Float64Array;
    const debtScaled = column(out, 'pos:aave_v3:debtToken:debtWETH') as Float64Array;
    const ts = Array.from(out.frame.timestampsMs);
    const delever = out.events.filter((e) => e.type === 'ATOMIC_DELEVERAGE' && e.status === 'completed');
    expect(delever.length).toBeGreaterThan(0);
    let smallerThanDebtBucket = 0;
    for (const e of delever) {
      const d = e.details as Record<string, number>;
      const k = ts.indexOf(e.timestampMs);
      const ethPx = price[k] as number;
      const sold = d['withdrawnLstEth'] as number;
      const bps = slippageBps(curve, sold * ethPx);
      expect(d['exitSlippageBps']).toBe(bps);
      // The cost booked is the curve at the swapped notional (the share class is ETH: 1 ETH = 1 unit).
      const expected = sold * (1 - (1 - s.lst.exitDiscount) * (1 - bps / 1e4));
      expect(Math.abs(-(e.pnl?.slippage ?? 0) - expected)).toBeLessThan(1e-9 * sold);
      // The debt before this step (scaled units ≤ the debt in WETH) was in a dearer bucket: the old rule overcharged.
      if (slippageBps(curve, (debtScaled[k - 1] as number) * ethPx) > bps) smallerThanDebtBucket++;
    }
    expect(smallerThanDebtBucket).toBeGreaterThan(0);
  });
});

describe('a run too small or too short to mean anything says so', () => {
  it('a capital whose delta corrections would all fall below the venues\' minimum order is refused (STRAT-004), with the reason', () => {
    const out = path.join(tmpDir('tiny'), 'run');
    const r = basis('backtest', '--mode', 'btc_basis', '--capital', '300', '--start', '2024-06-01', '--end', '2024-07-01', '--no-progress', '--out', out);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^error STRAT-004: /m);
    expect(r.stderr).toMatch(/a delta rebalance on bybit .* would be below the minimum order.*expected capital >= 3333 USDT/);
    expect(existsSync(out)).toBe(false);
  });

  it('an APY over a window shorter than report.minApyWindowDays is "n/a" in the summary and report; summary.json keeps the number and says why', () => {
    const dir = tmpDir('short');
    const r = basis('backtest', '--mode', 'pure_lending', '--start', '2024-06-01', '--end', '2024-06-10', '--no-progress', '--out', path.join(dir, 'short'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}APY +n\/a \(window < 30 days\)$/m);
    const summary = JSON.parse(readFileSync(path.join(dir, 'short', 'summary.json'), 'utf8')) as { apy: number; apyNote?: string };
    expect(typeof summary.apy).toBe('number');
    expect(summary.apyNote).toBe('n/a (window < 30 days)');
    expect(readFileSync(path.join(dir, 'short', 'report.html'), 'utf8')).toContain('n/a (window &lt; 30 days)');
    // The minimum is configuration: the same window with a 5-day minimum shows the figure.
    const r5 = basis('backtest', '--mode', 'pure_lending', '--start', '2024-06-01', '--end', '2024-06-10', '--set', 'report.minApyWindowDays=5', '--no-progress', '--out', path.join(dir, 'five'));
    expect(r5.status).toBe(0);
    expect(r5.stdout).toMatch(/^ {2}APY +\+\d+\.\d\d%$/m);
    const s5 = JSON.parse(readFileSync(path.join(dir, 'five', 'summary.json'), 'utf8')) as { apy: number; apyNote?: string };
    expect(s5.apyNote).toBeUndefined();
    expect(s5.apy).toBe(summary.apy);
  });

  it('a REBALANCE that orders nothing is neither emitted nor counted (engine run below the preflight minimum)', async () => {
    // 300 USDT is refused by the CLI; the engine itself is run here so that its strategy keeps deciding delta
    // rebalances whose every order is below the minimum order.
    const { config } = loadConfig({ dataDir: SHARED_DATA, overrides: ['modes.btc_basis.initialCapital=300'] });
    const params = resolveRunParams(config, 'btc_basis');
    const tl = await openHistoricalData({ dataDir: SHARED_DATA, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir: null, startMs: Date.parse('2024-01-01T00:00:00Z'), endMs: Date.parse('2024-06-01T00:00:00Z') });
    const engine = new EventDrivenStrategyEngine(params, tl, { costs: true, recordTimeseries: false });
    engine.runBacktest(0, tl.length - 1);
    const events = engine.events.events;
    const children = new Map<number, number>();
    for (const e of events) if (e.parent !== undefined) children.set(e.parent, (children.get(e.parent) ?? 0) + 1);
    const rebalances = events.filter((e) => e.type === 'REBALANCE' && e.status === 'completed');
    for (const e of rebalances) expect(children.get(e.order) ?? 0, JSON.stringify(e.details)).toBeGreaterThan(0);
    expect(engine.rebalances).toBe(rebalances.length);
  });
});

describe('data synth output runs every mode', () => {
  it('a short synthetic set made by the CLI runs every mode through the CLI; each completes and reconciles, the LST modes credit rewards', () => {
    const dir = tmpDir('synth-all');
    const data = path.join(dir, 'data');
    expect(basis('data', 'synth', '--seed', '3', '--out', data, '--start', '2024-01-01', '--end', '2024-03-31').status).toBe(0);
    for (const mode of ['pure_lending', 'btc_basis', 'eth_basis', 'eth_leveraged', 'usdt_market_neutral', 'usdt_market_neutral_no_leverage']) {
      const out = path.join(dir, mode);
      const r = basis('backtest', '--mode', mode, '--data-dir', data, '--no-progress', '--out', out);
      expect(r.status, `${mode}: ${r.stderr}`).toBe(0);
      const s = JSON.parse(readFileSync(path.join(out, 'summary.json'), 'utf8')) as { synthetic: boolean; initialCapital: number; reconciliation: { residual: number }; attribution: { rewards: number } };
      expect(s.synthetic).toBe(true);
      expect(Math.abs(s.reconciliation.residual)).toBeLessThan(1e-6 * s.initialCapital);
      if (mode === 'eth_leveraged' || mode === 'usdt_market_neutral' || mode === 'usdt_market_neutral_no_leverage') expect(s.attribution.rewards, mode).toBeGreaterThan(0);
    }
  }, 120_000);
});

describe('long LST histories keep running', () => {
  it('a reward claim the wallet cannot pay gas for changes nothing and is left for a later step', async () => {
    const { config } = loadConfig({ dataDir: SHARED_DATA });
    const params = resolveRunParams(config, 'eth_leveraged');
    const tl = await openHistoricalData({ dataDir: SHARED_DATA, requirements: params.mode.dataRequirements, policy: config.data, stepMinutes: 60, fundingHoursUtc: [0, 8, 16], cacheDir: null, startMs: Date.parse('2024-09-01T00:00:00Z'), endMs: Date.parse('2024-09-02T00:00:00Z') });
    const engine = new EventDrivenStrategyEngine(params, tl, { costs: true, recordTimeseries: false });
    const m = new MarketState();
    m.ethPx = 2500;
    m.gasGwei = 5_000; // a spike: claim + swap gas is 1.65 ETH
    engine.execution.at(m);
    engine.execution.capitalFlow('DEPOSIT', 'wallet:BaseToken:ETH', 0.01, { amountToken: 0.01 });
    const payout = { token: 'EIGEN', payoutMs: 0, periodStartMs: 0, periodEndMs: 7 * 86_400_000, perEeth: 0.2, source: 'test' } as const;
    const before = engine.events.events.length;
    expect(engine.settlement.creditReward({ payout, avgEethBalance: 10, priceEth: 0.001 })).toBe(false);
    expect(engine.events.events.length).toBe(before);
    expect(engine.positions.amount('wallet:BaseToken:ETH')).toBe(0.01);
    m.gasGwei = 1;
    expect(engine.settlement.creditReward({ payout, avgEethBalance: 10, priceEth: 0.001 })).toBe(true);
    const credited = engine.events.events.at(-1);
    expect(credited?.type).toBe('REWARD_CREDITED');
    expect(credited?.status).toBe('completed');
  });
});
