import { Workbook } from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureQuarterlyReportSchedule } from '../../activities/quarterlyReport';
import { chinaDate } from '../../domain/chinaTime';
import { quarterOf } from '../../domain/statistics';
import { quarterlyReportScheduleId } from '../../workflows/quarterlyReport.messages';
import { startHarness, type Harness } from '../support/harness';
import { expectNoDrift } from '../support/statistics';

/**
 * The figures API (issue 19) over the summaries the triggers keep: sessions, certificates and blank forms written
 * straight into their tables, then read back per place and period with drill-down inside each caller's jurisdiction,
 * exported, assembled into a province's quarterly report and mailed to its supervisors once.
 */
let h: Harness;
const today = chinaDate(Date.now());
const quarter = quarterOf(today);

const session = (id: string, place: [string, string], occupation: string, level: number, facts: Record<string, unknown>) => ({
  id,
  station_id: 1,
  occupation_code: occupation,
  level,
  session_date: today,
  province_code: place[0],
  city_code: place[1],
  address: '测试地址',
  expected_candidates: 10,
  registered_by: 'admin-1',
  registered_at: new Date(),
  status: 'approved',
  signals: '[]',
  ...facts,
});
const certificate = (number: string, issuer: string, facts: Record<string, unknown> = {}) => ({
  number,
  holder_name: '张三',
  holder_masked_id: '440***********0011',
  holder_id_hash: number.padEnd(64, '0'),
  occupation_code: '6-18-01-01',
  level: 3,
  issuer_code: issuer,
  issued_on: today,
  quarter,
  source: 'import',
  status: 'valid',
  created_at: new Date(),
  ...facts,
});

async function workbook(body: ArrayBuffer | Buffer): Promise<Workbook> {
  const book = new Workbook();
  await book.xlsx.load(body as ArrayBuffer);
  return book;
}
const cells = (book: Workbook, sheet: string) =>
  book
    .getWorksheet(sheet)!
    .getSheetValues()
    .slice(1)
    // Array.from visits the holes exceljs leaves for empty cells.
    .map((row) => Array.from((row as unknown[]).slice(1), (v) => v ?? ''));

async function download(path: string, as: string) {
  const res = await fetch(h.baseUrl + path, { headers: { authorization: `Bearer ${await h.token(as)}` } });
  return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
}

beforeAll(async () => {
  h = await startHarness();
  await h.db('appraisal_sessions').insert([
    session('S-FS-1', ['440000', '440600'], '6-18-01-01', 3, { candidates: 4, passed: 3, quality_supervisor_id: 'qs-1' }),
    session('S-GZ-1', ['440000', '440100'], '4-03-02-01', 4, { candidates: 2, passed: 1, signals: JSON.stringify([{ kind: 'same_answers' }]) }),
    session('S-XM-1', ['350000', '350200'], '6-18-01-01', 3, { candidates: 5, passed: 5 }),
    // Registered, not held: not counted.
    session('S-FS-2', ['440000', '440600'], '6-18-01-01', 3, { status: 'registered', candidates: 9 }),
  ]);
  await h
    .db('certificates')
    .insert([certificate('T-GD-1', '440000'), certificate('T-GD-2', '440000', { status: 'revoked', revoked_at: new Date() }), certificate('T-FJ-1', '350000')]);
  await h.db('blank_forms').insert(
    [1, 2, 3].map((seq) => ({
      serial: `TJ00000${seq}`,
      series: 'TJ',
      seq,
      province_code: '440000',
      receipt_id: 'R1',
      status: 'province',
      updated_at: new Date(),
    })),
  );
}, 240_000);

afterAll(async () => {
  if (h) await expectNoDrift(h);
  await h?.temporal.schedule
    .getHandle(quarterlyReportScheduleId(h.taskQueue))
    .delete()
    .catch(() => undefined);
  await h?.close();
});

describe('figures for a place and period', () => {
  it("gives a provincial supervisor their province's cities for the quarter, each linked to its register", async () => {
    const res = await h.api('GET', `/v1/statistics/sessions?period=${quarter}`, { as: 'sup-gd' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ subject: 'sessions', place: { code: '440000', name: '广东省' }, by: 'place' });
    expect(res.body.rows).toEqual([
      {
        key: '440100',
        name: '广州市',
        registerLink: expect.stringContaining('#/registers/sessions?provinceCode=440000&cityCode=440100&dateFrom='),
        // Each number opens its own cases: the sessions held there, those with fraud signals.
        links: expect.objectContaining({
          held: expect.stringMatching(/^#\/registers\/sessions\?provinceCode=440000&cityCode=440100&dateFrom=.*&held=true$/),
          withSignals: expect.stringContaining('held=true&signals=any'),
        }),
        held: 1,
        candidates: 2,
        passed: 1,
        passRate: 0.5,
        supervised: 0,
        withSignals: 1,
      },
      {
        key: '440600',
        name: '佛山市',
        registerLink: expect.any(String),
        links: expect.any(Object),
        held: 1,
        candidates: 4,
        passed: 3,
        passRate: 0.75,
        supervised: 1,
        withSignals: 0,
      },
    ]);
    expect(res.body.total).toEqual({ held: 2, candidates: 6, passed: 4, passRate: 0.6667, supervised: 1, withSignals: 1 });
    // Another year holds none of it.
    const before = await h.api('GET', '/v1/statistics/sessions?from=2020-01-01&to=2020-12-31', { as: 'sup-gd' });
    expect(before.body.total.held).toBe(0);
  });

  it('counts certificates issued and revoked in the period beside those valid now, and the blank stock now', async () => {
    const certs = await h.api('GET', `/v1/statistics/certificates?period=${quarter}`, { as: 'sup-gd' });
    expect(certs.body.total).toEqual({ issued: 2, revoked: 1, valid: 1, replaced: 0 });
    // Every city of the province is listed; certificates without a station have no city.
    expect(certs.body.rows.map((r: { key: string; name: string; issued: number }) => [r.key, r.name, r.issued])).toEqual([
      ['440100', '广州市', 0],
      ['440600', '佛山市', 0],
      ['', '城市不明', 2],
    ]);
    const forms = await h.api('GET', '/v1/statistics/blankForms', { as: 'sup-gd' });
    expect(forms.body.total).toEqual({ province: 3, station: 0, printed: 0, voided: 0 });
    const byLevel = await h.api('GET', '/v1/statistics/blankForms?by=level', { as: 'sup-gd' });
    expect(byLevel.status).toBe(400);
    expect(byLevel.body.error.details).toEqual([{ field: 'by', code: 'unsupported_breakdown', message: expect.any(String) }]);
  });

  it('drills from the nation to the provinces for a national supervisor, and breaks down by occupation and level', async () => {
    const nation = await h.api('GET', `/v1/statistics/sessions?period=${quarter}&place=CN`, { as: 'sup-1' });
    expect(nation.body.rows.map((r: { key: string; name: string; held: number }) => [r.key, r.name, r.held])).toEqual([
      ['350000', '福建省', 1],
      ['440000', '广东省', 2],
    ]);
    const levels = await h.api('GET', `/v1/statistics/sessions?period=${quarter}&place=CN&by=level`, { as: 'sup-1' });
    expect(levels.body.rows.map((r: { key: string; candidates: number }) => [r.key, r.candidates])).toEqual([
      ['3', 9],
      ['4', 2],
    ]);
  });

  it("never shows a city supervisor a sibling city or the province: a place outside is 404, as for anyone's", async () => {
    const own = await h.api('GET', `/v1/statistics/sessions?period=${quarter}`, { as: 'sup-fs' });
    expect(own.body).toMatchObject({ place: { code: '440600', name: '佛山市' }, by: 'occupation' });
    expect(own.body.rows.map((r: { key: string; name: string; held: number }) => [r.key, r.name, r.held])).toEqual([['6-18-01-01', '车工', 1]]);
    for (const place of ['440100', '440000', 'CN', '350200']) {
      const res = await h.api('GET', `/v1/statistics/sessions?period=${quarter}&place=${place}`, { as: 'sup-fs' });
      expect(res.status, place).toBe(404);
    }
    // A city has no places below it: by place, it answers its own row.
    const below = await h.api('GET', `/v1/statistics/sessions?period=${quarter}&place=440600&by=place`, { as: 'sup-fs' });
    expect(below.body.rows.map((r: { key: string; held: number }) => [r.key, r.held])).toEqual([['440600', 1]]);
    expect((await h.api('GET', '/v1/statistics/sessions?place=350000', { as: 'sup-gd' })).status).toBe(404);
    expect((await h.api('GET', '/v1/statistics/visits', { as: 'sup-gd' })).status).toBe(404);
  });

  it("shows an industry authority its occupations' sessions anywhere, and no counts that carry no occupation", async () => {
    const res = await h.api('GET', `/v1/statistics/sessions?period=${quarter}&place=CN`, { as: 'sup-mach' });
    expect(res.body.total).toMatchObject({ held: 2, candidates: 9 });
    const certs = await h.api('GET', `/v1/statistics/certificates?period=${quarter}&place=CN`, { as: 'sup-mach' });
    expect(certs.body.total).toEqual({ issued: 3, revoked: 1, valid: null, replaced: null });
  });

  it('refuses a bad period naming the field', async () => {
    const res = await h.api('GET', '/v1/statistics/sessions?period=2026Q7', { as: 'sup-gd' });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'period', code: 'invalid_period', message: expect.any(String) }]);
    const reversed = await h.api('GET', '/v1/statistics/sessions?from=2026-03-02&to=2026-03-01', { as: 'sup-gd' });
    expect(reversed.body.error.details[0]).toMatchObject({ field: 'to', code: 'range_reversed' });
  });
});

describe('exports', () => {
  it('exports the table as XLSX and CSV with Chinese headers, place names and the total', async () => {
    const xlsx = await download(`/v1/statistics/sessions?period=${quarter}&format=xlsx`, 'sup-gd');
    expect(xlsx.status).toBe(200);
    expect(xlsx.type).toContain('spreadsheetml');
    const rows = cells(await workbook(xlsx.body), '鉴定场次');
    expect(rows[0][0]).toContain('广东省 鉴定场次统计');
    expect(rows.slice(1)).toEqual([
      ['地区代码', '地区', '举办场次', '参加人数', '合格人数', '合格率', '派驻质量督导员场次', '有虚假鉴定线索场次'],
      ['440100', '广州市', 1, 2, 1, 0.5, 0, 1],
      ['440600', '佛山市', 1, 4, 3, 0.75, 1, 0],
      ['', '合计', 2, 6, 4, 0.6667, 1, 1],
    ]);
    const csv = await download(`/v1/statistics/sessions?period=${quarter}&format=csv`, 'sup-gd');
    const text = csv.body.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.slice(1).split('\r\n').slice(0, 2)).toEqual([
      '地区代码,地区,举办场次,参加人数,合格人数,合格率,派驻质量督导员场次,有虚假鉴定线索场次',
      '440100,广州市,1,2,1,50.00%,0,1',
    ]);
  });
});

describe('the quarterly report', () => {
  const sheets = ['鉴定场次', '职业资格证书', '空白证书', '鉴定站', '考评员资格', '监督检查', '质量投诉'];

  it("is one workbook with a sheet per subject, a line per city and the province's total", async () => {
    const res = await download(`/v1/statistics/quarterly-report?province=440000&quarter=${quarter}`, 'sup-gd');
    expect(res.status).toBe(200);
    const book = await workbook(res.body);
    expect(book.worksheets.map((s) => s.name)).toEqual(sheets);
    expect(cells(book, '鉴定场次').slice(2)).toEqual([
      ['440100', '广州市', 1, 2, 1, 0.5, 0, 1],
      ['440600', '佛山市', 1, 4, 3, 0.75, 1, 0],
      ['', '合计', 2, 6, 4, 0.6667, 1, 1],
    ]);
    expect(cells(book, '职业资格证书').slice(1)).toEqual([
      ['地区代码', '地区', '发证数', '撤销数', '有效证书（现有）', '已换发证书（现有）'],
      ['440100', '广州市', 0, 0, 0, 0],
      ['440600', '佛山市', 0, 0, 0, 0],
      ['', '城市不明', 2, 1, 1, 0],
      ['', '合计', 2, 1, 1, 0],
    ]);
    expect(cells(book, '空白证书').at(-1)).toEqual(['', '合计', 3, 0, 0, 0]);
    // A city's supervisor, another province's or an industry authority: not theirs.
    for (const as of ['sup-fs', 'sup-fj', 'sup-mach'])
      expect((await download(`/v1/statistics/quarterly-report?province=440000&quarter=${quarter}`, as)).status, as).toBe(404);
  });

  it("mails each province's report to its supervisors once, however often the run repeats", async () => {
    const run = (n: number) =>
      h.temporal.workflow.execute('quarterlyReport', { taskQueue: h.taskQueue, workflowId: `quarterly-report-test-${h.taskQueue}-${n}`, args: [quarter] });
    const first = (await run(1)) as { quarter: string; provinces: Record<string, string> };
    expect(first).toEqual({ quarter, provinces: { '350000': 'sent', '440000': 'sent' } });
    await run(2);
    const reports = h.mails.filter((m) => m.subject.includes('Quarterly statistics'));
    expect(reports.map((m) => m.to).sort()).toEqual([['ou.yang@gd.hrss.example'], ['zheng.kai@fj.hrss.example']]);
    const gd = reports.find((m) => m.to.includes('ou.yang@gd.hrss.example'))!;
    expect(gd.subject).toContain('广东省');
    expect(gd.attachments.map((a) => a.filename)).toEqual([`quarterly-report-440000-${quarter}.xlsx`]);
    const book = await workbook(gd.attachments[0].content);
    expect(book.worksheets.map((s) => s.name)).toEqual(sheets);
    expect(cells(book, '鉴定场次').at(-1)).toEqual(['', '合计', 2, 6, 4, 0.6667, 1, 1]);
  });

  it('is scheduled on the first day of each quarter, 06:00 in China', async () => {
    const handle = await ensureQuarterlyReportSchedule(h.temporal, { taskQueue: h.taskQueue });
    // A second worker's start leaves the one schedule as it is.
    await ensureQuarterlyReportSchedule(h.temporal, { taskQueue: h.taskQueue });
    const { info, action } = await handle.describe();
    expect(action).toMatchObject({ workflowType: 'quarterlyReport', taskQueue: h.taskQueue });
    const next = new Date(info.nextActionTimes[0].getTime() + 8 * 3_600_000).toISOString();
    expect(next.slice(8, 19)).toBe('01T06:00:00');
    expect(['01', '04', '07', '10']).toContain(next.slice(5, 7));
  });
});
