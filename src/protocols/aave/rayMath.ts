/**
 * AAVE's fixed-point maths (WadRayMath.sol) on bigint: ray = 1e27, wad = 1e18, half-up rounding. The protocol is
 * fixed-point, so its arithmetic is written here exactly as the contracts compute it; the engine's hot loop uses
 * the float mirrors in interest.ts, which tests hold to these within float precision.
 */
export const RAY = 10n ** 27n;
export const HALF_RAY = RAY / 2n;
export const WAD = 10n ** 18n;
export const WAD_RAY_RATIO = 10n ** 9n;
/** AAVE's year for rates: 365 days. */
export const SECONDS_PER_YEAR = 31_536_000n;

export function rayMul(a: bigint, b: bigint): bigint {
  return (a * b + HALF_RAY) / RAY;
}

export function rayDiv(a: bigint, b: bigint): bigint {
  return (a * RAY + b / 2n) / b;
}

export function wadToRay(a: bigint): bigint {
  return a * WAD_RAY_RATIO;
}

export function rayToWad(a: bigint): bigint {
  return (a + WAD_RAY_RATIO / 2n) / WAD_RAY_RATIO;
}

/** A decimal number (as the data files store indices and rates) to ray, exact to the 1e-27 digit. */
export function toRay(x: number): bigint {
  const [int = '0', frac = ''] = x.toFixed(27).split('.');
  return BigInt(int) * RAY + BigInt(frac.padEnd(27, '0').slice(0, 27));
}

export function fromRay(x: bigint): number {
  return Number(x / 10n ** 9n) / 1e18;
}
