import { Workbook, ValueType } from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { eventually, startHarness, type Harness } from '../support/harness';
import { licenseStation } from '../support/fixtures';

/** Registers (台账): filters, search, totals, cursor pages, jurisdiction, and the XLSX and CSV exports. */
let h: Harness;
const tag = Math.random().toString(36).slice(2, 8);
const FOSHAN = { provinceCode: '440000', cityCode: '440600' };
const GUANGZHOU = { provinceCode: '440000', cityCode: '440100' };
const FORMULA_NAME = `=1+2 广州丙${tag}`;
const ids: Record<'foshan' | 'guangzhou' | 'formula', string> = { foshan: '', guangzhou: '', formula: '' };

async function file(stationName: string, region: typeof FOSHAN, scope = example.scope): Promise<string> {
  const res = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: { ...example, stationName, region, scope } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

type Page = { items: Array<Record<string, any>>; total: number; nextCursor: string | null };
const list = async (path: string, as = 'sup-1') => {
  const res = await h.api<Page>('GET', path, { as });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const mine = (query: string, as?: string) => list(`/v1/station-applications?q=${encodeURIComponent(tag)}&${query}`, as);

async function download(path: string, as: string): Promise<Response> {
  const res = await fetch(h.baseUrl + path, { headers: { authorization: `Bearer ${await h.token(as)}` } });
  expect(res.status, path).toBe(200);
  return res;
}

async function workbook(path: string, as: string): Promise<string[][]> {
  const book = new Workbook();
  await book.xlsx.load(await (await download(path, as)).arrayBuffer());
  const rows: string[][] = [];
  book.worksheets[0].eachRow((row) => rows.push((row.values as Array<string | number | Date | null | undefined>).slice(1).map((v) => String(v ?? ''))));
  return rows;
}

beforeAll(async () => {
  h = await startHarness();
  ids.foshan = await file(`佛山甲${tag}鉴定站`, FOSHAN);
  ids.guangzhou = await file(`广州乙${tag}鉴定站`, GUANGZHOU, [{ occupationCode: '4-07-05-02', highestLevel: 3 }]);
  ids.formula = await file(FORMULA_NAME, GUANGZHOU);
  // Each waits for its reviewer once its completeness check has run.
  await eventually(async () => (await mine('status=awaiting_reviewer')).total === 3);
});
afterAll(async () => h?.close());

describe('the station application register', () => {
  it('filters by place, occupation and status, and counts what matches', async () => {
    const guangzhou = await mine('cityCode=440100');
    expect(guangzhou.total).toBe(2);
    expect(guangzhou.items.map((r) => r.id).sort()).toEqual([ids.guangzhou, ids.formula].sort());
    expect((await mine('provinceCode=440000')).total).toBe(3);
    const occupation = await mine('occupationCode=4-07-05-02');
    expect(occupation.items.map((r) => r.id)).toEqual([ids.guangzhou]);
    expect((await mine('status=approved')).total).toBe(0);
    expect((await mine('pendingOnMe=true')).total).toBe(3);
    expect((await mine('pendingOnMe=true', 'admin-1')).total).toBe(0);
  });

  it('searches by station name, application id and organisation', async () => {
    expect((await list(`/v1/station-applications?q=${encodeURIComponent(`佛山甲${tag}`)}`)).items.map((r) => r.id)).toEqual([ids.foshan]);
    expect((await list(`/v1/station-applications?q=${ids.guangzhou}`)).items.map((r) => r.id)).toEqual([ids.guangzhou]);
    // A wildcard typed is taken literally.
    expect((await list(`/v1/station-applications?q=${encodeURIComponent(`%${tag}`)}`)).total).toBe(0);
  });

  it('pages with a cursor, newest first or by due date, with the same total on every page', async () => {
    for (const sort of ['newest', 'due']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page = await mine(`sort=${sort}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.total, sort).toBe(3);
        expect(page.items).toHaveLength(1);
        seen.push(page.items[0].id);
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size, sort).toBe(3);
      if (sort === 'newest') expect(seen).toEqual([...seen].sort().reverse());
      else {
        const dues = (await mine('sort=due&limit=3')).items.map((r) => Date.parse(r.pending.dueAt));
        expect(dues).toEqual([...dues].sort((a, b) => a - b));
      }
    }
    const first = await mine('sort=due&limit=1');
    const wrong = await h.api('GET', `/v1/station-applications?limit=1&cursor=${encodeURIComponent(first.nextCursor!)}`, { as: 'sup-1' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details[0].field).toBe('cursor');
  });

  it('gives a city supervisor only their city, in the list and in both exports', async () => {
    const page = await mine('limit=100', 'sup-gz');
    expect(page.total).toBe(2);
    expect(page.items.every((r) => r.cityCode === '440100')).toBe(true);
    const rows = await workbook(`/v1/station-applications/export.xlsx?q=${encodeURIComponent(tag)}`, 'sup-gz');
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual([ids.guangzhou, ids.formula].sort());
    const csv = await (await download(`/v1/station-applications/export.csv?q=${encodeURIComponent(tag)}`, 'sup-gz')).text();
    expect(csv).toContain(ids.guangzhou);
    expect(csv).not.toContain(ids.foshan);
    // Foshan's supervisor, the other way round.
    expect((await mine('limit=100', 'sup-fs')).items.map((r) => r.id)).toEqual([ids.foshan]);
  });

  it('exports XLSX that opens with Chinese headers, Chinese status labels and text cells that are never formulas', async () => {
    const res = await download(`/v1/station-applications/export.xlsx?q=${encodeURIComponent(tag)}&cityCode=440100`, 'sup-1');
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="station-applications-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const book = new Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const sheet = book.worksheets[0];
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([
      '申请编号',
      '站名',
      '申请单位',
      '省份',
      '城市',
      '状态',
      '待办事项',
      '截止时间',
      '许可证号',
      '提交时间',
    ]);
    expect(sheet.rowCount).toBe(3);
    const formulaRow = [2, 3].map((n) => sheet.getRow(n)).find((r) => r.getCell(1).value === ids.formula)!;
    expect(formulaRow.getCell(2).value).toBe(FORMULA_NAME);
    expect(formulaRow.getCell(2).type).toBe(ValueType.String);
    expect(formulaRow.getCell(4).value).toBe('广东省');
    expect(formulaRow.getCell(5).value).toBe('广州市');
    expect(formulaRow.getCell(6).value).toBe('待指派审查人');
    expect(formulaRow.getCell(7).value).toBe('指派审查人');
    expect(formulaRow.getCell(10).value).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  });

  it('exports CSV with a BOM, Chinese headers and the formula cell neutralised', async () => {
    const res = await download(`/v1/station-applications/export.csv?q=${encodeURIComponent(tag)}&sort=due`, 'sup-1');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
    expect(text.startsWith('\uFEFF申请编号,站名,申请单位,省份,城市,状态,待办事项,截止时间,许可证号,提交时间\r\n')).toBe(true);
    const lines = text.trim().split('\r\n');
    expect(lines).toHaveLength(4);
    const formula = lines.find((l) => l.startsWith(ids.formula))!;
    expect(formula).toContain(`,'${FORMULA_NAME},`);
    expect(formula).toContain(',待指派审查人,指派审查人,');
  });

  it('refuses bad filters naming the field, and keeps them out of the export too', async () => {
    for (const [query, field] of [
      ['createdFrom=yesterday', 'createdFrom'],
      ['sort=oldest', 'sort'],
      ['cityCode=GZ', 'cityCode'],
      ['createdFrom=0999-01-01T00:00:00Z', 'createdFrom'],
    ]) {
      for (const path of ['/v1/station-applications', '/v1/station-applications/export.xlsx']) {
        const res = await h.api('GET', `${path}?${query}`, { as: 'sup-1' });
        expect(res.status, `${path}?${query}`).toBe(400);
        expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual([field]);
      }
    }
  });

  it('takes created windows', async () => {
    const now = new Date();
    expect((await mine(`createdFrom=${new Date(now.getTime() - 3_600_000).toISOString()}`)).total).toBe(3);
    expect((await mine(`createdBefore=${new Date(now.getTime() - 3_600_000).toISOString()}`)).total).toBe(0);
    expect((await mine(`dueFrom=${now.toISOString()}&overdue=false`)).total).toBe(3);
    expect((await mine('overdue=true')).total).toBe(0);
  });
});

describe('the other registers', () => {
  it('finds a complaint by its tracking number', async () => {
    const filed = await h.api('POST', '/v1/public/complaints', {
      body: { category: 'other', happenedOn: '2026-01-05', description: `登记簿测试投诉 ${tag}，十个字以上` },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const found = await eventually(async () => {
      const page = await list(`/v1/complaints?q=${filed.body.trackingNumber}`);
      return page.total === 1 ? page : undefined;
    });
    expect(found.items[0].trackingNumber).toBe(filed.body.trackingNumber);
    const csv = await (await download(`/v1/complaints/export.csv?q=${filed.body.trackingNumber}`, 'sup-1')).text();
    expect(csv).toContain('查询编号,类别,严重程度,状态');
    expect(csv).toContain(`${filed.body.trackingNumber},其他,`);
  });

  it('lists the examiners a supervisor covers, searchable by id and name', async () => {
    const foshan = await list('/v1/examiners?limit=100', 'sup-fs');
    expect(foshan.items.map((e) => e.id)).toEqual(expect.arrayContaining(['exam-1', 'exam-2', 'exam-4']));
    // insp-6 is registered in Guangzhou: not Foshan's.
    expect(foshan.items.map((e) => e.id)).not.toContain('insp-6');
    expect(foshan.total).toBe(foshan.items.length);
    expect((await list('/v1/examiners?status=suspended', 'sup-fs')).items.map((e) => e.id)).toEqual(['exam-4']);
    const byId = await list('/v1/examiners?q=exam-2');
    expect(byId.items.map((e) => e.id)).toEqual(['exam-2']);
    expect((await list(`/v1/examiners?q=${encodeURIComponent(byId.items[0].name)}`)).items.map((e) => e.id)).toContain('exam-2');
    // An examiner sees only their own entry.
    expect((await list('/v1/examiners', 'exam-1')).items.map((e) => e.id)).toEqual(['exam-1']);
    const rows = await workbook('/v1/examiners/export.xlsx?cityCode=440600', 'sup-1');
    expect(rows[0]).toEqual(['考评员编号', '姓名', '单位', '状态', '登记地区', '暂停至']);
    expect(rows.find((r) => r[0] === 'exam-4')?.[3]).toBe('已暂停');
  });

  it('lists campaigns only where they were launched', async () => {
    const launched = await h.api('POST', '/v1/campaigns', { as: 'sup-gz', body: { name: `广州专项${tag}`, filter: { cityCode: '440100' } } });
    expect(launched.status, JSON.stringify(launched.body)).toBe(201);
    const search = `/v1/campaigns?q=${encodeURIComponent(`广州专项${tag}`)}`;
    for (const who of ['sup-gz', 'sup-gd', 'sup-1'])
      expect(
        (await list(search, who)).items.map((c) => c.id),
        who,
      ).toEqual([launched.body.id]);
    expect((await list(search, 'sup-fs')).total).toBe(0);
    const rows = await workbook(`/v1/campaigns/export.xlsx?q=${encodeURIComponent(`广州专项${tag}`)}`, 'sup-gz');
    expect(rows[0].slice(0, 3)).toEqual(['编号', '名称', '状态']);
    expect(rows[1].slice(0, 2)).toEqual([launched.body.id, `广州专项${tag}`]);
  });

  it('finds a station by licence number, and an inspection by its station, only within the jurisdiction', async () => {
    const stationId = await licenseStation(h, 'admin-1');
    const station = (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body;
    const found = await list(`/v1/stations?q=${station.licenceNumber}`, 'sup-fs');
    expect(found.items.map((s) => s.id)).toEqual([stationId]);
    expect((await list(`/v1/stations?q=${station.licenceNumber}`, 'sup-gz')).total).toBe(0);
    const inspection = await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId, reason: '台账检索' } });
    expect(inspection.status, JSON.stringify(inspection.body)).toBe(201);
    const byLicence = await eventually(async () => {
      const page = await list(`/v1/inspections?q=${station.licenceNumber}&cityCode=440600`);
      return page.total >= 1 ? page : undefined;
    });
    expect(byLicence.items.map((i) => i.id)).toContain(inspection.body.id);
    expect((await list(`/v1/inspections?q=${station.licenceNumber}`, 'sup-gz')).total).toBe(0);
    const rows = await workbook(`/v1/stations/export.xlsx?q=${station.licenceNumber}`, 'sup-fs');
    expect(rows[0].slice(0, 3)).toEqual(['编号', '名称', '许可证号']);
    expect(rows[1][2]).toBe(station.licenceNumber);
    expect(rows[1][6]).toBe('有效');
  });
});
