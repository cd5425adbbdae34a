import { z } from 'zod';

/**
 * Bulk import of examiners (CSV): every row is validated, the valid ones are imported together and the
 * rejected ones reported with their reasons.
 */
export const IMPORT_COLUMNS = ['examiner_id', 'name', 'email', 'organisation', 'national_id', 'occupation_code', 'level', 'card_number', 'issued_on', 'expires_on'] as const;

const day = z.iso.date();
export const importRowSchema = z
  .object({
    examiner_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _'),
    name: z.string().trim().min(1).max(100),
    email: z.string().email(),
    organisation: z.string().trim().min(2).max(200),
    national_id: z.string().regex(/^\d{17}[\dX]$/, 'must be an 18-character resident identity number'),
    occupation_code: z.string().regex(/^\d-\d{2}-\d{2}-\d{2}$/, 'must be an occupation code such as 4-04-05-01'),
    level: z.coerce.number().int().min(1).max(5),
    card_number: z.string().regex(/^[A-Za-z0-9-]{4,40}$/, 'must be 4-40 letters, digits or -'),
    issued_on: day,
    expires_on: day,
  })
  .refine((r) => r.expires_on > r.issued_on, { message: 'must be after issued_on', path: ['expires_on'] });
export type ImportRow = z.infer<typeof importRowSchema>;

export interface RejectedRow {
  line: number;
  errors: string[];
}

/** Splits one CSV line (RFC 4180 quoting). */
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

/**
 * Validates a whole file: the header, each row's fields, and duplicates within the file (the same card
 * number twice, the same examiner and occupation twice, one examiner with two identities).
 * `existingCards` are card numbers already issued; `existingPairs` "examiner/occupation" qualifications already live.
 */
export function validateImport(csv: string, existingCards: Set<string>, existingPairs: Set<string> = new Set()): { valid: Array<ImportRow & { line: number }>; rejected: RejectedRow[]; headerError?: string } {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '');
  const missing = IMPORT_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) return { valid: [], rejected: [], headerError: `the header lacks ${missing.join(', ')}` };
  const valid: Array<ImportRow & { line: number }> = [];
  const rejected: RejectedRow[] = [];
  const cards = new Set<string>();
  const pairs = new Set<string>();
  const identities = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const cells = splitCsvLine(lines[i]);
    const raw = Object.fromEntries(header.map((h, j) => [h, cells[j] ?? '']));
    const parsed = importRowSchema.safeParse(raw);
    const line = i + 1;
    if (!parsed.success) {
      rejected.push({ line, errors: parsed.error.issues.map((issue) => `${issue.path.join('.') || 'row'}: ${issue.message}`) });
      continue;
    }
    const row = parsed.data;
    const errors: string[] = [];
    if (cells.length !== header.length) errors.push(`row: ${cells.length} cells for ${header.length} columns`);
    if (existingCards.has(row.card_number)) errors.push(`card_number: ${row.card_number} is already issued`);
    if (cards.has(row.card_number)) errors.push(`card_number: ${row.card_number} repeats in the file`);
    const pair = `${row.examiner_id}/${row.occupation_code}`;
    if (pairs.has(pair) || existingPairs.has(pair)) errors.push(`examiner_id: ${row.examiner_id} already has ${row.occupation_code}${existingPairs.has(pair) ? '' : ' in the file'}`);
    // One examiner, one identity: a later row may not describe them differently.
    const identity = `${row.name}|${row.national_id}|${row.email}`;
    if (identities.has(row.examiner_id) && identities.get(row.examiner_id) !== identity) errors.push(`examiner_id: ${row.examiner_id} appears earlier with another name, national id or email`);
    if (errors.length) {
      rejected.push({ line, errors });
      continue;
    }
    cards.add(row.card_number);
    pairs.add(pair);
    identities.set(row.examiner_id, identity);
    valid.push({ ...row, line });
  }
  return { valid, rejected };
}
