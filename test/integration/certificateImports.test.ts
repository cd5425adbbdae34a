import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeCertificateNumber } from '../../domain/certificate';
import { splitCsvLine } from '../../domain/csv';
import { nationalId } from '../support/examinerCsv';
import { startHarness, type Harness } from '../support/harness';

/**
 * Legacy certificates (已发证书数据入网): a CSV streamed into the register, each bad row rejected with its reasons.
 * Batches of three rows, so repeats are found across batches (in the register) as well as within one.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ certificate: { importBatchRows: 3 } });
});
afterAll(async () => h?.close());

const HEADER = 'number,holder_name,identity_number,occupation_code,level,issued_on,station_id';
const number = (sequence: number, o: { province?: string; year?: number; level?: number } = {}) =>
  composeCertificateNumber({ provinceCode: o.province ?? '44', year: o.year ?? 2019, level: o.level ?? 3, sequence });
/** The same number with a wrong check character. */
const mistyped = (n: string) => `${n.slice(0, 15)}${n[15] === '0' ? '1' : '0'}`;

async function postCsv(csv: string, as = 'sup-gd'): Promise<{ status: number; body: any }> {
  const res = await fetch(`${h.baseUrl}/v1/certificates/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await h.token(as)}`, 'content-type': 'text/csv' },
    body: csv,
  });
  return { status: res.status, body: await res.json() };
}

async function rejectionReport(importId: string, as = 'sup-gd') {
  const res = await fetch(`${h.baseUrl}/v1/certificates/imports/${importId}/rejections.csv`, { headers: { authorization: `Bearer ${await h.token(as)}` } });
  // Read as bytes: decoding as text would drop the BOM a spreadsheet needs.
  const bytes = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bom: bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])),
    text: bytes.toString('utf8'),
  };
}

describe('a legacy import with good and bad rows', () => {
  const good = [number(1), number(2, { level: 5 }), number(3, { year: 2008, level: 1 })];
  const registered = number(50);
  const rows = [
    `${good[0]},张三明,${nationalId(1)},6-18-02-04,3,2019-06-30,`, // line 2: good
    `${mistyped(number(10))},李四,${nationalId(2)},6-18-02-04,3,2019-07-01,`, // line 3: check character
    `${good[1]},王五,${nationalId(3)},6-31-01-03,5,2019-03-15,`, // line 4: good
    `${number(11)},赵六,110101199001011230,6-18-02-04,3,2019-07-01,`, // line 5: identity check digit
    `${number(12)},钱七,${nationalId(5)},9-99-99-99,3,2019-07-01,`, // line 6: unknown occupation
    `${number(13)},孙八,${nationalId(6)},6-18-02-04,4,2019-07-01,`, // line 7: level differs from the number's
    `${good[0]},周九,${nationalId(7)},6-18-02-04,3,2019-06-30,`, // line 8: repeats line 2 (an earlier batch)
    `${registered},吴十,${nationalId(8)},6-18-02-04,3,2019-06-30,`, // line 9: already in the register
    `${number(14, { province: '35' })},郑一,${nationalId(9)},6-18-02-04,3,2019-06-30,`, // line 10: Fujian, outside Guangdong
    '', // a blank line is skipped, not a row
    `${good[2]},冯二,${nationalId(10)},4-03-02-01,1,2008-12-01,`, // line 12: good
    `${good[2]},陈三,${nationalId(11)},4-03-02-01,1,2008-12-01,`, // line 13: repeats line 12 (same batch)
    `${number(15)},褚四,${nationalId(12)},6-18-02-04,3,2019-02-30,999999999`, // line 14: no such day, no such station
  ];
  const csv = `\uFEFF${HEADER}\r\n${rows.join('\r\n')}\r\n`;
  let first: { status: number; body: any };

  beforeAll(async () => {
    // Issued before: the file's line 9 repeats it.
    const seed = await postCsv(`${HEADER}\n${registered},吴十,${nationalId(8)},6-18-02-04,3,2019-06-30,\n`);
    expect(seed.body).toMatchObject({ total: 1, imported: 1, rejected: 0 });
    first = await postCsv(csv);
  });

  it('counts the rows by reason', () => {
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      importId: expect.any(String),
      total: 12,
      imported: 3,
      rejected: 9,
      byReason: {
        number_check_character: 1,
        identity_check_digit: 1,
        unknown_occupation: 1,
        level_mismatch: 1,
        duplicate_in_file: 2,
        duplicate_in_register: 1,
        outside_jurisdiction: 1,
        date_invalid: 1,
        unknown_station: 1,
      },
    });
  });

  it('puts the good rows in the register, the identity masked and hashed, sealed apart', async () => {
    const found = await h.db('certificates').whereIn('number', good).orderBy('number');
    expect(found.map((c) => c.number).sort()).toEqual([...good].sort());
    const first = found.find((c) => c.number === good[0])!;
    expect(first).toMatchObject({
      holder_name: '张三明',
      occupation_code: '6-18-02-04',
      level: 3,
      source: 'legacy',
      issuer_code: '440000',
      quarter: '2019Q2',
      status: 'valid',
    });
    expect(first.holder_masked_id).toBe(`${nationalId(1).slice(0, 4)}**********${nationalId(1).slice(14)}`);
    expect(await h.db('candidate_identities').where({ id_hash: first.holder_id_hash }).first()).toBeDefined();
    // Nothing of the rejected rows went in.
    expect(await h.db('certificates').whereIn('number', [number(11), number(12), number(13), number(15), number(14, { province: '35' })])).toEqual([]);
  });

  it('lists each bad line with its reasons in the rejection report', async () => {
    const report = await rejectionReport(first.body.importId);
    expect(report.status).toBe(200);
    expect(report.type).toMatch(/^text\/csv/);
    expect(report.bom).toBe(true);
    const lines = report.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
      .map(splitCsvLine);
    expect(lines[0]).toEqual(['line', 'number', 'reasons']);
    expect(lines.slice(1).map(([line]) => Number(line))).toEqual([3, 5, 6, 7, 8, 9, 10, 13, 14]);
    const reasonsOf = (line: number) => lines.find(([l]) => l === String(line))![2];
    expect(reasonsOf(3)).toContain('校验码不符');
    expect(reasonsOf(5)).toContain('身份证号码校验码不符');
    expect(reasonsOf(6)).toContain('职业编码');
    expect(reasonsOf(7)).toContain('等级与证书编号');
    expect(reasonsOf(8)).toContain('文件前面的行');
    expect(reasonsOf(9)).toContain('已在证书台账');
    expect(reasonsOf(10)).toContain('管辖范围');
    expect(reasonsOf(13)).toContain('文件前面的行');
    expect(reasonsOf(14)).toMatch(/发证日期.*鉴定站/);
  });

  it('records the import in the audit trail', async () => {
    const events = await h.db('events').where({ case_type: 'certificate_import', case_id: first.body.importId });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'certificates_imported', actor_id: 'sup-gd' });
  });

  it('imports nothing more when the same file is sent again', async () => {
    const again = await postCsv(csv);
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ total: 12, imported: 0, rejected: 12 });
    // Lines 2, 4, 8, 9, 12 and 13.
    expect(again.body.byReason.duplicate_in_register).toBe(6);
    expect(await h.db('certificates').whereIn('number', good).count({ n: '*' })).toEqual([{ n: 3 }]);
  });

  it('shows the report to none outside the jurisdiction', async () => {
    expect((await rejectionReport(first.body.importId, 'sup-fj')).status).toBe(404);
  });
});

describe('refused files', () => {
  it('refuses a file without the header, writing nothing', async () => {
    const before = await h.db('certificate_imports').count({ n: '*' });
    const res = await postCsv(`${number(20)},张三,${nationalId(20)},6-18-02-04,3,2019-06-30\n`);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0]).toMatchObject({ field: '(body)', code: 'invalid_csv' });
    expect(await h.db('certificate_imports').count({ n: '*' })).toEqual(before);
    expect(
      await h
        .db('certificates')
        .where({ number: number(20) })
        .first(),
    ).toBeUndefined();
  });

  it('takes imports only from a supervisor of a province', async () => {
    expect((await postCsv(`${HEADER}\n`, 'sup-gz')).status).toBe(403);
  });
});
