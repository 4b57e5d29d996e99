import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, test } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: ROOT });

/** Lints one import as if it stood in `file`, with the project's own eslint config; returns the rule ids that fire. */
async function firing(file: string, spec: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import * as x from '${spec}';\nexport const probe = x;\n`, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('the lint enforces the layers', () => {
  test.each([
    ['src/domain/probe.ts', '../report/index.js'],
    ['src/domain/probe.ts', '../data/csv.js'],
    ['src/domain/probe.ts', '../config/index.js'],
    ['src/components/probe.ts', '../cli/main.js'],
    ['src/components/probe.ts', '../engine/backtest.js'],
    ['src/strategies/probe.ts', '../data/provider.js'],
    ['src/strategies/probe.ts', 'node:fs'],
    ['src/protocols/aave/probe.ts', '../../report/types.js'],
    ['src/kernel/probe.ts', '../engine/engine.js'],
    ['src/kernel/probe.ts', '../venues/simulatedExecution.js'],
    ['src/strategies/probe.ts', '../venues/simulated/desk.js'],
    ['src/kernel/probe.ts', '../data/load.js'],
    ['src/strategies/probe.ts', '../modes/registry.js'],
    ['src/components/probe.ts', '../modes/definition.js'],
    ['src/modes/probe.ts', '../engine/backtest.js'],
    ['src/modes/probe.ts', '../data/provider.js'],
    ['src/modes/probe.ts', '../report/index.js'],
  ])('%s importing %s fails the lint', async (file, spec) => {
    expect(await firing(file, spec)).toContain('no-restricted-imports');
  });

  test.each([
    ['src/domain/probe.ts', '../data/series.js'],
    ['src/components/probe.ts', '../domain/params.js'],
    ['src/engine/probe.ts', '../data/index.js'],
    ['src/cli/probe.ts', '../report/index.js'],
    ['src/kernel/probe.ts', './executionClient.js'],
    ['src/strategies/probe.ts', '../venues/costs.js'],
    ['src/engine/probe.ts', '../venues/simulatedExecution.js'],
    ['src/modes/probe.ts', '../strategies/pureLending.js'],
    ['src/modes/probe.ts', '../config/strategyPieces.js'],
    ['src/modes/probe.ts', '../data/series.js'],
  ])('%s importing %s is allowed', async (file, spec) => {
    expect(await firing(file, spec)).not.toContain('no-restricted-imports');
  });
});
