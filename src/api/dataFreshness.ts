import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseTimestamp } from '../data/index.js';

const NAME_LAST_DATE = /_\d{4}-\d{2}-\d{2}_(\d{4}-\d{2}-\d{2})\.csv$/;
const TAIL_BYTES = 4096;
/** The data layout is <venue>/<file> or <venue>/<kind>/<file>. */
const MAX_DEPTH = 3;

export interface DataFreshness {
  readonly dataDir: string;
  /** The newest row of the data set: the last timestamp of the file whose name ends latest. */
  readonly newest: string | null;
  readonly newestMs: number | null;
  readonly ageSeconds: number | null;
  readonly file: string | null;
}

function lastLine(file: string): string | null {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const len = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
    return lines[lines.length - 1] ?? null;
  } finally {
    closeSync(fd);
  }
}

/** How current the data is: the file whose `<first>_<last>` name ends latest, and the timestamp of its last row. */
export function dataFreshness(dataDir: string, nowMs: number = Date.now()): DataFreshness {
  let best = null as { file: string; date: string } | null;
  const walk = (dir: string, depth: number): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH) walk(path.join(dir, e.name), depth + 1);
        continue;
      }
      const m = NAME_LAST_DATE.exec(e.name);
      if (m?.[1] && (best === null || m[1] > best.date)) best = { file: path.join(dir, e.name), date: m[1] };
    }
  };
  walk(dataDir, 0);
  if (best === null) return { dataDir, newest: null, newestMs: null, ageSeconds: null, file: null };
  const line = lastLine(best.file);
  const ms = line === null ? NaN : parseTimestamp(line.split(',')[0]?.trim() ?? '');
  const newestMs = Number.isFinite(ms) ? ms : parseTimestamp(best.date);
  return { dataDir, newest: new Date(newestMs).toISOString(), newestMs, ageSeconds: Math.round((nowMs - newestMs) / 1000), file: path.relative(dataDir, best.file) };
}
