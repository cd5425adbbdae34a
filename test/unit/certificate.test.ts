import { describe, expect, it } from 'vitest';
import {
  certificateNumberProblem,
  certificateNumberSchema,
  composeCertificateNumber,
  maskHolderName,
  normaliseCertificateNumber,
  parseCertificateNumber,
  quarterOf,
  quarterSpan,
  sameHolderName,
} from '../../domain/certificate';

/** Certificate numbers (province, year, level, sequence, ISO 7064 MOD 11-2 check character), holder names and quarters. */
const sample = [
  { provinceCode: '44', year: 2026, level: 3, sequence: 1 },
  { provinceCode: '35', year: 2027, level: 1, sequence: 12_345_678 },
  { provinceCode: '11', year: 2026, level: 5, sequence: 99_999_999 },
  { provinceCode: '65', year: 2019, level: 2, sequence: 4_070 },
];

describe('certificate numbers', () => {
  it('compose to 16 characters that parse back and pass their check', () => {
    for (const parts of sample) {
      const number = composeCertificateNumber(parts);
      expect(number).toMatch(/^\d{15}[\dX]$/);
      expect(parseCertificateNumber(number)).toEqual(parts);
      expect(certificateNumberProblem(number)).toBeNull();
    }
    expect(composeCertificateNumber(sample[0])).toBe(`4420263${'00000001'}${composeCertificateNumber(sample[0])[15]}`);
    expect(() => composeCertificateNumber({ ...sample[0], sequence: 0 })).toThrow(RangeError);
    expect(() => composeCertificateNumber({ ...sample[0], sequence: 100_000_000 })).toThrow(RangeError);
    expect(() => composeCertificateNumber({ ...sample[0], provinceCode: '440' })).toThrow(RangeError);
  });

  it('refuse every single wrong character and every swap of two different neighbours', () => {
    for (const parts of sample) {
      const number = composeCertificateNumber(parts);
      for (let i = 0; i < number.length; i++) {
        const alphabet = i === 15 ? '0123456789X' : '0123456789';
        for (const c of alphabet) {
          if (c === number[i]) continue;
          const typed = number.slice(0, i) + c + number.slice(i + 1);
          // A wrong level digit (0 or 6..9) is no number at all; every other change breaks the check.
          expect(certificateNumberProblem(typed), typed).toBe(i === 6 && !/[1-5]/.test(c) ? 'format' : 'check_character');
        }
      }
      for (let i = 0; i < number.length - 1; i++) {
        if (number[i] === number[i + 1]) continue;
        const swapped = number.slice(0, i) + number[i + 1] + number[i] + number.slice(i + 2);
        expect(certificateNumberProblem(swapped), swapped).not.toBeNull();
      }
    }
  });

  it('take numbers as people type them, and name the problem of a bad one', () => {
    const number = composeCertificateNumber(sample[1]);
    const typed = `${number.slice(0, 2)} ${number.slice(2, 7)}-${number.slice(7)}`.toLowerCase();
    expect(normaliseCertificateNumber(typed)).toBe(number);
    expect(certificateNumberSchema.parse(typed)).toBe(number);
    expect(certificateNumberProblem('44202631234')).toBe('format');
    expect(certificateNumberProblem('CERT-2026-0001')).toBe('format');
    const bad = certificateNumberSchema.safeParse(`${number.slice(0, 15)}${number[15] === '0' ? '1' : '0'}`);
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ code: 'custom', params: { code: 'check_character' } });
  });
});

describe('holder names', () => {
  it('are masked for the public, first and last characters kept', () => {
    expect(maskHolderName('张三明')).toBe('张*明');
    expect(maskHolderName('欧阳娜娜')).toBe('欧**娜');
    expect(maskHolderName('李四')).toBe('李*');
    expect(maskHolderName('王')).toBe('王');
    expect(maskHolderName(' 张三明 ')).toBe('张*明');
  });

  it('compare without spaces and in composed form', () => {
    expect(sameHolderName('张 三明', '张三明')).toBe(true);
    expect(sameHolderName('Zoe\u0301', 'Zoé')).toBe(true);
    expect(sameHolderName('张三明', '张三')).toBe(false);
  });
});

describe('quarters', () => {
  it('are of the day in China (UTC+8)', () => {
    expect(quarterOf('2026-03-31T15:59:59.999Z')).toBe('2026Q1');
    expect(quarterOf('2026-03-31T16:00:00.000Z')).toBe('2026Q2');
    expect(quarterOf('2026-12-31T16:00:00.000Z')).toBe('2027Q1');
    expect(quarterOf('2026-10-01T00:00:00+08:00')).toBe('2026Q4');
  });

  it('span from the first midnight in China to the next quarter’s', () => {
    expect(quarterSpan('2026Q2')).toEqual({ from: '2026-03-31T16:00:00.000Z', before: '2026-06-30T16:00:00.000Z' });
    expect(quarterSpan('2026Q4')).toEqual({ from: '2026-09-30T16:00:00.000Z', before: '2026-12-31T16:00:00.000Z' });
    const { from, before } = quarterSpan('2027Q1');
    expect(quarterOf(from)).toBe('2027Q1');
    expect(quarterOf(Date.parse(before) - 1)).toBe('2027Q1');
    expect(quarterOf(before)).toBe('2027Q2');
  });
});
