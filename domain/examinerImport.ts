import { z } from 'zod';
import { singleLine } from './text';
import { coversJurisdiction, scopeOf } from './jurisdiction';
import { readCsv } from './csv';

// The integration tests read the rejection report with it; the splitting itself is the CSV module's.
export { splitCsvLine } from './csv';

/**
 * Bulk import of examiners (CSV): every row is validated, the valid ones are imported together and the
 * rejected ones reported with their reasons. An import adds qualifications; it never rewrites a person: a row
 * naming an examiner already known must carry their national id, leaves their identity and status as they are,
 * and every row must lie in the importer's jurisdiction.
 */
export const IMPORT_COLUMNS = [
  'examiner_id',
  'name',
  'email',
  'organisation',
  'national_id',
  'occupation_code',
  'level',
  'card_number',
  'issued_on',
  'expires_on',
  'region_code',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Rows one import takes at most: every rejected one is stored for the report, so their number is bounded. */
export const MAX_IMPORT_ROWS = 50_000;
/** A rejected row's cells are kept for the report up to this length each. */
const KEPT_CELL_LENGTH = 300;

const day = z.iso.date();
export const importRowSchema = z
  .object({
    examiner_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _'),
    name: singleLine(1, 100),
    email: z.string().email(),
    organisation: singleLine(2, 200),
    national_id: z.string().regex(/^\d{17}[\dX]$/, 'must be an 18-character resident identity number'),
    occupation_code: z.string().regex(/^\d-\d{2}-\d{2}-\d{2}$/, 'must be an occupation code such as 4-04-05-01'),
    level: z.coerce.number().int().min(1).max(5),
    card_number: z.string().regex(/^[A-Za-z0-9-]{4,40}$/, 'must be 4-40 letters, digits or -'),
    issued_on: day,
    expires_on: day,
    // Where the examiner is registered: officials of that place (or of the occupation's industry) cover the row.
    region_code: z.string().regex(/^\d{4}00$/, 'must be the division code of a province or city, such as 440600'),
  })
  .refine((r) => r.expires_on > r.issued_on, { message: 'must be after issued_on', path: ['expires_on'] });
export type ImportRow = z.infer<typeof importRowSchema>;

/** The reasons a row is rejected for, counted in the answer; schema errors are `invalid <column>`. */
export const REJECTION_REASONS = {
  row: 'invalid row',
  outside: 'outside jurisdiction',
  identity: 'identity mismatch',
  notActive: 'examiner not active',
  cardIssued: 'card already issued',
  cardRepeated: 'card repeated in file',
  held: 'qualification already held',
  heldInFile: 'qualification repeated in file',
  identityInFile: 'identity conflict in file',
} as const;

export interface RejectedRow {
  line: number;
  reasons: string[];
  errors: string[];
  /** The row as sent, for the rejection report. */
  cells: Record<ImportColumn, string>;
}

export type ValidRow = ImportRow & { line: number; newExaminer: boolean };

/** A person a row names who is already known: an examiner of the register, or a user (whose national id the register lacks). */
export interface KnownPerson {
  nationalId: string | null;
  /** The examiner's status; null for a user who is no examiner. */
  status: string | null;
  /** Registered inside the importer's jurisdictions (as the register's readers are judged). */
  registeredWithin: boolean;
}

/** What the importer covers: a row's region, and its occupation through an industry authority (the nation both). */
export interface ImportScope {
  region: (code: string) => boolean;
  occupation: (code: string) => boolean;
}

export interface ImportContext {
  /** Card numbers already issued. */
  existingCards: Set<string>;
  /** "examiner/occupation" of the qualifications already live. */
  existingPairs: Set<string>;
  known: Map<string, KnownPerson>;
  scope: ImportScope;
}

export function importScope(jurisdictions: readonly string[] = [], industryOccupations: ReadonlyArray<{ jurisdiction: string; prefix: string }>): ImportScope {
  const scope = scopeOf(jurisdictions);
  const prefixes = industryOccupations.filter((i) => scope.industries.includes(i.jurisdiction)).map((i) => i.prefix);
  return {
    region: (code) => coversJurisdiction(jurisdictions, code),
    occupation: (code) => scope.national || prefixes.some((p) => code.startsWith(p)),
  };
}

/**
 * Officials acting in `codes` cover an import (and may read its report) when they cover every jurisdiction its
 * importer acted in; an import made in none is its importer's alone.
 */
export function coversImport(codes: readonly string[] = [], importedIn: readonly string[]): boolean {
  return importedIn.length > 0 && importedIn.every((c) => coversJurisdiction(codes, c));
}

interface Problem {
  reason: string;
  message: string;
}

export interface ParsedLine {
  line: number;
  cells: Record<ImportColumn, string>;
  /** The row when its fields are well formed. */
  row?: ImportRow;
  problems: Problem[];
}

/** Reads the file: the header, then each non-blank line's fields. `error` refuses the file as a whole. */
export function parseImport(csv: string): { error: string } | { lines: ParsedLine[] } {
  const { header, rows, tooMany } = readCsv(csv, MAX_IMPORT_ROWS);
  const missing = IMPORT_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) return { error: `the header lacks ${missing.join(', ')}` };
  if (tooMany) return { error: `an import takes at most ${MAX_IMPORT_ROWS} rows` };
  const lines = rows.map(({ line, cells }): ParsedLine => {
    const raw = Object.fromEntries(header.map((h, j) => [h, cells[j] ?? '']));
    const kept = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, raw[c].slice(0, KEPT_CELL_LENGTH)])) as Record<ImportColumn, string>;
    const result = importRowSchema.safeParse(raw);
    const problems = result.success
      ? cells.length === header.length
        ? []
        : [{ reason: REJECTION_REASONS.row, message: `row: ${cells.length} cells for ${header.length} columns` }]
      : result.error.issues.map((issue) => {
          const field = issue.path.length ? String(issue.path[0]) : 'row';
          return { reason: `invalid ${field}`, message: `${issue.path.join('.') || 'row'}: ${issue.message}` };
        });
    return { line, cells: kept, row: result.success ? result.data : undefined, problems };
  });
  return { lines };
}

/**
 * Judges the well-formed rows against the registers and each other: the importer's jurisdiction, the identity and
 * status of an examiner already known, card numbers already issued or repeated, the same examiner and occupation
 * twice, one examiner with two identities in the file.
 */
export function judgeImport(lines: ParsedLine[], ctx: ImportContext): { valid: ValidRow[]; rejected: RejectedRow[] } {
  const valid: ValidRow[] = [];
  const rejected: RejectedRow[] = [];
  const cards = new Set<string>();
  const pairs = new Set<string>();
  const identities = new Map<string, string>();
  const reject = ({ line, cells }: ParsedLine, problems: Problem[]) =>
    rejected.push({ line, cells, reasons: [...new Set(problems.map((p) => p.reason))], errors: problems.map((p) => p.message) });
  for (const parsed of lines) {
    const row = parsed.row;
    if (!row || parsed.problems.length) {
      reject(parsed, parsed.problems);
      continue;
    }
    const known = ctx.known.get(row.examiner_id);
    // Outside the importer's jurisdiction nothing else is told: neither whether a national id matches nor what the examiner holds.
    const inside = ctx.scope.occupation(row.occupation_code) || (ctx.scope.region(row.region_code) && (!known || known.registeredWithin));
    if (!inside) {
      reject(parsed, [{ reason: REJECTION_REASONS.outside, message: "row: outside the importer's jurisdiction (region_code, occupation_code)" }]);
      continue;
    }
    const problems: Problem[] = [];
    if (known && known.nationalId !== row.national_id)
      problems.push({ reason: REJECTION_REASONS.identity, message: `national_id: not that of ${row.examiner_id} in the register` });
    else if (known && known.status !== 'active')
      problems.push({
        reason: REJECTION_REASONS.notActive,
        message: `examiner_id: ${row.examiner_id} is ${known.status}; only the qualification process changes that`,
      });
    if (ctx.existingCards.has(row.card_number))
      problems.push({ reason: REJECTION_REASONS.cardIssued, message: `card_number: ${row.card_number} is already issued` });
    if (cards.has(row.card_number)) problems.push({ reason: REJECTION_REASONS.cardRepeated, message: `card_number: ${row.card_number} repeats in the file` });
    const pair = `${row.examiner_id}/${row.occupation_code}`;
    if (ctx.existingPairs.has(pair))
      problems.push({ reason: REJECTION_REASONS.held, message: `examiner_id: ${row.examiner_id} already has ${row.occupation_code}` });
    else if (pairs.has(pair))
      problems.push({ reason: REJECTION_REASONS.heldInFile, message: `examiner_id: ${row.examiner_id} already has ${row.occupation_code} in the file` });
    // One examiner, one identity: a later row may not describe them differently.
    const identity = `${row.name}|${row.national_id}|${row.email}|${row.region_code}`;
    if (identities.has(row.examiner_id) && identities.get(row.examiner_id) !== identity) {
      problems.push({
        reason: REJECTION_REASONS.identityInFile,
        message: `examiner_id: ${row.examiner_id} appears earlier with another name, national id, email or region`,
      });
    }
    if (problems.length) {
      reject(parsed, problems);
      continue;
    }
    cards.add(row.card_number);
    pairs.add(pair);
    identities.set(row.examiner_id, identity);
    valid.push({ ...row, line: parsed.line, newExaminer: !known });
  }
  return { valid, rejected };
}

/** A whole file at once: `error` refuses it, else the valid and the rejected rows. */
export function validateImport(csv: string, ctx: ImportContext): { valid: ValidRow[]; rejected: RejectedRow[]; error?: string } {
  const parsed = parseImport(csv);
  return 'error' in parsed ? { valid: [], rejected: [], error: parsed.error } : judgeImport(parsed.lines, ctx);
}

/** How many rows each reason rejected (a row with two reasons counts under both). */
export function countByReason(rejected: ReadonlyArray<Pick<RejectedRow, 'reasons'>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rejected) for (const reason of r.reasons) counts[reason] = (counts[reason] ?? 0) + 1;
  return counts;
}
