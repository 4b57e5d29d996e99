import { assertNever } from '../errors/base.js';
import type { StrategyParams } from '../domain/params.js';
import type { Strategy } from './strategy.js';
import { PureLendingStrategy } from './pureLending.js';
import { BtcBasisStrategy } from './btcBasis.js';
import { EthLeveragedStrategy } from './ethLeveraged.js';
import { UsdtMarketNeutralStrategy } from './usdtMarketNeutral.js';

export function createStrategy(p: StrategyParams): Strategy {
  switch (p.kind) {
    case 'pure_lending':
      return new PureLendingStrategy(p);
    case 'btc_basis':
      return new BtcBasisStrategy(p);
    case 'eth_leveraged':
      return new EthLeveragedStrategy(p);
    case 'usdt_market_neutral':
      return new UsdtMarketNeutralStrategy(p);
    default:
      return assertNever(p, 'strategy kind');
  }
}
