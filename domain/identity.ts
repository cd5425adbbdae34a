import { z } from 'zod';
import { iso7064Mod112 } from './checkCharacter';

/**
 * Resident identity numbers (居民身份证号码, GB 11643-1999): the six-digit division code of where it was issued
 * (GB/T 2260), the date of birth (YYYYMMDD), a three-digit sequence and an ISO 7064 MOD 11-2 check character.
 */

export type IdentityProblem = 'format' | 'region' | 'birth_date' | 'check_digit';

export const IDENTITY_PROBLEMS: Readonly<Record<IdentityProblem, { zh: string; en: string }>> = {
  format: { zh: '身份证号码应为17位数字加1位数字或X', en: 'must be 17 digits followed by a digit or X' },
  region: { zh: '身份证号码前6位不是有效的行政区划代码', en: 'the first six digits are not an administrative division code' },
  birth_date: { zh: '身份证号码中的出生日期无效', en: 'the date of birth (digits 7-14) is not a real date from 1900 to today' },
  check_digit: { zh: '身份证号码校验码不符', en: 'the check character does not match the other digits' },
};

/** The province-level codes of GB/T 2260 (the first two digits of every division code). */
const PROVINCES = new Set('11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82'.split(' '));
const EARLIEST_BIRTH = '1900-01-01';

/** As people type it: surrounding space dropped, a lower-case x made the upper-case check character. */
export function normaliseIdentityNumber(v: string): string {
  return v.trim().toUpperCase();
}

/** YYYYMMDD as an ISO date when it is one of the calendar, else null. */
function calendarDate(yyyymmdd: string): string | null {
  const [year, month, day] = [yyyymmdd.slice(0, 4), yyyymmdd.slice(4, 6), yyyymmdd.slice(6, 8)].map(Number);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days ? `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}` : null;
}

/** Every problem of a number; `latest` bounds the date of birth (none for the schema, which has no clock). */
function problemsOf(v: string, latest: string | undefined): IdentityProblem[] {
  const n = normaliseIdentityNumber(v);
  if (!/^\d{17}[\dX]$/.test(n)) return ['format'];
  const problems: IdentityProblem[] = [];
  if (!PROVINCES.has(n.slice(0, 2))) problems.push('region');
  const birth = calendarDate(n.slice(6, 14));
  if (birth === null || birth < EARLIEST_BIRTH || (latest !== undefined && birth > latest)) problems.push('birth_date');
  if (iso7064Mod112(n.slice(0, 17)) !== n[17]) problems.push('check_digit');
  return problems;
}

/**
 * Every problem of a number (normalised first), in the order of its parts; a malformed one has only `format`.
 * `today` (an ISO date) is the latest date of birth allowed.
 */
export function identityNumberProblems(v: string, today: string): IdentityProblem[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new RangeError(`today must be an ISO date, not ${today}`);
  return problemsOf(v, today);
}

/** The first problem of a number (normalised first), or null for a valid one. */
export function identityNumberProblem(v: string, today: string): IdentityProblem | null {
  return identityNumberProblems(v, today)[0] ?? null;
}

/**
 * Shown to everyone not entitled to the number: its first four and last four characters (`4406**********123X`).
 * A value of another length is starred whole, since its ends could overlap and show it all.
 */
export function maskIdentityNumber(v: string): string {
  const n = normaliseIdentityNumber(v);
  return n.length === 18 ? `${n.slice(0, 4)}${'*'.repeat(10)}${n.slice(14)}` : '*'.repeat(18);
}

/**
 * A number as the API takes it: normalised, each problem an issue coded by its problem. Parsing has no clock, so a
 * date of birth after today passes here; `identityNumberProblems` with the day refuses it.
 */
export const identityNumberSchema = z
  .string()
  .trim()
  .toUpperCase()
  .superRefine((v, ctx) => {
    for (const problem of problemsOf(v, undefined)) {
      const label = IDENTITY_PROBLEMS[problem];
      ctx.addIssue({ code: 'custom', message: `${label.zh}（${label.en}）`, params: { code: problem } });
    }
  });
