import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { examinerRow, postExaminerCsv, toCsv } from '../support/examinerCsv';
import { startHarness, type Harness } from '../support/harness';

/**
 * The examiner register within jurisdictions: an official reads an examiner's entry and timeline, and records
 * conduct and training, only for examiners registered in their jurisdictions or holding a qualification they see;
 * anyone else gets the 404 of an unknown id. The examiner reads their own entry and logs their own training.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

const conduct = { kind: 'violation', description: 'Left the appraisal room unattended', source: 'session report 17' };
const training = { hours: 8, course: 'Appraisal ethics', completedOn: '2026-10-01' };
const UNKNOWN = 'nobody-such';

/** Every register endpoint on one examiner, as one caller. */
async function register(id: string, as: string) {
  return {
    entry: await h.api('GET', `/v1/examiners/${id}`, { as }),
    timeline: await h.api('GET', `/v1/examiners/${id}/timeline`, { as }),
    conduct: await h.api('POST', `/v1/examiners/${id}/conduct`, { as, body: conduct }),
    training: await h.api('POST', `/v1/examiners/${id}/training`, { as, body: training }),
  };
}

const recorded = async (id: string) => ({
  conduct: Number((await h.db('conduct_records').where({ examiner_id: id }).count({ n: '*' }).first())?.n),
  training: Number((await h.db('training_records').where({ examiner_id: id }).count({ n: '*' }).first())?.n),
});

describe('the examiner register within jurisdictions', () => {
  it('answers a Xiamen supervisor on a Foshan examiner exactly as on an unknown id, and records nothing', async () => {
    const before = await recorded('exam-1');
    const [foshan, unknown] = [await register('exam-1', 'sup-xm'), await register(UNKNOWN, 'sup-xm')];
    for (const call of ['entry', 'timeline', 'conduct', 'training'] as const) {
      expect([foshan[call].status, unknown[call].status], call).toEqual([404, 404]);
      expect(foshan[call].body, call).toEqual({ error: { code: 'not_found', message: 'no examiner exam-1', details: [] } });
      expect(unknown[call].body, call).toEqual({ error: { code: 'not_found', message: `no examiner ${UNKNOWN}`, details: [] } });
    }
    expect(await recorded('exam-1')).toEqual(before);
  });

  it('serves the Foshan supervisor, the province and the nation', async () => {
    for (const as of ['sup-fs', 'sup-gd', 'sup-1']) {
      const res = await register('exam-1', as);
      expect([res.entry.status, res.timeline.status, res.conduct.status, res.training.status], as).toEqual([200, 200, 201, 201]);
      expect(res.entry.body).toMatchObject({ id: 'exam-1', name: '徐伟' });
    }
    const timeline = await h.api('GET', '/v1/examiners/exam-1/timeline', { as: 'sup-fs' });
    expect(timeline.body.items.filter((e: { action: string }) => e.action === 'violation_recorded').map((e: { actorId: string }) => e.actorId)).toEqual([
      'sup-fs',
      'sup-gd',
      'sup-1',
    ]);
    for (const as of ['sup-gz', 'sup-fj']) expect((await h.api('GET', '/v1/examiners/exam-1', { as })).status, as).toBe(404);
    // The machinery authority sees exam-1 through the seeded 6-18 qualification, and only that one.
    const industry = await h.api('GET', '/v1/examiners/exam-1', { as: 'sup-mach' });
    expect(industry.status).toBe(200);
    expect(industry.body.qualifications.every((q: { occupationCode: string }) => q.occupationCode.startsWith('6-18'))).toBe(true);
  });

  it("lets the examiner read their own entry and log their own training, and nobody else's", async () => {
    expect((await h.api('GET', '/v1/examiners/exam-1', { as: 'exam-1' })).status).toBe(200);
    expect((await h.api('GET', '/v1/examiners/exam-1/timeline', { as: 'exam-1' })).status).toBe(200);
    expect((await h.api('POST', '/v1/examiners/exam-1/training', { as: 'exam-1', body: training })).status).toBe(201);
    const before = await recorded('exam-2');
    expect((await h.api('GET', '/v1/examiners/exam-2', { as: 'exam-1' })).status).toBe(404);
    expect((await h.api('POST', '/v1/examiners/exam-2/training', { as: 'exam-1', body: training })).status).toBe(404);
    expect(await recorded('exam-2')).toEqual(before);
  });

  it('shows an examiner to the industry authority of a qualification they hold, listing only the qualifications it sees', async () => {
    // Imported by Foshan: registered there, one machinery qualification and one other.
    const rows = [
      examinerRow(1, 'RS', { occupation_code: '6-18-01-01' }),
      { ...examinerRow(1, 'RS', { occupation_code: '4-04-05-01' }), card_number: examinerRow(2, 'RS').card_number },
    ];
    const imported = await postExaminerCsv(h, toCsv(rows), 'sup-fs');
    expect(imported.body, imported.text).toMatchObject({ imported: 2 });

    const occupations = async (as: string) => {
      const res = await h.api('GET', '/v1/examiners/RS-1', { as });
      return res.status === 200 ? res.body.qualifications.map((q: { occupationCode: string }) => q.occupationCode).sort() : res.status;
    };
    expect(await occupations('sup-fs')).toEqual(['4-04-05-01', '6-18-01-01']);
    expect(await occupations('sup-gd')).toEqual(['4-04-05-01', '6-18-01-01']);
    expect(await occupations('sup-mach')).toEqual(['6-18-01-01']);
    expect(await occupations('sup-xm')).toBe(404);
    // The same rule as the qualifications themselves.
    const listed = await h.api('GET', '/v1/qualifications?limit=100', { as: 'sup-mach' });
    expect(listed.body.items.filter((q: { examinerId: string }) => q.examinerId === 'RS-1').map((q: { occupationCode: string }) => q.occupationCode)).toEqual([
      '6-18-01-01',
    ]);
    const foshan = await h.api('GET', '/v1/qualifications?limit=100', { as: 'sup-fs' });
    expect(foshan.body.items.filter((q: { examinerId: string }) => q.examinerId === 'RS-1')).toHaveLength(2);

    // The machinery authority may record conduct for the examiner it sees; Xiamen may not.
    expect((await h.api('POST', '/v1/examiners/RS-1/conduct', { as: 'sup-mach', body: conduct })).status).toBe(201);
    expect((await h.api('POST', '/v1/examiners/RS-1/conduct', { as: 'sup-xm', body: conduct })).status).toBe(404);
  });
});
