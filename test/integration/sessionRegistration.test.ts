import { chinaDate } from '../../domain/chinaTime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertUsers } from '../../db/queries/users';
import { examinerRow, postExaminerCsv, toCsv } from '../support/examinerCsv';
import { appraisalSession, licenseStation } from '../support/fixtures';
import { candidate, codes, masked, idNumber } from '../support/sessions';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * Session registration (鉴定场次) against the registers: each examiner qualified for the occupation at the
 * session's level or higher on the session date, the station's licence valid then, and the site in the
 * station's city (policy `programme.sessionRegion: 'city'`), the rule the complaint's automatic check applies too.
 * The examiners come from an import, so no seeded qualification can stand in for theirs; they are in the user
 * register too, as a session's examiners must be (they sign in to enter its scores).
 */
let h: Harness;
/** admin-1's station: Foshan (440600), licensed for 6-18-01-01 up to level 3. */
let stationId: number;
const day = (fromNow: number) => chinaDate(Date.now() + fromNow * 86_400_000);
/** Each session on a day of its own: its examiners sit at one session a day. */
let nextDay = 60;

beforeAll(async () => {
  h = await startHarness({ programme: { sessionRegion: 'city' } });
  stationId = await licenseStation(h);
  const row = (n: number, occupation_code: string, level: number, expires_on = day(1500)) =>
    examinerRow(n, 'SR', { occupation_code, level: String(level), expires_on });
  const rows = [
    row(1, '6-18-01-01', 2),
    row(2, '6-18-01-01', 4),
    row(3, '6-31-01-03', 3),
    row(4, '6-18-01-01', 3),
    // SR-4 stays active in the register through this one while the other is suspended.
    { ...row(4, '6-18-02-04', 3), card_number: 'KP-SR-000041' },
    row(5, '6-18-01-01', 3, day(30)),
    row(6, '6-18-01-01', 3),
    // For sessions at their own times.
    row(7, '6-18-01-01', 3),
    row(8, '6-18-01-01', 3),
    row(9, '6-18-01-01', 3),
  ];
  const imported = await postExaminerCsv(h, toCsv(rows), 'sup-1');
  expect(imported.status, imported.text).toBe(201);
  expect(imported.body).toMatchObject({ imported: rows.length, rejectedCount: 0 });
  await upsertUsers(
    h.db,
    [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => ({
      id: `SR-${n}`,
      name: `Examiner SR ${n}`,
      email: `examiner.sr.${n}@stations.example`,
      roles: ['examiner' as const],
      organisation: `Foshan Technician College ${n % 7}`,
      affiliations: [],
      jurisdictions: ['440600'],
    })),
  );

  const listed = (await h.api('GET', '/v1/qualifications?occupationCode=6-18-01-01&limit=100', { as: 'sup-1' })).body.items as Array<{
    id: string;
    examinerId: string;
  }>;
  const suspended = listed.find((q) => q.examinerId === 'SR-4')!;
  // The import starts each qualification's cycle shortly after; the suspension is an action on it.
  const res = await eventually(async () => {
    const r = await h.api('POST', `/v1/qualifications/${suspended.id}/suspension`, {
      as: 'sup-1',
      body: { until: new Date(Date.now() + 400 * 86_400_000).toISOString(), reasons: ['complaint under investigation'] },
    });
    return r.status === 200 ? r : undefined;
  });
  expect(res.body.status).toBe('suspended');
});
afterAll(async () => h?.close());

const session = (overrides: Record<string, unknown> = {}) => appraisalSession({ date: day(nextDay++), examinerIds: ['SR-1', 'SR-6'], ...overrides });
const register = (body: unknown) => h.api('POST', `/v1/stations/${stationId}/sessions`, { as: 'admin-1', body });
const registered = async () =>
  ((await h.api('GET', `/v1/stations/${stationId}/sessions`, { as: 'sup-1' })).body.items as Array<{ id: string }>).map((s) => s.id);

describe('session registration', () => {
  it('refuses each examiner not qualified for the occupation at the session level, naming them and why', async () => {
    const before = await registered();
    const refusals: Array<[string, string[], string[]]> = [
      ['no qualification for the occupation', ['SR-3'], ['SR-3', 'no qualification for 6-18-01-01']],
      ['qualified only at level 4 for a level 3 session', ['SR-2'], ['SR-2', 'level 4', "below the session's level 3"]],
      ['a suspended qualification', ['SR-4'], ['SR-4', 'suspended']],
      ['a qualification that expires before the session', ['SR-5'], ['SR-5', 'expired', day(30)]],
    ];
    for (const [what, [examinerId], words] of refusals) {
      const res = await register(session({ examinerIds: [examinerId, 'SR-6'] }));
      expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(409);
      expect(
        res.body.error.details.map((d: { field: string }) => d.field),
        what,
      ).toEqual(['examinerIds']);
      for (const word of words) expect(res.body.error.message, what).toContain(word);
      // The qualified examiner beside them is not named.
      expect(res.body.error.message, what).not.toContain('SR-6');
    }
    expect(await registered()).toEqual(before);
  });

  it('accepts an examiner qualified at level 2 for a level 3 session', async () => {
    const res = await register(session());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(await registered()).toContain(res.body.sessionId);
  });

  it("refuses a session after the licence's validity has ended, and takes one on its last day", async () => {
    const { validUntil, licenceNumber } = (await h.api('GET', `/v1/stations/${stationId}`, { as: 'admin-1' })).body as {
      validUntil: string;
      licenceNumber: string;
    };
    // The licence's last day is a date in China, as the rule compares it.
    const lastDay = chinaDate(validUntil);
    const after = chinaDate(Date.parse(validUntil) + 86_400_000);
    const refused = await register(session({ date: after }));
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(refused.body.error.details.map((d: { field: string }) => d.field)).toEqual(['date']);
    for (const word of ['licence', licenceNumber, lastDay]) expect(refused.body.error.message).toContain(word);
    expect((await register(session({ date: lastDay }))).status).toBe(201);
  });

  it("confines sessions to the station's city by policy, and the complaint's automatic check flags one held elsewhere", async () => {
    const guangzhou = { provinceCode: '440000', cityCode: '440100', address: '天河区实训楼5号车间' };
    const refused = await register(session({ site: guangzhou }));
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    for (const word of ['cross-region', '跨地区', '440100', 'city']) expect(refused.body.error.message).toContain(word);

    const inFoshan = (await register(session())).body.sessionId as string;
    const heldElsewhere = (await register(session())).body.sessionId as string;
    // Found held in Guangzhou after all: the register now shows it there.
    await h.db('appraisal_sessions').where({ id: heldElsewhere }).update({ city_code: '440100' });

    const crossRegionFact = async (sessionId: string) => {
      const filed = await h.api('POST', '/v1/public/complaints', {
        body: { category: 'cross_region_appraisal', stationId, sessionId, happenedOn: day(0), description: 'The session was held in another city.' },
      });
      expect(filed.status, JSON.stringify(filed.body)).toBe(201);
      const id = await eventually(
        async () => (await h.db('complaints').where({ tracking_number: filed.body.trackingNumber }).first('id'))?.id as string | undefined,
      );
      const triaged = await h.api('POST', `/v1/complaints/${id}/triage`, {
        as: 'handler-1',
        body: { category: 'cross_region_appraisal', severity: 'normal', stationId, sessionId },
      });
      expect(triaged.status, JSON.stringify(triaged.body)).toBe(200);
      const facts = await eventually(async () => {
        const live = (await h.api('GET', `/v1/complaints/${id}`, { as: 'handler-1' })).body.live;
        return live.facts.length ? (live.facts as Array<{ check: string; result: boolean; detail: string }>) : undefined;
      });
      return facts.find((f) => f.check === 'cross_region');
    };
    expect(await crossRegionFact(heldElsewhere)).toMatchObject({ result: true, detail: expect.stringContaining('440100') });
    expect(await crossRegionFact(inFoshan)).toMatchObject({ result: false });
  });
});

describe("the overlap rules, by the sessions' own times", () => {
  /** A time of the day in China (UTC+8), as the API takes it. */
  const at = (date: string, time: string) => new Date(`${date}T${time}:00+08:00`).toISOString();
  const held = (date: string, from: string, to: string, examinerIds: string[]) =>
    session({ date, startsAt: at(date, from), endsAt: at(date, to), examinerIds });
  const addCandidate = (sessionId: string, n: number) =>
    h.api('POST', `/v1/sessions/${sessionId}/candidates`, { as: 'admin-1', body: { candidates: [candidate(n, `考生${n}`)] } });

  it('lets sessions the same day one after the other share examiners and candidates, and refuses one overlapping either', async () => {
    const date = day(nextDay++);
    const morning = await register(held(date, '08:30', '12:00', ['SR-7', 'SR-8']));
    expect(morning.status, JSON.stringify(morning.body)).toBe(201);
    // It begins as the morning's ends: they do not overlap.
    const afternoon = await register(held(date, '12:00', '17:00', ['SR-7', 'SR-8']));
    expect(afternoon.status, JSON.stringify(afternoon.body)).toBe(201);
    for (const id of [morning.body.sessionId, afternoon.body.sessionId]) {
      const added = await addCandidate(id, 11);
      expect(added.status, JSON.stringify(added.body)).toBe(200);
    }

    const overMidday = await register(held(date, '11:00', '13:00', ['SR-9', 'SR-8']));
    expect(overMidday.status, JSON.stringify(overMidday.body)).toBe(400);
    expect(codes(overMidday)).toEqual([['examinerIds', 'examiner_busy']]);
    expect(overMidday.body.error.message).toContain('SR-8');
    expect(overMidday.body.error.message).toContain('at an overlapping time');
    expect(overMidday.body.error.message).not.toContain('SR-9');

    // With examiners of its own it is registered, but the candidate on the morning's roster is not taken.
    const ownExaminers = await register(held(date, '11:00', '13:00', ['SR-9', 'SR-1']));
    expect(ownExaminers.status, JSON.stringify(ownExaminers.body)).toBe(201);
    const refused = await addCandidate(ownExaminers.body.sessionId, 11);
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(codes(refused)).toEqual([['candidates', 'overlapping_session']]);
    expect(refused.body.error.message).toContain(masked(idNumber(11)));
    expect(refused.body.error.message).toContain('at an overlapping time');
    // Someone on no overlapping roster is taken.
    expect((await addCandidate(ownExaminers.body.sessionId, 12)).status).toBe(200);
  });

  it('lets one of two registrations at two stations sharing an examiner at overlapping times through, sent together', async () => {
    const other = await licenseStation(h, 'admin-2');
    const date = day(nextDay++);
    const answers = await Promise.all([
      register(held(date, '09:00', '12:00', ['SR-7', 'SR-8'])),
      h.api('POST', `/v1/stations/${other}/sessions`, { as: 'admin-2', body: held(date, '10:00', '11:00', ['SR-7', 'SR-9']) }),
    ]);
    const [registered, refused] = [answers.filter((a) => a.status === 201), answers.filter((a) => a.status !== 201)];
    expect(registered.length, JSON.stringify(answers.map((a) => [a.status, a.body.error]))).toBe(1);
    // Refused as busy once the other's row is written, or told to retry if it waited too long for the lock.
    expect([
      [400, 'examiner_busy'],
      [409, 'busy_retry'],
    ]).toContainEqual([refused[0].status, codes(refused[0])[0][1]]);
    expect(codes(refused[0])[0][0]).toBe('examinerIds');
    const sessionsOfSr7 = await h
      .db('appraisal_session_examiners as e')
      .join('appraisal_sessions as s', 's.id', 'e.session_id')
      .where({ 'e.examiner_id': 'SR-7', 's.session_date': date })
      .pluck('s.id');
    expect(sessionsOfSr7).toEqual([registered[0].body.sessionId]);
  });

  it('takes a person onto one of two overlapping rosters when both add them together', async () => {
    const date = day(nextDay++);
    const ids: string[] = [];
    for (const [from, to, examinerIds] of [
      ['09:00', '12:00', ['SR-7', 'SR-8']],
      ['10:00', '11:00', ['SR-9', 'SR-1']],
    ] as const) {
      const res = await register(held(date, from, to, [...examinerIds]));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      ids.push(res.body.sessionId);
    }
    const answers = await Promise.all(ids.map((id) => addCandidate(id, 13)));
    const [taken, refused] = [answers.filter((a) => a.status === 200), answers.filter((a) => a.status !== 200)];
    expect(taken.length, JSON.stringify(answers.map((a) => [a.status, a.body.error]))).toBe(1);
    expect([
      [400, 'overlapping_session'],
      [409, 'busy_retry'],
    ]).toContainEqual([refused[0].status, codes(refused[0])[0][1]]);
    const rosters = await h
      .db('session_candidates')
      .whereIn('session_id', ids)
      .where({ masked_id: masked(idNumber(13)) })
      .pluck('session_id');
    expect(rosters).toHaveLength(1);
  });
});
