import { afterAll, describe, expect, it } from 'vitest';
import { ATTRIBUTION_PARTS } from '../../src/domain/attribution.js';
import { MODES, MODE_NAMES, modeDefinition } from '../../src/modes/registry.js';
import { resolveRunParams } from '../../src/config/index.js';
import { cleanupSandboxes, problemsOf, sandbox } from '../config/helpers.js';
import { run } from '../engine/helpers.js';

afterAll(cleanupSandboxes);

describe('the mode registry', () => {
  it('registers each mode under its own name, with a loadable config file whose capabilities come from the definition', () => {
    const { config } = sandbox().load();
    expect(MODE_NAMES.length).toBeGreaterThanOrEqual(4);
    for (const name of MODE_NAMES) {
      const def = modeDefinition(name);
      expect(def.name).toBe(name);
      const params = resolveRunParams(config, name);
      expect(params.mode.strategy.kind).toBe(name);
      expect(params.mode.asset).toBe(def.asset);
      expect(params.capabilities).toEqual(def.capabilities(params.mode.strategy));
      for (const key of def.requiredSeries(params.mode.strategy)) expect(params.mode.dataRequirements).toContain(key);
    }
    expect(Object.keys(MODES)).toEqual([...MODE_NAMES]);
  });

  it('refuses a mode file that drops a series its definition reads (CFG-008 naming it)', () => {
    const s = sandbox();
    s.edit('modes/pure_lending.yaml', '  - aave:USDT:liquidityIndex\n', '');
    const problems = problemsOf(() => s.load(), 'CFG-008');
    expect(problems).toContainEqual(expect.objectContaining({ path: 'modes.pure_lending.dataRequirements', message: 'pure_lending reads aave:USDT:liquidityIndex' }));
  });

  it('each definition runs its own config rules (a hedge that does not sum to 1 is refused for btc_basis)', () => {
    const s = sandbox();
    const problems = problemsOf(() => s.load({ overrides: ['modes.btc_basis.strategy.hedge.hedgeAllocation.okx=0.5'] }), 'CFG-008');
    expect(problems).toContainEqual(expect.objectContaining({ path: 'modes.btc_basis.strategy.hedge.hedgeAllocation', message: 'hedge allocations must sum to 1' }));
  });
});

describe.each(MODE_NAMES)('%s books only the attribution parts its definition declares', (mode) => {
  it('over the full history with costs, every other part is exactly 0', async () => {
    const out = await run({ mode });
    const declared = new Set<string>(out.params.capabilities.attribution);
    for (const part of ATTRIBUTION_PARTS) {
      if (!declared.has(part)) expect({ part, value: out.summary.attribution[part] }).toEqual({ part, value: 0 });
    }
  });
});
