import { BasisError } from '../errors/base.js';
import type { ModeName, RunParams } from '../domain/params.js';
import { MODE_NAMES, isModeName, modeCapabilities } from '../modes/registry.js';
import type { BasisConfig } from './schema.js';

/** The slice of the config one backtest of `mode` needs, with the mode's capabilities. Unknown mode: CFG-006. */
export function resolveRunParams(config: BasisConfig, mode: ModeName): RunParams {
  if (!isModeName(mode) || !Object.hasOwn(config.modes, mode)) {
    throw new BasisError('CFG-006', `unknown strategy mode "${String(mode)}"`, {
      problems: [{ code: 'CFG-006', path: 'modes', message: `unknown strategy mode "${String(mode)}"`, expected: MODE_NAMES.join(' | '), received: String(mode) }],
    });
  }
  // The window and flows belong to the run, not to the mode's parameters. A rest copy drops them: deleting them
  // from a spread copy turned it into a hash table, and the kernel and strategies read `params.mode` every step.
  const { start, end, flows, ...modeParams } = config.modes[mode];
  return { engine: config.engine, mode: modeParams, cex: config.cex, aave: config.aave, costs: config.costs, capabilities: modeCapabilities(modeParams.strategy) };
}

/** The backtest window a mode file declares (null: the data's common coverage). */
export function modeWindow(config: BasisConfig, mode: ModeName): { start: string | null; end: string | null } {
  const m = config.modes[mode];
  return { start: m.start ?? null, end: m.end ?? null };
}

/** The capital flows a mode file declares (none when absent). */
export function modeFlows(config: BasisConfig, mode: ModeName): ReadonlyArray<{ readonly at: string; readonly amount: number }> {
  return config.modes[mode].flows ?? [];
}
