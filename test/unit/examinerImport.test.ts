import { describe, expect, it } from 'vitest';
import {
  IMPORT_COLUMNS,
  MAX_IMPORT_ROWS,
  countByReason,
  coversImport,
  importScope,
  validateImport,
  type ImportContext,
  type KnownPerson,
  type RejectedRow,
} from '../../domain/examinerImport';
import { splitCsvLine } from '../../domain/csv';
import { csvCell, examinerRow, generateExaminerCsv, nationalId, toCsv, type ExaminerCsvRow } from '../support/examinerCsv';

const HEADER = IMPORT_COLUMNS.join(',');
const line = (row: ExaminerCsvRow) => IMPORT_COLUMNS.map((c) => csvCell(row[c])).join(',');
const good = (n: number, overrides: Partial<ExaminerCsvRow> = {}) => examinerRow(n, 'U', overrides);
/** The registers as an import sees them: empty unless given, judged for a national importer. */
const registers = (given: Partial<ImportContext> = {}): ImportContext => ({
  existingCards: new Set(),
  existingPairs: new Set(),
  known: new Map(),
  scope: importScope(['CN'], []),
  ...given,
});
const none = registers();
const brief = (rows: RejectedRow[]) => rows.map(({ line, reasons, errors }) => ({ line, reasons, errors }));

/** The errors of the one rejected row, which must be the file's line `at`. */
function rejectedAt(csv: string, at: number, existing = none): string[] {
  const result = validateImport(csv, existing);
  expect(result.error).toBeUndefined();
  const found = result.rejected.find((r) => r.line === at);
  expect(found, `line ${at} in ${JSON.stringify(result.rejected)}`).toBeDefined();
  return found!.errors;
}

describe('splitCsvLine', () => {
  it('splits plain cells and trims them', () => {
    expect(splitCsvLine('a,b , c,,')).toEqual(['a', 'b', 'c', '', '']);
    expect(splitCsvLine('')).toEqual(['']);
  });

  it('keeps commas inside quotes and unescapes doubled quotes', () => {
    expect(splitCsvLine('"Wang, Jun",x')).toEqual(['Wang, Jun', 'x']);
    expect(splitCsvLine('1,"He said ""yes"", then left",3')).toEqual(['1', 'He said "yes", then left', '3']);
    expect(splitCsvLine('""""')).toEqual(['"']);
    expect(splitCsvLine('"",""')).toEqual(['', '']);
    expect(splitCsvLine('a,"b,c,d"')).toEqual(['a', 'b,c,d']);
  });

  it('reads back what the test generator quotes', () => {
    const cells = ['plain', 'with, comma', 'with "quote"', ' padded ', ''];
    expect(splitCsvLine(cells.map(csvCell).join(','))).toEqual(['plain', 'with, comma', 'with "quote"', 'padded', '']);
  });
});

describe('validateImport', () => {
  it('names each column the header lacks', () => {
    const noEmail = IMPORT_COLUMNS.filter((c) => c !== 'email');
    const result = validateImport(toCsv([good(1)], noEmail), none);
    expect(result.error).toBe('the header lacks email');
    expect(result.valid).toEqual([]);
    expect(result.rejected).toEqual([]);

    const two = validateImport(
      toCsv(
        [good(1)],
        IMPORT_COLUMNS.filter((c) => c !== 'card_number' && c !== 'expires_on'),
      ),
      none,
    );
    expect(two.error).toContain('card_number');
    expect(two.error).toContain('expires_on');
    expect(validateImport('', none).error).toContain('examiner_id');
    // Rows without a header: the first row is read as the header.
    expect(validateImport(`${line(good(1))}\n${line(good(2))}\n`, none).error).toMatch(/^the header lacks examiner_id, name/);
  });

  it('passes good rows with their 1-based line numbers (the header is line 1), typed', () => {
    const rows = [good(1), good(2), good(3)];
    const result = validateImport(toCsv(rows), none);
    expect(result.error).toBeUndefined();
    expect(result.rejected).toEqual([]);
    expect(result.valid.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(result.valid[0]).toMatchObject({
      examiner_id: 'U-1',
      card_number: rows[0].card_number,
      national_id: rows[0].national_id,
      level: Number(rows[0].level),
    });
    expect(typeof result.valid[0].level).toBe('number');
  });

  it('reads columns by name, in any order, ignoring extra ones', () => {
    const columns: string[] = [...[...IMPORT_COLUMNS].reverse(), 'remarks'];
    const result = validateImport(toCsv([{ ...good(1), remarks: 'x' } as ExaminerCsvRow], columns), none);
    expect(result.rejected).toEqual([]);
    expect(result.valid).toHaveLength(1);
    expect(result.valid[0]).toMatchObject({ examiner_id: 'U-1', expires_on: good(1).expires_on });
  });

  it('ignores blank lines but counts them in line numbers; tolerates a UTF-8 BOM and CRLF', () => {
    const csv = `\uFEFF${HEADER}\r\n\r\n${line(good(1))}\r\n   \r\n${line(good(2))}\r\n\r\n`;
    const result = validateImport(csv, none);
    expect(result.error).toBeUndefined();
    expect(result.rejected).toEqual([]);
    expect(result.valid.map((r) => [r.examiner_id, r.line])).toEqual([
      ['U-1', 3],
      ['U-2', 5],
    ]);
  });

  it('takes quoted cells with commas and quotes', () => {
    const row = good(1, { name: 'Wang "Junior", Jun', organisation: 'Foshan, Technician College' });
    const result = validateImport(`${HEADER}\n${line(row)}\n`, none);
    expect(result.rejected).toEqual([]);
    expect(result.valid[0]).toMatchObject({ name: 'Wang "Junior", Jun', organisation: 'Foshan, Technician College' });
  });

  it('accepts national ids ending in X and in a digit, and refuses malformed ones naming national_id', () => {
    const ids = Array.from({ length: 40 }, (_, i) => nationalId(i));
    expect(ids.some((id) => id.endsWith('X'))).toBe(true);
    expect(ids.every((id) => /^\d{17}[\dX]$/.test(id))).toBe(true);
    const csv = toCsv([
      good(1, { national_id: ids.find((id) => id.endsWith('X'))! }),
      good(2, { national_id: '44010619800101123' }), // 17 characters
      good(3, { national_id: '44010619800101123x' }), // lower-case x
      good(4, { national_id: '4401061980010112X4' }), // X not last
    ]);
    const result = validateImport(csv, none);
    expect(result.valid.map((r) => r.line)).toEqual([2]);
    expect(result.rejected.map((r) => r.line)).toEqual([3, 4, 5]);
    for (const r of result.rejected) expect(r.errors).toEqual([expect.stringMatching(/^national_id: /)]);
  });

  it.each<[string, Partial<ExaminerCsvRow>, string]>([
    ['a bad email', { email: 'not-an-email' }, 'email'],
    ['an email without a domain', { email: 'x@' }, 'email'],
    ['level 7', { level: '7' }, 'level'],
    ['level 0', { level: '0' }, 'level'],
    ['a fractional level', { level: '2.5' }, 'level'],
    ['a non-numeric level', { level: 'senior' }, 'level'],
    ['a malformed occupation code', { occupation_code: '4-4-05-01' }, 'occupation_code'],
    ['an occupation code without dashes', { occupation_code: '4040501' }, 'occupation_code'],
    ['expires_on before issued_on', { issued_on: '2028-06-01', expires_on: '2027-06-01' }, 'expires_on'],
    ['expires_on equal to issued_on', { issued_on: '2028-06-01', expires_on: '2028-06-01' }, 'expires_on'],
    ['an impossible date', { issued_on: '2025-02-30' }, 'issued_on'],
    ['a month 13', { expires_on: '2028-13-01' }, 'expires_on'],
    ['a date not in ISO form', { issued_on: '01/03/2025' }, 'issued_on'],
    ['a bad examiner id', { examiner_id: 'has space' }, 'examiner_id'],
    ['an empty name', { name: '' }, 'name'],
    ['a one-letter organisation', { organisation: 'X' }, 'organisation'],
    ['a short card number', { card_number: 'KP' }, 'card_number'],
  ])('rejects a row with %s, naming the field', (_what, overrides, field) => {
    const csv = toCsv([good(1), good(2, overrides), good(3)]);
    const result = validateImport(csv, none);
    expect(result.valid.map((r) => r.line)).toEqual([2, 4]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0].line).toBe(3);
    expect(result.rejected[0].errors.length).toBeGreaterThan(0);
    expect(
      result.rejected[0].errors.every((e) => e.startsWith(`${field}: `)),
      JSON.stringify(result.rejected[0].errors),
    ).toBe(true);
  });

  it('rejects a row with too few cells, naming the missing fields', () => {
    const cells = line(good(2)).split(',').slice(0, 7); // up to level
    const errors = rejectedAt(`${HEADER}\n${line(good(1))}\n${cells.join(',')}\n`, 3);
    const fields = errors.map((e) => e.split(':')[0]);
    expect(fields).toEqual(expect.arrayContaining(['card_number', 'issued_on', 'expires_on']));
    expect(fields).not.toContain('examiner_id');
  });

  it('rejects a row with too many cells', () => {
    const errors = rejectedAt(`${HEADER}\n${line(good(1))},surplus\n`, 2);
    expect(errors).toEqual([`row: ${IMPORT_COLUMNS.length + 1} cells for ${IMPORT_COLUMNS.length} columns`]);
  });

  it('lists every bad field of a row', () => {
    const errors = rejectedAt(toCsv([good(1, { email: 'nope', level: '9', national_id: '123' })]), 2);
    expect(errors.map((e) => e.split(':')[0]).sort()).toEqual(['email', 'level', 'national_id']);
  });

  it('rejects a card number repeated in the file, keeping its first row', () => {
    const csv = toCsv([good(1), good(2, { card_number: good(1).card_number }), good(3)]);
    const result = validateImport(csv, none);
    expect(result.valid.map((r) => r.line)).toEqual([2, 4]);
    expect(brief(result.rejected)).toEqual([
      { line: 3, reasons: ['card repeated in file'], errors: [`card_number: ${good(1).card_number} repeats in the file`] },
    ]);
  });

  it('rejects the same examiner and occupation twice, but takes the same examiner in another occupation', () => {
    const first = good(1, { occupation_code: '4-04-05-01' });
    const csv = toCsv([
      first,
      good(2, { examiner_id: first.examiner_id, name: first.name, national_id: first.national_id, email: first.email, occupation_code: '4-04-05-01' }),
      good(3, { examiner_id: first.examiner_id, name: first.name, national_id: first.national_id, email: first.email, occupation_code: '6-18-01-01' }),
    ]);
    const result = validateImport(csv, none);
    expect(result.valid.map((r) => [r.line, r.examiner_id, r.occupation_code])).toEqual([
      [2, 'U-1', '4-04-05-01'],
      [4, 'U-1', '6-18-01-01'],
    ]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0].line).toBe(3);
    expect(result.rejected[0].errors).toEqual([expect.stringMatching(/^examiner_id: U-1 already has 4-04-05-01/)]);
  });

  it('rejects one examiner described with two identities, and a qualification already live', () => {
    const first = good(1);
    const csv = toCsv([first, good(2, { examiner_id: first.examiner_id, occupation_code: '4-99-01-01' }), good(3)]);
    const result = validateImport(csv, registers({ existingPairs: new Set([`${good(3).examiner_id}/${good(3).occupation_code}`]) }));
    expect(result.valid.map((r) => r.line)).toEqual([2]);
    expect(brief(result.rejected)).toEqual([
      {
        line: 3,
        reasons: ['identity conflict in file'],
        errors: [`examiner_id: ${first.examiner_id} appears earlier with another name, national id, email or region`],
      },
      { line: 4, reasons: ['qualification already held'], errors: [`examiner_id: ${good(3).examiner_id} already has ${good(3).occupation_code}`] },
    ]);
  });

  it('rejects a card number already issued', () => {
    const csv = toCsv([good(1), good(2)]);
    const result = validateImport(csv, registers({ existingCards: new Set([good(2).card_number]) }));
    expect(result.valid.map((r) => r.line)).toEqual([2]);
    expect(brief(result.rejected)).toEqual([{ line: 3, reasons: ['card already issued'], errors: [`card_number: ${good(2).card_number} is already issued`] }]);
  });

  it('does not let a rejected row block a later row with its card number', () => {
    // The first row is bad (email), so its card number is not taken: the second row with it passes.
    const csv = toCsv([good(1, { email: 'bad' }), good(2, { card_number: good(1).card_number })]);
    const result = validateImport(csv, none);
    expect(result.rejected.map((r) => r.line)).toEqual([2]);
    expect(result.valid.map((r) => [r.line, r.card_number])).toEqual([[3, good(1).card_number]]);
  });

  it('validates a generated file of 5,000 rows as all good, quickly', () => {
    const { csv, rows } = generateExaminerCsv(5000, 'G');
    expect(new Set(rows.map((r) => r.card_number)).size).toBe(5000);
    expect(new Set(rows.map((r) => r.national_id)).size).toBe(5000);
    expect(rows.some((r) => r.national_id.endsWith('X'))).toBe(true);
    const started = performance.now();
    const result = validateImport(csv, none);
    const ms = performance.now() - started;
    expect(result.rejected).toEqual([]);
    expect(result.valid).toHaveLength(5000);
    expect(result.valid.at(-1)!.line).toBe(5001);
    expect(ms).toBeLessThan(5000);
  });
});

describe("judging rows against the registers and the importer's jurisdiction", () => {
  const XIAMEN = importScope(['350200'], []);
  const MACHINERY = importScope(['IND:machinery'], [{ jurisdiction: 'IND:machinery', prefix: '6-18' }]);
  const known = (id: string, person: Partial<KnownPerson> = {}) =>
    new Map([[id, { nationalId: nationalId(1), status: 'active', registeredWithin: true, ...person }]]);

  it('rejects a row naming a known examiner with another national id as an identity mismatch, and a user with no national id on record', () => {
    const csv = toCsv([good(1, { national_id: nationalId(2) }), good(3)]);
    const result = validateImport(csv, registers({ known: new Map([...known('U-1'), ['U-3', { nationalId: null, status: null, registeredWithin: true }]]) }));
    expect(result.valid).toEqual([]);
    expect(brief(result.rejected)).toEqual([
      { line: 2, reasons: ['identity mismatch'], errors: ['national_id: not that of U-1 in the register'] },
      { line: 3, reasons: ['identity mismatch'], errors: ['national_id: not that of U-3 in the register'] },
    ]);
  });

  it('takes a row naming a known active examiner with their national id as a qualification only, whatever name and email it gives', () => {
    const result = validateImport(toCsv([good(1, { name: 'Someone Else', email: 'other@attacker.example' }), good(2)]), registers({ known: known('U-1') }));
    expect(result.rejected).toEqual([]);
    expect(result.valid.map((r) => [r.examiner_id, r.newExaminer])).toEqual([
      ['U-1', false],
      ['U-2', true],
    ]);
  });

  it.each(['suspended', 'revoked', 'lapsed'])('rejects a row for a known examiner who is %s: only the qualification process changes that', (status) => {
    const result = validateImport(toCsv([good(1)]), registers({ known: known('U-1', { status }) }));
    expect(brief(result.rejected)).toEqual([
      { line: 2, reasons: ['examiner not active'], errors: [`examiner_id: U-1 is ${status}; only the qualification process changes that`] },
    ]);
  });

  it("rejects rows outside the importer's region, and tells nothing else of an examiner registered elsewhere", () => {
    const csv = toCsv([
      good(1, { region_code: '350200' }),
      good(2, { region_code: '440600' }),
      // Known, registered in Foshan: neither the wrong national id nor the qualification held is told.
      good(3, { region_code: '350200', national_id: nationalId(99) }),
      good(4, { region_code: '350000' }),
    ]);
    const result = validateImport(
      csv,
      registers({ scope: XIAMEN, known: known('U-3', { registeredWithin: false }), existingPairs: new Set([`U-3/${good(3).occupation_code}`]) }),
    );
    expect(result.valid.map((r) => r.line)).toEqual([2]);
    expect(brief(result.rejected)).toEqual(
      [3, 4, 5].map((line) => ({
        line,
        reasons: ['outside jurisdiction'],
        errors: ["row: outside the importer's jurisdiction (region_code, occupation_code)"],
      })),
    );
  });

  it('lets a province cover its cities and an industry authority its occupations anywhere', () => {
    const guangdong = validateImport(
      toCsv([good(1, { region_code: '440600' }), good(2, { region_code: '440000' }), good(3, { region_code: '350200' })]),
      registers({ scope: importScope(['440000'], []) }),
    );
    expect(guangdong.valid.map((r) => r.line)).toEqual([2, 3]);
    const machinery = validateImport(
      toCsv([good(1, { occupation_code: '6-18-01-01', region_code: '350200' }), good(2, { occupation_code: '4-04-05-01' })]),
      registers({ scope: MACHINERY }),
    );
    expect(machinery.valid.map((r) => r.line)).toEqual([2]);
    expect(machinery.rejected.map((r) => [r.line, r.reasons])).toEqual([[3, ['outside jurisdiction']]]);
  });

  it('names a malformed region code', () => {
    expect(rejectedAt(toCsv([good(1, { region_code: '440601' })]), 2)).toEqual([expect.stringMatching(/^region_code: /)]);
  });

  it("counts the rejected rows by reason and keeps each row's cells, cut to a bounded length", () => {
    const csv = toCsv([good(1, { email: 'x', level: '9' }), good(2, { email: 'y' }), good(3, { name: `=${'A'.repeat(400)}` })]);
    const result = validateImport(csv, none);
    expect(countByReason(result.rejected)).toEqual({ 'invalid email': 2, 'invalid level': 1, 'invalid name': 1 });
    expect(result.rejected[0].cells).toMatchObject({ examiner_id: 'U-1', email: 'x', level: '9' });
    expect(result.rejected[2].cells.name).toBe(`=${'A'.repeat(299)}`);
  });

  it(`refuses a file of more than ${MAX_IMPORT_ROWS} rows as a whole; blank lines do not count`, () => {
    const rows = `${'x\n'.repeat(MAX_IMPORT_ROWS)}`;
    expect(validateImport(`${HEADER}\n\n\n${rows}`, none).error).toBeUndefined();
    expect(validateImport(`${HEADER}\n${rows}x\n`, none).error).toBe(`an import takes at most ${MAX_IMPORT_ROWS} rows`);
  });
});

describe('coversImport', () => {
  it('lets officials read an import made in jurisdictions they cover, and nobody one made in none', () => {
    expect(coversImport(['350200'], ['350200'])).toBe(true);
    expect(coversImport(['350000'], ['350200'])).toBe(true);
    expect(coversImport(['CN'], ['350200', 'IND:machinery'])).toBe(true);
    expect(coversImport(['350200'], ['350000'])).toBe(false);
    expect(coversImport(['440600'], ['350200'])).toBe(false);
    expect(coversImport(['350000'], ['350200', 'IND:machinery'])).toBe(false);
    expect(coversImport(['IND:machinery'], ['IND:machinery'])).toBe(true);
    expect(coversImport(['440000'], ['CN'])).toBe(false);
    expect(coversImport(['CN'], [])).toBe(false);
  });
});
