import { expect } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { eventually, type Harness } from './harness';

import { goodScores } from './caseData';

export { checklistScores, goodScores } from './caseData';

/** admin-2's application: 珠江技能有限公司, in Guangzhou (440100), with no declared affiliations. */
export const guangzhouApplication = {
  ...example,
  organisation: { name: '珠江技能有限公司', creditCode: '91440101MA59PRT01X' },
  stationName: '珠江职业技能鉴定站',
  region: { provinceCode: '440000', cityCode: '440100' },
  address: '广东省广州市天河区黄埔大道88号',
  contactEmail: 'admin@pearl-river-skills.example',
  declaredAffiliations: [],
};

/** Takes an application through the whole approval to a licensed station with a running programme; returns the station id. */
export async function licenseStation(h: Harness, as = 'admin-1', application: unknown = example): Promise<number> {
  const created = await h.api('POST', '/v1/station-applications', { as, body: application });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id;
  const act = async (path: string, who: string, body: unknown) => {
    const res = await h.api('POST', `/v1/station-applications/${id}/${path}`, { as: who, body });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    return res.body as { status: string };
  };
  await act('reviewer', 'sup-1', { reviewerId: 'rev-2' });
  await act('review', 'rev-2', { outcome: 'pass' });
  await act('assessors', 'sup-1', { assessorIds: ['insp-1', 'insp-2'] });
  await act('assessments', 'insp-1', { scores: goodScores });
  // Where the policy asks for it, the machinery industry authority concurs before the decision.
  if ((await act('assessments', 'insp-2', { scores: goodScores })).status === 'awaiting_concurrence')
    await act('concurrence', 'sup-mach', { outcome: 'concur' });
  await act('decision', 'sup-2', { outcome: 'approve' });
  const stationId = await eventually(async () => (await h.api('GET', `/v1/station-applications/${id}`, { as: 'sup-1' })).body.record.stationId ?? undefined);
  // The programme is running once the station answers with it.
  await eventually(async () => (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body.programme ?? undefined);
  return stationId as number;
}

/** An appraisal session within the example station's licence and region, with overrides. */
export function appraisalSession(overrides: Record<string, unknown> = {}) {
  return {
    occupationCode: '6-18-01-01',
    level: 3,
    date: '2027-06-01',
    site: { provinceCode: '440000', cityCode: '440600', address: '实训楼2号车间' },
    examinerIds: ['exam-1', 'exam-2'],
    expectedCandidates: 20,
    ...overrides,
  };
}

/**
 * Makes sure an examiner (a demo user with the examiner role) holds an active qualification in the occupation at
 * `level` or higher, as session registration needs: the one the register holds already, else their application
 * through the API, admitted by a reviewer.
 */
export async function qualifyExaminer(h: Harness, examinerId: string, occupationCode = '6-18-01-01', level = 3): Promise<{ id: string }> {
  const entry = await h.api('GET', `/v1/examiners/${examinerId}`, { as: 'sup-1' });
  type Held = { id: string; occupationCode: string; level: number; status: string };
  const held =
    entry.status === 200
      ? (entry.body.qualifications as Held[]).find((q) => q.occupationCode === occupationCode && q.level <= level && q.status === 'active')
      : undefined;
  if (held) return held;
  const applied = await h.api('POST', '/v1/qualifications', {
    as: examinerId,
    body: { occupationCode, level, trainingHours: 48, examScore: 82, nationalId: '44010619850301123X' },
  });
  expect(applied.status, JSON.stringify(applied.body)).toBe(201);
  const admitted = await h.api('POST', `/v1/qualifications/${applied.body.id}/admission-decision`, { as: 'rev-2', body: { outcome: 'approve' } });
  expect(admitted.status, JSON.stringify(admitted.body)).toBe(200);
  expect(admitted.body.status).toBe('active');
  return admitted.body;
}
