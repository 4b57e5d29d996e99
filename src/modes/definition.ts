import type { z } from 'zod';
import type { Problem } from '../errors/base.js';
import type { AaveParams, CexVenueParams, ModeCapabilities, ModeName, RunParams, StrategyParamsByMode } from '../domain/params.js';
import type { CexVenue } from '../domain/venues.js';
import type { SeriesKey } from '../data/series.js';
import type { Strategy } from '../strategies/strategy.js';
import type { ModeConfig } from '../config/schema.js';
import type { PathSeg } from '../config/sources.js';

/** What a mode's config rules may read beyond its own file, and how they report a violation (CFG-008). */
export interface ModeRuleContext {
  /** The mode file's path in the merged config, `['modes', <mode>]`: prefix of every reported path. */
  readonly base: readonly PathSeg[];
  readonly aave?: AaveParams;
  readonly cex: Partial<Record<CexVenue, CexVenueParams>>;
  readonly fail: (path: readonly PathSeg[], message: string, expected: string, received: string) => void;
}

/** The run as the first step sees it, for the refusal of a book that could not be built (STRAT-004). */
export interface PreflightContext {
  readonly params: RunParams;
  /** The initial capital in USDT at the first step's ETH price. */
  readonly capitalUsdt: number;
  readonly costs: boolean;
}

/**
 * Everything that is specific to one strategy mode, in one place. The config schema, the config rules, the
 * preflight, the run parameters and the engine's assembly read modes only through these definitions (see
 * src/modes/registry.ts and CONTRIBUTING.md "How to add a mode"); nothing below them switches on a mode name.
 * `P` is the mode's strategy parameters, declared in its strategy file.
 */
/** What a mode does in plain language, for the web wizard and the API's mode list. */
export interface ModeExplanation {
  /** One or two sentences: what the book holds and why it earns. */
  readonly summary: string;
  readonly yieldSources: readonly string[];
  readonly risks: readonly string[];
}

export interface ModeDefinition<K extends ModeName = ModeName, P = StrategyParamsByMode[K]> {
  readonly name: K;
  /** Short human name, e.g. 'USDT market neutral (leveraged)'. */
  readonly title: string;
  readonly explanation: ModeExplanation;
  /** The underlying the mode trades or stakes (domain.md §0): the mode file's `asset` must equal it. */
  readonly asset: 'USDT' | 'BTC' | 'ETH';
  /** zod schema of the mode file's `strategy` section, built from config/strategyPieces.ts; `kind` is the mode name. */
  readonly strategySchema: z.ZodType<P>;
  /** A fresh strategy for one run. */
  createStrategy(p: P): Strategy;
  /** Series the strategy reads whatever the file says (valuation, indices, oracles): each must be in dataRequirements. */
  requiredSeries(p: P): readonly SeriesKey[];
  /** What execution, settlement and the engine must know about this mode (risk set, rewards, LST, attribution). */
  capabilities(p: P): ModeCapabilities;
  /** Cross-field config rules of this mode beyond the common ones every mode passes (config/rules.ts). */
  checkConfig(m: ModeConfig, p: P, ctx: ModeRuleContext): void;
  /** Problems that keep the first step from building the book, beyond the common gas-float check. */
  preflight(p: P, ctx: PreflightContext): Problem[];
}

/** Identity with the mode's types checked: `defineMode({ name: 'my_mode', … })`. */
export function defineMode<K extends ModeName>(def: ModeDefinition<K>): ModeDefinition<K> {
  return def;
}
