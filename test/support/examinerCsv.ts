import { quoteCell } from '../../domain/csv';
import { IMPORT_COLUMNS } from '../../domain/examinerImport';
import type { ApiResponse, Harness } from './harness';

/** Rows for the examiner bulk import (CSV), generated or written by hand in tests. */

export type ExaminerCsvRow = Record<(typeof IMPORT_COLUMNS)[number], string>;

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** A well-formed 18-character resident identity number (GB 11643 check character, so some end in X). */
export function nationalId(n: number, region = '440106'): string {
  const birth = new Date(Date.UTC(1960, 0, 1) + (n % 12_000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const body = `${region}${birth}${String(n % 1000).padStart(3, '0')}`;
  const sum = [...body].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0);
  return body + CHECK[sum % 11];
}

/** One valid row; `prefix` keeps examiner ids and card numbers of different imports apart. */
export function examinerRow(n: number, prefix: string, overrides: Partial<ExaminerCsvRow> = {}): ExaminerCsvRow {
  return {
    examiner_id: `${prefix}-${n}`,
    name: `Examiner ${prefix} ${n}`,
    email: `examiner.${prefix.toLowerCase()}.${n}@stations.example`,
    organisation: `Foshan Technician College ${n % 7}`,
    national_id: nationalId(n),
    occupation_code: ['4-04-05-01', '6-18-01-01', '6-31-01-03'][n % 3],
    level: String((n % 5) + 1),
    card_number: `KP-${prefix}-${String(n).padStart(6, '0')}`,
    issued_on: '2025-03-01',
    expires_on: `${2028 + (n % 3)}-0${(n % 9) + 1}-15`,
    region_code: '440600',
    ...overrides,
  };
}

/** A cell as sent: quoted, never neutralised (the import must read back what a person typed). */
export const csvCell = quoteCell;

/** A CSV file: the header (all columns unless given) and one line per row. */
export function toCsv(rows: Array<Partial<ExaminerCsvRow>>, columns: readonly string[] = IMPORT_COLUMNS): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell((row as Record<string, string | undefined>)[c] ?? '')).join(','));
  return `${lines.join('\n')}\n`;
}

/** `count` valid rows with distinct examiner ids, national ids and card numbers. */
export function generateExaminerCsv(count: number, prefix: string): { csv: string; rows: ExaminerCsvRow[] } {
  const rows = Array.from({ length: count }, (_, i) => examinerRow(i + 1, prefix));
  return { csv: toCsv(rows), rows };
}

/** Posts a CSV to the import as a demo user (h.api sends JSON only); the answer's text is kept to measure it. */
export async function postExaminerCsv(h: Harness, csv: string, as: string, headers: Record<string, string> = {}): Promise<ApiResponse & { text: string }> {
  const res = await fetch(`${h.baseUrl}/v1/examiners/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await h.token(as)}`, 'content-type': 'text/csv', ...headers },
    body: csv,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers, text };
}
