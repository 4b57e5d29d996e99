import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BasisError } from '../../src/errors/base.js';
import type { BasisEvent } from '../../src/events/types.js';
import { SHARED_DATA, column, readCsvColumns, run, tmpDir } from '../engine/helpers.js';

const HOUR = 3_600_000;
const M = 'modes.eth_staking_only.strategy';
const WSTETH = [`${M}.lst.token=wstETH`, `${M}.lst.stakingVenue=lido`, `${M}.lst.rewards=base_only`];

/** The AAVE oracle price (USD) of a reserve at each daily snapshot, read straight from its file. */
function rawPrice(asset: string, dataDir = SHARED_DATA): Map<number, number> {
  const dir = path.join(dataDir, 'aave_v3_ethereum/rates');
  const file = readdirSync(dir).find((f) => f.startsWith(`aave_v3_ethereum_${asset}_reserve_1d_`));
  const { header, rows } = readCsvColumns(readFileSync(path.join(dir, file as string), 'utf8'));
  const ts = header.indexOf('timestamp');
  const px = header.indexOf('price');
  return new Map(rows.map((r) => [Number(r[ts]) * 1000, Number(r[px])]));
}

/** LST/ETH exchange rate at a snapshot: LST price / WETH price at the same snapshot. */
function rawRate(lst: 'weETH' | 'wstETH', iso: string): number {
  const t = Date.parse(iso);
  return (rawPrice(lst).get(t) as number) / (rawPrice('WETH').get(t) as number);
}

const one = (events: readonly BasisEvent[], type: string): BasisEvent => {
  const found = events.filter((e) => e.type === type);
  expect(found.map((e) => e.type)).toEqual([type]);
  return found[0] as BasisEvent;
};

describe('eth_staking_only', () => {
  it('without costs or rewards grows exactly with the raw LST/ETH exchange rate between two snapshots (weETH and wstETH)', async () => {
    for (const [lst, set] of [['weETH', [`${M}.lst.rewards=base_only`]], ['wstETH', WSTETH]] as const) {
      for (const [start, end] of [
        ['2024-05-12', '2025-09-26'],
        ['2024-08-03', '2025-03-17'],
        ['2025-02-01', '2025-02-02'],
      ] as const) {
        const out = await run({ mode: 'eth_staking_only', costs: false, start, end, set });
        const expected = rawRate(lst, `${end}T00:00:00Z`) / rawRate(lst, `${start}T00:00:00Z`);
        expect(Math.abs(out.summary.finalEquity / out.summary.initialCapital / expected - 1), `${lst} ${start} → ${end}`).toBeLessThan(1e-9);
        expect(out.summary.attribution.stakingYield).toBeCloseTo(out.summary.reconciliation.balancePnl, 9);
        expect(one(out.events, 'STAKE_DEPOSIT').venue).toBe(lst === 'weETH' ? 'etherfi' : 'lido');
      }
    }
  });

  it('credits EtherFi published rewards on weETH and restakes them; none on wstETH', async () => {
    const window = { mode: 'eth_staking_only', start: '2024-08-01', end: '2025-06-01' } as const;
    const weeth = await run(window);
    const credited = weeth.events.filter((e) => e.type === 'REWARD_CREDITED' && e.status === 'completed');
    expect(credited.length).toBeGreaterThan(20);
    expect(weeth.summary.attribution.rewards).toBeGreaterThan(0);
    const restakes = weeth.events.filter((e) => e.type === 'STAKE_DEPOSIT');
    expect(restakes.length).toBeGreaterThan(1);
    const wst = await run({ ...window, set: WSTETH });
    expect(wst.events.some((e) => e.type === 'REWARD_CREDITED')).toBe(false);
    expect(wst.summary.attribution.rewards).toBe(0);
  });

  it('a scheduled exit through the withdrawal queue burns the LST at the rate, earns nothing in the queue and is claimed when the delay has elapsed', async () => {
    const at = '2024-10-01T05:00:00Z';
    const delayHours = 168;
    const out = await run({ mode: 'eth_staking_only', costs: false, start: '2024-09-01', end: '2024-11-01', set: [`${M}.lst.rewards=base_only`, `${M}.exit.route=queue`, `${M}.exit.at=${at}`, `${M}.exit.queueDelayHours=${delayHours}`] });
    const req = one(out.events, 'UNSTAKE_REQUESTED');
    const claim = one(out.events, 'UNSTAKE_CLAIMED');
    expect(req.timestampMs).toBe(Date.parse(at));
    expect(req.venue).toBe('etherfi');
    const units = -(req.deltas.find(([k]) => k === 'wallet:BaseToken:weETH')?.[1] as number);
    const queuedEth = req.deltas.find(([k]) => k === 'etherfi:BaseToken:ETH')?.[1] as number;
    expect(units).toBeGreaterThan(90);
    // The day's oracle rate applies (held from 00:00).
    expect(queuedEth / units).toBe(rawRate('weETH', '2024-10-01T00:00:00Z'));
    expect(req.balances?.['wallet:BaseToken:weETH']).toBeUndefined();
    // The claim waits exactly the delay on the hourly grid, and pays out what was fixed at the request.
    expect(claim.timestampMs - req.timestampMs).toBe(delayHours * HOUR);
    expect(claim.deltas).toEqual([
      ['etherfi:BaseToken:ETH', -queuedEth],
      ['wallet:BaseToken:ETH', queuedEth],
    ]);
    // In the queue the ETH amount is fixed: equity does not move from the request to the end of the run.
    const eq = column(out, 'equity') as Float64Array;
    const ts = out.frame.timestampsMs;
    const k = Array.from(ts).indexOf(req.timestampMs);
    for (let i = k; i < eq.length; i++) expect(eq[i]).toBe(eq[k]);
    expect(eq[k]).toBeGreaterThan(eq[0] as number);
    const exitEvent = out.events.find((e) => e.type === 'REBALANCE' && e.details?.['reason'] === 'exit');
    expect(exitEvent?.timestampMs).toBe(req.timestampMs);
    expect(out.events.filter((e) => e.type === 'STAKE_DEPOSIT' && e.timestampMs > req.timestampMs)).toEqual([]);

    // Execution itself refuses a claim before the delay has elapsed (as the protocol reverts), moving nothing.
    const early = await run({ mode: 'eth_staking_only', costs: false, start: '2024-09-01', end: '2024-10-03', set: [`${M}.lst.rewards=base_only`, `${M}.exit.at=${at}`] });
    expect(early.events.some((e) => e.type === 'UNSTAKE_CLAIMED')).toBe(false);
    const queued = early.engine.positions.amount('etherfi:BaseToken:ETH');
    expect(queued).toBe(queuedEth);
    let refused: unknown;
    try {
      early.engine.execution.execute({ kind: 'lst_claim', lst: 'weETH' });
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(BasisError);
    expect((refused as BasisError).code).toBe('EXEC-004');
    expect((refused as BasisError).message).toContain(new Date(req.timestampMs + delayHours * HOUR).toISOString());
    expect(early.engine.positions.amount('etherfi:BaseToken:ETH')).toBe(queued);
  });

  it('a scheduled exit through a DEX sells at the rate less the exit discount and the size-bucket slippage, booked as slippage', async () => {
    const at = '2024-10-01T05:00:00Z';
    const out = await run({ mode: 'eth_staking_only', start: '2024-09-01', end: '2024-10-15', set: [`${M}.exit.route=dex`, `${M}.exit.at=${at}`] });
    const swap = out.events.find((e) => e.type === 'DEX_SWAP' && e.timestampMs === Date.parse(at)) as BasisEvent;
    expect(swap).toBeDefined();
    const units = -(swap.deltas.find(([k]) => k === 'wallet:BaseToken:weETH')?.[1] as number);
    expect(swap.balances?.['wallet:BaseToken:weETH']).toBeUndefined();
    const rate = rawRate('weETH', '2024-10-01T00:00:00Z');
    const i = Array.from(out.frame.timestampsMs).indexOf(swap.timestampMs);
    const ethPx = (column(out, 'price:ETH') as Float64Array)[i] as number;
    const notionalUsd = units * rate * ethPx;
    const curve = out.params.costs.slippage.dexLstETH.weETH;
    const bucketBps = notionalUsd <= 10_000 ? curve.upTo10kBps : notionalUsd <= 100_000 ? curve.upTo100kBps : curve.upTo1mBps;
    const discount = 0.0007;
    const expectedCost = 1 - (1 - discount) * (1 - bucketBps / 1e4);
    expect(swap.details?.['costBps']).toBeCloseTo(expectedCost * 1e4, 9);
    // The proceeds land in the wallet, then the swap's own gas leaves it.
    const walletMoves = swap.deltas.filter(([k]) => k === 'wallet:BaseToken:ETH').map(([, v]) => v);
    expect(walletMoves[0]).toBeCloseTo(units * rate * (1 - expectedCost), 9);
    expect(walletMoves[1]).toBe(-(swap.gasEth as number));
    expect(swap.gasUnits).toBe(out.params.costs.gasUnits.TOKEN_SWAP);
    expect(swap.pnl?.slippage).toBeCloseTo(-units * rate * expectedCost, 9);
    expect(out.summary.attribution.slippage).toBeLessThanOrEqual(swap.pnl?.slippage as number);
    expect(out.events.some((e) => e.type === 'UNSTAKE_REQUESTED')).toBe(false);
  });

  it('an LST/ETH rate drop beyond exit.rateDrawdown is an emergency stop that exits through the queue', async () => {
    const dir = tmpDir('slash');
    cpSync(SHARED_DATA, dir, { recursive: true });
    const T = Date.parse('2024-10-10T00:00:00Z');
    const ratesDir = path.join(dir, 'aave_v3_ethereum/rates');
    const file = path.join(ratesDir, readdirSync(ratesDir).find((f) => f.startsWith('aave_v3_ethereum_weETH_reserve_1d_')) as string);
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const h = lines.findIndex((l) => l.length > 0 && !l.startsWith('#'));
    const header = (lines[h] as string).split(',');
    const [ti, pi] = [header.indexOf('timestamp'), header.indexOf('price')];
    let changed = 0;
    for (let k = h + 1; k < lines.length; k++) {
      const cells = (lines[k] as string).split(',');
      if (!(Number(cells[ti]) * 1000 >= T)) continue;
      // A 2 % slash of weETH against ETH from T on.
      cells[pi] = String(Number(cells[pi]) * 0.98);
      lines[k] = cells.join(',');
      changed++;
    }
    writeFileSync(file, lines.join('\n'));
    expect(changed).toBeGreaterThan(100);
    const out = await run({ mode: 'eth_staking_only', dataDir: dir, start: '2024-09-01', end: '2024-11-01' });
    const stop = one(out.events, 'EMERGENCY_STOP');
    expect(stop.timestampMs).toBe(T);
    const req = one(out.events, 'UNSTAKE_REQUESTED');
    expect(req.parent).toBe(stop.order);
    expect(one(out.events, 'UNSTAKE_CLAIMED').timestampMs).toBe(T + 168 * HOUR);
    expect(Math.abs(out.summary.reconciliation.residual)).toBeLessThan(1e-6 * out.summary.initialCapital);
  });
});
