import { rmSync } from 'node:fs';

/** Removes the store the test run's CLI backtests were recorded in (vitest.config.ts sets BASIS_STORE). */
export default function setup(): () => void {
  return () => {
    const file = process.env['BASIS_STORE'];
    if (file === undefined) return;
    for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  };
}
