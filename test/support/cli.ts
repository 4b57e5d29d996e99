import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface InProcessRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** The CLI's own entry point in this process, with stdout and stderr captured (faster than a child process). */
export async function runCliInProcess(argv: readonly string[]): Promise<InProcessRun> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await main(['node', 'basis', ...argv]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}
