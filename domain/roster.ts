import { z } from 'zod';
import { readCsv } from './csv';
import { IDENTITY_PROBLEMS, identityNumberProblems, identityNumberSchema, maskIdentityNumber, normaliseIdentityNumber, type IdentityProblem } from './identity';
import { sessionSchema } from './programme';
import { singleLine } from './text';

/**
 * A session's real-name roster (实名制花名册): the candidates the station enters, singly or as a CSV file of which
 * every row is judged and each rejected one reported with all its reasons.
 */
export const ROSTER_COLUMNS = ['name', 'identity_number', 'occupation_code', 'level'] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

/**
 * A rejected row's cells are kept for the report up to this many characters each, cut between characters: half a
 * surrogate pair is no text, and a JSON column refuses it.
 */
const KEPT_CELL_LENGTH = 100;

const nameSchema = singleLine(1, 50);

/** One candidate as the API takes it; the session's occupation and level are judged by `rosterCandidateRejections`. */
export const rosterCandidateSchema = z.object({
  name: nameSchema,
  identityNumber: identityNumberSchema,
  occupationCode: sessionSchema.shape.occupationCode,
  level: sessionSchema.shape.level,
});
export type RosterCandidate = z.infer<typeof rosterCandidateSchema>;

export type RosterRejection =
  | 'missing_columns'
  | 'extra_columns'
  | 'name_missing'
  | 'name_too_long'
  | 'name_not_one_line'
  | `identity_${IdentityProblem}`
  | 'occupation_mismatch'
  | 'level_mismatch'
  | 'duplicate_in_file';

const identityRejection = (problem: IdentityProblem) => `identity_${problem}` as const;

export const ROSTER_REJECTIONS: Readonly<Record<RosterRejection, { zh: string; en: string }>> = {
  missing_columns: { zh: '列数不足：每行应有姓名、身份证号码、职业编码、等级四列', en: 'fewer cells than the four columns' },
  extra_columns: { zh: '列数过多：每行只应有姓名、身份证号码、职业编码、等级四列', en: 'more cells than the four columns' },
  name_missing: { zh: '姓名为空', en: 'the name is empty' },
  name_too_long: { zh: '姓名超过50个字符', en: 'the name is longer than 50 characters' },
  name_not_one_line: { zh: '姓名含换行、控制字符或文字方向控制符', en: 'the name holds a line break, a control character or a direction override' },
  identity_format: IDENTITY_PROBLEMS.format,
  identity_region: IDENTITY_PROBLEMS.region,
  identity_birth_date: IDENTITY_PROBLEMS.birth_date,
  identity_check_digit: IDENTITY_PROBLEMS.check_digit,
  occupation_mismatch: { zh: '职业（工种）不是本场次鉴定的职业', en: 'not the occupation this session appraises' },
  level_mismatch: { zh: '等级不是本场次鉴定的等级', en: 'not the level this session appraises' },
  duplicate_in_file: { zh: '该身份证号码在文件前面的行中已出现', en: 'the identity number is on an earlier line of the file' },
};

/** The session a roster is for, and the day it is judged on (an ISO date: no one on it is born later). */
export interface RosterSession {
  occupationCode: string;
  level: number;
  today: string;
}

export interface RosterRow {
  line: number;
  name: string;
  /** Normalised (`normaliseIdentityNumber`); in clear, for the caller to seal. */
  identityNumber: string;
  occupationCode: string;
  level: number;
}

export interface RejectedRosterRow {
  line: number;
  reasons: RosterRejection[];
  /** The row as sent, for the rejection report; the identity number masked, since the report is stored and shown. */
  cells: Record<RosterColumn, string>;
}

/** The name's bounds (trimmed: blank is empty) and its single line (`singleLine`'s refinement). */
const nameRejection = (code: string): RosterRejection => (code === 'too_small' ? 'name_missing' : code === 'too_big' ? 'name_too_long' : 'name_not_one_line');

/**
 * Every reason one candidate may not be on the session's roster, as the API receives it or as a file's row
 * (whose level is still text): the name, each problem of the identity number, the occupation and the level.
 */
export function rosterCandidateRejections(
  candidate: { name: string; identityNumber: string; occupationCode: string; level: number | string },
  session: RosterSession,
): RosterRejection[] {
  const name = nameSchema.safeParse(candidate.name);
  return [
    ...(name.success ? [] : name.error.issues.map((issue) => nameRejection(issue.code))),
    ...identityNumberProblems(candidate.identityNumber, session.today).map(identityRejection),
    ...(candidate.occupationCode === session.occupationCode ? [] : ['occupation_mismatch' as const]),
    ...(String(candidate.level) === String(session.level) ? [] : ['level_mismatch' as const]),
  ];
}

/**
 * Reads a roster file: a header naming ROSTER_COLUMNS in order, then one candidate a line. `error` refuses the
 * file as a whole (Chinese first); else every row is judged, and the second and later rows with one identity
 * number are rejected as repeats.
 */
export function parseRoster(csv: string, ctx: RosterSession & { maxRows: number }): { error?: string; valid: RosterRow[]; rejected: RejectedRosterRow[] } {
  const { header, rows, tooMany } = readCsv(csv, ctx.maxRows);
  if (header.length !== ROSTER_COLUMNS.length || ROSTER_COLUMNS.some((column, i) => header[i] !== column)) {
    const columns = ROSTER_COLUMNS.join(',');
    return { error: `首行应为表头 ${columns}（the first line must be the header ${columns}）`, valid: [], rejected: [] };
  }
  if (tooMany) return { error: `花名册文件最多 ${ctx.maxRows} 行考生（a roster file takes at most ${ctx.maxRows} rows）`, valid: [], rejected: [] };
  const valid: RosterRow[] = [];
  const rejected: RejectedRosterRow[] = [];
  const seen = new Set<string>();
  for (const { line, cells } of rows) {
    const [name = '', identityNumber = '', occupationCode = '', level = ''] = cells;
    const reasons: RosterRejection[] = [];
    if (cells.length < ROSTER_COLUMNS.length) reasons.push('missing_columns');
    if (cells.length > ROSTER_COLUMNS.length) reasons.push('extra_columns');
    reasons.push(...rosterCandidateRejections({ name, identityNumber, occupationCode, level }, ctx));
    // Only a well-formed number repeats a person; blank or garbled cells are reported as such.
    const normalised = normaliseIdentityNumber(identityNumber);
    if (!reasons.includes('identity_format')) {
      if (seen.has(normalised)) reasons.push('duplicate_in_file');
      seen.add(normalised);
    }
    if (reasons.length) {
      const kept = [name, maskIdentityNumber(identityNumber), occupationCode, level].map((c) => [...c].slice(0, KEPT_CELL_LENGTH).join(''));
      rejected.push({ line, reasons, cells: Object.fromEntries(ROSTER_COLUMNS.map((c, i) => [c, kept[i]])) as Record<RosterColumn, string> });
    } else valid.push({ line, name, identityNumber: normalised, occupationCode, level: ctx.level });
  }
  return { valid, rejected };
}
