import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/report/progress.js';

function fakeStream(isTTY: boolean): NodeJS.WritableStream & { isTTY: boolean; out: string[]; columns: number } {
  const out: string[] = [];
  return {
    isTTY,
    columns: 120,
    out,
    write(chunk: string | Uint8Array): boolean {
      out.push(String(chunk));
      return true;
    },
    // cli-progress' terminal helper calls these on a TTY stream
    cursorTo: () => true,
    clearLine: () => true,
    moveCursor: () => true,
    on: () => undefined,
    removeListener: () => undefined,
  } as unknown as NodeJS.WritableStream & { isTTY: boolean; out: string[]; columns: number };
}

describe('createProgress', () => {
  it('disabled: no output at all', () => {
    const s = fakeStream(false);
    const p = createProgress(1000, { enabled: false, label: 'backtest', stream: s });
    for (let i = 0; i <= 1000; i++) p.update(i);
    p.stop();
    expect(s.out).toEqual([]);
  });

  it('not a TTY: one plain line per 10 %', () => {
    const s = fakeStream(false);
    const p = createProgress(15_000, { enabled: true, label: 'backtest', stream: s });
    for (let i = 1; i <= 15_000; i++) p.update(i);
    p.stop();
    const lines = s.out.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(11);
    expect(lines.map((l) => l.replace(/ [0-9.]+ s$/, ''))).toEqual([
      'backtest: 0% (1/15,000)',
      ...[10, 20, 30, 40, 50, 60, 70, 80, 90].map((p) => `backtest: ${p}% (${(p * 150).toLocaleString('en-US')}/15,000)`),
      'backtest: 100% (15,000/15,000)',
    ]);
    expect(lines.every((l) => !l.includes('\x1b'))).toBe(true); // no terminal escape codes in CI logs
  });

  it('TTY: a bar with ETA, touched only when the integer percent changes', () => {
    const s = fakeStream(true);
    const p = createProgress(1000, { enabled: true, label: 'backtest', stream: s });
    for (let i = 1; i <= 1000; i++) p.update(i);
    p.stop();
    p.stop(); // idempotent
    const text = s.out.join('');
    expect(text).toContain('backtest [');
    expect(text).toContain('100%');
    expect(text).toContain('ETA');
  });

  it('writes only when the percent changes: a million updates print eleven lines', () => {
    const s = fakeStream(false);
    const p = createProgress(1_000_000, { enabled: true, label: 'x', stream: s });
    for (let i = 1; i <= 1_000_000; i++) p.update(i);
    p.stop();
    expect(s.out).toHaveLength(11);
  });

  it('total 0 reports completion without dividing by zero', () => {
    const s = fakeStream(false);
    const p = createProgress(0, { enabled: true, label: 'x', stream: s });
    p.update(0);
    p.stop();
    expect(s.out.join('')).toMatch(/^x: 100% \(0\/0\)/);
  });
});
