import { z } from 'zod';
import { fraction, gasFloatSchema, isoDateSchema, isoToMs, lstSchema, nonNegative } from '../config/strategyPieces.js';
import { EthStakingOnlyStrategy } from '../strategies/ethStakingOnly.js';
import { defineMode } from './definition.js';
import { checkLst, fmt, lstSeries } from './checks.js';

/** eth_staking_only: stake ETH into weETH or wstETH and hold, ETH share class (domain.md §3.6, §4.4, §4.5). */
export const ethStakingOnlyMode = defineMode({
  name: 'eth_staking_only',
  title: "ETH staking (liquid staking token)",
  explanation: {
    summary: "Stakes ETH into a liquid staking token (weETH or wstETH) and holds it, measured in ETH.",
    yieldSources: ["Ethereum staking rewards, through the LST/ETH exchange rate", "Restaking rewards (EIGEN, ETHFI) where the LST earns them"],
    risks: ["LST depeg against ETH on the DEX", "Slashing and validator risk of the staking protocol", "Withdrawal queue delays", "Swap slippage and gas"],
  },
  asset: 'ETH',
  strategySchema: z
    .strictObject({
      kind: z.literal('eth_staking_only'),
      lst: lstSchema,
      exit: z
        .strictObject({
          route: z.enum(['queue', 'dex']),
          queueDelayHours: nonNegative,
          at: isoDateSchema.nullable(),
          rateDrawdown: fraction,
        })
        .readonly(),
      restakeFraction: fraction,
      gasFloat: gasFloatSchema,
    })
    .readonly(),
  createStrategy: (p) => new EthStakingOnlyStrategy(p, p.exit.at === null ? null : isoToMs(p.exit.at)),
  requiredSeries: (p) => [lstSeries(p.lst)],
  capabilities: (p) => ({
    lst: p.lst,
    aaveDebtCollateral: null,
    cexPerps: false,
    publishedRewards: p.lst.rewards === 'etherfi_published',
    attribution: ['stakingYield', 'rewards', 'slippage', 'gas'],
  }),
  checkConfig: (m, p, ctx) => {
    checkLst(m, p.lst, ctx);
    // A queued exit leaves its ETH at the staking venue until it is claimed: the mode must hold that balance.
    const queued = `${p.lst.stakingVenue}:BaseToken:ETH`;
    if (!(m.positions as readonly string[]).includes(queued)) {
      ctx.fail([...ctx.base, 'positions'], `the withdrawal queue of ${p.lst.stakingVenue} holds ETH at ${queued}`, `a list containing ${queued}`, m.positions.join(', '));
    }
    if (p.exit.route === 'queue' && !(p.exit.queueDelayHours > 0)) {
      ctx.fail([...ctx.base, 'strategy', 'exit', 'queueDelayHours'], 'a withdrawal queue takes time (EtherFi 7 days; Lido days, domain.md §4.4)', '> 0', fmt(p.exit.queueDelayHours));
    }
  },
  preflight: () => [],
});
