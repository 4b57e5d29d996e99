import { BasisError } from '../errors/base.js';
import type { DataInput, DataIssue, MarketSnapshot, SeriesColumn, SeriesCoverage, SeriesKey, Timeline } from './series.js';

const isoOf = (ms: number): string => new Date(ms).toISOString();

/** The reused cursor `snapshot(t)` returns: moving it allocates nothing. */
class Cursor implements MarketSnapshot {
  index = 0;
  timestampMs = 0;
  constructor(private readonly timeline: HistoricalTimeline) {}
  value(key: SeriesKey): number {
    return this.timeline.series(key).values[this.index]!;
  }
}

/**
 * One aligned, validated timeline (struct of arrays). Bars are stamped at their OPEN; the value at grid time t is
 * what was observable at t, never a later value. `snapshot(t)` is O(1) and returns the same cursor object every
 * time; engines that iterate should read `series(key).values` directly.
 */
export class HistoricalTimeline implements Timeline {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  readonly length: number;
  readonly timestampsMs: Float64Array;
  readonly synthetic: boolean;
  readonly dataDir: string;
  readonly keys: readonly SeriesKey[];
  readonly coverage: readonly SeriesCoverage[];
  readonly issues: readonly DataIssue[];
  readonly inputs: readonly DataInput[];
  /** How this timeline was obtained: parsed now, or read from the binary cache. */
  readonly origin: 'parsed' | 'cache';
  private readonly columns: Map<SeriesKey, SeriesColumn>;
  private readonly cursor: Cursor;

  constructor(init: {
    startMs: number;
    stepMs: number;
    length: number;
    synthetic: boolean;
    dataDir: string;
    columns: readonly SeriesColumn[];
    coverage: readonly SeriesCoverage[];
    issues: readonly DataIssue[];
    inputs: readonly DataInput[];
    origin: 'parsed' | 'cache';
  }) {
    this.startMs = init.startMs;
    this.stepMs = init.stepMs;
    this.length = init.length;
    this.endMs = init.startMs + (init.length - 1) * init.stepMs;
    this.timestampsMs = new Float64Array(init.length);
    for (let i = 0; i < init.length; i++) this.timestampsMs[i] = init.startMs + i * init.stepMs;
    this.synthetic = init.synthetic;
    this.dataDir = init.dataDir;
    this.columns = new Map(init.columns.map((c) => [c.key, c]));
    this.keys = init.columns.map((c) => c.key);
    this.coverage = init.coverage;
    this.issues = init.issues;
    this.inputs = init.inputs;
    this.origin = init.origin;
    this.cursor = new Cursor(this);
  }

  has(key: SeriesKey): boolean {
    return this.columns.has(key);
  }

  series(key: SeriesKey): SeriesColumn {
    const c = this.columns.get(key);
    if (c === undefined) {
      throw new BasisError('DPR-007', `series ${key} is not loaded`, {
        problems: [{ code: 'DPR-007', message: `unknown or unloaded series ${String(key)}`, expected: `one of ${this.keys.join(', ')}`, received: String(key) }],
      });
    }
    return c;
  }

  indexOf(tMs: number): number {
    const off = tMs - this.startMs;
    const i = off / this.stepMs;
    if (!(i >= 0 && i < this.length) || off % this.stepMs !== 0) {
      throw new BasisError('DPR-006', `time ${Number.isFinite(tMs) ? isoOf(tMs) : String(tMs)} is not a step of the timeline`, {
        problems: [{ code: 'DPR-006', message: 'requested time outside the timeline or off its grid', expected: `${isoOf(this.startMs)} … ${isoOf(this.endMs)} every ${this.stepMs / 60_000} min`, received: Number.isFinite(tMs) ? isoOf(tMs) : String(tMs) }],
      });
    }
    return i;
  }

  snapshot(tMs: number): MarketSnapshot {
    const c = this.cursor;
    c.index = this.indexOf(tMs);
    c.timestampMs = tMs;
    return c;
  }

  /** The cursor at grid index i (no allocation). */
  at(i: number): MarketSnapshot {
    if (!(i >= 0 && i < this.length) || !Number.isInteger(i)) return this.snapshot(this.startMs + i * this.stepMs);
    const c = this.cursor;
    c.index = i;
    c.timestampMs = this.startMs + i * this.stepMs;
    return c;
  }
}
