import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOutput } from '../../src/engine/backtest.js';
import { downsampleFrame } from '../../src/report/downsample.js';
import { stakingAprSeries } from '../../src/report/derivedColumns.js';
import { drawdown, monthlyReturns, rollingApy, zeroNoise } from '../../web/src/charts/analysis.js';

const SHARED_DATA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');

/** The columns the dashboard draws, recorded on real runs, and what the dashboard derives from them. */
describe('dashboard columns of a real run', () => {
  let usdt: BacktestOutput;
  let eth: BacktestOutput;
  const col = (out: BacktestOutput, name: string): Float64Array => {
    const c = out.frame.columns.find((x) => x.name === name);
    expect(c, name).toBeDefined();
    return c!.values;
  };
  const names = (out: BacktestOutput): string[] => out.frame.columns.map((c) => c.name);

  beforeAll(async () => {
    [usdt, eth] = await Promise.all([
      runBacktest({ mode: 'usdt_market_neutral', dataDir: SHARED_DATA, progress: false, start: '2024-06-01', end: '2024-10-01' }),
      runBacktest({ mode: 'eth_leveraged', dataDir: SHARED_DATA, progress: false, start: '2024-06-01', end: '2024-10-01' }),
    ]);
  }, 120_000);

  it('the cumulative attribution columns add up to the equity change at every step', () => {
    const equity = col(usdt, 'equity');
    const parts = names(usdt).filter((n) => n.startsWith('pnl:')).map((n) => col(usdt, n));
    expect(parts.length).toBeGreaterThan(5);
    let worst = 0;
    for (let i = 0; i < equity.length; i++) {
      let sum = 0;
      for (const p of parts) sum += p[i]!;
      worst = Math.max(worst, Math.abs(equity[i]! - usdt.summary.initialCapital - sum));
    }
    expect(worst).toBeLessThan(1e-6 * usdt.summary.initialCapital);
  });

  it('margin in USDT per venue is the margin ratio times a positive notional wherever a perp is open', () => {
    for (const venue of ['binance', 'bybit', 'okx']) {
      const usd = col(usdt, `marginUsdt:${venue}`);
      const ratio = col(usdt, `marginRatio:${venue}`);
      let open = 0;
      for (let i = 0; i < usd.length; i++) {
        if (Number.isNaN(ratio[i]!)) continue;
        open++;
        expect(usd[i]! / ratio[i]!, `${venue} step ${i}`).toBeGreaterThan(0);
      }
      expect(open, venue).toBeGreaterThan(usd.length / 2);
    }
  });

  it('rates only for what the book holds: weETH (not wstETH), the WETH borrow, and the staking APR from the LST rate', () => {
    for (const out of [usdt, eth]) {
      expect(names(out)).toContain('lstRate:weETH');
      expect(names(out)).not.toContain('lstRate:wstETH');
      expect(names(out)).toContain('borrowApr:WETH');
      expect(names(out)).not.toContain('borrowApr:USDT');
      const apr = col(out, 'borrowApr:WETH');
      expect(Math.min(...apr)).toBeGreaterThan(0);
      expect(Math.max(...apr)).toBeLessThan(1);
      const staking = col(out, 'stakingApr:weETH');
      expect(staking).toEqual(stakingAprSeries(out.frame.timestampsMs, col(out, 'lstRate:weETH')));
      const defined = Array.from(staking).filter((v) => !Number.isNaN(v));
      const mean = defined.reduce((a, b) => a + b, 0) / defined.length;
      expect(mean).toBeGreaterThan(0.01); // weETH's exchange rate grew 1–5 % a year in 2024
      expect(mean).toBeLessThan(0.06);
    }
  });

  it('benchmark equity: sUSDe for the USDT book ending at its summary return, holding and staking ETH for the ETH book', () => {
    const b = col(usdt, 'benchmark:sUSDe');
    expect(b[0]).toBe(usdt.summary.initialCapital);
    expect(b[b.length - 1]! / usdt.summary.initialCapital - 1).toBeCloseTo(usdt.summary.benchmark!.totalReturn, 12);
    expect(names(eth).filter((n) => n.startsWith('benchmark:'))).toEqual(['benchmark:ETH', 'benchmark:weETH']);
    expect(new Set(col(eth, 'benchmark:ETH'))).toEqual(new Set([eth.summary.initialCapital]));
    const staked = col(eth, 'benchmark:weETH');
    const rate = col(eth, 'lstRate:weETH');
    expect(staked[staked.length - 1]! / staked[0]!).toBeCloseTo(rate[rate.length - 1]! / rate[0]!, 12);
  });

  it('downsampled for the dashboard, every column keeps its extremes and the drawn drawdown its worst point', () => {
    const d = downsampleFrame(usdt.frame, 1000);
    expect(d.timestampsMs.length).toBeLessThanOrEqual(1000);
    for (const c of usdt.frame.columns) {
      const real = Array.from(c.values).filter((v) => !Number.isNaN(v));
      const got = d.columns[c.name]!.filter((v): v is number => v !== null);
      // the payload keeps 10 significant digits
      expect(Math.abs(Math.max(...got) - Math.max(...real)), c.name).toBeLessThanOrEqual(Math.abs(Math.max(...real)) * 1e-9);
      expect(Math.abs(Math.min(...got) - Math.min(...real)), c.name).toBeLessThanOrEqual(Math.abs(Math.min(...real)) * 1e-9);
    }
    const dd = drawdown(d.columns.equity!).filter((v): v is number => v !== null);
    expect(Math.min(...dd)).toBeCloseTo(usdt.summary.maxDrawdown, 6);
  });

  it('monthly returns compound to the total return, and the rolling APY is the trailing 30 days annualised', () => {
    const ts = Array.from(usdt.frame.timestampsMs);
    const equity = Array.from(col(usdt, 'equity'));
    const months = monthlyReturns(ts, equity);
    expect(months.map((m) => `${m.year}-${m.month + 1}`)).toEqual(['2024-6', '2024-7', '2024-8', '2024-9', '2024-10']);
    expect(months.map((m) => m.partial)).toEqual([false, false, false, false, true]); // October: its first hour only
    const compounded = months.reduce((g, m) => g * (1 + m.ret), 1) - 1;
    expect(compounded).toBeCloseTo(equity[equity.length - 1]! / equity[0]! - 1, 12);
    const r = rollingApy(ts, equity, 30);
    const last = ts.length - 1;
    const back = ts.indexOf(ts[last]! - 30 * 86_400_000);
    expect(r[last]).toBeCloseTo((equity[last]! / equity[back]!) ** (365 / 30) - 1, 12);
    expect(r[0]).toBeNull();
  });

  it('net delta: float residue is drawn as zero, a real exposure is kept', () => {
    expect(zeroNoise([1e-13, -2e-12, 0.4, -0.05, null])).toEqual([0, 0, 0.4, -0.05, null]);
    const nd = Array.from(col(usdt, 'netDelta:ETH'));
    const cleaned = zeroNoise(nd);
    const maxAbs = Math.max(...nd.map(Math.abs));
    const changed = nd.flatMap((v, i) => (cleaned[i] === v ? [] : [v]));
    expect(cleaned.every((v, i) => v === 0 || v === nd[i])).toBe(true);
    expect(changed.every((v) => Math.abs(v) < maxAbs * 1e-6)).toBe(true);
  });
});
