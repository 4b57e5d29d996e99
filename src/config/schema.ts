import { z } from 'zod';
import { parseTimestamp } from '../data/csv.js';
import type {
  AaveParams,
  CexVenueParams,
  CostParams,
  EngineParams,
  GasOperation,
  ModeName,
  ModeParams,
  RiskParams,
  StrategyParams,
} from '../domain/params.js';
import { MODE_NAMES } from '../domain/params.js';
import { isPositionKey, type PositionKey } from '../domain/positionKey.js';
import { AAVE_ASSETS, LST_TOKENS, SHARE_CLASSES, TOKENS } from '../domain/tokens.js';
import { CEX_VENUES, VENUES } from '../domain/venues.js';
import { CATALOG } from '../data/catalog.js';
import type { SeriesKey } from '../data/series.js';
import { dataPolicySchema } from '../data/policy.js';

/**
 * The one zod schema of the merged configuration. The section schemas infer exactly the interfaces of
 * src/domain/params.ts (test/config/types.test.ts checks it). Every object is strict: an unknown key is an error.
 * Cross-field rules live in rules.ts; this file checks shapes and single-value ranges only.
 */

export const GAS_OPERATIONS = [
  'APPROVAL_ONCE',
  'SET_EMODE_ONCE',
  'COLLATERAL_SUPPLIED',
  'COLLATERAL_WITHDRAWN',
  'LOAN_CREATED',
  'LOAN_REPAID',
  'STAKE_DEPOSIT',
  'STAKE_WITHDRAWAL',
  'TOKEN_SWAP',
  'VENUE_TRANSFER',
  'ATOMIC_ENTRY',
  'ATOMIC_DELEVERAGE_ONE_SWAP',
  'WRAP_ETH',
  'CLAIM_REWARDS',
] as const satisfies readonly GasOperation[];

export const MODE_NAME_TUPLE = MODE_NAMES as readonly ModeName[] as [ModeName, ...ModeName[]];

const fraction = z.number().min(0).max(1);
const positiveFraction = z.number().gt(0).lt(1);
const feeRate = z.number().gt(-0.01).lt(0.1);
const nonNegative = z.number().min(0);

export const seriesKeySchema = z.custom<SeriesKey>((v) => typeof v === 'string' && Object.hasOwn(CATALOG, v), {
  message: 'unknown series key',
});
export const positionKeySchema = z.custom<PositionKey>((v) => typeof v === 'string' && isPositionKey(v), {
  message: 'malformed position key (venue:{BaseToken|aToken|LST|debtToken|Perp}:symbol)',
});
const modeNameSchema = z.enum(MODE_NAME_TUPLE);
const venueSchema = z.enum(VENUES);
const cexVenueSchema = z.enum(CEX_VENUES);

// ---------------------------------------------------------------- engine, costs
export const engineSchema = z
  .strictObject({
    stepMinutes: z.number().int().positive(),
    fundingHoursUtc: z.array(z.number().int().min(0).max(23)).min(1).readonly(),
    reconciliationTolerance: z.number().positive().max(1),
  })
  .readonly();

export const reportSchema = z.strictObject({ minApyWindowDays: z.number().nonnegative() }).readonly();

const slippageCurveSchema = z
  .strictObject({ upTo10kBps: nonNegative, upTo100kBps: nonNegative, upTo1mBps: nonNegative })
  .readonly();

export const costsSchema = z
  .strictObject({
    gasUnits: z.record(z.enum(GAS_OPERATIONS), z.number().int().positive()).readonly(),
    gasPriceMultiplier: z.number().positive(),
    maxGasTopUpShare: fraction,
    slippage: z
      .strictObject({
        spotBTCUSDT: slippageCurveSchema,
        spotETHUSDT: slippageCurveSchema,
        perp: slippageCurveSchema,
        dexETHUSDT: slippageCurveSchema,
        dexLstETH: z.record(z.enum(LST_TOKENS), slippageCurveSchema).readonly(),
        rewardEIGEN: slippageCurveSchema,
        rewardETHFI: slippageCurveSchema,
      })
      .readonly(),
  })
  .readonly();

// ---------------------------------------------------------------- venues
const feeScheduleSchema = z.strictObject({ makerRate: feeRate, takerRate: feeRate }).readonly();

export const cexVenueParamsSchema = z
  .strictObject({
    venue: cexVenueSchema,
    spotFees: feeScheduleSchema,
    perpFees: feeScheduleSchema,
    initialMarginRate: positiveFraction,
    maintenanceMarginRate: positiveFraction,
    withdrawalFee: z.partialRecord(z.enum(TOKENS), nonNegative).readonly(),
    withdrawalLatencyMinutes: nonNegative,
    depositLatencyMinutes: nonNegative,
    liquidationFeeRate: fraction,
    minOrderUsdt: z.number().positive(),
  })
  .readonly();

const aaveRiskShape = { ltv: positiveFraction, liquidationThreshold: positiveFraction, liquidationBonus: fraction };
const aaveRiskSchema = z.strictObject(aaveRiskShape).readonly();
/** AaveRiskParams & { reserveFactor }: checked strictly, then typed as the interface's intersection. */
const aaveReserveSchema = z
  .strictObject({ ...aaveRiskShape, reserveFactor: fraction })
  .pipe(z.intersection(z.object(aaveRiskShape).readonly(), z.object({ reserveFactor: fraction }).readonly()));

export const aaveSchema = z
  .strictObject({
    emode: aaveRiskSchema,
    reserves: z.record(z.enum(AAVE_ASSETS), aaveReserveSchema).readonly(),
    closeFactor: z.number().gt(0).max(1),
    fullCloseFactorHf: z.number().positive(),
    flashLoanFeeRate: fraction,
  })
  .readonly();

/** configs/venues/<venue>.yaml minus the parameters mapped into `aave` / `cex.<venue>`. */
export const venueFileSchema = z.strictObject({
  venue: venueSchema,
  kind: z.enum(['wallet', 'lending', 'staking', 'dex', 'cex']),
  /** Canonical position keys this venue can hold (domain.md §1.2, §10). */
  instruments: z.array(positionKeySchema).readonly(),
});
export type VenueFile = z.infer<typeof venueFileSchema>;

// ---------------------------------------------------------------- share classes
export const shareClassFileSchema = z.strictObject({
  shareClass: z.enum(SHARE_CLASSES),
  kind: z.enum(['stable', 'directional']),
  decimals: z.number().int().min(0).max(18),
  marketNeutral: z.boolean(),
  supportedModes: z.array(modeNameSchema).readonly(),
});
export type ShareClassFile = z.infer<typeof shareClassFileSchema>;

// ---------------------------------------------------------------- modes
const gasFloatSchema = z.strictObject({ targetEth: nonNegative, minEth: nonNegative }).readonly();
const lstSchema = z
  .strictObject({
    token: z.enum(LST_TOKENS),
    stakingVenue: z.enum(['etherfi', 'lido']),
    exitDiscount: fraction,
    rewards: z.enum(['base_only', 'etherfi_published']),
  })
  .readonly();
const leverageSchema = z
  .strictObject({
    entryMethod: z.enum(['atomic', 'loop']),
    targetLtvBuffer: positiveFraction,
    releverBand: positiveFraction,
    deleverBand: positiveFraction,
    loopMinBorrowEth: z.number().positive(),
    loopMaxIterations: z.number().int().positive(),
    idleEthFraction: fraction,
  })
  .readonly();
const hedgeSchema = z
  .strictObject({
    hedgeAllocation: z.record(cexVenueSchema, fraction).readonly(),
    targetMarginRatio: z.number().positive(),
    deltaTolerance: fraction,
    redeployMarginRatio: z.number().positive(),
    redistributeMarginRatio: z.number().positive(),
    minMoveUsdt: z.number().nonnegative(),
    minMoveFraction: fraction,
  })
  .readonly();

const basisSchema = <K extends 'btc_basis' | 'eth_basis'>(kind: K) =>
  z
    .strictObject({
      kind: z.literal(kind),
      spotVenue: cexVenueSchema,
      hedge: hedgeSchema,
      equityDeviation: fraction,
      gasFloat: gasFloatSchema,
    })
    .readonly();
const hedgedStakingShape = {
  lst: lstSchema,
  // (0, 1) is a cross-field rule (rules.ts) so that its report names the mode; here: a fraction.
  stakeAllocation: fraction,
  spotVenue: cexVenueSchema,
  hedge: hedgeSchema,
  gasFloat: gasFloatSchema,
};

export const strategySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('pure_lending'), lendingAsset: z.literal('USDT'), gasFloat: gasFloatSchema }).readonly(),
  basisSchema('btc_basis'),
  basisSchema('eth_basis'),
  z
    .strictObject({ kind: z.literal('eth_leveraged'), lst: lstSchema, leverage: leverageSchema, gasFloat: gasFloatSchema })
    .readonly(),
  z.strictObject({ kind: z.literal('usdt_market_neutral'), ...hedgedStakingShape, leverage: leverageSchema }).readonly(),
  z.strictObject({ kind: z.literal('usdt_market_neutral_no_leverage'), ...hedgedStakingShape, idleEthFraction: fraction }).readonly(),
]);

export const riskSchema = z
  .strictObject({
    healthFactorWarn: z.number().positive(),
    healthFactorEmergency: z.number().positive(),
    marginRatioWarn: z.number().positive(),
    marginRatioRebalance: z.number().positive(),
    marginRatioEmergency: z.number().positive(),
    deltaWarn: fraction,
    deltaBreach: fraction,
  })
  .readonly();

const modeShape = {
  mode: modeNameSchema,
  shareClass: z.enum(SHARE_CLASSES),
  asset: z.enum(['USDT', 'BTC', 'ETH']),
  venues: z.array(venueSchema).min(1).readonly(),
  positions: z.array(positionKeySchema).min(1).readonly(),
  dataRequirements: z.array(seriesKeySchema).min(1).readonly(),
  priceSeries: z.partialRecord(z.enum(['BTC', 'ETH']), seriesKeySchema).readonly(),
  initialCapital: z.number().positive(),
  strategy: strategySchema,
  risk: riskSchema,
};

/** Exactly ModeParams. */
export const modeParamsSchema = z.strictObject(modeShape).readonly();

const isoDateTime = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
/** Every ISO form the tool prints (seconds and zone optional, UTC when absent); the date must exist. */
export const isoDateSchema = z
  .string()
  .regex(isoDateTime, 'ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])')
  .refine((s) => !Number.isNaN(parseTimestamp(s)), { message: 'no such calendar date or time', params: { expected: 'a real UTC date, e.g. 2024-02-29 or 2024-06-01T00:00Z' } });

/** A deposit (amount > 0) or withdrawal (amount < 0) of the share-class token at a UTC time. */
export const flowConfigSchema = z.strictObject({
  at: isoDateSchema,
  amount: z.number().refine((v) => v !== 0, { message: 'a flow of zero moves nothing', params: { expected: 'a non-zero amount (+ deposit, − withdrawal)' } }),
});

/**
 * A mode file: ModeParams plus the optional backtest window (null or absent: the data's common coverage) and the
 * optional capital flows of the run.
 */
export const modeConfigSchema = z.strictObject({
  ...modeShape,
  start: isoDateSchema.nullable().optional(),
  end: isoDateSchema.nullable().optional(),
  flows: z.array(flowConfigSchema).readonly().optional(),
});
export type ModeConfig = z.infer<typeof modeConfigSchema>;

// ---------------------------------------------------------------- secrets, misc
const secret = z.string().min(1).nullable();
export const secretsSchema = z.strictObject({
  binance: z.strictObject({ apiKey: secret, secret }),
  bybit: z.strictObject({ apiKey: secret, secret }),
  okx: z.strictObject({ apiKey: secret, secret, passphrase: secret }),
  alchemy: z.strictObject({
    rpcUrl: z.url({ protocol: /^(https?|wss?)$/ }).nullable(),
    privateKey: z.string().regex(/^0x[0-9a-fA-F]{64}$/, '0x followed by 64 hex digits').nullable(),
    walletAddress: z.string().regex(/^0x[0-9a-fA-F]{40}$/, '0x followed by 40 hex digits').nullable(),
  }),
});
export type Secrets = z.infer<typeof secretsSchema>;

export const loggingSchema = z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']) });
export const pathsSchema = z.strictObject({
  /** Market data directory; null: given per command (--data-dir). Relative paths resolve from the package root. */
  dataDir: z.string().min(1).nullable(),
  cacheDir: z.string().min(1),
  resultsDir: z.string().min(1),
});

const modesSchema = z.strictObject(
  Object.fromEntries(MODE_NAMES.map((m) => [m, modeConfigSchema])) as Record<ModeName, typeof modeConfigSchema>,
);

export const basisConfigSchema = z.strictObject({
  engine: engineSchema,
  report: reportSchema,
  logging: loggingSchema,
  paths: pathsSchema,
  data: dataPolicySchema,
  costs: costsSchema,
  aave: aaveSchema,
  cex: z.strictObject({ binance: cexVenueParamsSchema, bybit: cexVenueParamsSchema, okx: cexVenueParamsSchema }),
  venues: z.record(z.string(), venueFileSchema),
  shareClasses: z.record(z.string(), shareClassFileSchema),
  modes: modesSchema,
  secrets: secretsSchema,
});

/** The merged, validated configuration. */
export type BasisConfig = z.infer<typeof basisConfigSchema>;

/** Compile-time pins; the vitest type test checks exact equality. */
export type InferredModeParams = z.infer<typeof modeParamsSchema>;
export type InferredStrategyParams = z.infer<typeof strategySchema>;
export type InferredRiskParams = z.infer<typeof riskSchema>;
export type InferredCexVenueParams = z.infer<typeof cexVenueParamsSchema>;
export type InferredAaveParams = z.infer<typeof aaveSchema>;
export type InferredCostParams = z.infer<typeof costsSchema>;
export type InferredEngineParams = z.infer<typeof engineSchema>;
export type { AaveParams, CexVenueParams, CostParams, EngineParams, ModeParams, RiskParams, StrategyParams };
