import { BasisError } from '../errors/base.js';
import { MODE_NAMES, type ModeName, type RunParams } from '../domain/params.js';
import type { BasisConfig } from './schema.js';

/** The slice of the config one backtest of `mode` needs. Unknown mode: CFG-006. */
export function resolveRunParams(config: BasisConfig, mode: ModeName): RunParams {
  if (!(MODE_NAMES as readonly string[]).includes(mode) || !Object.hasOwn(config.modes, mode)) {
    throw new BasisError('CFG-006', `unknown strategy mode "${String(mode)}"`, {
      problems: [{ code: 'CFG-006', path: 'modes', message: `unknown strategy mode "${String(mode)}"`, expected: MODE_NAMES.join(' | '), received: String(mode) }],
    });
  }
  const modeParams: Record<string, unknown> & typeof config.modes[ModeName] = { ...config.modes[mode] };
  delete modeParams.start;
  delete modeParams.end;
  delete modeParams.flows;
  return { engine: config.engine, mode: modeParams, cex: config.cex, aave: config.aave, costs: config.costs };
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
