export type RewardToken = 'EIGEN' | 'ETHFI';

/** One published EtherFi distribution: `perEeth` reward tokens per eETH held over [periodStartMs, periodEndMs). */
export interface RewardPayout {
  readonly token: RewardToken;
  readonly payoutMs: number;
  readonly periodStartMs: number;
  readonly periodEndMs: number;
  readonly perEeth: number;
  readonly source: string;
}

/**
 * A payout being claimed and what the claim is paid on. One object reused from claim to claim, whose numbers the
 * settlement reads: a claim the wallet cannot pay gas for is retried every tick, and numbers passed as arguments
 * would be boxed at each try (docs/kernel.md, "Hot path").
 */
export interface RewardClaim {
  readonly payout: RewardPayout;
  /** eETH held on average over the payout's period. */
  readonly avgEethBalance: number;
  /** The reward token's price in ETH now. */
  readonly priceEth: number;
}

/** What the engine and the settlement read of the published rewards; where they come from is the data layer's business. */
export interface RewardPrograms {
  /** Sorted by payout time. */
  readonly payouts: readonly RewardPayout[];
  /** Reward token price in ETH as observable at t (pool bar open at t, else the last close before); NaN before any data. */
  priceEth(token: RewardToken, tMs: number): number;
}
