import { BasisError } from '../errors/base.js';

/**
 * CSV reading for the data provider.
 *
 * Why hand-written: this is the product's hot path (architecture.md B.3). On this machine a plain
 * `indexOf`/`split` + `Number()` into Float64Array runs at ~150 MiB/s, 2× d3-dsv/uDSV and 8× papaparse with
 * typing, and our files are well-formed machine output. We go one step further than `split`: rows are kept
 * as [start, end) offsets into the file text and only the columns a series uses are sliced and converted,
 * so nothing is allocated per unused field. Quoted input (a handful of small hand-written files) takes a
 * small RFC 4180 path instead.
 *
 * Tolerated: UTF-8 BOM, CRLF, `#` comment lines (above the header or between rows), blank lines, the five
 * timestamp styles of data/README.md. Not tolerated (DPR-002 naming file, line and column): a short or long
 * row, an empty or non-numeric field where a number is needed, an unparseable timestamp, a missing column.
 */

export interface CsvProblemInfo {
  readonly line: number;
  readonly column: number;
  readonly expected: string;
  readonly received: string;
}

export function csvError(file: string, line: number, column: number, message: string, expected: string, received: string): BasisError {
  return new BasisError('DPR-002', `${file}:${line}:${column}: ${message}`, {
    problems: [{ code: 'DPR-002', message, file, line, column, expected, received }],
  });
}

const EXPECT_NUMBER = 'a finite number';
const EXPECT_TIME = 'a UTC timestamp (YYYY-MM-DD[T| ]HH:MM:SS[Z|+00:00], YYYY-MM-DD or unix seconds)';

function show(s: string): string {
  return s.length === 0 ? '(empty)' : JSON.stringify(s.length > 60 ? s.slice(0, 57) + '...' : s);
}

// --- timestamps -------------------------------------------------------------------------------------------

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function digits(text: string, at: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const c = text.charCodeAt(at + k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Days in month `m` (1-12) of year `y`, proleptic Gregorian. */
function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/**
 * Milliseconds since the epoch of text[a, b), or NaN. Styles: `2024-01-01T00:00:00Z`, `2024-05-12 01:00:00+00:00`,
 * `2024-01-01T00:00Z` (no seconds, the form the tool prints), `2024-01-01T00:00` (no zone: UTC, never local time),
 * `2024-01-01T00:00:00+00:00Z` (offset and Z together), `YYYY-MM-DD` (midnight UTC), unix seconds (≤ 11 digits)
 * or milliseconds (13 digits). Optional fractional seconds; any ±HH:MM offset is applied. The calendar date must
 * exist (2024-02-30 and 2023-02-29 are NaN, not rolled into March).
 */
export function parseTimestampAt(text: string, a: number, b: number): number {
  const n = b - a;
  if (n <= 0) return NaN;
  const c0 = text.charCodeAt(a);
  if (n <= 13 && text.charCodeAt(a + 4) !== 45 /* - */) {
    // unix seconds or milliseconds, digits only
    if (c0 < 48 || c0 > 57) return NaN;
    const v = digits(text, a, n);
    if (v < 0) return NaN;
    return n >= 13 ? v : v * 1000;
  }
  if (n < 10) return NaN;
  const y = digits(text, a, 4);
  const mo = digits(text, a + 5, 2);
  const d = digits(text, a + 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || text.charCodeAt(a + 7) !== 45 || d > daysInMonth(y, mo)) return NaN;
  let ms = daysFromCivil(y, mo, d) * 86_400_000;
  if (n === 10) return ms;
  const sep = text.charCodeAt(a + 10);
  if ((sep !== 84 /* T */ && sep !== 32) || n < 16) return NaN;
  const h = digits(text, a + 11, 2);
  const mi = digits(text, a + 14, 2);
  if (h < 0 || h > 23 || mi < 0 || mi > 59 || text.charCodeAt(a + 13) !== 58) return NaN;
  let p = a + 16;
  let s = 0;
  if (p < b && text.charCodeAt(p) === 58 /* : */) {
    s = digits(text, p + 1, 2);
    if (s < 0 || s > 60 || p + 3 > b) return NaN;
    p += 3;
  }
  ms += h * 3_600_000 + mi * 60_000 + s * 1000;
  if (p > a + 16 && p < b && text.charCodeAt(p) === 46 /* . */) {
    let q = p + 1;
    let frac = 0;
    let scale = 1;
    while (q < b) {
      const c = text.charCodeAt(q) - 48;
      if (c < 0 || c > 9) break;
      if (scale < 1000) {
        frac = frac * 10 + c;
        scale *= 10;
      }
      q++;
    }
    if (q === p + 1) return NaN;
    ms += Math.round((frac * 1000) / scale);
    p = q;
  }
  if (p < b) {
    const c = text.charCodeAt(p);
    if (c === 43 /* + */ || c === 45 /* - */) {
      const oh = digits(text, p + 1, 2);
      let om: number;
      let q: number;
      if (text.charCodeAt(p + 3) === 58) {
        om = digits(text, p + 4, 2);
        q = p + 6;
      } else {
        om = digits(text, p + 3, 2);
        q = p + 5;
      }
      if (oh < 0 || om < 0 || q > b) return NaN;
      const off = (oh * 60 + om) * 60_000;
      ms += c === 43 ? -off : off;
      p = q;
    }
    if (p < b && text.charCodeAt(p) === 90 /* Z */) p++;
    if (p !== b) return NaN;
  }
  return ms;
}

export function parseTimestamp(s: string): number {
  return parseTimestampAt(s, 0, s.length);
}

// --- the parsed file --------------------------------------------------------------------------------------

class IntBuf {
  data = new Int32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  done(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * A CSV file split into rows. Fields are read lazily by column through typed accessors that validate every
 * value they return; nothing here ever yields a silent NaN.
 */
export class ParsedCsv {
  readonly file: string;
  readonly header: readonly string[];
  /** 1-based line of the header. */
  readonly headerLine: number;
  readonly rowCount: number;
  readonly commentLines: number;
  private readonly text: string;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly lines: Int32Array;
  /** Only for quoted input: every row's fields. */
  private readonly quoted: string[][] | null;

  /** @internal use parseCsv */
  constructor(init: {
    file: string;
    header: string[];
    headerLine: number;
    text: string;
    starts: Int32Array;
    ends: Int32Array;
    lines: Int32Array;
    quoted: string[][] | null;
    commentLines: number;
  }) {
    this.file = init.file;
    this.header = init.header;
    this.headerLine = init.headerLine;
    this.text = init.text;
    this.starts = init.starts;
    this.ends = init.ends;
    this.lines = init.lines;
    this.quoted = init.quoted;
    this.rowCount = init.lines.length;
    this.commentLines = init.commentLines;
  }

  hasColumn(name: string): boolean {
    return this.header.indexOf(name) >= 0;
  }

  /** 0-based index of a column; DPR-002 at the header line when it is absent. */
  columnIndex(name: string): number {
    const i = this.header.indexOf(name);
    if (i < 0) {
      throw csvError(this.file, this.headerLine, this.header.length + 1, `missing column "${name}"`, `a header with "${name}"`, this.header.join(','));
    }
    return i;
  }

  /** 1-based file line of data row `row` (0-based). */
  lineOf(row: number): number {
    return this.lines[row] ?? -1;
  }

  /** Raw text of one field. */
  field(row: number, col: number): string {
    if (this.quoted) return this.quoted[row]?.[col] ?? '';
    const [a, b] = this.bounds(row, col);
    return this.text.slice(a, b);
  }

  private bounds(row: number, col: number): [number, number] {
    const text = this.text;
    let a = this.starts[row]!;
    const end = this.ends[row]!;
    for (let k = 0; k < col; k++) a = text.indexOf(',', a) + 1;
    let b = text.indexOf(',', a);
    if (b < 0 || b > end) b = end;
    return [a, b];
  }

  strings(name: string): string[] {
    const col = this.columnIndex(name);
    const out = new Array<string>(this.rowCount);
    for (let r = 0; r < this.rowCount; r++) out[r] = this.field(r, col);
    return out;
  }

  /**
   * A numeric column. Empty, non-numeric or non-finite fields are DPR-002 errors naming the line and column,
   * unless `optional` (then an empty field is NaN; a non-number still fails).
   */
  numbers(name: string, opts: { optional?: boolean } = {}): Float64Array {
    const col = this.columnIndex(name);
    const n = this.rowCount;
    const out = new Float64Array(n);
    const optional = opts.optional === true;
    if (this.quoted) {
      for (let r = 0; r < n; r++) out[r] = this.toNumber(this.quoted[r]![col] ?? '', r, col, optional);
      return out;
    }
    const text = this.text;
    const starts = this.starts;
    const ends = this.ends;
    for (let r = 0; r < n; r++) {
      let a = starts[r]!;
      const end = ends[r]!;
      for (let k = 0; k < col; k++) a = text.indexOf(',', a) + 1;
      let b = text.indexOf(',', a);
      if (b < 0 || b > end) b = end;
      const c = text.charCodeAt(a);
      // Fast path: a field starting with a digit, '-' or '.' and not empty.
      // ('0x…', '0o…', '0b…' are not decimal numbers: slow path, which rejects them.)
      const c1 = text.charCodeAt(a + 1) | 32;
      if (b > a && ((c >= 48 && c <= 57) || c === 45 || c === 46) && !(c === 48 && (c1 === 120 || c1 === 111 || c1 === 98))) {
        const v = +text.slice(a, b);
        if (v - v === 0) {
          out[r] = v; // finite
          continue;
        }
      }
      out[r] = this.toNumber(text.slice(a, b), r, col, optional);
    }
    return out;
  }

  private toNumber(s: string, r: number, col: number, optional: boolean): number {
    const t = s.trim();
    if (t.length === 0) {
      if (optional) return NaN;
      throw csvError(this.file, this.lineOf(r), col + 1, `empty value in column "${this.header[col]}"`, EXPECT_NUMBER, show(s));
    }
    const v = Number(t);
    if (!Number.isFinite(v) || /^0[xob]/i.test(t)) {
      throw csvError(this.file, this.lineOf(r), col + 1, `not a number in column "${this.header[col]}"`, EXPECT_NUMBER, show(s));
    }
    return v;
  }

  /** A timestamp column as epoch milliseconds (UTC); any unparseable field is a DPR-002 error. */
  timestamps(name: string): Float64Array {
    const col = this.columnIndex(name);
    const n = this.rowCount;
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) {
      let v: number;
      let raw: string | undefined;
      if (this.quoted) {
        raw = (this.quoted[r]![col] ?? '').trim();
        v = parseTimestamp(raw);
      } else {
        const [a, b] = this.bounds(r, col);
        v = parseTimestampAt(this.text, a, b);
        if (v !== v) raw = this.text.slice(a, b);
      }
      if (v !== v) throw csvError(this.file, this.lineOf(r), col + 1, `bad timestamp in column "${this.header[col]}"`, EXPECT_TIME, show(raw ?? ''));
      out[r] = v;
    }
    return out;
  }
}

function splitQuoted(text: string, file: string, from: number): { rows: string[][]; lines: number[]; comments: number; headerLine: number } {
  // Small RFC 4180 reader for quoted input: "" escapes a quote, quoted fields may hold commas and newlines.
  const rows: string[][] = [];
  const lines: number[] = [];
  let comments = 0;
  let line = 1;
  let i = from;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    // skip blank and comment lines
    if (text.charCodeAt(i) === 10 || (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10)) {
      i = text.indexOf('\n', i) + 1;
      line++;
      continue;
    }
    if (text.charCodeAt(i) === 35 /* # */) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? n : nl + 1;
      line++;
      comments++;
      continue;
    }
    const row: string[] = [];
    let field = '';
    for (;;) {
      if (i >= n) {
        row.push(field);
        break;
      }
      const c = text[i]!;
      if (c === '"' && field.length === 0) {
        // quoted field
        i++;
        for (;;) {
          if (i >= n) throw csvError(file, startLine, row.length + 1, 'unterminated quoted field', 'a closing quote', 'end of file');
          const q = text[i]!;
          if (q === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (q === '\n') line++;
          field += q;
          i++;
        }
        continue;
      }
      if (c === ',') {
        row.push(field);
        field = '';
        i++;
        continue;
      }
      if (c === '\r' && text[i + 1] === '\n') {
        i++;
        continue;
      }
      if (c === '\n') {
        row.push(field);
        i++;
        line++;
        break;
      }
      field += c;
      i++;
    }
    rows.push(row);
    lines.push(startLine);
  }
  return { rows, lines, comments, headerLine: lines[0] ?? 1 };
}

/**
 * Parses CSV text into rows and checks the shape: a header, then rows with exactly as many fields. A short
 * (truncated) or long row is DPR-002 with file, line and the first missing/extra column.
 */
export function parseCsv(text: string, file: string): ParsedCsv {
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;

  if (text.indexOf('"', pos) >= 0) {
    const q = splitQuoted(text, file, pos);
    const headerRow = q.rows[0];
    if (!headerRow) throw csvError(file, 1, 1, 'no header row', 'a header line', 'empty file');
    const rows = q.rows.slice(1);
    const lines = Int32Array.from(q.lines.slice(1));
    rows.forEach((r, k) => {
      if (r.length !== headerRow.length) {
        throw csvError(file, lines[k]!, Math.min(r.length, headerRow.length) + 1, r.length < headerRow.length ? 'short row' : 'too many fields', `${headerRow.length} fields`, `${r.length} fields`);
      }
    });
    return new ParsedCsv({ file, header: headerRow.map((h) => h.trim()), headerLine: q.headerLine, text: '', starts: new Int32Array(0), ends: new Int32Array(0), lines, quoted: rows, commentLines: q.comments });
  }

  let header: string[] | null = null;
  let headerLine = 0;
  let nFields = 0;
  let comments = 0;
  const starts = new IntBuf();
  const ends = new IntBuf();
  const lines = new IntBuf();
  let line = 0;
  while (pos < n) {
    line++;
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    if (end === pos) {
      pos = nl + 1;
      continue; // blank line
    }
    if (text.charCodeAt(pos) === 35 /* # */) {
      comments++;
      pos = nl + 1;
      continue;
    }
    if (header === null) {
      header = text.slice(pos, end).split(',').map((h) => h.trim());
      headerLine = line;
      nFields = header.length;
      if (nFields < 2 || header.every((h) => h.length === 0)) {
        throw csvError(file, line, 1, 'bad header', 'a comma-separated header with at least two columns', show(text.slice(pos, end)));
      }
      pos = nl + 1;
      continue;
    }
    // count fields without allocating
    let count = 1;
    let c = text.indexOf(',', pos);
    while (c >= 0 && c < end) {
      count++;
      c = text.indexOf(',', c + 1);
    }
    if (count !== nFields) {
      throw csvError(file, line, Math.min(count, nFields) + 1, count < nFields ? 'short row (truncated?)' : 'too many fields', `${nFields} fields`, `${count} fields`);
    }
    starts.push(pos);
    ends.push(end);
    lines.push(line);
    pos = nl + 1;
  }
  if (header === null) throw csvError(file, 1, 1, 'no header row', 'a header line', 'empty file');
  return new ParsedCsv({ file, header, headerLine, text, starts: starts.done(), ends: ends.done(), lines: lines.done(), quoted: null, commentLines: comments });
}

/**
 * Every value of `column` (already read into `values`) within [min, max], else DPR-005 naming the file, line and
 * column of the first one outside, the bound's config key (`bound`) and the value found. NaN is outside.
 */
export function checkWithin(csv: ParsedCsv, column: string, values: Float64Array, min: number, max: number, what: string, bound: string): void {
  for (let r = 0; r < values.length; r++) {
    const v = values[r] as number;
    if (v >= min && v <= max) continue;
    const line = csv.lineOf(r);
    throw new BasisError('DPR-005', `${csv.file}:${line}: implausible ${what}`, {
      problems: [{ code: 'DPR-005', message: `implausible ${what}`, file: csv.file, line, column: csv.columnIndex(column) + 1, expected: `${min} … ${max} (${bound})`, received: String(v) }],
    });
  }
}
