import { describe, expect, it } from 'vitest';
import { redactSecrets, REDACTED } from '../../src/config/index.js';

describe('redactSecrets', () => {
  it('redacts values under names containing key, secret, password, passphrase or private', () => {
    const input = {
      apiKey: 'k1',
      API_KEY: 'k2',
      clientSecret: 's',
      dbPassword: 'p',
      passphrase: 'pp',
      privateKey: '0xabc',
      nested: { list: [{ password: 'x', user: 'bob' }], keep: 3 },
      secrets: { alchemy: { rpcUrl: 'https://eth.example/v2/abc', walletAddress: null } },
      count: 5,
    };
    const out = redactSecrets(input);
    expect(out).toEqual({
      apiKey: REDACTED,
      API_KEY: REDACTED,
      clientSecret: REDACTED,
      dbPassword: REDACTED,
      passphrase: REDACTED,
      privateKey: REDACTED,
      nested: { list: [{ password: REDACTED, user: 'bob' }], keep: 3 },
      secrets: { alchemy: { rpcUrl: REDACTED, walletAddress: null } },
      count: 5,
    });
    // the input is untouched
    expect(input.apiKey).toBe('k1');
  });

  it('keeps null (an unset secret shows as unset) and leaves non-objects alone', () => {
    expect(redactSecrets({ apiKey: null })).toEqual({ apiKey: null });
    expect(redactSecrets(42)).toBe(42);
    expect(redactSecrets(['a', { token: 'x' }])).toEqual(['a', { token: 'x' }]);
  });
});
