import { describe, expect, it } from 'vitest';
import { BasisError } from '../../src/errors/base.js';
import { parseFlowSpec, parseFlowsCsv, validateFlows } from '../../src/flows/schedule.js';
import { moneyWeightedReturn, navPerShare, navSeries, npv, unitsForFlow, unitsSeries } from '../../src/flows/returns.js';

const YEAR_MS = 365.25 * 86_400_000;
const T0 = Date.UTC(2024, 5, 1);

function codeOf(f: () => unknown): { code: string; problem: Record<string, unknown> } {
  try {
    f();
  } catch (err) {
    if (err instanceof BasisError) return { code: err.code, problem: { ...err.problems[0] } };
    throw err;
  }
  throw new Error('expected a BasisError');
}

describe('flow specs', () => {
  it('accepts every time form --start accepts and signed decimal amounts', () => {
    expect(parseFlowSpec('2024-09-01T00:00:00Z=+500000', 1)).toEqual({ atMs: Date.UTC(2024, 8, 1), amount: 500_000, source: '--flow #1' });
    expect(parseFlowSpec('2024-09-01=-300000', 2).atMs).toBe(Date.UTC(2024, 8, 1));
    expect(parseFlowSpec('2024-09-01T12:30Z=1.5e3', 3)).toMatchObject({ atMs: Date.UTC(2024, 8, 1, 12, 30), amount: 1500 });
    expect(parseFlowSpec('2024-09-01T02:00:00+02:00=-0.25', 4)).toMatchObject({ atMs: Date.UTC(2024, 8, 1), amount: -0.25 });
  });

  it('names the flag, what was expected and what was found', () => {
    expect(codeOf(() => parseFlowSpec('2024-09-01', 1))).toMatchObject({ code: 'FLOW-001', problem: { path: '--flow #1', received: '2024-09-01' } });
    expect(codeOf(() => parseFlowSpec('2024-02-30=+1', 2))).toMatchObject({ code: 'FLOW-001', problem: { path: '--flow #2', received: '2024-02-30' } });
    expect(codeOf(() => parseFlowSpec('2024-09-01=1,000', 1))).toMatchObject({ code: 'FLOW-001', problem: { received: '1,000' } });
    expect(codeOf(() => parseFlowSpec('2024-09-01=0', 1)).code).toBe('FLOW-004');
    expect(codeOf(() => parseFlowSpec('2024-09-01=1e999', 1)).code).toBe('FLOW-004');
  });

  it('reads a CSV and locates a bad cell by file, line and column', () => {
    const flows = parseFlowsCsv('timestamp,amount\n2024-09-01,+500000\n2025-02-01T00:00Z,-300000\n', 'f.csv');
    expect(flows.map((f) => [f.amount, f.source])).toEqual([[500_000, 'f.csv:2'], [-300_000, 'f.csv:3']]);
    expect(codeOf(() => parseFlowsCsv('timestamp,amount\n2024-09-01,5\n2024-09-02,five\n', 'f.csv'))).toMatchObject({ code: 'FLOW-002', problem: { file: 'f.csv', line: 3, column: 2, received: 'five' } });
    expect(codeOf(() => parseFlowsCsv('amount,timestamp\n5,2024-13-01\n', 'f.csv'))).toMatchObject({ code: 'FLOW-002', problem: { line: 2, column: 2 } });
  });
});

describe('flow validation', () => {
  const w = { startMs: T0, endMs: T0 + YEAR_MS, initialCapital: 100, shareClass: 'USDT' };
  const f = (days: number, amount: number, source = `f${days}`): { atMs: number; amount: number; source: string } => ({ atMs: T0 + days * 86_400_000, amount, source });

  it('sorts by time, keeping the given order at one instant', () => {
    expect(validateFlows([f(30, -50, 'b'), f(10, 20, 'a'), f(30, 5, 'c')], w).map((x) => x.source)).toEqual(['a', 'b', 'c']);
  });

  it('refuses a flow at the first step or outside the window, and a withdrawal larger than the book at its time', () => {
    expect(codeOf(() => validateFlows([f(0, 5)], w)).code).toBe('FLOW-003');
    expect(codeOf(() => validateFlows([f(400, 5)], w)).code).toBe('FLOW-003');
    expect(validateFlows([f(10, 20), f(20, -120)], w)).toHaveLength(2);
    expect(codeOf(() => validateFlows([f(10, 20), f(20, -60), f(30, -61)], w))).toMatchObject({ code: 'FLOW-005', problem: { path: 'f30', received: '61' } });
  });
});

describe('share-class maths', () => {
  it('a flow at NAV leaves NAV per share unchanged', () => {
    const equity = 1_234_567.89;
    const units = 1_000_000;
    const nav = navPerShare(equity, units);
    expect(navPerShare(equity + 500_000, units + unitsForFlow(500_000, nav))).toBeCloseTo(nav, 14);
    expect(navPerShare(equity - 300_000, units + unitsForFlow(-300_000, nav))).toBeCloseTo(nav, 14);
  });

  it('builds units and NAV per step from the changes', () => {
    const units = unitsSeries(5, 100, [{ offset: 2, unitsAfter: 150 }, { offset: 4, unitsAfter: 120 }]);
    expect([...units]).toEqual([100, 100, 150, 150, 120]);
    expect([...navSeries(Float64Array.from([100, 101, 153, 154, 125]), units)]).toEqual([1, 1.01, 1.02, 154 / 150, 125 / 120]);
  });

  it('money-weighted return: the rate that zeroes the NPV, 10 % for 100 → 110 in a year', () => {
    const flows = [{ atMs: T0, amount: -100 }, { atMs: T0 + YEAR_MS, amount: 110 }];
    expect(moneyWeightedReturn(flows)).toBeCloseTo(0.1, 10);
    // A deposit half way earning the same 10 % a year keeps the IRR at 10 %.
    const mid = T0 + YEAR_MS / 2;
    const twoFlows = [{ atMs: T0, amount: -100 }, { atMs: mid, amount: -50 }, { atMs: T0 + YEAR_MS, amount: 110 + 50 * Math.sqrt(1.1) }];
    expect(moneyWeightedReturn(twoFlows)).toBeCloseTo(0.1, 10);
    expect(npv(twoFlows, moneyWeightedReturn(twoFlows))).toBeCloseTo(0, 8);
    expect(moneyWeightedReturn([{ atMs: T0, amount: -100 }, { atMs: T0 + YEAR_MS, amount: -5 }])).toBeNaN();
  });
});
