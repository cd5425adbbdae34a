import { describe, expect, it } from 'vitest';
import { toHttpError } from '../../api/errors';
import { parse } from '../../api/validate';
import { quoteCell } from '../../domain/csv';
import { ROSTER_COLUMNS, ROSTER_REJECTIONS, parseRoster, rosterCandidateRejections, rosterCandidateSchema, type RosterRejection } from '../../domain/roster';

const SESSION = { occupationCode: '4-04-05-01', level: 3, today: '2026-05-01' };
const CTX = { ...SESSION, maxRows: 100 };
const HEADER = ROSTER_COLUMNS.join(',');
const file = (...rows: string[][]) => [HEADER, ...rows.map((cells) => cells.map(quoteCell).join(','))].join('\r\n');

// Valid numbers (check characters worked out with GB 11643's weights).
const WANG = '11010519491231002X';
const LI = '44060419850706123X';
const ZHAO = '440604198507011232';
const CHEN = '810000199912310012';

describe('parseRoster', () => {
  it('takes a file of good rows, numbers normalised, by the line each stands on', () => {
    const result = parseRoster(`\uFEFF${HEADER}\r\n王伟,${WANG.toLowerCase()},4-04-05-01,3\r\n\r\n"Huang, Lei", ${LI} ,4-04-05-01,3\r\n`, CTX);
    expect(result).toEqual({
      valid: [
        { line: 2, name: '王伟', identityNumber: WANG, occupationCode: '4-04-05-01', level: 3 },
        { line: 4, name: 'Huang, Lei', identityNumber: LI, occupationCode: '4-04-05-01', level: 3 },
      ],
      rejected: [],
    });
  });

  it('reports every reason of every bad row, and takes the good ones beside them', () => {
    const csv = file(
      ['王伟', WANG, '4-04-05-01', '3'],
      ['', '110105194912310020', '4-04-05-01', '3'],
      ['李娜', LI, '4-04-05-01'],
      ['赵敏', ZHAO, '4-04-05-01', '3', '备注'],
      ['张'.repeat(51), CHEN, '6-18-01-01', '2'],
      ['王伟', WANG.toLowerCase(), '4-04-05-01', '3'],
      ['刘\u202E洋', '990604199002301230', '4-04-05-01', '3'],
      ['孙丽', 'abc', '4-04-05-01', 'three'],
      ['周杰', '440604209901011231', '4-04-05-01', '3'],
      ['吴芳', ` ${WANG} `, '4-04-05-01', '3'],
    );
    const result = parseRoster(csv, CTX);
    expect(result.error).toBeUndefined();
    expect(result.valid.map((r) => r.line)).toEqual([2]);
    expect(result.rejected.map(({ line, reasons }) => ({ line, reasons }))).toEqual([
      { line: 3, reasons: ['name_missing', 'identity_check_digit'] },
      { line: 4, reasons: ['missing_columns', 'level_mismatch'] },
      { line: 5, reasons: ['extra_columns'] },
      { line: 6, reasons: ['name_too_long', 'occupation_mismatch', 'level_mismatch'] },
      { line: 7, reasons: ['duplicate_in_file'] },
      { line: 8, reasons: ['name_not_one_line', 'identity_region', 'identity_birth_date', 'identity_check_digit'] },
      { line: 9, reasons: ['identity_format', 'level_mismatch'] },
      { line: 10, reasons: ['identity_birth_date'] },
      { line: 11, reasons: ['duplicate_in_file'] },
    ]);
  });

  it('reports a number repeated after a rejected first row, and not blank or garbled cells as repeats', () => {
    const result = parseRoster(
      file(['王伟', WANG, '6-18-01-01', '3'], ['王伟', WANG, '4-04-05-01', '3'], ['李娜', '', '4-04-05-01', '3'], ['赵敏', '', '4-04-05-01', '3']),
      CTX,
    );
    expect(result.valid).toEqual([]);
    expect(result.rejected.map((r) => r.reasons)).toEqual([['occupation_mismatch'], ['duplicate_in_file'], ['identity_format'], ['identity_format']]);
  });

  it('keeps a rejected row for the report with its identity number masked and long cells cut', () => {
    const [row] = parseRoster(file(['张'.repeat(200), LI, '6-18-01-01', '3']), CTX).rejected;
    expect(row.cells).toEqual({ name: '张'.repeat(100), identity_number: '4406**********123X', occupation_code: '6-18-01-01', level: '3' });
    const [rare] = parseRoster(file([`张${'𠮷'.repeat(100)}`, LI, '4-04-05-01', '3']), CTX).rejected;
    expect(rare.cells.name).toBe(`张${'𠮷'.repeat(99)}`);
    const [garbled] = parseRoster(file(['张三', '4406041985', '4-04-05-01', '3']), CTX).rejected;
    expect(garbled.cells.identity_number).toBe('*'.repeat(18));
  });

  it.each([
    ['an empty file', ''],
    ['a first line of data', `王伟,${WANG},4-04-05-01,3`],
    ['the columns in another order', 'identity_number,name,occupation_code,level'],
    ['a column lacking', 'name,identity_number,occupation_code'],
    ['a column more', `${HEADER},remark`],
    ['Chinese column names', '姓名,身份证号码,职业编码,等级'],
  ])('refuses a file whose header is %s', (_, header) => {
    const result = parseRoster(`${header}\r\n王伟,${WANG},4-04-05-01,3\r\n`, CTX);
    expect(result).toEqual({ error: expect.stringContaining(HEADER), valid: [], rejected: [] });
    expect(result.error).toMatch(/^首行应为表头/);
  });

  it('takes at most maxRows rows, blank lines not counted', () => {
    const rows = [
      ['王伟', WANG, '4-04-05-01', '3'],
      ['李娜', LI, '4-04-05-01', '3'],
    ];
    expect(parseRoster(`${file(...rows)}\r\n\r\n`, { ...CTX, maxRows: 2 }).valid).toHaveLength(2);
    const over = parseRoster(file(...rows, ['赵敏', ZHAO, '4-04-05-01', '3']), { ...CTX, maxRows: 2 });
    expect(over).toEqual({ error: expect.stringMatching(/^花名册文件最多 2 行/), valid: [], rejected: [] });
  });

  it('labels every reason in Chinese first', () => {
    for (const label of Object.values(ROSTER_REJECTIONS)) {
      expect(label.zh).toMatch(/\p{Script=Han}/u);
      expect(label.en).toMatch(/^[\x20-\x7e]+$/);
    }
  });
});

describe('one candidate through the API', () => {
  const candidate = { name: '王伟', identityNumber: WANG, occupationCode: '4-04-05-01', level: 3 };
  function refusal(body: unknown) {
    try {
      parse(rosterCandidateSchema, body, { strict: true });
    } catch (error) {
      return toHttpError(error).details.map(({ field, code }) => [field, code]);
    }
    throw new Error('the candidate was accepted');
  }

  it('takes a candidate, the number normalised, the name trimmed', () => {
    expect(parse(rosterCandidateSchema, { ...candidate, name: ' 王伟 ', identityNumber: ` ${WANG.toLowerCase()}` }, { strict: true })).toEqual(candidate);
  });

  it('refuses each bad field with its code, as the file does', () => {
    expect(refusal({ ...candidate, name: ' ', identityNumber: '110105194912310020', occupationCode: '4040501', level: 6 })).toEqual([
      ['name', 'too_short'],
      ['identityNumber', 'check_digit'],
      ['occupationCode', 'invalid_format'],
      ['level', 'too_big'],
    ]);
    expect(refusal({ ...candidate, name: '张'.repeat(51) })).toEqual([['name', 'too_long']]);
    expect(refusal({ ...candidate, identityNumber: '990604199002301230' })).toEqual([
      ['identityNumber', 'region'],
      ['identityNumber', 'birth_date'],
      ['identityNumber', 'check_digit'],
    ]);
  });

  it("judges a well-formed candidate against the session: its occupation, its level and the day's date", () => {
    expect(rosterCandidateRejections(candidate, SESSION)).toEqual([]);
    const future = { ...candidate, identityNumber: '440604209901011231', occupationCode: '6-18-01-01', level: 2 };
    expect(rosterCandidateSchema.safeParse(future).success).toBe(true);
    expect(rosterCandidateRejections(future, SESSION)).toEqual<RosterRejection[]>(['identity_birth_date', 'occupation_mismatch', 'level_mismatch']);
  });
});
