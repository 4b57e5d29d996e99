import { endianness } from 'node:os';
import type { TimeseriesFrame } from '../report/types.js';

export const TIMESTAMPS_COLUMN = '__t';

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * A column as little-endian float64 bytes (the blob both engines store). On a little-endian machine that is the
 * column's own memory, viewed without a copy: a 180,000-step run's columns would otherwise double in memory while
 * they are written.
 */
export function encodeColumn(values: Float64Array): Uint8Array {
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const out = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) out.writeDoubleLE(values[i] as number, i * 8);
  return out;
}

export function decodeColumn(bytes: Uint8Array): Float64Array {
  if (bytes.byteLength % 8 !== 0) throw new Error(`a stored timeseries column holds ${bytes.byteLength} bytes, not a whole number of float64 values`);
  const out = new Float64Array(bytes.byteLength / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** The frame's rows, one column at a time (each is inserted before the next is encoded). */
export function* frameRows(frame: TimeseriesFrame): Generator<{ position: number; name: string; values_blob: Uint8Array }> {
  yield { position: 0, name: TIMESTAMPS_COLUMN, values_blob: encodeColumn(frame.timestampsMs) };
  for (let i = 0; i < frame.columns.length; i++) {
    const c = frame.columns[i] as TimeseriesFrame['columns'][number];
    yield { position: i + 1, name: c.name, values_blob: encodeColumn(c.values) };
  }
}

export function frameFromRows(rows: ReadonlyArray<{ name: string; values_blob: Uint8Array }>): TimeseriesFrame {
  const t = rows.find((r) => r.name === TIMESTAMPS_COLUMN);
  if (t === undefined) throw new Error('a stored timeseries has no timestamps column');
  return { timestampsMs: decodeColumn(t.values_blob), columns: rows.filter((r) => r !== t).map((r) => ({ name: r.name, values: decodeColumn(r.values_blob) })) };
}
