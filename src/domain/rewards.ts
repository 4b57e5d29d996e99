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

/** What the engine and the settlement read of the published rewards; where they come from is the data layer's business. */
export interface RewardPrograms {
  /** Sorted by payout time. */
  readonly payouts: readonly RewardPayout[];
  /** Reward token price in ETH as observable at t (pool bar open at t, else the last close before); NaN before any data. */
  priceEth(token: RewardToken, tMs: number): number;
}
