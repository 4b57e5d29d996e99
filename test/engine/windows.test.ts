import { describe, expect, it } from 'vitest';
import { MODE_NAMES } from '../../src/modes/registry.js';
import { writeBacktestResults } from '../../src/engine/backtest.js';
import { verifyRun } from '../../src/events/audit.js';
import { run, tmpDir } from './helpers.js';

/** Deterministic windows inside each mode's data (from the full-history run), at odd hours and of odd lengths. */
function windows(seed: number, startMs: number, endMs: number, n: number): Array<[string, string]> {
  let x = seed;
  const rnd = (): number => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
  const hour = 3_600_000;
  const out: Array<[string, string]> = [];
  for (let k = 0; k < n; k++) {
    const lenH = 2 + Math.floor(rnd() * 24 * 90);
    const s = startMs + Math.floor(rnd() * ((endMs - startMs) / hour - lenH)) * hour;
    out.push([new Date(s).toISOString(), new Date(s + lenH * hour).toISOString()]);
  }
  return out;
}

describe.each(MODE_NAMES)('%s on arbitrary windows, with and without costs', (mode) => {
  it('reconciles and replays on every window', async () => {
    const full = await run({ mode });
    const ws = windows(mode.length * 7919, Date.parse(full.summary.start), Date.parse(full.summary.end), 4);
    for (const [i, [start, end]] of ws.entries()) {
      const out = await run({ mode, start, end, costs: i % 2 === 0 });
      expect(out.summary.start).toBe(start);
      expect(Math.abs(out.summary.reconciliation.residual), `${start} → ${end}`).toBeLessThan(1e-6 * out.summary.initialCapital);
      if (i === 0) {
        const dir = tmpDir(`win-${mode}`);
        await writeBacktestResults(dir, out);
        expect((await verifyRun(dir)).problems).toEqual([]);
      }
    }
  });
});
