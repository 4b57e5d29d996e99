import { BasisError, type Problem } from './base.js';
import type { ErrorCode } from './codes.js';

type Options = { problems?: readonly Problem[]; cause?: unknown };

/**
 * A venue (real or simulated) refused an order and nothing moved: the one family a strategy step catches and
 * carries on from. Everything else (a negative balance, a NaN, a TypeError) is a bug and fails the run.
 */
export abstract class RejectedError extends BasisError {
  abstract readonly reason: 'insufficient_funds' | 'below_minimum' | 'health_factor' | 'venue_refused';
}

/** The account cannot pay: balance, gas float or collateral short of what the order needs. */
export class InsufficientFundsError extends RejectedError {
  readonly reason = 'insufficient_funds' as const;
  constructor(message: string, options: Options = {}, code: ErrorCode = 'EXEC-004') {
    super(code, message, options);
  }
}

/** Below the venue's minimum order size or notional. */
export class BelowMinimumError extends RejectedError {
  readonly reason = 'below_minimum' as const;
  constructor(message: string, options: Options = {}) {
    super('EXEC-007', message, options);
  }
}

/** The order would leave the AAVE position above its maximum LTV (health factor too low). */
export class HealthFactorTooLowError extends RejectedError {
  readonly reason = 'health_factor' as const;
  constructor(message: string, options: Options = {}) {
    super('EXEC-008', message, options);
  }
}

/** The venue refused for a reason of its own: an unsafe transfer, an impossible flash loan, an unknown route. */
export class VenueRefusedError extends RejectedError {
  readonly reason = 'venue_refused' as const;
  constructor(message: string, options: Options = {}, code: ErrorCode = 'EXEC-009') {
    super(code, message, options);
  }
}

/**
 * The venue did not answer as asked but may on a retry: live clients retry these with back-off; the kernel never
 * treats them as a refusal (the order's outcome is unknown until the venue is asked again).
 */
export abstract class RetryableVenueError extends BasisError {
  abstract readonly retry: 'timeout' | 'rate_limit' | 'unavailable';
}

export class VenueTimeoutError extends RetryableVenueError {
  readonly retry = 'timeout' as const;
  constructor(message: string, options: Options = {}) {
    super('EXEC-010', message, options);
  }
}

export class RateLimitedError extends RetryableVenueError {
  readonly retry = 'rate_limit' as const;
  constructor(message: string, options: Options = {}) {
    super('EXEC-011', message, options);
  }
}

export class VenueUnavailableError extends RetryableVenueError {
  readonly retry = 'unavailable' as const;
  constructor(message: string, options: Options = {}) {
    super('EXEC-012', message, options);
  }
}
