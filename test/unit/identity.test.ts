import fc from 'fast-check';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { toHttpError } from '../../api/errors';
import { parse } from '../../api/validate';
import { iso7064Mod112 } from '../../domain/checkCharacter';
import {
  IDENTITY_PROBLEMS,
  identityNumberProblem,
  identityNumberProblems,
  identityNumberSchema,
  maskIdentityNumber,
  normaliseIdentityNumber,
} from '../../domain/identity';

const TODAY = '2026-05-01';
/** A body completed with its own check character: for numbers whose other parts are under test. */
const withCheck = (body: string) => body + iso7064Mod112(body);

// GB 11643-1999's own example and numbers whose check characters were worked out by hand with its weights.
const VALID = ['11010519491231002X', '44060419850706123X', '440604198507011232', '810000199912310012', '710000200002290026'];
// GB/T 2260's province-level codes: 11-15, 21-23, 31-37, 41-46, 50-54, 61-65, 71, 81, 82.
const PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82];

/** The standard's weighted sum (weights 2^(17-i) mod 11, check = (12 - sum mod 11) mod 11), written out as GB 11643 lists it. */
function checkByWeights(body: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return '10X98765432'[sum % 11];
}

describe('iso7064Mod112', () => {
  it('gives the check characters of published identity numbers', () => {
    expect(iso7064Mod112('11010519491231002')).toBe('X');
    expect(iso7064Mod112('44052418800101001')).toBe('4');
    expect(iso7064Mod112('44060419850706123')).toBe('X');
    expect(iso7064Mod112('44060419850701123')).toBe('2');
  });

  it('agrees with the weighted sum as the standard lists it, for any 17 digits', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{17}$/), (body) => iso7064Mod112(body) === checkByWeights(body)));
  });

  it('refuses a body that is not digits', () => {
    expect(() => iso7064Mod112('')).toThrow(RangeError);
    expect(() => iso7064Mod112('1101051949123100X')).toThrow(RangeError);
  });
});

describe('identityNumberProblem', () => {
  it.each(VALID)('accepts %s', (n) => {
    expect(identityNumberProblem(n, TODAY)).toBeNull();
  });

  it('normalises first: surrounding space and a lower-case x', () => {
    expect(normaliseIdentityNumber(' 11010519491231002x\t')).toBe('11010519491231002X');
    expect(identityNumberProblem(' 11010519491231002x ', TODAY)).toBeNull();
  });

  it.each(['', '1101051949123100', '1101051949123100200', '11010519491231002Y', '1101051949123100X2', '１１010519491231002X', '110105-19491231002X'])(
    'finds %j malformed',
    (n) => {
      expect(identityNumberProblem(n, TODAY)).toBe('format');
      expect(identityNumberProblems(n, TODAY)).toEqual(['format']);
    },
  );

  it('takes exactly the province codes of GB/T 2260 as the first two digits', () => {
    for (let p = 0; p < 100; p++) {
      const n = withCheck(`${String(p).padStart(2, '0')}010619800101123`);
      expect(identityNumberProblem(n, TODAY), n).toBe(PROVINCES.includes(p) ? null : 'region');
    }
  });

  it.each([
    ['a day the calendar lacks', '19900230'],
    ['29 February of 1900, not a leap year', '19000229'],
    ['month 13', '19901301'],
    ['day 0', '19900100'],
    ['before 1900', '18991231'],
    ['the day after today', '20260502'],
  ])('refuses a date of birth on %s', (_, birth) => {
    expect(identityNumberProblem(withCheck(`440604${birth}123`), TODAY)).toBe('birth_date');
  });

  it('takes a date of birth from 1 January 1900 to today, 29 February of a leap year included', () => {
    for (const birth of ['19000101', '20000229', '20240229', '20260501']) expect(identityNumberProblem(withCheck(`440604${birth}123`), TODAY)).toBeNull();
  });

  it("refuses the standard's own example, whose holder was born in 1880, on its date alone", () => {
    expect(identityNumberProblems('440524188001010014', TODAY)).toEqual(['birth_date']);
  });

  it('refuses a wrong check character', () => {
    expect(identityNumberProblem('110105194912310020', TODAY)).toBe('check_digit');
    expect(identityNumberProblem('440604198507011233', TODAY)).toBe('check_digit');
  });

  it('lists every problem of a well-formed number in the order of its parts', () => {
    expect(identityNumberProblems('990604199002301230', TODAY)).toEqual(['region', 'birth_date', 'check_digit']);
  });

  it('refuses a day that is not an ISO date', () => {
    expect(() => identityNumberProblem(VALID[0], '2026/05/01')).toThrow(RangeError);
  });

  it('accepts any number made of a province, a date of birth up to today and its check character, and refuses it with any one character changed', () => {
    const validNumber = fc
      .record({
        province: fc.constantFrom(...PROVINCES),
        division: fc.stringMatching(/^\d{4}$/),
        birth: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date(`${TODAY}T00:00:00Z`), noInvalidDate: true }),
        sequence: fc.stringMatching(/^\d{3}$/),
      })
      .map(({ province, division, birth, sequence }) => withCheck(`${province}${division}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${sequence}`));
    fc.assert(
      fc.property(validNumber, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 0, max: 9 }), (n, at, shift) => {
        expect(identityNumberProblem(n, TODAY)).toBeNull();
        const alphabet = at === 17 ? '0123456789X' : '0123456789';
        const changed = alphabet[(alphabet.indexOf(n[at]) + 1 + (shift % (alphabet.length - 1))) % alphabet.length];
        expect(changed).not.toBe(n[at]);
        expect(identityNumberProblem(n.slice(0, at) + changed + n.slice(at + 1), TODAY)).not.toBeNull();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('maskIdentityNumber', () => {
  it('shows the first four and last four characters only', () => {
    expect(maskIdentityNumber('44060419850706123X')).toBe('4406**********123X');
    expect(maskIdentityNumber(' 44060419850706123x ')).toBe('4406**********123X');
  });

  it('stars a value of another length whole', () => {
    expect(maskIdentityNumber('4406041985')).toBe('*'.repeat(18));
    expect(maskIdentityNumber('4406041985070612345')).toBe('*'.repeat(18));
  });
});

describe('identityNumberSchema', () => {
  const body = z.strictObject({ identityNumber: identityNumberSchema });
  /** What a client reads for a refused number: each problem's code and message. */
  function refusal(identityNumber: string) {
    try {
      parse(body, { identityNumber }, { strict: true });
    } catch (error) {
      return toHttpError(error).details.map(({ field, code, message }) => ({ field, code, message }));
    }
    throw new Error('the number was accepted');
  }

  it('gives the number normalised', () => {
    expect(body.parse({ identityNumber: ' 11010519491231002x ' })).toEqual({ identityNumber: '11010519491231002X' });
  });

  it('codes each problem by its name, with the Chinese label first', () => {
    expect(refusal('1101051949')).toEqual([
      { field: 'identityNumber', code: 'format', message: `${IDENTITY_PROBLEMS.format.zh}（${IDENTITY_PROBLEMS.format.en}）` },
    ]);
    expect(refusal('110105194912310020').map((d) => d.code)).toEqual(['check_digit']);
    expect(refusal('990604199002301230').map((d) => d.code)).toEqual(['region', 'birth_date', 'check_digit']);
    expect(refusal('440524188001010014').map((d) => d.code)).toEqual(['birth_date']);
  });

  it('has no clock: a date of birth after today passes it, and is refused where the day is known', () => {
    const future = withCheck('44060420990101123');
    expect(identityNumberSchema.safeParse(future).success).toBe(true);
    expect(identityNumberProblem(future, TODAY)).toBe('birth_date');
  });

  it('labels every problem in Chinese first', () => {
    for (const label of Object.values(IDENTITY_PROBLEMS)) {
      expect(label.zh).toMatch(/\p{Script=Han}/u);
      expect(label.en).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});
