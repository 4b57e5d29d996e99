import { assertNever } from '../errors/base.js';
import type { StrategyParams } from '../domain/params.js';
import type { Strategy } from './strategy.js';
import { PureLendingStrategy } from './pureLending.js';
import { BasisStrategy } from './basis.js';
import { EthLeveragedStrategy } from './ethLeveraged.js';
import { UsdtMarketNeutralStrategy } from './usdtMarketNeutral.js';
import { leveragedBook, walletBook } from './stakingBook.js';

export function createStrategy(p: StrategyParams): Strategy {
  switch (p.kind) {
    case 'pure_lending':
      return new PureLendingStrategy(p);
    case 'btc_basis':
      return new BasisStrategy(p, 'BTC');
    case 'eth_basis':
      return new BasisStrategy(p, 'ETH');
    case 'eth_leveraged':
      return new EthLeveragedStrategy(p);
    case 'usdt_market_neutral':
      return new UsdtMarketNeutralStrategy(p, leveragedBook(p.lst.token, p.leverage));
    case 'usdt_market_neutral_no_leverage':
      return new UsdtMarketNeutralStrategy(p, walletBook(p.lst.token, p.idleEthFraction));
    default:
      return assertNever(p, 'strategy kind');
  }
}
