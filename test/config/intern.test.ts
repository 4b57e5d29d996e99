import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { internStrings } from '../../src/config/intern.js';

describe('internStrings', () => {
  it('copies plain data with equal values, keeping which nodes are frozen', () => {
    const src = { a: 'USDT', list: Object.freeze(['binance', 'okx']), nested: Object.freeze({ x: 1, y: null, z: true, w: 'weETH' }), n: 0.5 };
    const out = internStrings(src);
    expect(out).toEqual(src);
    expect(out).not.toBe(src);
    expect(Object.isFrozen(out.list)).toBe(true);
    expect(Object.isFrozen(out.nested)).toBe(true);
    expect(Object.isFrozen(out)).toBe(false);
  });

  it('gives back internalized strings for strings built at run time (checked by V8 itself)', () => {
    // A string built from parts is not internalized; the copy's is. %IsInternalizedString needs natives syntax,
    // so the check runs in a child process.
    const script = `
      const { internStrings } = await import(${JSON.stringify(new URL('../../src/config/intern.ts', import.meta.url).href)});
      const built = ['US', 'DT'].join('');
      const out = internStrings({ shareClass: built });
      console.log(JSON.stringify([%IsInternalizedString(built), %IsInternalizedString(out.shareClass)]));`;
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout.trim())).toEqual([false, true]);
  });
});
