import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { eventually, startHarness, type Harness } from '../support/harness';
import { goodScores, licenseStation } from '../support/fixtures';

/**
 * Jurisdictions: a city's officials act only on their city's stations, a province's on its cities', the
 * national level on all, and the machinery industry authority on machinery stations wherever they are.
 * Out of jurisdiction is 404, as if the case did not exist.
 */
let h: Harness;
let foshan: number;
let xiamen: number;
let xiamenCateringApplication: string;
beforeAll(async () => {
  // Machinery occupations of group 6-18-02 need the machinery industry authority's concurrence.
  h = await startHarness({ stationApproval: { concurrenceOccupations: ['6-18-02'] } });
  // Both stations appraise machinery occupations (6-18 …); the third application, in Xiamen, catering only.
  foshan = await licenseStation(h, 'admin-1');
  xiamen = await licenseStation(h, 'admin-2', {
    ...example,
    organisation: { name: '厦门重型机械有限公司', creditCode: '91350200MA31XMHM0K' },
    stationName: '厦门重型机械职业技能鉴定站',
    region: { provinceCode: '350000', cityCode: '350200' },
    address: '福建省厦门市海沧区海沧大道9号',
  });
  const catering = await h.api('POST', '/v1/station-applications', {
    as: 'admin-2',
    body: {
      ...example,
      stationName: '厦门餐饮职业技能鉴定站',
      region: { provinceCode: '350000', cityCode: '350200' },
      scope: [{ occupationCode: '4-03-02-01', highestLevel: 3 }],
    },
  });
  expect(catering.status, JSON.stringify(catering.body)).toBe(201);
  xiamenCateringApplication = catering.body.id;
});
afterAll(async () => h?.close());

const status = async (as: string, path: string) => (await h.api('GET', path, { as })).status;
const stationIds = async (as: string) => ((await h.api('GET', '/v1/stations?limit=100', { as })).body.items as Array<{ id: number }>).map((s) => s.id).sort();

describe('jurisdictions', () => {
  it('lets each level see the stations inside it, and nothing outside (404)', async () => {
    const cases: Array<[string, string, number, number]> = [
      // who, level, Foshan, Xiamen
      ['sup-fs', 'Foshan city', 200, 404],
      ['sup-gz', 'Guangzhou city', 404, 404],
      ['sup-gd', 'Guangdong province', 200, 404],
      ['sup-xm', 'Xiamen city', 404, 200],
      ['sup-fj', 'Fujian province', 404, 200],
      ['sup-1', 'national', 200, 200],
      ['sup-mach', 'machinery industry', 200, 200],
    ];
    for (const [who, level, inFoshan, inXiamen] of cases) {
      expect([await status(who, `/v1/stations/${foshan}`), await status(who, `/v1/stations/${xiamen}`)], `${who} (${level})`).toEqual([inFoshan, inXiamen]);
      const listed = await stationIds(who);
      expect(listed.includes(foshan), `${who} lists Foshan`).toBe(inFoshan === 200);
      expect(listed.includes(xiamen), `${who} lists Xiamen`).toBe(inXiamen === 200);
    }
  });

  it('keeps the industry authority to its occupations: a catering application in Xiamen is not its business', async () => {
    expect(await status('sup-xm', `/v1/station-applications/${xiamenCateringApplication}`)).toBe(200);
    expect(await status('sup-mach', `/v1/station-applications/${xiamenCateringApplication}`)).toBe(404);
    expect(await status('sup-fs', `/v1/station-applications/${xiamenCateringApplication}`)).toBe(404);
    // Nor may a Foshan supervisor act on it: the action finds no case.
    const act = await h.api('POST', `/v1/station-applications/${xiamenCateringApplication}/reviewer`, { as: 'sup-fs', body: { reviewerId: 'rev-2' } });
    expect(act.status).toBe(404);
    expect((await h.api('GET', '/v1/station-applications?limit=100', { as: 'sup-mach' })).body.items.map((a: { id: string }) => a.id)).not.toContain(
      xiamenCateringApplication,
    );
  });

  it('lets a city supervisor inspect only its own stations, and hides the inspection from other cities', async () => {
    const outside = await h.api('POST', '/v1/inspections', { as: 'sup-fs', body: { stationId: xiamen, reason: 'spot check' } });
    expect(outside.status).toBe(400);
    expect(outside.body.error.details).toEqual([expect.objectContaining({ field: 'stationId' })]);
    const inside = await h.api('POST', '/v1/inspections', { as: 'sup-fs', body: { stationId: foshan, reason: 'spot check' } });
    expect(inside.status, JSON.stringify(inside.body)).toBe(201);
    const id = inside.body.id as string;
    expect(await status('sup-gd', `/v1/inspections/${id}`)).toBe(200);
    expect(await status('sup-xm', `/v1/inspections/${id}`)).toBe(404);
    const team = await h.api('POST', `/v1/inspections/${id}/team`, { as: 'sup-xm', body: { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' } });
    expect(team.status).toBe(404);
  });

  it('scopes complaints and their statistics to the stations inside', async () => {
    const file = async (stationId: number) => {
      const res = await h.api('POST', '/v1/public/complaints', {
        body: {
          category: 'fraudulent_appraisal',
          stationId,
          happenedOn: '2026-11-01',
          description: 'Candidates were passed without sitting the practical test.',
        },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return eventually(async () => (await h.db('complaints').where({ tracking_number: res.body.trackingNumber }).first('id'))?.id as string | undefined);
    };
    const [inFoshan, inXiamen] = [await file(foshan), await file(xiamen)];
    expect(await status('sup-fs', `/v1/complaints/${inFoshan}`)).toBe(200);
    expect(await status('sup-fs', `/v1/complaints/${inXiamen}`)).toBe(404);
    const openCount = async (as: string) => {
      const res = await h.api('GET', '/v1/complaints/statistics', { as });
      return Object.values(res.body.open.byCategory as Record<string, number>).reduce((a, b) => a + b, 0);
    };
    expect(await openCount('sup-fs')).toBe(1);
    expect(await openCount('sup-fj')).toBe(1);
    expect(await openCount('sup-1')).toBe(2);
  });

  it("scopes qualifications to the examiner's registration and the occupation's industry", async () => {
    const applied = await h.api('POST', '/v1/qualifications', {
      as: 'exam-2',
      body: { occupationCode: '6-18-01-01', level: 3, trainingHours: 60, examScore: 90, nationalId: '440106198001011234' },
    });
    expect(applied.status, JSON.stringify(applied.body)).toBe(201);
    const id = applied.body.id as string;
    // exam-2 is registered in Foshan.
    expect(await status('sup-fs', `/v1/qualifications/${id}`)).toBe(200);
    expect(await status('sup-gd', `/v1/qualifications/${id}`)).toBe(200);
    expect(await status('sup-mach', `/v1/qualifications/${id}`)).toBe(200);
    expect(await status('sup-xm', `/v1/qualifications/${id}`)).toBe(404);
    expect(await status('sup-gz', `/v1/qualifications/${id}`)).toBe(404);
  });

  it('asks the industry authority to concur before the decision, and lets only it concur or object', async () => {
    const applications = (await h.api('GET', '/v1/station-applications?status=approved&limit=100', { as: 'sup-1' })).body.items as Array<{
      id: string;
      stationId: number;
    }>;
    const licensed = applications.find((a) => a.stationId === foshan)!;
    const timeline = (await h.api('GET', `/v1/station-applications/${licensed.id}/timeline`, { as: 'sup-1' })).body.items as Array<{
      action: string;
      actorId: string;
      data?: any;
      statusBefore?: string;
      statusAfter?: string;
    }>;
    expect(timeline.find((e) => e.action === 'industry_concurred')).toMatchObject({
      actorId: 'sup-mach',
      data: { jurisdiction: 'IND:machinery' },
      statusBefore: 'awaiting_concurrence',
      statusAfter: 'awaiting_decision',
    });

    const created = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: { ...example, stationName: '南海机械厂第二鉴定站' } });
    const id = created.body.id as string;
    const act = (path: string, as: string, body: unknown) => h.api('POST', `/v1/station-applications/${id}/${path}`, { as, body });
    for (const [path, as, body] of [
      ['reviewer', 'sup-1', { reviewerId: 'rev-2' }],
      ['review', 'rev-2', { outcome: 'pass' }],
      ['assessors', 'sup-1', { assessorIds: ['insp-1', 'insp-2'] }],
      ['assessments', 'insp-1', { scores: goodScores }],
      ['assessments', 'insp-2', { scores: goodScores }],
    ] as const)
      expect((await act(path, as, body)).status, path).toBe(200);
    expect((await h.api('GET', `/v1/station-applications/${id}`, { as: 'sup-mach' })).body.live.pending).toMatchObject({
      action: 'concur',
      role: 'supervisor',
    });
    // Not the regional supervisors' call, nor may the decision come first.
    expect((await act('concurrence', 'sup-1', { outcome: 'concur' })).status).toBe(403);
    expect((await act('decision', 'sup-2', { outcome: 'approve' })).status).toBe(409);
    expect((await act('concurrence', 'sup-mach', { outcome: 'object' })).status).toBe(400);
    const objected = await act('concurrence', 'sup-mach', { outcome: 'object', reasons: ['the casting workshop lacks the equipment the occupation needs'] });
    expect(objected.status, JSON.stringify(objected.body)).toBe(200);
    expect(objected.body.status).toBe('rejected');
  });
});
