import cliProgress from 'cli-progress';

export interface Progress {
  /** Steps done so far (0…total). Cheap: does nothing unless the integer percent changed. */
  update(done: number): void;
  /** Finishes the bar (TTY) / prints nothing more (plain). Idempotent. */
  stop(): void;
}

export interface ProgressOptions {
  readonly enabled: boolean;
  readonly label: string;
  /** Output stream; defaults to `process.stderr`. A TTY stream gets a bar with ETA, anything else plain lines. */
  readonly stream?: NodeJS.WritableStream & { isTTY?: boolean };
}

const NOOP: Progress = { update: () => undefined, stop: () => undefined };

/**
 * Progress for a loop of `total` steps. TTY: a cli-progress bar with percentage, counts and ETA. Not a TTY
 * (CI, redirected output): a line `label: 30% (4,500/15,000) 1.2 s` at every 10 %. `enabled: false`: silent.
 */
export function createProgress(total: number, opts: ProgressOptions): Progress {
  if (!opts.enabled) return NOOP;
  const stream = opts.stream ?? process.stderr;
  const safeTotal = Math.max(0, Math.floor(total));
  const percentOf = (done: number): number =>
    safeTotal === 0 ? 100 : Math.min(100, Math.max(0, Math.floor((done * 100) / safeTotal)));

  if (stream.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${opts.label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {duration_formatted}`,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(safeTotal, 0);
    let lastPct = 0;
    let stopped = false;
    return {
      update(done: number): void {
        if (stopped) return;
        const pct = percentOf(done);
        if (pct === lastPct) return;
        lastPct = pct;
        bar.update(Math.min(done, safeTotal));
      },
      stop(): void {
        if (stopped) return;
        stopped = true;
        bar.stop();
      },
    };
  }

  const started = Date.now();
  let lastPct = -1;
  let lastDecile = -1;
  let stopped = false;
  return {
    update(done: number): void {
      if (stopped) return;
      const pct = percentOf(done);
      if (pct === lastPct) return;
      lastPct = pct;
      const decile = Math.floor(pct / 10);
      if (decile === lastDecile) return;
      lastDecile = decile;
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      const count = `${Math.min(done, safeTotal).toLocaleString('en-US')}/${safeTotal.toLocaleString('en-US')}`;
      stream.write(`${opts.label}: ${decile * 10}% (${count}) ${secs} s\n`);
    },
    stop(): void {
      stopped = true;
    },
  };
}
