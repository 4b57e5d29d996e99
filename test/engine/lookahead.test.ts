import { cpSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA, column, perturbAfter, run, tmpDir } from './helpers.js';

const T = Date.parse('2024-09-01T00:00:00Z');

let altered: string | undefined;
/** One altered copy of the data serves every mode. */
function alteredData(): string {
  if (altered) return altered;
  const dir = tmpDir('lookahead');
  cpSync(SHARED_DATA, dir, { recursive: true });
  expect(perturbAfter(dir, T)).toBeGreaterThan(10_000);
  altered = dir;
  return dir;
}

describe.each(['usdt_market_neutral', 'eth_basis', 'usdt_market_neutral_no_leverage'] as const)('no look-ahead in the engine: %s', (mode) => {
  it('rewriting every market value from T on changes nothing the engine did before T', async () => {
    const dir = alteredData();
    const window = { mode, start: '2024-06-01', end: '2024-12-31' } as const;
    const real = await run({ ...window });
    const altered = await run({ ...window, dataDir: dir });
    const before = (o: typeof real): unknown[] => o.events.filter((e) => e.timestampMs < T);
    expect(before(real).length).toBeGreaterThan(100);
    expect(before(altered)).toEqual(before(real));
    const eqReal = column(real, 'equity') as Float64Array;
    const eqAltered = column(altered, 'equity') as Float64Array;
    const ts = real.frame.timestampsMs;
    let compared = 0;
    for (let i = 0; i < ts.length && (ts[i] as number) < T; i++, compared++) expect(eqAltered[i]).toBe(eqReal[i]);
    expect(compared).toBeGreaterThan(2_000);
    // …and the alteration is visible from T on.
    const at = Array.from(ts).findIndex((t) => t >= T + 86_400_000);
    expect(eqAltered[at]).not.toBe(eqReal[at]);
  });
});
