/** Runs `f`, returning the process warnings with `code` it emitted meanwhile (e.g. DPR-008 cache problems). */
export async function warningsOf(f: () => Promise<unknown>, code: string): Promise<Error[]> {
  const seen: Error[] = [];
  const on = (w: Error): void => void seen.push(w);
  process.on('warning', on);
  try {
    await f();
    // Warnings are emitted on the next tick.
    await new Promise((r) => setTimeout(r, 10));
  } finally {
    process.off('warning', on);
  }
  return seen.filter((w) => (w as Error & { code?: string }).code === code);
}
