/**
 * What a user waits for at the terminal: `basis --help`, and a whole warm `basis backtest` of usdt_market_neutral
 * writing every output, each in a fresh process the way a user runs it (`node bin/basis.js`). The backtest's parts
 * come from its own `time:` line. Medians with the fastest and slowest run, since this machine is shared.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface CliBench {
  readonly helpMs: Spread;
  readonly backtest: { readonly mode: string; readonly runs: number; readonly wallMs: Spread; readonly partsMs: Record<string, number> };
}

const spread = (xs: readonly number[]): Spread => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x);
  return { median: r(s[Math.floor(s.length / 2)] as number), min: r(s[0] as number), max: r(s[s.length - 1] as number) };
};

export function benchCli(root: string, dataDir: string, runs = 7): CliBench {
  const bin = path.join(root, 'bin/basis.js');
  const env = { ...process.env, BASIS_DATA_DIR: dataDir, NO_COLOR: '1' };
  const help: number[] = [];
  for (let k = 0; k < runs + 1; k++) {
    const t = performance.now();
    execFileSync(process.execPath, [bin, '--help'], { cwd: root, env, stdio: 'ignore' });
    if (k > 0) help.push(performance.now() - t);
  }
  const mode = 'usdt_market_neutral';
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'basis-bench-cli-'));
  const wall: number[] = [];
  const parts = new Map<string, number[]>();
  try {
    for (let k = 0; k < runs + 1; k++) {
      const t = performance.now();
      const out = execFileSync(process.execPath, [bin, 'backtest', '--mode', mode, '--no-progress', '--out', path.join(scratch, `run${k}`)], { cwd: root, env, encoding: 'utf8' });
      const ms = performance.now() - t;
      // The first run warms the data and reward caches; the user's second and later runs are what is measured.
      if (k === 0) continue;
      wall.push(ms);
      const line = out.split('\n').find((l) => l.startsWith('time: ')) ?? '';
      for (const m of line.matchAll(/([a-z][a-z -]*?) ([0-9.]+) s/g)) {
        const name = (m[1] as string).replace(/^(\+ |= )/, '').trim();
        if (name === 'wall' || name.startsWith('time:')) continue;
        parts.set(name, [...(parts.get(name) ?? []), Number(m[2]) * 1000]);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const partsMs = Object.fromEntries([...parts].map(([k, v]) => [k, spread(v).median]));
  return { helpMs: spread(help), backtest: { mode, runs, wallMs: spread(wall), partsMs } };
}
