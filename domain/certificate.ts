import { z } from 'zod';
import { iso7064Mod112 } from './checkCharacter';
import { chinaDate } from './chinaTime';

/**
 * Vocational skill certificates (职业技能等级证书) and their register (证书台账).
 *
 * A number is 16 characters: the issuing province's GB/T 2260 code (2 digits), the year of issue (4), the level
 * (1, 5..1 as 初级..高级技师), a sequence within province, year and level (8), and the ISO 7064 MOD 11-2 check
 * character of those 15 digits (0-9 or X), as on resident identity cards. A typed number with one wrong digit or
 * two neighbours swapped fails its check and is refused before any lookup.
 */
export const CERTIFICATE_NUMBER_LENGTH = 16;
const SEQUENCE_DIGITS = 8;

export interface CertificateNumberParts {
  provinceCode: string;
  year: number;
  level: number;
  sequence: number;
}

export function composeCertificateNumber(p: CertificateNumberParts): string {
  if (!/^\d{2}$/.test(p.provinceCode)) throw new RangeError('a province code is two digits');
  if (!Number.isInteger(p.sequence) || p.sequence < 1 || p.sequence >= 10 ** SEQUENCE_DIGITS) throw new RangeError('sequence out of range');
  const body = `${p.provinceCode}${String(p.year).padStart(4, '0')}${p.level}${String(p.sequence).padStart(SEQUENCE_DIGITS, '0')}`;
  return `${body}${iso7064Mod112(body)}`;
}

export type CertificateNumberProblem = 'format' | 'check_character';

export const CERTIFICATE_NUMBER_PROBLEMS: Readonly<Record<CertificateNumberProblem, { zh: string; en: string }>> = {
  format: { zh: '证书编号应为16位：15位数字加1位校验码（数字或X）', en: 'a certificate number is 15 digits and a check character (a digit or X)' },
  check_character: { zh: '证书编号校验码不符，请核对是否输错', en: 'the check character does not match: the number was mistyped' },
};

/** Upper-cases and drops spaces and hyphens people type between groups. */
export function normaliseCertificateNumber(v: string): string {
  return v.replace(/[\s-]/g, '').toUpperCase();
}

export function certificateNumberProblem(v: string): CertificateNumberProblem | null {
  const n = normaliseCertificateNumber(v);
  if (!/^\d{15}[\dX]$/.test(n) || !/^[1-5]$/.test(n[6])) return 'format';
  return iso7064Mod112(n.slice(0, 15)) === n[15] ? null : 'check_character';
}

export function parseCertificateNumber(v: string): CertificateNumberParts {
  const n = normaliseCertificateNumber(v);
  return { provinceCode: n.slice(0, 2), year: Number(n.slice(2, 6)), level: Number(n[6]), sequence: Number(n.slice(7, 15)) };
}

/** A number as the API takes it: normalised, a bad one an issue coded by its problem (400 naming the field). */
export const certificateNumberSchema = z
  .string()
  .max(40)
  .transform(normaliseCertificateNumber)
  .superRefine((v, ctx) => {
    const problem = certificateNumberProblem(v);
    if (problem) {
      const label = CERTIFICATE_NUMBER_PROBLEMS[problem];
      ctx.addIssue({ code: 'custom', message: `${label.zh}（${label.en}）`, params: { code: problem } });
    }
  });

/** A route's `{number}` path parameter; built once, as zod compiles each object schema on its first use. */
export const certificateNumberParams = z.object({ number: certificateNumberSchema });

export const CERTIFICATE_STATUSES = ['valid', 'revoked', 'replaced'] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

export const CERTIFICATE_STATUS_LABELS: Readonly<Record<CertificateStatus, { zh: string; en: string }>> = {
  valid: { zh: '有效', en: 'valid' },
  revoked: { zh: '已撤销', en: 'revoked' },
  replaced: { zh: '已换发', en: 'replaced' },
};

/** Why a certificate is replaced (补发/换发): lost or damaged. */
export const REPLACEMENT_REASONS = ['lost', 'damaged'] as const;
export type ReplacementReason = (typeof REPLACEMENT_REASONS)[number];

/** The holder's name as the public sees it: the first and last characters, the rest starred (张*明, 李*). */
export function maskHolderName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

/** Names compare as people type them: without surrounding or inner spaces, in Unicode's composed form. */
export function sameHolderName(a: string, b: string): boolean {
  const n = (s: string) => s.normalize('NFC').replace(/\s+/g, '');
  return n(a) === n(b);
}

/** The quarter a day falls in, e.g. 2026Q4, for the quarterly counts of certificates and blank forms. */
export function quarterOf(at: string | number): string {
  const day = chinaDate(at);
  return `${day.slice(0, 4)}Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
}

/** A quarter's instants in China time: from its first day's midnight (inclusive) to the next quarter's (exclusive). */
export function quarterSpan(quarter: string): { from: string; before: string } {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(5));
  const start = (y: number, month: number) => `${y}-${String(month).padStart(2, '0')}-01T00:00:00+08:00`;
  const from = new Date(start(year, (q - 1) * 3 + 1)).toISOString();
  const before = new Date(q === 4 ? start(year + 1, 1) : start(year, q * 3 + 1)).toISOString();
  return { from, before };
}
