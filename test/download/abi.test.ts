import { describe, expect, it } from 'vitest';
import { decodeReserveData, decodeWords, fixedToDecimal, indicesAt, rayToDecimal } from '../../src/data/download/aave.js';
import { endpointOf } from '../../src/data/download/http.js';

const RAY = 10n ** 27n;
const w = (x: bigint): string => x.toString(16).padStart(64, '0');

describe('AAVE eth_call decoding and exact decimals', () => {
  it('fixed-point integers become exact decimal strings (no float on the way)', () => {
    expect(rayToDecimal(0n)).toBe('0.0');
    expect(rayToDecimal(RAY)).toBe('1.0');
    expect(rayToDecimal(1n)).toBe('0.000000000000000000000000001');
    expect(rayToDecimal(1066714022192201388534689569n)).toBe('1.066714022192201388534689569');
    expect(rayToDecimal(42806808330668874819670500n)).toBe('0.0428068083306688748196705');
    expect(rayToDecimal(123n * RAY + 5n * 10n ** 26n)).toBe('123.5');
    expect(fixedToDecimal(1314871948641169n, 6)).toBe('1314871948.641169');
    expect(fixedToDecimal(99970642n, 8)).toBe('0.99970642');
    expect(fixedToDecimal(293025000000n, 8)).toBe('2930.25');
    expect(fixedToDecimal(10n ** 18n * 7n, 18)).toBe('7.0');
    expect(() => fixedToDecimal(-1n, 6)).toThrow(RangeError);
  });

  it('decodeWords: 32-byte words, `0x` (no code) is null, anything else is an error', () => {
    expect(decodeWords(`0x${w(5n)}${w(2n ** 255n)}`, 2, () => 'x')).toEqual([5n, 2n ** 255n]);
    expect(decodeWords('0x', 15, () => 'x')).toBeNull();
    expect(() => decodeWords('0x1234', 1, () => 'getAssetPrice')).toThrow(/getAssetPrice: expected ABI-encoded 32-byte words/);
    expect(() => decodeWords(`0x${w(1n)}`, 15, () => 'getReserveData')).toThrow(/getReserveData: expected at least 15 words, got 1/);
    expect(() => decodeWords(null, 1, () => 'x')).toThrow(/expected ABI-encoded/);
  });

  it('decodeReserveData reads the v3.0 ReserveData layout; indicesAt is the identity at Δt = 0', () => {
    const words = [7n, 11n * RAY / 10n, 5n * 10n ** 25n, 12n * RAY / 10n, 8n * 10n ** 25n, 10n ** 26n, 1_715_465_627n, 2n, 0xa70cen, 0n, 0xbdecn, 0x57a7n, 0n, 0n, 0n];
    const r = decodeReserveData(words);
    expect(r).toEqual({
      liquidityIndex: 11n * RAY / 10n,
      currentLiquidityRate: 5n * 10n ** 25n,
      variableBorrowIndex: 12n * RAY / 10n,
      currentVariableBorrowRate: 8n * 10n ** 25n,
      currentStableBorrowRate: 10n ** 26n,
      lastUpdateTimestamp: 1_715_465_627n,
      aTokenAddress: `0x${'a70ce'.padStart(40, '0')}`,
      stableDebtTokenAddress: `0x${'0'.repeat(40)}`,
      variableDebtTokenAddress: `0x${'bdec'.padStart(40, '0')}`,
    });
    expect(indicesAt(r, 1_715_465_627n)).toEqual({ liquidityIndex: r.liquidityIndex, variableBorrowIndex: r.variableBorrowIndex });
    const later = indicesAt(r, 1_715_465_627n + 86_400n);
    expect(later.liquidityIndex > r.liquidityIndex && later.variableBorrowIndex > r.variableBorrowIndex).toBe(true);
    expect(() => indicesAt(r, 1_715_465_626n)).toThrow(/after the block time/);
  });

  it('messages name the endpoint by scheme and host only: no path, query or userinfo (keys live there)', () => {
    expect(endpointOf('http://127.0.0.1:8545/rpc')).toBe('http://127.0.0.1:8545/…');
    expect(endpointOf('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545');
    expect(endpointOf('https://eth-mainnet.g.alchemy.com/v2/Ab3dEfGhIjKlMnOpQrStUvWxYz012345')).toBe('https://eth-mainnet.g.alchemy.com/…');
    expect(endpointOf('https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef?x=1')).toBe('https://mainnet.infura.io/…');
    expect(endpointOf('https://www.okx.com/api/v5/public/funding-rate-history?instId=X')).toBe('https://www.okx.com/…');
    expect(endpointOf('https://user:hunter2@node.example/k')).toBe('https://node.example/…');
  });
});
