import { describe, expect, it } from 'vitest';
import { SYSTEM } from '../../domain/case';
import { durationMs } from '../../domain/duration';
import { applyRenewalAction, checkRenewalAction, initialRenewal, renewedUntil } from '../../domain/licenceRenewal';
import { defaultPolicy } from '../../domain/policy';
import { applyProgrammeAction, initialProgramme, nextLicenceStep, sessionRefusal, type ProgrammeState } from '../../domain/programme';
import type { Actor } from '../../domain/roles';

/** The licence's rules without I/O: when it reminds and lapses, what a renewal grants, and what a lapsed station may not do. */

const policy = defaultPolicy.programme;
const station = {
  id: 7,
  name: '南海机械厂职业技能鉴定站',
  organisation: '南海机械厂',
  provinceCode: '440000',
  cityCode: '440600',
  adminId: 'admin-1',
  adminEmail: 'station@example.cn',
  affiliations: [],
  scope: [{ occupationCode: '6-18-01-01', highestLevel: 3 }],
};
const validUntil = '2029-11-30T00:00:00.000Z';
const at = (iso: string) => ({ actor: SYSTEM, at: iso });
const DAY = 86_400_000;

function tracked(): ProgrammeState {
  const s = initialProgramme(station, policy, '2026-11-30T00:00:00.000Z');
  return applyProgrammeAction(
    s,
    { type: 'trackLicence', number: 'JD44-2026-000007', validUntil, emails: [station.adminEmail] },
    at('2026-11-30T00:00:00.000Z'),
    policy,
  );
}

describe('licence life in the programme', () => {
  it('reminds at each offset before validUntil in turn, once each, then lapses at validUntil', () => {
    let s = tracked();
    const offsets = ['P90D', 'P30D'];
    expect(nextLicenceStep(s, offsets)).toEqual({ type: 'remindLicence', offset: 'P90D', at: Date.parse(validUntil) - 90 * DAY });
    s = applyProgrammeAction(s, { type: 'remindLicence', offset: 'P90D' }, at('2029-09-01T00:00:00.000Z'), policy);
    expect(nextLicenceStep(s, offsets)).toMatchObject({ type: 'remindLicence', offset: 'P30D' });
    s = applyProgrammeAction(s, { type: 'remindLicence', offset: 'P30D' }, at('2029-10-31T00:00:00.000Z'), policy);
    expect(nextLicenceStep(s, offsets)).toEqual({ type: 'lapseLicence', at: Date.parse(validUntil) });
    s = applyProgrammeAction(s, { type: 'lapseLicence' }, at(validUntil), policy);
    expect(s.status).toBe('lapsed');
    expect(s.timeline.map((e) => e.action)).toEqual(['licence_tracked', 'licence_reminder', 'licence_reminder', 'licence_lapsed']);
    // Lapsed: nothing more happens by itself.
    expect(nextLicenceStep(s, offsets)).toBeNull();
  });

  it('keeps a station with a pending renewal from lapsing, and an approval starts the reminders again', () => {
    let s = tracked();
    s = applyProgrammeAction(
      s,
      { type: 'renewal_filed', renewalId: '7-2029-11-30', licence: { number: 'x', validUntil }, at: validUntil },
      at(validUntil),
      policy,
    );
    expect(nextLicenceStep(s, ['P30D'])).toBeNull();
    const renewed = '2032-11-30T00:00:00.000Z';
    s = applyProgrammeAction(
      s,
      { type: 'renewal_decided', renewalId: '7-2029-11-30', outcome: 'approved', validUntil: renewed, at: '2029-12-05T00:00:00.000Z' },
      at('2029-12-05T00:00:00.000Z'),
      policy,
    );
    expect(s.status).toBe('active');
    expect(s.licence).toMatchObject({ validUntil: renewed, remindersSent: [] });
    expect(s.licence?.pendingRenewalId).toBeUndefined();
    expect(nextLicenceStep(s, ['P30D'])).toMatchObject({ type: 'remindLicence', at: Date.parse(renewed) - 30 * DAY });
  });

  it('revives a lapsed station on an approval, its next inspection due from the decision', () => {
    let s = applyProgrammeAction(tracked(), { type: 'lapseLicence' }, at(validUntil), policy);
    const decidedAt = '2030-01-10T00:00:00.000Z';
    s = applyProgrammeAction(
      s,
      { type: 'renewal_decided', renewalId: '7-2029-11-30', outcome: 'approved', validUntil: '2033-01-10T00:00:00.000Z', at: decidedAt },
      at(decidedAt),
      policy,
    );
    expect(s.status).toBe('active');
    expect(Date.parse(s.nextDueAt)).toBeGreaterThan(Date.parse(decidedAt));
  });

  it('learns the licence from a renewal when the programme began before the licence life', () => {
    const s = applyProgrammeAction(
      initialProgramme(station, policy, '2026-11-30T00:00:00.000Z'),
      { type: 'renewal_filed', renewalId: '7-2029-11-30', licence: { number: 'JD44-2026-000007', validUntil }, at: '2029-11-01T00:00:00.000Z' },
      at('2029-11-01T00:00:00.000Z'),
      policy,
    );
    expect(s.licence).toMatchObject({ number: 'JD44-2026-000007', validUntil, pendingRenewalId: '7-2029-11-30' });
  });

  it('refuses sessions of a lapsed station with its own code', () => {
    const s = applyProgrammeAction(tracked(), { type: 'lapseLicence' }, at(validUntil), policy);
    const session = {
      occupationCode: '6-18-01-01',
      level: 3,
      date: '2030-01-20',
      site: { provinceCode: '440000', cityCode: '440600', address: '实训楼' },
      examinerIds: ['exam-1'],
      expectedCandidates: 10,
    };
    const refusal = sessionRefusal(s, session, { licence: { number: 'JD44-2026-000007', validUntil }, examiners: [] }, policy, '2030-01-01');
    expect(refusal).toMatchObject({ type: 'NotAllowed', field: 'date', code: 'licence_lapsed' });
  });
});

describe('licence renewal rules', () => {
  const supervisor: Actor = { id: 'sup-1', roles: ['supervisor'] };
  const renewal = () =>
    initialRenewal({
      station,
      licence: { number: 'JD44-2026-000007', validUntil },
      filedBy: { id: 'admin-1', roles: ['station_admin'] },
      filing: { documents: [{ kind: 'business_licence', reference: 'scan.pdf' }], notes: '' },
      record: { ratings: ['A'], openRectifications: [], stationStatus: 'active' },
      at: '2029-11-01T00:00:00.000Z',
    });

  it('grants one validity from the old validUntil, or from the decision once past it', () => {
    // The same arithmetic as the first licence's validity (durationMs).
    const plus = (iso: string) => new Date(Date.parse(iso) + durationMs('P3Y')).toISOString();
    expect(renewedUntil(validUntil, '2029-11-01T00:00:00.000Z', 'P3Y')).toBe(plus(validUntil));
    expect(renewedUntil(validUntil, '2030-01-10T00:00:00.000Z', 'P3Y')).toBe(plus('2030-01-10T00:00:00.000Z'));
  });

  it('is decided by a supervisor only, a rejection with reasons', () => {
    const s = renewal();
    expect(s.id).toBe('7-2029-11-30');
    expect(() => checkRenewalAction(s, { type: 'decide', outcome: 'approve', reasons: [] }, { id: 'admin-1', roles: ['station_admin'] })).toThrow(/supervisor/);
    expect(() => checkRenewalAction(s, { type: 'decide', outcome: 'reject', reasons: [] }, supervisor)).toThrow(/reasons/);
    const approved = applyRenewalAction(
      s,
      { type: 'decide', outcome: 'approve', reasons: [] },
      { actor: supervisor, at: '2029-11-10T00:00:00.000Z' },
      { ...defaultPolicy.licence, validity: 'P3Y' },
    );
    expect(approved).toMatchObject({ status: 'approved', decision: { by: 'sup-1', validUntil: renewedUntil(validUntil, '2029-11-10T00:00:00.000Z', 'P3Y') } });
    expect(() => checkRenewalAction(approved, { type: 'decide', outcome: 'reject', reasons: ['late'] }, supervisor)).toThrow(/approved/);
  });
});
