/**
 * CSV that people open in spreadsheets and upload from them. A cell beginning with `=`, `+`, `-` or `@` is read
 * there as a formula (a tab or CR in front hides one), so every CSV the system writes prefixes such a cell with `'`.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Quotes a cell holding a comma, a quote, a line break or surrounding space (RFC 4180). */
export function quoteCell(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A whole file: each cell neutralised and quoted, CRLF line ends, and a BOM so spreadsheets read it as UTF-8. */
export function csvFile(rows: ReadonlyArray<readonly string[]>): string {
  return `\uFEFF${rows.map((cells) => cells.map((c) => quoteCell(neutraliseCell(c))).join(',')).join('\r\n')}\r\n`;
}

/** Splits one CSV line (RFC 4180 quoting), each cell trimmed. */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

/** One record of a file read, by the line it stands on (1-based, as an editor counts, the header being line 1). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * Reading a file people upload: a BOM dropped, the first line the header, then each non-blank line's cells (a
 * record is one line: a line break inside quotes is not read). At most `maxRows` records are read, so an
 * oversized file costs no more than a full one; `tooMany` tells that it holds more.
 */
export function readCsv(csv: string, maxRows: number): { header: string[]; rows: CsvRecord[]; tooMany: boolean } {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0]);
  const rows: CsvRecord[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    if (rows.length === maxRows) return { header, rows, tooMany: true };
    rows.push({ line: i + 1, cells: splitCsvLine(lines[i]) });
  }
  return { header, rows, tooMany: false };
}
