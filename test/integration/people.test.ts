import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { DEMO_USERS } from '../../db/seeds/demo';
import { startHarness, type Harness } from '../support/harness';
import { licenseStation } from '../support/fixtures';

/** The people lookup the console names and chooses people with: names and roles only, by jurisdiction, with why not. */
let h: Harness;
let stationId: number;
beforeAll(async () => {
  h = await startHarness();
  stationId = await licenseStation(h);
});
afterAll(async () => h?.close());

const ids = (rows: Array<{ id: string }>) => rows.map((r) => r.id).sort();

describe('GET /v1/people', () => {
  it('names the people with the given ids for any role, with their roles and nothing to contact them by', async () => {
    const res = await h.api('GET', '/v1/people?ids=rev-2,sup-fs,nobody-9', { as: 'admin-1' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        { id: 'rev-2', name: expect.any(String), roles: ['reviewer'] },
        { id: 'sup-fs', name: expect.any(String), roles: expect.arrayContaining(['supervisor', 'complaint_handler']) },
      ]),
    );
    expect(res.body.items).toHaveLength(2);
    expect(JSON.stringify(res.body)).not.toMatch(/@|email|organisation/);
  });

  it('lists the holders of a role where the caller acts: their own places and those above, nobody elsewhere', async () => {
    const foshan = await h.api('GET', '/v1/people?role=quality_supervisor', { as: 'sup-fs' });
    expect(ids(foshan.body.items)).toEqual(['qs-1', 'qs-fs']);
    const national = await h.api('GET', '/v1/people?role=quality_supervisor', { as: 'sup-1' });
    expect(ids(national.body.items)).toEqual(['qs-1', 'qs-fs', 'qs-xm']);
    // A station administrator acts nowhere: the role list gives them nobody.
    expect((await h.api('GET', '/v1/people?role=reviewer', { as: 'admin-1' })).body.items).toEqual([]);
  });

  it('refuses a request naming neither ids nor a role, naming the field', async () => {
    const res = await h.api('GET', '/v1/people', { as: 'sup-1' });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('ids');
  });
});

describe('eligible people', () => {
  it('proposes quality supervisors for a station, with the reason for those outside its jurisdiction', async () => {
    const res = await h.api('GET', `/v1/stations/${stationId}/eligible-quality-supervisors`, { as: 'sup-1' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(ids(res.body.eligible)).toEqual(['qs-1', 'qs-fs']);
    expect(res.body.ineligible).toEqual([expect.objectContaining({ id: 'qs-xm', reasons: [expect.objectContaining({ code: 'outside_jurisdiction' })] })]);
    // Outside a supervisor's sight, the station is as unknown as a missing one.
    expect((await h.api('GET', `/v1/stations/${stationId}/eligible-quality-supervisors`, { as: 'sup-xm' })).status).toBe(404);
  });

  it('proposes reviewers for an application, those tied to the applicant recused', async () => {
    // The applicant declares the reviewers' own organisation as an affiliate: both must step aside.
    const created = await h.api('POST', '/v1/station-applications', {
      as: 'admin-1',
      body: { ...example, declaredAffiliations: [DEMO_USERS.find((u) => u.id === 'rev-2')!.organisation] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const res = await h.api('GET', `/v1/station-applications/${created.body.id}/eligible-reviewers`, { as: 'sup-1' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.eligible).toEqual([]);
    expect(ids(res.body.ineligible)).toEqual(['rev-1', 'rev-2']);
    for (const row of res.body.ineligible) expect(row.reasons).toEqual([expect.objectContaining({ code: 'recusal' })]);
  });
});
