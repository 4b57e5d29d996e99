import type { TimeseriesFrame } from '../report/types.js';

export const TIMESTAMPS_COLUMN = '__t';

/** A column as little-endian float64 bytes (the blob both engines store). */
export function encodeColumn(values: Float64Array): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat64(i * 8, values[i] as number, true);
  return out;
}

export function decodeColumn(bytes: Uint8Array): Float64Array {
  if (bytes.byteLength % 8 !== 0) throw new Error(`a stored timeseries column holds ${bytes.byteLength} bytes, not a whole number of float64 values`);
  const out = new Float64Array(bytes.byteLength / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

export function frameRows(frame: TimeseriesFrame): Array<{ position: number; name: string; values_blob: Uint8Array }> {
  return [{ position: 0, name: TIMESTAMPS_COLUMN, values_blob: encodeColumn(frame.timestampsMs) }, ...frame.columns.map((c, i) => ({ position: i + 1, name: c.name, values_blob: encodeColumn(c.values) }))];
}

export function frameFromRows(rows: ReadonlyArray<{ name: string; values_blob: Uint8Array }>): TimeseriesFrame {
  const t = rows.find((r) => r.name === TIMESTAMPS_COLUMN);
  if (t === undefined) throw new Error('a stored timeseries has no timestamps column');
  return { timestampsMs: decodeColumn(t.values_blob), columns: rows.filter((r) => r !== t).map((r) => ({ name: r.name, values: decodeColumn(r.values_blob) })) };
}
