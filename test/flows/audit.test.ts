import { describe, expect, it } from 'vitest';
import { writeBacktestResults } from '../../src/engine/backtest.js';
import { verifyRun } from '../../src/events/audit.js';
import { parseEvents, readSummary, rechain, writeSummary, type Json } from '../audit/helpers.js';
import { run, tmpDir } from '../engine/helpers.js';

/** A short pure_lending run with one deposit and one (slow) withdrawal, written to a fresh directory. */
async function flowRun(): Promise<string> {
  const out = await run({ mode: 'pure_lending', start: '2024-06-01', end: '2024-06-20', capital: 100_000, flows: ['2024-06-05=+50000', '2024-06-10=-30000'] });
  const dir = tmpDir('flows-audit');
  await writeBacktestResults(dir, out);
  return dir;
}

const codes = async (dir: string): Promise<string[]> => (await verifyRun(dir)).problems.map((p) => p.code);

describe('audit verify on a run with capital flows', () => {
  it('verifies the untouched run', async () => {
    expect((await verifyRun(await flowRun())).problems).toEqual([]);
  });

  it('refuses a deposit whose amount was inflated, even with the chain recomputed', async () => {
    const dir = await flowRun();
    const events = parseEvents(dir);
    const e = events.find((x) => x['type'] === 'DEPOSIT') as Json;
    e['deltas'] = [['wallet:BaseToken:USDT', 60_000]];
    rechain(dir, events);
    const found = await codes(dir);
    expect(found).toContain('EVT-004');
    expect(found).toContain('EVT-009');
  });

  it('refuses units issued at a NAV other than the recorded one', async () => {
    const dir = await flowRun();
    const events = parseEvents(dir);
    const e = events.find((x) => x['type'] === 'DEPOSIT') as Json;
    e['details'] = { ...(e['details'] as Json), unitsIssued: 50_000 };
    rechain(dir, events);
    expect(await codes(dir)).toEqual(['EVT-009']);
  });

  it('refuses a summary that counts the net flows as profit', async () => {
    const dir = await flowRun();
    const s = readSummary(dir);
    const rec = s['reconciliation'] as Json;
    writeSummary(dir, { ...s, reconciliation: { ...rec, balancePnl: (rec['balancePnl'] as number) + 20_000, residual: (rec['residual'] as number) + 20_000 } });
    expect(await codes(dir)).toContain('EVT-004');
  });
});
