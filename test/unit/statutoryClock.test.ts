import { describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { Refusal, type RefusalType } from '../../domain/errors';
import { stationMailsFor } from '../../domain/notices';
import { defaultPolicy, policyWith } from '../../domain/policy';
import type { Actor, Person } from '../../domain/roles';
import {
  applyAction,
  applyExtension,
  checkExtension,
  clockResolved,
  initialState,
  statutoryMissed,
  type ApplicationState,
  type StationApplication,
} from '../../domain/stationApproval';
import {
  advanceClock,
  clockFigures,
  countRuns,
  elapsedMs,
  extendClock,
  needsResolving,
  remaining,
  startClock,
  withDue,
  type StatutoryClock,
} from '../../domain/statutoryClock';
import { addWorkingDays, workingCalendar, workingDaysBetween } from '../../domain/workingDays';

/**
 * The statutory clock of a licensing decision: the pure part. The 2026 Spring Festival as published: 15–23 February off,
 * Saturday 14 and Saturday 28 February make-up working days (调休).
 */
const cal2026 = workingCalendar(7, ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-02-23'], ['2026-02-14', '2026-02-28']);
const wd = (from: string, to: string) => workingDaysBetween(cal2026, from, to);
/** A China time (UTC+8) as an ISO instant. */
const cn = (local: string) => new Date(`${local}+08:00`).toISOString();

const policy = defaultPolicy.stationApproval;
const supervisor: Actor = { id: 'sup-1', roles: ['supervisor'] };
const reviewerPerson: Person = {
  id: 'rev-1',
  name: '李伟',
  email: 'rev-1@appraisal.example.gov.cn',
  roles: ['reviewer'],
  organisation: '广东省技能鉴定中心',
  affiliations: [],
};

function refusalOf(fn: () => unknown): RefusalType {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Refusal);
    return (error as Refusal).type;
  }
  throw new Error('expected a refusal');
}

describe('the clock in working days', () => {
  // Accepted on Friday 13 February 2026, the day before the make-up Saturday and the festival.
  const accepted = cn('2026-02-13T10:00:00');
  const started = () => startClock('P20WD', accepted, { dueAt: addWorkingDays(cal2026, accepted, 20), calendarVersion: 7 });

  it('starts at acceptance, due at the end of the twentieth working day after it (the festival not counted, the make-up days counted)', () => {
    const k = started();
    expect(k).toMatchObject({ unit: 'workingDays', limit: 20, used: 0, runningSince: accepted, calendarVersion: 7 });
    // 14 Feb (Sat, make-up), 24–27 Feb, 28 Feb (Sat, make-up), 2–6, 9–13, 16–19 March: the 20th is Thursday 19 March.
    expect(k.dueAt).toBe(cn('2026-03-19T23:59:59.999'));
  });

  it('stops on a return, counts the run, and resumes on the resubmission without counting the time with the applicant', () => {
    let k = started();
    // Returned on Wednesday 25 February: 14, 24, 25 Feb used.
    const returnedAt = cn('2026-02-25T16:00:00');
    k = advanceClock(k, false, false, returnedAt);
    expect(k.runningSince).toBeUndefined();
    expect(k.dueAt).toBeUndefined();
    expect(needsResolving(k)).toBe(true);
    k = countRuns(k, [{ run: { from: accepted, to: returnedAt }, amount: wd(accepted, returnedAt) }]);
    expect(k.used).toBe(3);
    expect(k.uncounted).toEqual([]);
    expect(needsResolving(k)).toBe(false);

    // Resubmitted on Tuesday 10 March: 17 days left, from the day after.
    const resubmittedAt = cn('2026-03-10T09:30:00');
    k = advanceClock(k, true, false, resubmittedAt);
    expect(k.runningSince).toBe(resubmittedAt);
    expect(needsResolving(k)).toBe(true);
    expect(remaining(k)).toBe(17);
    k = withDue(k, resubmittedAt, { dueAt: addWorkingDays(cal2026, resubmittedAt, remaining(k)), calendarVersion: 7 });
    expect(k.dueAt).toBe(cn('2026-04-02T23:59:59.999'));

    // On 12 March a reader sees 3 + 2 used and 15 left.
    expect(clockFigures(k, cn('2026-03-12T12:00:00'), wd)).toMatchObject({ unit: 'workingDays', limit: 20, used: 5, left: 15, running: true });
  });

  it('ends with the decision; its last run is counted when read', () => {
    const decidedAt = cn('2026-03-04T11:00:00');
    const k = advanceClock(started(), true, true, decidedAt);
    expect(k.endedAt).toBe(decidedAt);
    expect(k.runningSince).toBeUndefined();
    // 14 Feb, 24–28 Feb (five), 2–4 March: nine; nothing more counts however late it is read.
    expect(clockFigures(k, cn('2026-06-01T00:00:00'), wd)).toMatchObject({ used: 9, left: 11, running: false, endedAt: decidedAt });
    expect(advanceClock(k, false, false, cn('2026-03-05T00:00:00'))).toBe(k);
  });

  it('a due time worked out for a run that has since stopped is not applied', () => {
    const k = advanceClock(started(), false, false, cn('2026-02-24T10:00:00'));
    expect(withDue(k, accepted, { dueAt: cn('2026-03-19T23:59:59.999') })).toBe(k);
  });

  it('an extension adds to the limit and moves the due time of the run it was worked out for', () => {
    const k = started();
    const extended = extendClock(
      k,
      10,
      { by: 'sup-1', at: cn('2026-03-02T10:00:00'), reasons: ['现场评估需补充'] },
      {
        was: k.dueAt!,
        dueAt: addWorkingDays(cal2026, k.dueAt!, 10),
      },
    );
    expect(extended).toMatchObject({ limit: 30, extension: { amount: 10, by: 'sup-1' }, dueAt: cn('2026-04-02T23:59:59.999') });
    // Worked out from a due time the clock no longer has (it stopped meanwhile): only the limit grows.
    const stopped: StatutoryClock = { ...advanceClock(k, false, false, cn('2026-02-26T10:00:00')) };
    expect(extendClock(stopped, 10, { by: 'sup-1', at: cn('2026-02-26T11:00:00'), reasons: ['x'] }, { was: k.dueAt!, dueAt: 'later' }).dueAt).toBeUndefined();
  });
});

describe('the clock on a seconds-scale policy', () => {
  it('counts elapsed time and takes the ISO duration as its limit', () => {
    const at = '2026-01-05T00:00:00.000Z';
    let k = startClock('PT30S', at, { dueAt: '2026-01-05T00:00:30.000Z' });
    expect(k).toMatchObject({ unit: 'ms', limit: 30_000 });
    k = advanceClock(k, false, false, '2026-01-05T00:00:10.000Z');
    expect(clockFigures(k, '2026-01-05T00:05:00.000Z', elapsedMs)).toMatchObject({ used: 10_000, left: 20_000, running: false });
  });

  it('is part of the policy: P<n>WD in production, an ISO duration in tests, both parts in one unit', () => {
    expect(policy.statutory).toEqual({ limit: 'P20WD', extension: 'P10WD' });
    expect(policyWith({ stationApproval: { statutory: { limit: 'PT30S', extension: 'PT20S' } } }).stationApproval.statutory.limit).toBe('PT30S');
    expect(() => policyWith({ stationApproval: { statutory: { limit: 'P20WD', extension: 'PT20S' } } })).toThrow(/same unit|both/);
    expect(() => policyWith({ stationApproval: { statutory: { limit: '20 days', extension: 'P10WD' } } })).toThrow();
  });
});

describe('the clock of an application', () => {
  const application = (): StationApplication => structuredClone(example);
  const t0 = '2026-01-05T01:00:00.000Z';
  const accepted = (): ApplicationState => ({
    ...initialState({ id: 'app-1', applicantId: 'admin-1', application: application(), at: t0 }),
    status: 'awaiting_reviewer',
    statutory: startClock('PT60S', t0, { dueAt: '2026-01-05T01:01:00.000Z' }),
  });
  const inReview = () =>
    applyAction(accepted(), { type: 'assignReviewer', reviewer: reviewerPerson }, { actor: supervisor, at: '2026-01-05T01:00:05.000Z' }, policy);

  it('runs on through the authority’s steps and stops when the reviewer returns the application', () => {
    const s = inReview();
    expect(s.statutory!.runningSince).toBe(t0);
    const returned = applyAction(
      s,
      { type: 'review', outcome: 'return', reasons: ['缺少场地证明'] },
      { actor: { id: 'rev-1', roles: ['reviewer'] }, at: '2026-01-05T01:00:20.000Z' },
      policy,
    );
    expect(returned.statutory).toMatchObject({ uncounted: [{ from: t0, to: '2026-01-05T01:00:20.000Z' }] });
    expect(returned.statutory!.runningSince).toBeUndefined();
    // The workflow counts the run and records the stop.
    const counted = clockResolved(
      returned,
      countRuns(returned.statutory!, [{ run: returned.statutory!.uncounted[0], amount: 20_000 }]),
      '2026-01-05T01:00:20.000Z',
    );
    expect(counted.timeline.at(-1)).toMatchObject({
      action: 'statutory_clock_stopped',
      actorId: 'system',
      statusAfter: 'returned',
      data: { used: 20_000, left: 40_000 },
    });
    // The applicant's withdrawal ends it.
    const withdrawn = applyAction(
      counted,
      { type: 'withdraw', reason: '不再申请' },
      { actor: { id: 'admin-1', roles: ['station_admin'] }, at: '2026-01-05T01:02:00.000Z' },
      policy,
    );
    expect(withdrawn.statutory!.endedAt).toBe('2026-01-05T01:02:00.000Z');
  });

  it('a supervisor extends it once, with reasons; the second extension is refused', () => {
    const s = inReview();
    expect(refusalOf(() => checkExtension(s, { id: 'rev-1', roles: ['reviewer'] }, ['x']))).toBe('Forbidden');
    expect(refusalOf(() => checkExtension(s, supervisor, []))).toBe('Invalid');
    checkExtension(s, supervisor, ['需组织专家论证']);
    const extended = applyExtension(
      s,
      { amount: 20_000, reasons: ['需组织专家论证'], due: { was: s.statutory!.dueAt!, dueAt: '2026-01-05T01:01:20.000Z' } },
      { actor: supervisor, at: '2026-01-05T01:00:30.000Z', requestId: 'req-1' },
    );
    expect(extended.statutory).toMatchObject({ limit: 80_000, dueAt: '2026-01-05T01:01:20.000Z', extension: { by: 'sup-1', reasons: ['需组织专家论证'] } });
    expect(extended.timeline.at(-1)).toMatchObject({ action: 'statutory_limit_extended', actorId: 'sup-1', actorRole: 'supervisor', requestId: 'req-1' });
    expect(refusalOf(() => checkExtension(extended, supervisor, ['再次延长']))).toBe('NotAllowed');

    // The applicant is told, with the reasons and the new due time.
    const mails = stationMailsFor(extended.timeline.at(-1)!, extended, policy);
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual([example.contactEmail]);
    expect(mails[0].notice.text).toContain('需组织专家论证');
    expect(mails[0].notice.text).toContain('2026-01-05T01:01:20.000Z');
  });

  it('is refused once missed, and on cases without a clock', () => {
    const missed = statutoryMissed(inReview(), '2026-01-05T01:01:00.000Z');
    expect(missed.statutory!.missedAt).toBe('2026-01-05T01:01:00.000Z');
    expect(missed.timeline.at(-1)).toMatchObject({ action: 'statutory_limit_missed', actorId: 'system', data: { dueAt: '2026-01-05T01:01:00.000Z' } });
    expect(refusalOf(() => checkExtension(missed, supervisor, ['迟了']))).toBe('NotAllowed');
    const { statutory: _none, ...withoutClock } = inReview();
    expect(refusalOf(() => checkExtension(withoutClock, supervisor, ['x']))).toBe('NotAllowed');
  });
});
