import { z } from 'zod';
import type { ModeCapabilities, ModeName, StrategyParams } from '../domain/params.js';
import type { Strategy } from '../strategies/strategy.js';
import type { ModeDefinition } from './definition.js';
import { pureLendingMode } from './pureLending.js';
import { btcBasisMode } from './btcBasis.js';
import { ethBasisMode } from './ethBasis.js';
import { ethLeveragedMode } from './ethLeveraged.js';
import { usdtMarketNeutralMode } from './usdtMarketNeutral.js';
import { usdtMarketNeutralNoLeverageMode } from './usdtMarketNeutralNoLeverage.js';
import { pureLendingEthMode } from './pureLendingEth.js';
import { ethStakingOnlyMode } from './ethStakingOnly.js';

/**
 * The mode registry: every strategy mode the tool knows, one definition each (src/modes/<mode>.ts). Adding a mode
 * is one entry here; the type below refuses a registry that misses a mode whose strategy file declares its params.
 */
export const MODES: { readonly [K in ModeName]: ModeDefinition<K> } = {
  pure_lending: pureLendingMode,
  btc_basis: btcBasisMode,
  eth_basis: ethBasisMode,
  eth_leveraged: ethLeveragedMode,
  usdt_market_neutral: usdtMarketNeutralMode,
  usdt_market_neutral_no_leverage: usdtMarketNeutralNoLeverageMode,
  pure_lending_eth: pureLendingEthMode,
  eth_staking_only: ethStakingOnlyMode,
};

/** Every mode name, in registry order. */
export const MODE_NAMES: readonly ModeName[] = Object.keys(MODES) as ModeName[];

export function isModeName(name: string): name is ModeName {
  return Object.hasOwn(MODES, name);
}

/** The definition of a mode (the variance of a single definition widened to the registry's). */
export function modeDefinition(name: ModeName): ModeDefinition {
  return MODES[name] as ModeDefinition;
}

/** The strategy the parameters describe, made by its mode's definition. */
export function createStrategy(p: StrategyParams): Strategy {
  return modeDefinition(p.kind).createStrategy(p);
}

/** What the lower layers need to know about the mode these strategy parameters belong to. */
export function modeCapabilities(p: StrategyParams): ModeCapabilities {
  return modeDefinition(p.kind).capabilities(p);
}

/** The `strategy` section of any mode file: the union of the registered modes' schemas, discriminated by `kind`. */
export const strategyUnionSchema = z.discriminatedUnion(
  'kind',
  MODE_NAMES.map((m) => MODES[m].strategySchema) as unknown as [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]],
) as unknown as z.ZodType<StrategyParams>;
