/**
 * The parameters the engine reads, as plain types. The zod schema in config/ must infer exactly these
 * shapes (a type test checks it), so the engine never sees unvalidated input and never invents defaults:
 * every value here comes from a config file.
 */
import type { CexVenue, Venue } from './venues.js';
import type { AaveAsset, LstToken, ShareClass, Token } from './tokens.js';
import type { PositionKey } from './positionKey.js';
import type { SeriesKey } from '../data/series.js';

export type ModeName = 'pure_lending' | 'btc_basis' | 'eth_basis' | 'eth_leveraged' | 'usdt_market_neutral' | 'usdt_market_neutral_no_leverage';
export const MODE_NAMES: readonly ModeName[] = ['pure_lending', 'btc_basis', 'eth_basis', 'eth_leveraged', 'usdt_market_neutral', 'usdt_market_neutral_no_leverage'];

/** Gas-bearing on-chain operations and their assumed gas units (domain.md §4.7). */
export type GasOperation =
  | 'APPROVAL_ONCE'
  | 'SET_EMODE_ONCE'
  | 'COLLATERAL_SUPPLIED'
  | 'COLLATERAL_WITHDRAWN'
  | 'LOAN_CREATED'
  | 'LOAN_REPAID'
  | 'STAKE_DEPOSIT'
  | 'STAKE_WITHDRAWAL'
  | 'TOKEN_SWAP'
  | 'VENUE_TRANSFER'
  | 'ATOMIC_ENTRY'
  | 'ATOMIC_DELEVERAGE_ONE_SWAP'
  | 'WRAP_ETH'
  | 'CLAIM_REWARDS';

export interface FeeSchedule {
  readonly makerRate: number;
  readonly takerRate: number;
}

export interface CexVenueParams {
  readonly venue: CexVenue;
  readonly spotFees: FeeSchedule;
  readonly perpFees: FeeSchedule;
  /** Fraction of notional required to open (initial margin). */
  readonly initialMarginRate: number;
  /** Liquidation when (collateral + uPnL) / |notional| falls below this. */
  readonly maintenanceMarginRate: number;
  /** Fee charged on withdrawal, in token units. */
  readonly withdrawalFee: Readonly<Partial<Record<Token, number>>>;
  /** Time until a withdrawal from this venue reaches the wallet. */
  readonly withdrawalLatencyMinutes: number;
  /** Time until a deposit to this venue is credited. */
  readonly depositLatencyMinutes: number;
  /** Liquidation fee on the closed notional when a position is liquidated. */
  readonly liquidationFeeRate: number;
  /** Smallest order the venue accepts, USDT notional. */
  readonly minOrderUsdt: number;
}

export interface AaveRiskParams {
  readonly ltv: number;
  readonly liquidationThreshold: number;
  readonly liquidationBonus: number;
}

export interface AaveParams {
  /** ETH-correlated e-mode: LST collateral against WETH debt. */
  readonly emode: AaveRiskParams;
  readonly reserves: Readonly<Record<AaveAsset, AaveRiskParams & { readonly reserveFactor: number }>>;
  /** Share of debt a liquidator may repay while HF >= fullCloseFactorHf. */
  readonly closeFactor: number;
  /** Below this HF a liquidator may repay all debt (AAVE v3). */
  readonly fullCloseFactorHf: number;
  /** Flash-loan premium on the flashed amount (0 for Balancer/Morpho). */
  readonly flashLoanFeeRate: number;
}

/** bps of notional by USD size bucket; the smallest bucket >= notional applies, the largest above it. */
export interface SlippageCurve {
  readonly upTo10kBps: number;
  readonly upTo100kBps: number;
  readonly upTo1mBps: number;
}

export interface CostParams {
  readonly gasUnits: Readonly<Record<GasOperation, number>>;
  /** Multiplier on gas price for safety (1 = none). */
  readonly gasPriceMultiplier: number;
  /** A transfer hop through the wallet may spend at most this share of the USDT it carries on buying back the
   * wallet's gas float. */
  readonly maxGasTopUpShare: number;
  readonly slippage: Readonly<{
    spotBTCUSDT: SlippageCurve;
    spotETHUSDT: SlippageCurve;
    perp: SlippageCurve;
    dexETHUSDT: SlippageCurve;
    dexLstETH: Readonly<Record<LstToken, SlippageCurve>>;
    /** Selling claimed reward tokens for ETH. */
    rewardEIGEN: SlippageCurve;
    rewardETHFI: SlippageCurve;
  }>;
}

export interface LstParams {
  readonly token: LstToken;
  readonly stakingVenue: 'etherfi' | 'lido';
  /** Exit sells the LST on a DEX at the oracle rate × (1 − exitDiscount) minus slippage. */
  readonly exitDiscount: number;
  /** Restaking rewards on top of the exchange rate: none (base_only), or EtherFi's published EIGEN weekly
   * distributions and ETHFI top-ups, credited on their payout dates (weETH only; estimates never used). */
  readonly rewards: 'base_only' | 'etherfi_published';
}

/** Keep an ETH float in the wallet for gas; top up below min, to target. */
export interface GasFloatParams {
  readonly targetEth: number;
  readonly minEth: number;
}

export interface LeverageParams {
  readonly entryMethod: 'atomic' | 'loop';
  /** λ = e-mode max LTV × (1 − targetLtvBuffer). */
  readonly targetLtvBuffer: number;
  /** Re-lever when LTV < λ − releverBand; de-lever when LTV > λ + deleverBand. */
  readonly releverBand: number;
  readonly deleverBand: number;
  /** Iterative loop: stop when the next borrow is below this (ETH) or after maxIterations. */
  readonly loopMinBorrowEth: number;
  readonly loopMaxIterations: number;
  /** Wallet ETH above max(gas float target, this share of the long ETH) is levered into the book (rewards,
   * a leverage that could not run). */
  readonly idleEthFraction: number;
}

export interface PerpHedgeParams {
  /** Share of the hedge per venue; sums to 1; 0 skips a venue. */
  readonly hedgeAllocation: Readonly<Record<CexVenue, number>>;
  /** Collateral / |notional| each venue is brought back to when margin is moved. */
  readonly targetMarginRatio: number;
  /** Resize hedges when |net delta| / gross hedge exceeds this. */
  readonly deltaTolerance: number;
  /** When every venue holds more than this margin ratio (a sell-off fed the shorts), the excess collateral is
   * redeployed into the position: the reverse of margin support. */
  readonly redeployMarginRatio: number;
  /** Collateral moves between venues when one falls below this margin ratio and another holds a surplus. */
  readonly redistributeMarginRatio: number;
  /** No collateral move, release or redeploy smaller than max(minMoveUsdt, equity × minMoveFraction). */
  readonly minMoveUsdt: number;
  readonly minMoveFraction: number;
}

/** Spot long on the spot venue, the same amount short in perps (btc_basis on BTC, eth_basis on ETH). */
export interface BasisParams<K extends 'btc_basis' | 'eth_basis' = 'btc_basis' | 'eth_basis'> {
  readonly kind: K;
  readonly spotVenue: CexVenue;
  readonly hedge: PerpHedgeParams;
  /** Resize both legs when equity moved by more than this since the last rebalance. */
  readonly equityDeviation: number;
  readonly gasFloat: GasFloatParams;
}

/** A share of equity staked on chain, its ETH hedged with perp shorts margined by the rest (USDT share class). */
interface HedgedStakingParams {
  readonly lst: LstParams;
  /** Share of equity put into the on-chain staking book; the rest is USDT margin on CEXs. */
  readonly stakeAllocation: number;
  readonly spotVenue: CexVenue;
  readonly hedge: PerpHedgeParams;
  readonly gasFloat: GasFloatParams;
}

export interface UsdtMarketNeutralParams extends HedgedStakingParams {
  readonly kind: 'usdt_market_neutral';
  readonly leverage: LeverageParams;
}

/** The staking half of usdt_market_neutral without the AAVE loop: the LST is held in the wallet. */
export interface UsdtMarketNeutralNoLeverageParams extends HedgedStakingParams {
  readonly kind: 'usdt_market_neutral_no_leverage';
  /** Wallet ETH above max(gas float target, this share of the long ETH) is staked (rewards, redeployed margin). */
  readonly idleEthFraction: number;
}

export type StrategyParams =
  | {
      readonly kind: 'pure_lending';
      readonly lendingAsset: 'USDT';
      readonly gasFloat: GasFloatParams;
    }
  | BasisParams<'btc_basis'>
  | BasisParams<'eth_basis'>
  | {
      readonly kind: 'eth_leveraged';
      readonly lst: LstParams;
      readonly leverage: LeverageParams;
      readonly gasFloat: GasFloatParams;
    }
  | UsdtMarketNeutralParams
  | UsdtMarketNeutralNoLeverageParams;

/** The LST a mode stakes into, or null for a mode without one. */
export function strategyLst(s: StrategyParams): LstParams | null {
  return 'lst' in s ? s.lst : null;
}

export interface RiskParams {
  /** AAVE health factor bands. */
  readonly healthFactorWarn: number;
  readonly healthFactorEmergency: number;
  /** CEX (collateral + uPnL) / |notional| bands; below rebalance, collateral is moved in. */
  readonly marginRatioWarn: number;
  readonly marginRatioRebalance: number;
  readonly marginRatioEmergency: number;
  /** |net delta| / gross exposure above which delta is breached. */
  readonly deltaWarn: number;
  readonly deltaBreach: number;
}

export interface ModeParams {
  readonly mode: ModeName;
  readonly shareClass: ShareClass;
  /** The underlying traded or staked. */
  readonly asset: 'USDT' | 'BTC' | 'ETH';
  readonly venues: readonly Venue[];
  /** Every key the run may touch (POS-001 otherwise). */
  readonly positions: readonly PositionKey[];
  /** Series the mode needs; the run window is their common coverage unless start/end are given. */
  readonly dataRequirements: readonly SeriesKey[];
  /** Which series prices each asset in USD(T) for valuation. */
  readonly priceSeries: Readonly<Partial<Record<'BTC' | 'ETH', SeriesKey>>>;
  readonly initialCapital: number;
  readonly strategy: StrategyParams;
  readonly risk: RiskParams;
}

export interface EngineParams {
  readonly stepMinutes: number;
  /** UTC hours at which perps settle funding. */
  readonly fundingHoursUtc: readonly number[];
  /**
   * Largest |equity − initial − attributed P&L| allowed, as a fraction of the initial capital, checked after every
   * step and at the end: above it the run stops (PNL-003) instead of reporting numbers that do not add up.
   */
  readonly reconciliationTolerance: number;
}

/** Everything one backtest needs, resolved from the config layers. */
export interface RunParams {
  readonly engine: EngineParams;
  readonly mode: ModeParams;
  readonly cex: Readonly<Record<CexVenue, CexVenueParams>>;
  readonly aave: AaveParams;
  readonly costs: CostParams;
}
