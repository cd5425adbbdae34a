import { Workbook } from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chinaDate } from '../../domain/chinaTime';
import { withExaminerPlaceMoved } from '../../db/queries/statistics';
import { addDays } from '../../domain/statistics';
import { startHarness, type Harness } from '../support/harness';
import { expectNoDrift } from '../support/statistics';

/**
 * Stations, examiners' qualifications, inspections and complaints under the statistics scheme (issue 19): base rows
 * written straight into their tables in Fujian (the demo data lives in Guangdong), changed after, then read per place
 * and period inside each caller's jurisdiction, linked to their registers and exported; the summaries equal their
 * recomputation throughout.
 */
let h: Harness;
const now = Date.now();
const today = chinaDate(now);
const days = (n: number) => new Date(now + n * 86_400_000);
// A period from today: the stations due for inspection are those whose next inspection falls in it.
const period = `from=${today}&to=${addDays(today, 10)}`;
const ids: Record<string, number> = {};

const station = (key: string, city: string, facts: Record<string, unknown>) => ({
  application_id: `APP-${key}`,
  licence_number: `LIC-${key}`,
  name: `${key}鉴定站`,
  organisation: `${key}职业培训学校`,
  credit_code: '91350000MA0000000X',
  province_code: '350000',
  city_code: city,
  address: '测试地址',
  status: 'active',
  admin_id: 'admin-1',
  licensed_at: days(-400),
  valid_until: days(700),
  ...facts,
});
const qualification = (id: string, examinerId: string, status: string, expiresInDays: number) => ({
  id,
  examiner_id: examinerId,
  occupation_code: '6-18-01-01',
  level: 3,
  status,
  expires_at: days(expiresInDays),
  cycle: 1,
  summary: '{}',
  version: 1,
  created_at: days(-100),
  updated_at: days(-100),
});
const inspection = (id: string, stationKey: string, facts: Record<string, unknown>) => ({
  id,
  station_id: ids[stationKey],
  kind: 'routine',
  template_id: 'station-routine',
  template_version: 1,
  province_code: '350000',
  status: 'fieldwork',
  team_ids: '[]',
  summary: JSON.stringify({ sanctions: [] }),
  version: 1,
  created_at: days(-30),
  updated_at: new Date(),
  ...facts,
});
const complaint = (id: string, facts: Record<string, unknown>) => ({
  id,
  tracking_number: `T-${id}`,
  secret_hash: 'x'.repeat(64),
  status: 'received',
  category: 'other',
  province_code: '350000',
  anonymous: true,
  summary: '{}',
  version: 1,
  created_at: new Date(),
  updated_at: new Date(),
  ...facts,
});

type Row = Record<string, unknown> & { key: string; name: string; links: Record<string, string> };
const get = async (path: string, as: string) => {
  const res = await h.api('GET', path, { as });
  expect(res.status, `${path} as ${as}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as { rows: Row[]; total: Record<string, number | null>; place: { code: string } };
};
const pick = (rows: Row[], figures: string[]) => rows.map((r) => [r.key, ...figures.map((f) => r[f])]);

async function download(path: string, as: string) {
  const res = await fetch(h.baseUrl + path, { headers: { authorization: `Bearer ${await h.token(as)}` } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
}
async function sheetCells(body: Buffer, sheet: string) {
  const book = new Workbook();
  await book.xlsx.load(body as unknown as ArrayBuffer);
  return book
    .getWorksheet(sheet)!
    .getSheetValues()
    .slice(1)
    .map((row) => Array.from((row as unknown[]).slice(1), (v) => v ?? ''));
}

beforeAll(async () => {
  h = await startHarness();
  await h.db('stations').insert([
    // Fuzhou: rated A and a confirmed demonstration station, its licence expiring within 90 days, overdue for inspection.
    station('FZ1', '350100', { rating: 'A', demonstration: 'confirmed', valid_until: days(30), next_inspection_due_at: days(-5) }),
    station('FZ2', '350100', {}),
    // Xiamen: rated B, a demonstration candidate, its next inspection in the period; a revoked one rated C.
    station('XM1', '350200', { rating: 'B', demonstration: 'candidate', next_inspection_due_at: days(5) }),
    station('XM2', '350200', { status: 'revoked', rating: 'C', valid_until: days(20) }),
  ]);
  for (const r of await h.db('stations').where('licence_number', 'like', 'LIC-%').select('id', 'licence_number')) ids[r.licence_number.slice(4)] = r.id;
  await h.db('examiners').insert([
    { id: 'ex-fz', name: '林福', organisation: '福州职业培训学校', status: 'active', region_code: '350100' },
    { id: 'ex-xm', name: '陈厦', organisation: '厦门职业培训学校', status: 'active', region_code: '350200' },
  ]);
  await h
    .db('qualifications')
    .insert([
      qualification('Q-FZ-1', 'ex-fz', 'active', 30),
      qualification('Q-FZ-2', 'ex-fz', 'active', 400),
      qualification('Q-XM-1', 'ex-xm', 'active', 200),
      qualification('Q-XM-2', 'ex-xm', 'lapsed', -10),
    ]);
  await h.db('conduct_records').insert([
    { examiner_id: 'ex-xm', kind: 'violation', description: '违规操作', source: 'test', recorded_by: 'sup-fj', recorded_at: new Date() },
    { examiner_id: 'ex-fz', kind: 'commendation', description: '表现突出', source: 'test', recorded_by: 'sup-fj', recorded_at: new Date() },
  ]);
  await h.db('inspections').insert([
    inspection('I-FZ-1', 'FZ1', {}),
    inspection('I-XM-1', 'XM1', {}),
    // Concluded long ago: outside the period.
    inspection('I-FZ-OLD', 'FZ1', { status: 'closed', rating: 'A', updated_at: new Date('2020-06-01T00:00:00Z') }),
  ]);
  await h
    .db('complaints')
    .insert([
      complaint('C1', { station_id: ids.FZ1, category: 'fraudulent_appraisal' }),
      complaint('C2', {}),
      complaint('C3', { station_id: ids.XM1, status: 'investigating', severity: 'normal' }),
      complaint('C4', { station_id: ids.XM1, status: 'investigating', severity: 'normal' }),
      complaint('C5', { status: 'consultation' }),
    ]);
  // Changes after the inserts, as the processes make them: the update triggers move each count.
  await h.db('stations').where({ id: ids.FZ2 }).update({ status: 'suspended' });
  await h.db('qualifications').where({ id: 'Q-XM-1' }).update({ status: 'suspended' });
  await h.db('inspections').where({ id: 'I-FZ-1' }).update({ status: 'rectification' });
  await h
    .db('inspections')
    .where({ id: 'I-XM-1' })
    .update({ status: 'closed', rating: 'B', summary: JSON.stringify({ sanctions: [{ level: 'warning', by: 'sup-fj', reasons: ['整改不到位'] }] }) });
  await h.db('complaints').where({ id: 'C1' }).update({ status: 'triaged', severity: 'serious' });
  await h.db('complaints').where({ id: 'C3' }).update({ status: 'closed', closed_at: new Date(), sla_met: true, finding: 'substantiated' });
  await h.db('complaints').where({ id: 'C4' }).update({ status: 'closed', closed_at: new Date(), sla_met: false, finding: 'unsubstantiated' });
}, 240_000);

afterAll(async () => {
  if (h) await expectNoDrift(h);
  await h?.close();
});

describe('figures of the other subjects, for a provincial supervisor', () => {
  it('counts stations by status, rating and demonstration now, and licences expiring within the policy horizon', async () => {
    const res = await get(`/v1/statistics/stations?${period}`, 'sup-fj');
    expect(res.place.code).toBe('350000');
    const figures = [
      'active',
      'suspended',
      'revoked',
      'ratingA',
      'ratingB',
      'ratingC',
      'unrated',
      'demonstration',
      'demonstrationCandidates',
      'licenceExpiring',
    ];
    expect(pick(res.rows, figures)).toEqual([
      ['350100', 1, 1, 0, 1, 0, 0, 1, 1, 0, 1],
      // The revoked station counts by status only; its licence is not "expiring".
      ['350200', 1, 0, 1, 0, 1, 0, 0, 0, 1, 0],
    ]);
    expect(res.total).toMatchObject({ active: 2, suspended: 1, revoked: 1, ratingC: 0, unrated: 1, licenceExpiring: 1 });
    const fuzhou = res.rows[0];
    expect(fuzhou.links.suspended).toBe('#/registers/stations?provinceCode=350000&cityCode=350100&status=suspended');
    expect(fuzhou.links.ratingA).toBe('#/registers/stations?provinceCode=350000&cityCode=350100');
    await expectNoDrift(h);
  });

  it('counts qualifications by status where the examiner is registered, those expiring in 90 days, and violations in the period', async () => {
    const res = await get(`/v1/statistics/examiners?${period}`, 'sup-fj');
    expect(pick(res.rows, ['active', 'suspended', 'lapsed', 'expiring', 'violations'])).toEqual([
      ['350100', 2, 0, 0, 1, 0],
      ['350200', 0, 1, 1, 0, 1],
    ]);
    expect(res.rows[0].links.expiring).toBe(`#/registers/qualifications?provinceCode=350000&cityCode=350100&dueFrom=${today}&dueTo=${addDays(today, 90)}`);
    const before = await get('/v1/statistics/examiners?from=2020-01-01&to=2020-12-31', 'sup-fj');
    expect(before.total.violations).toBe(0);
  });

  it('counts stations due and overdue for inspection, inspections concluded with their ratings and sanctions, and rectification orders open', async () => {
    const res = await get(`/v1/statistics/inspections?${period}`, 'sup-fj');
    expect(pick(res.rows, ['due', 'overdue', 'done', 'ratedA', 'ratedB', 'rectificationOpen', 'sanctionWarnings'])).toEqual([
      ['350100', 0, 1, 0, 0, 0, 1, 0],
      ['350200', 1, 0, 1, 0, 1, 0, 1],
    ]);
    expect(res.rows[0].links.overdue).toBe('#/registers/stations?provinceCode=350000&cityCode=350100&status=active&overdue=true');
    // The inspection concluded in 2020 is in 2020's figures.
    expect((await get('/v1/statistics/inspections?period=2020', 'sup-fj')).total).toMatchObject({ done: 1, ratedA: 1 });
  });

  it('counts complaints open by category and severity, SLA compliance and the substantiated rate', async () => {
    const res = await get(`/v1/statistics/complaints?${period}`, 'sup-fj');
    expect(res.total).toMatchObject({
      received: 4,
      open: 2,
      openFraudulent: 1,
      openOther: 1,
      openSerious: 1,
      openUntriaged: 1,
      closed: 2,
      slaMet: 1,
      slaRate: 0.5,
      found: 2,
      substantiated: 1,
      substantiatedRate: 0.5,
    });
    // A complaint naming no station has no city: its own line.
    expect(pick(res.rows, ['received', 'open', 'closed'])).toEqual([
      ['350100', 1, 1, 0],
      ['350200', 2, 0, 2],
      ['', 1, 1, 0],
    ]);
    expect(res.rows.at(-1)!.name).toBe('城市不明');
  });
});

describe('an examiner registered elsewhere', () => {
  it('moves their qualifications, and those expiring, to the new place when the move goes through withExaminerPlaceMoved', async () => {
    // Back and forth, so the other tests' figures stand: active, suspended, expiring in 90 days.
    const moves: Array<[string, unknown[]]> = [
      [
        '350200',
        [
          ['350100', 0, 0, 0],
          ['350200', 2, 1, 1],
        ],
      ],
      [
        '350100',
        [
          ['350100', 2, 0, 1],
          ['350200', 0, 1, 0],
        ],
      ],
    ];
    for (const [region, rows] of moves) {
      await withExaminerPlaceMoved(h.db, 'ex-fz', (trx) => trx('examiners').where({ id: 'ex-fz' }).update({ region_code: region }));
      const res = await get(`/v1/statistics/examiners?${period}`, 'sup-fj');
      expect(pick(res.rows, ['active', 'suspended', 'expiring']), region).toEqual(rows);
      await expectNoDrift(h);
    }
  });
});

describe('jurisdiction', () => {
  it("shows a city's supervisor their own city only, its own row by place, and 404 for the province, a sibling or another province", async () => {
    for (const subject of ['stations', 'examiners', 'inspections', 'complaints', 'blankForms']) {
      const res = await get(`/v1/statistics/${subject}?${period}`, 'sup-xm');
      expect(res.place.code, subject).toBe('350200');
      expect(
        res.rows.map((r) => r.key),
        subject,
      ).toEqual(['350200']);
      for (const place of ['350100', '350000', 'CN', '440600'])
        expect((await h.api('GET', `/v1/statistics/${subject}?place=${place}`, { as: 'sup-xm' })).status, `${subject} ${place}`).toBe(404);
    }
    expect((await get(`/v1/statistics/stations?${period}`, 'sup-xm')).total).toMatchObject({ active: 1, revoked: 1, suspended: 0 });
  });

  it('drills down one level at a time and never lists a place outside the one asked for', async () => {
    const nation = await get(`/v1/statistics/stations?${period}&place=CN`, 'sup-1');
    expect(nation.rows.map((r) => r.key)).toEqual(['350000', '440000']);
    const fujian = await get(`/v1/statistics/complaints?${period}&place=350000`, 'sup-1');
    expect(fujian.rows.map((r) => r.key)).toEqual(['350100', '350200', '']);
    const guangdong = await get(`/v1/statistics/examiners?${period}&place=440000`, 'sup-gd');
    expect(guangdong.rows.every((r) => r.key.startsWith('44') || r.key === '')).toBe(true);
    expect((await h.api('GET', `/v1/statistics/stations?place=350000`, { as: 'sup-gd' })).status).toBe(404);
    // Counted by place only: no occupation or level for these subjects.
    const byOccupation = await h.api('GET', '/v1/statistics/stations?by=occupation', { as: 'sup-fj' });
    expect(byOccupation.status).toBe(400);
    expect(byOccupation.body.error.details[0]).toMatchObject({ field: 'by', code: 'unsupported_breakdown' });
  });
});

describe('register links and exports', () => {
  it('opens the session register at the held sessions of a level, as the statistics links do', async () => {
    const session = (id: string, level: number, status: string) => ({
      id,
      station_id: ids.XM1,
      occupation_code: '6-18-01-01',
      level,
      session_date: today,
      province_code: '350000',
      city_code: '350200',
      address: '测试地址',
      expected_candidates: 5,
      registered_by: 'admin-1',
      registered_at: new Date(),
      status,
      signals: '[]',
    });
    await h
      .db('appraisal_sessions')
      .insert([session('S-XM-HELD-3', 3, 'approved'), session('S-XM-OPEN-3', 3, 'roster_open'), session('S-XM-HELD-4', 4, 'scoring')]);
    const stats = await get(`/v1/statistics/sessions?${period}&place=350200&by=level`, 'sup-fj');
    const level3 = stats.rows.find((r) => r.key === '3')!;
    expect(level3.held).toBe(1);
    const link = new URL(`http://x/${level3.links.held.replace('#/registers/sessions', '')}`).searchParams;
    expect(Object.fromEntries(link)).toEqual({
      provinceCode: '350000',
      cityCode: '350200',
      dateFrom: today,
      dateTo: addDays(today, 10),
      level: '3',
      held: 'true',
    });
    const register = await h.api('GET', `/v1/sessions?${link.toString()}`, { as: 'sup-fj' });
    expect(register.status).toBe(200);
    expect(register.body.items.map((s: { id: string }) => s.id)).toEqual(['S-XM-HELD-3']);
    expect(register.body.total).toBe(level3.held);
  });

  it('exports stations as XLSX and complaints as CSV with Chinese headers and the total, and puts every subject in the quarterly report', async () => {
    const xlsx = await download(`/v1/statistics/stations?${period}&format=xlsx`, 'sup-fj');
    expect(xlsx.status).toBe(200);
    const rows = await sheetCells(xlsx.body, '鉴定站');
    expect(rows[0][0]).toContain('福建省 鉴定站统计');
    expect(rows[1].slice(0, 5)).toEqual(['地区代码', '地区', '正常运行', '暂停', '已撤销']);
    expect(rows.slice(2).map((r) => r.slice(0, 5))).toEqual([
      ['350100', '福州市', 1, 1, 0],
      ['350200', '厦门市', 1, 0, 1],
      ['', '合计', 2, 1, 1],
    ]);
    const csv = (await download(`/v1/statistics/complaints?${period}&format=csv`, 'sup-fj')).body.toString('utf8').slice(1).split('\r\n');
    const headers = csv[0].split(',');
    const total = csv.find((line) => line.startsWith(',合计'))!.split(',');
    expect(total[headers.indexOf('按时办结率')]).toBe('50.00%');
    expect(total[headers.indexOf('办理中：虚假鉴定')]).toBe('1');
    const report = await download(
      `/v1/statistics/quarterly-report?province=350000&quarter=${today.slice(0, 4)}Q${Math.ceil(Number(today.slice(5, 7)) / 3)}`,
      'sup-fj',
    );
    const inspections = await sheetCells(report.body, '监督检查');
    expect(inspections.at(-1)!.slice(0, 2)).toEqual(['', '合计']);
    expect((await sheetCells(report.body, '考评员资格')).map((r) => r[1])).toEqual(expect.arrayContaining(['福州市', '厦门市', '合计']));
  });
});
