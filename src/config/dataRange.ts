import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../errors/base.js';
import type { ModeName } from '../domain/params.js';
import { CATALOG } from '../data/catalog.js';
import { policyFor, type DataPolicy } from '../data/policy.js';
import type { SeriesKey } from '../data/series.js';
import type { ModeConfig } from './schema.js';
import { toMs } from './rules.js';
import type { PathSeg } from './sources.js';

const DAY_MS = 86_400_000;
const NAME_DATES = /_(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})\.csv$/;

export interface FileCoverage {
  readonly key: SeriesKey;
  readonly file: string;
  /** First instant covered (00:00 UTC of the first date). */
  readonly firstMs: number;
  /** End of coverage, exclusive (00:00 UTC of the day after the last date). */
  readonly endMs: number;
}

/** Coverage of a series from the `<first>_<last>` dates in its file name; undefined when no file matches. */
export function coverageFromFileNames(dataDir: string, key: SeriesKey, listing: Map<string, string[]>): FileCoverage | undefined {
  const entry = CATALOG[key];
  let names = listing.get(entry.dir);
  if (names === undefined) {
    try {
      names = readdirSync(join(dataDir, entry.dir));
    } catch {
      names = [];
    }
    listing.set(entry.dir, names);
  }
  let best: FileCoverage | undefined;
  for (const name of names) {
    if (!entry.pattern.test(name)) continue;
    const m = NAME_DATES.exec(name);
    if (!m?.[1] || !m[2]) continue;
    const cov = { key, file: `${entry.dir}/${name}`, firstMs: toMs(m[1]), endMs: toMs(m[2]) + DAY_MS };
    if (!best || cov.endMs - cov.firstMs > best.endMs - best.firstMs) best = cov;
  }
  return best;
}

const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * CFG-011: the mode's window must lie inside the data. Every required series whose policy is not `fallback`
 * needs a file; its `<first>_<last>` dates bound the window (a fallback series is covered by its fallback,
 * which the data provider checks). start/end null: only the files' common coverage must be non-empty.
 */
export function checkDateRange(
  dataDir: string,
  modes: Partial<Record<ModeName, ModeConfig>>,
  policy: DataPolicy,
  locate: (path: readonly PathSeg[]) => { file?: string; line?: number },
): Problem[] {
  const problems: Problem[] = [];
  const listing = new Map<string, string[]>();
  for (const [mode, m] of Object.entries(modes) as [ModeName, ModeConfig][]) {
    const base: PathSeg[] = ['modes', mode];
    const covs: FileCoverage[] = [];
    m.dataRequirements.forEach((key, i) => {
      if (policyFor(policy, key).onMissing === 'fallback') return;
      const cov = coverageFromFileNames(dataDir, key, listing);
      if (!cov) {
        problems.push({
          code: 'CFG-011',
          ...locate([...base, 'dataRequirements', i]),
          path: `modes.${mode}.dataRequirements.${i}`,
          message: `no data file for required series ${key} in ${dataDir}`,
          expected: `a file in ${CATALOG[key].dir}/ matching ${CATALOG[key].pattern.source}`,
          received: 'none',
        });
      } else covs.push(cov);
    });
    if (covs.length === 0) continue;
    const latestStart = covs.reduce((a, b) => (b.firstMs > a.firstMs ? b : a));
    const earliestEnd = covs.reduce((a, b) => (b.endMs < a.endMs ? b : a));
    if (latestStart.firstMs >= earliestEnd.endMs) {
      problems.push({
        code: 'CFG-011',
        ...locate([...base, 'dataRequirements']),
        path: `modes.${mode}.dataRequirements`,
        message: `the required series do not overlap: ${latestStart.file} starts after ${earliestEnd.file} ends`,
        expected: 'overlapping coverage',
        received: `${iso(latestStart.firstMs)} > ${iso(earliestEnd.endMs - DAY_MS)}`,
      });
      continue;
    }
    if (m.start) {
      const s = toMs(m.start);
      if (s < latestStart.firstMs || s >= earliestEnd.endMs) {
        problems.push({
          code: 'CFG-011',
          ...locate([...base, 'start']),
          path: `modes.${mode}.start`,
          message: `start lies outside the data (${s < latestStart.firstMs ? `${latestStart.file} starts later` : `${earliestEnd.file} ends earlier`})`,
          expected: `>= ${iso(latestStart.firstMs)} and before ${iso(earliestEnd.endMs)}`,
          received: m.start,
        });
      }
    }
    if (m.end) {
      const e = toMs(m.end);
      if (e > earliestEnd.endMs || e <= latestStart.firstMs) {
        problems.push({
          code: 'CFG-011',
          ...locate([...base, 'end']),
          path: `modes.${mode}.end`,
          message: `end lies outside the data (${e > earliestEnd.endMs ? `${earliestEnd.file} ends earlier` : `${latestStart.file} starts later`})`,
          expected: `<= ${iso(earliestEnd.endMs)} and after ${iso(latestStart.firstMs)}`,
          received: m.end,
        });
      }
    }
  }
  return problems;
}
