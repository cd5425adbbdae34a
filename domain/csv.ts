/**
 * Writing CSV that people open in spreadsheets. A cell beginning with `=`, `+`, `-` or `@` is read there as a
 * formula (a tab or CR in front hides one), so every CSV the system writes prefixes such a cell with `'`.
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
