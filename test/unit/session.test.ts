import { describe, expect, it } from 'vitest';
import { Refusal, type RefusalType } from '../../domain/errors';
import type { StationSnapshot } from '../../domain/inspection';
import { defaultPolicy, policyWith, type SessionPolicy } from '../../domain/policy';
import type { AppraisalSession } from '../../domain/programme';
import type { Actor, Person } from '../../domain/roles';
import {
  applySessionAction,
  checkSessionAction,
  fraudSignals,
  initialSession,
  needsQualitySupervisor,
  passes,
  pickSample,
  recheckMismatches,
  registrationRefusal,
  sessionPendingOn,
  sessionRules,
  sessionTimes,
  type Candidate,
  type FraudRule,
  type SessionAction,
  type SessionState,
  type SubmissionFacts,
  type VisitReport,
} from '../../domain/session';

const policy = defaultPolicy.session;
const withSession = (over: Parameters<typeof policyWith>[0]['session']): SessionPolicy => policyWith({ session: over }).session;

// ---- people and places --------------------------------------------------------------------------

const station: StationSnapshot = {
  id: 7,
  name: '南海机械厂职业技能鉴定站',
  organisation: '南海机械厂',
  provinceCode: '440000',
  cityCode: '440600',
  adminId: 'admin-nanhai',
  adminEmail: 'admin@nanhai.example.cn',
  affiliations: ['南海机械厂培训中心'],
};

const person = (id: string, roles: Person['roles'], organisation: string, over: Partial<Person> = {}): Person => ({
  id,
  name: `考评 ${id}`,
  email: `${id}@appraisal.example.gov.cn`,
  roles,
  organisation,
  affiliations: [],
  ...over,
});
const asActor = (p: Person): Actor => ({ id: p.id, roles: p.roles });

const exam1 = person('exam-1', ['examiner'], '佛山市高级技工学校');
const exam2 = person('exam-2', ['examiner'], '广州市机电技师学院');
const exam3 = person('exam-3', ['examiner'], '佛山市职业技术学院');
/** An examiner of the register who does not examine at this session. */
const outsider = person('exam-9', ['examiner'], '深圳技师学院');
const qs = person('qs-1', ['quality_supervisor'], '广东省职业技能鉴定指导中心');
const qsOther = person('qs-2', ['quality_supervisor'], '广东省职业技能鉴定指导中心');

const admin: Actor = { id: station.adminId, roles: ['station_admin'] };
const otherAdmin: Actor = { id: 'admin-shunde', roles: ['station_admin'] };
const supervisor: Actor = { id: 'sup-1', roles: ['supervisor'] };
const reviewer: Actor = { id: 'rev-1', roles: ['reviewer'] };

const SESSION: AppraisalSession = {
  occupationCode: '6-18-01-01',
  level: 3,
  date: '2025-06-10',
  site: { provinceCode: '440000', cityCode: '440600', address: '佛山市南海区桂城街道南海大道 1 号' },
  examinerIds: [exam1.id, exam2.id, exam3.id],
  expectedCandidates: 20,
};
/** The session's day ends at midnight China time. */
const ENDS_AT = '2025-06-10T16:00:00.000Z';

const candidate = (i: number, over: Partial<Candidate> = {}): Candidate => ({
  id: `cand-${i}`,
  name: `考生${i}`,
  maskedId: `4406**********${String(i).padStart(3, '0')}X`,
  idHash: `hash-${i}`,
  occupationCode: SESSION.occupationCode,
  level: SESSION.level,
  ...over,
});

// ---- clock and helpers --------------------------------------------------------------------------

let clock = 0;
/** A moment after the session has ended, a second later at each call. */
const later = () => new Date(Date.parse(ENDS_AT) + 3_600_000 + 1000 * clock++).toISOString();

/** Checks, then applies: the workflow never applies what the check refuses. */
function act(s: SessionState, action: SessionAction, actor: Actor, p: SessionPolicy = policy, at = later()): SessionState {
  checkSessionAction(s, action, actor, p);
  return applySessionAction(s, action, { actor, at }, p);
}

const check =
  (s: SessionState, action: SessionAction, actor: Actor, p: SessionPolicy = policy) =>
  () =>
    checkSessionAction(s, action, actor, p);

function expectRefusal(fn: () => unknown, type: RefusalType, expected: { field?: string; code?: string; message?: RegExp } = {}): Refusal {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Refusal);
  const r = error as Refusal;
  expect(r.type).toBe(type);
  if (expected.field !== undefined) expect(r.field).toBe(expected.field);
  if (expected.code !== undefined) expect(r.code).toBe(expected.code);
  if (expected.message) expect(r.message).toMatch(expected.message);
  return r;
}

/** A seeded generator (mulberry32), standing in for the workflow's seeded Math.random. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const rules = (signals: Array<{ rule: FraudRule }>) => signals.map((x) => x.rule);

// ---- states along the way -----------------------------------------------------------------------

type Result = readonly [theory: number, practical: number] | 'absent';

const registered = (p: SessionPolicy = policy) =>
  initialSession({
    id: 'ses-1',
    station,
    session: SESSION,
    examiners: [exam1, exam2, exam3],
    registeredBy: admin,
    policy: p,
    at: '2025-05-20T02:00:00.000Z',
  });

const rostered = (n: number, over: (i: number) => Partial<Candidate> = () => ({})) =>
  act(registered(), { type: 'addCandidates', candidates: Array.from({ length: n }, (_, i) => candidate(i + 1, over(i + 1))), alreadyRostered: [] }, admin);

/** The workflow moves the session to scoring when it has ended; simulate it. */
const toScoring = (s: SessionState): SessionState => ({ ...s, status: 'scoring' });

const entries = (results: readonly Result[]) =>
  results.map((r, i) => ({
    candidateId: `cand-${i + 1}`,
    absent: r === 'absent',
    theory: r === 'absent' ? null : r[0],
    practical: r === 'absent' ? null : r[1],
  }));

/** exam-1 enters every result, exam-2 confirms the practical scores of those present (two-person rule). */
function scored(s: SessionState, results: readonly Result[], at?: string): SessionState {
  const entered = act(s, { type: 'enterScores', entries: entries(results) }, asActor(exam1), policy, at);
  const present = results.flatMap((r, i) => (r === 'absent' ? [] : [`cand-${i + 1}`]));
  return act(entered, { type: 'confirmPractical', candidateIds: present }, asActor(exam2));
}

const report = (over: Partial<Omit<VisitReport, 'by' | 'at'>> = {}): Omit<VisitReport, 'by' | 'at'> => ({
  candidatesPresent: 9,
  identityChecked: true,
  examinersPresent: [exam1.id, exam2.id, exam3.id],
  irregularities: [{ kind: 'late_start', severity: 'minor', note: '开考推迟 10 分钟' }],
  ...over,
});

/** Six pass (one of them exactly at the pass mark), three fail (each on one part or both), one is absent. */
const CLEAN: readonly Result[] = [[80, 75], [60, 60], [90, 88], [70, 65], [85, 90], [66, 72], [59, 80], [75, 40], [30, 20], 'absent'];
const CLEAN_PASSED = ['cand-1', 'cand-2', 'cand-3', 'cand-4', 'cand-5', 'cand-6'];
/** The station passes 60 % on its own; cand-8 (who failed here) passed elsewhere recently. */
const CLEAN_FACTS: SubmissionFacts = { stationPassRate: 0.6, recentPassHashes: ['hash-8'] };

/**
 * A clean session ready to submit: ten candidates, one of them employed by a company none of the examiners belongs
 * to, a dispatched supervisor whose report saw nine present and one minor irregularity, every score entered after
 * the session ended and confirmed by a second examiner.
 */
function cleanSession(opts: { results?: readonly Result[]; report?: Omit<VisitReport, 'by' | 'at'> | null } = {}): SessionState {
  const results = opts.results ?? CLEAN;
  let s = rostered(results.length, (i) => (i === 2 ? { organisation: '佛山市顺德区美的集团' } : {}));
  s = act(s, { type: 'dispatchQualitySupervisor', supervisor: qs, recentSupervisorIds: [] }, supervisor);
  s = toScoring(s);
  if (opts.report !== null) s = act(s, { type: 'fileVisitReport', report: opts.report ?? report() }, asActor(qs));
  return scored(s, results);
}

const submit = (s: SessionState, facts: SubmissionFacts = CLEAN_FACTS, p: SessionPolicy = policy) => act(s, { type: 'submitResults', facts }, admin, p);

/** The workflow draws the re-check sample when results come under review; simulate it. */
const withSample = (s: SessionState, sample: string[]): SessionState => ({ ...s, recheck: { sample, entries: {} } });

const signalsOf = (s: SessionState, facts: SubmissionFacts = CLEAN_FACTS, p: SessionPolicy = policy) => fraudSignals(s, facts, p);

// ---- fraud signals ------------------------------------------------------------------------------

describe('fraudSignals (虚假鉴定)', () => {
  it('fire on none of the rules for a clean session, and the submission records none', () => {
    const s = cleanSession();
    expect(signalsOf(s)).toEqual([]);
    const submitted = submit(s);
    expect(submitted.status).toBe('under_review');
    expect(submitted.signals).toEqual([]);
    expect(submitted.timeline.at(-1)).toMatchObject({ action: 'results_submitted', data: { candidates: 10, passed: 6, signals: [] } });
  });

  it('scored_before_end: a result entered before the session ended', () => {
    const s = cleanSession();
    const early = act(s, { type: 'enterScores', entries: entries([[80, 75]]) }, asActor(exam1), policy, '2025-06-10T09:00:00.000Z');
    const signals = signalsOf(early);
    expect(rules(signals)).toEqual(['scored_before_end']);
    expect(signals[0]).toMatchObject({ serious: true, facts: { candidates: 1, endsAt: ENDS_AT } });
  });

  it('scored_before_end: not for a result entered exactly as the session ends', () => {
    const s = cleanSession();
    const onTime = act(s, { type: 'enterScores', entries: entries([[80, 75]]) }, asActor(exam1), policy, ENDS_AT);
    expect(rules(signalsOf(onTime))).not.toContain('scored_before_end');
  });

  it('not_on_roster: an entry for someone not on the roster is kept as a stray entry, not a score, and fires at submission', () => {
    const s = cleanSession();
    const stray: SessionAction = { type: 'enterScores', entries: [{ candidateId: 'cand-99', absent: false, theory: 95, practical: 95 }] };
    expect(check(s, stray, asActor(exam3))).not.toThrow();
    const after = act(s, stray, asActor(exam3));
    expect(after.scores['cand-99']).toBeUndefined();
    expect(after.strayEntries).toEqual([{ candidateId: 'cand-99', by: exam3.id, at: expect.any(String) }]);
    expect(after.timeline.at(-1)).toMatchObject({ action: 'scores_entered', data: { count: 0, notOnRoster: 1 } });

    const submitted = submit(after);
    expect(rules(submitted.signals)).toEqual(['not_on_roster']);
    expect(submitted.signals[0]).toMatchObject({ serious: true, facts: { entries: 1 } });
  });

  it('more_passes_than_present: more passes than the supervisor counted present, and not when the count covers them', () => {
    const fired = signalsOf(cleanSession({ report: report({ candidatesPresent: 5 }) }));
    expect(rules(fired)).toEqual(['more_passes_than_present']);
    expect(fired[0]).toMatchObject({ serious: true, facts: { passed: 6, presentReported: 5 } });
    expect(signalsOf(cleanSession({ report: report({ candidatesPresent: 6 }) }))).toEqual([]);
  });

  it('more_passes_than_present: not without a visit report', () => {
    expect(signalsOf(cleanSession({ report: null }))).toEqual([]);
  });

  describe('perfect_pass_rate', () => {
    const all = (n: number, absent = 0): Result[] => [
      ...Array.from({ length: n }, (): Result => [80, 80]),
      ...Array.from({ length: absent }, (): Result => 'absent'),
    ];
    const noRate: SubmissionFacts = { stationPassRate: null, recentPassHashes: [] };

    it('fires when every one of 30 candidates present passes', () => {
      const signals = signalsOf(cleanSession({ results: all(30), report: null }), noRate);
      expect(rules(signals)).toEqual(['perfect_pass_rate']);
      expect(signals[0]).toMatchObject({ serious: false, facts: { present: 30, passed: 30 } });
    });

    it('does not fire with 29 present, even with a 30th rostered but absent', () => {
      expect(signalsOf(cleanSession({ results: all(29), report: null }), noRate)).toEqual([]);
      expect(signalsOf(cleanSession({ results: all(29, 1), report: null }), noRate)).toEqual([]);
    });

    it('does not fire when one of 30 fails', () => {
      const results = all(30);
      results[4] = [80, 59];
      expect(signalsOf(cleanSession({ results, report: null }), noRate)).toEqual([]);
    });

    it('follows the policy threshold', () => {
      const p = withSession({ fraud: { perfectRateMinCandidates: 10 } });
      expect(rules(signalsOf(cleanSession({ results: all(10), report: null }), noRate, p))).toEqual(['perfect_pass_rate']);
    });
  });

  describe('above_station_rate (margin 0.3)', () => {
    // Ten present: k pass, the rest fail.
    const passing = (k: number): Result[] => Array.from({ length: 10 }, (_, i): Result => (i < k ? [80, 80] : [40, 40]));
    const at = (k: number, stationPassRate: number | null) =>
      signalsOf(cleanSession({ results: passing(k), report: null }), { stationPassRate, recentPassHashes: [] });

    it('fires when the rate is more than the margin above the station rate', () => {
      const signals = at(7, 0.3);
      expect(rules(signals)).toEqual(['above_station_rate']);
      expect(signals[0]).toMatchObject({ serious: false, facts: { rate: 0.7, stationRate: 0.3, margin: 0.3 } });
      expect(rules(at(10, 0.5))).toContain('above_station_rate');
    });

    it('does not fire below the margin, nor without a station rate', () => {
      expect(at(5, 0.3)).toEqual([]);
      expect(at(8, 0.6)).toEqual([]);
      expect(at(9, null)).toEqual([]);
    });

    // 0.6 + 0.3 is 0.8999999999999999 in floating point, so 9 of 10 (0.9) counts as above it, while 8 of 10 is not
    // above 0.5 + 0.3 (exactly 0.8): whether a rate exactly the margin above fires depends on rounding noise.
    it('treats a rate exactly the margin above the station rate alike, whatever the rates', () => {
      const outcomes = [1, 2, 3, 4, 5, 6].map((tenths) => rules(at(tenths + 3, tenths / 10)).includes('above_station_rate'));
      expect(new Set(outcomes).size).toBe(1);
    });
  });

  it('repeat_pass: someone who passed the same occupation and level within the window passes again', () => {
    const signals = signalsOf(cleanSession(), { stationPassRate: 0.6, recentPassHashes: ['hash-3', 'hash-8', 'hash-77'] });
    expect(rules(signals)).toEqual(['repeat_pass']);
    expect(signals[0]).toMatchObject({ serious: true, facts: { candidates: ['考生3 4406**********003X'] } });
  });

  it('repeat_pass: not for someone who failed here, nor for someone absent', () => {
    expect(signalsOf(cleanSession(), { stationPassRate: 0.6, recentPassHashes: ['hash-7', 'hash-8', 'hash-9', 'hash-10'] })).toEqual([]);
  });

  it('own_organisation: a score entered by an examiner from the candidate’s organisation, or one affiliated with it', () => {
    // The check refuses such an entry (below); the rule guards the facts whatever way they came about.
    const ctx = { actor: asActor(exam1), at: later() };
    const base = toScoring(rostered(2, (i) => ({ organisation: i === 1 ? exam1.organisation : '佛山市顺德区美的集团' })));
    const own = applySessionAction(
      base,
      {
        type: 'enterScores',
        entries: entries([
          [80, 80],
          [70, 70],
        ]),
      },
      ctx,
      policy,
    );
    const signals = signalsOf(own, { stationPassRate: null, recentPassHashes: [] });
    expect(rules(signals)).toEqual(['own_organisation']);
    expect(signals[0]).toMatchObject({ serious: true, facts: { candidates: 1 } });

    const affiliatedExaminer = person('exam-4', ['examiner'], '佛山市高级技工学校', { affiliations: ['佛山市顺德区美的集团'] });
    const viaAffiliation = applySessionAction(
      { ...base, examiners: [...base.examiners, affiliatedExaminer] },
      { type: 'enterScores', entries: [{ candidateId: 'cand-2', absent: false, theory: 70, practical: 70 }] },
      { actor: asActor(affiliatedExaminer), at: later() },
      policy,
    );
    expect(rules(signalsOf(viaAffiliation, { stationPassRate: null, recentPassHashes: [] }))).toEqual(['own_organisation']);
  });

  it('serious_irregularity: a serious irregularity in the visit report, naming its kind', () => {
    const serious = report({
      irregularities: [
        { kind: 'late_start', severity: 'minor', note: '开考推迟' },
        { kind: 'impersonation', severity: 'serious', note: '替考' },
      ],
    });
    const signals = signalsOf(cleanSession({ report: serious }));
    expect(rules(signals)).toEqual(['serious_irregularity']);
    expect(signals[0]).toMatchObject({ serious: true, facts: { irregularities: ['impersonation'] } });
  });

  it('serious follows policy.fraud.serious', () => {
    const results: Result[] = Array.from({ length: 30 }, (): Result => [80, 80]);
    const early = (p: SessionPolicy) => {
      const s = cleanSession({ results, report: null });
      return act(s, { type: 'enterScores', entries: entries([[80, 80]]) }, asActor(exam1), p, '2025-06-10T09:00:00.000Z');
    };
    const noRate: SubmissionFacts = { stationPassRate: null, recentPassHashes: [] };
    const seriousness = (p: SessionPolicy) => Object.fromEntries(signalsOf(early(p), noRate, p).map((x) => [x.rule, x.serious]));
    expect(seriousness(policy)).toEqual({ scored_before_end: true, perfect_pass_rate: false });
    expect(seriousness(withSession({ fraud: { serious: ['perfect_pass_rate'] } }))).toEqual({ scored_before_end: false, perfect_pass_rate: true });
  });
});

// ---- the roster ---------------------------------------------------------------------------------

describe('the real-name roster (实名制)', () => {
  const add = (candidates: Candidate[], alreadyRostered: string[] = []): SessionAction => ({ type: 'addCandidates', candidates, alreadyRostered });

  it("takes candidates from the station's administrator while it is open", () => {
    const s = act(registered(), add([candidate(1), candidate(2)]), admin);
    expect(s.candidates.map((c) => c.id)).toEqual(['cand-1', 'cand-2']);
    expect(s.timeline.at(-1)).toMatchObject({
      action: 'candidates_added',
      data: { count: 2, names: ['考生1 4406**********001X', '考生2 4406**********002X'] },
    });
    expect(sessionPendingOn(s)).toEqual({ action: 'addCandidates', role: 'station_admin', userIds: [station.adminId] });
  });

  it("is Forbidden to another station's administrator and to other roles", () => {
    expectRefusal(check(registered(), add([candidate(1)]), otherAdmin), 'Forbidden');
    expectRefusal(check(registered(), add([candidate(1)]), { id: station.adminId, roles: ['examiner'] }), 'Forbidden');
  });

  it('is NotAllowed once the roster has locked', () => {
    expectRefusal(check({ ...registered(), status: 'roster_locked' }, add([candidate(1)]), admin), 'NotAllowed', { message: /roster_locked/ });
    expectRefusal(check(toScoring(registered()), add([candidate(1)]), admin), 'NotAllowed');
  });

  it('refuses a candidate for another occupation or another level (candidates, other_occupation)', () => {
    expectRefusal(check(registered(), add([candidate(1), candidate(2, { occupationCode: '4-04-05-01' })]), admin), 'Invalid', {
      field: 'candidates',
      code: 'other_occupation',
      message: /考生2/,
    });
    expectRefusal(check(registered(), add([candidate(1, { level: 2 })]), admin), 'Invalid', { field: 'candidates', code: 'other_occupation' });
  });

  it('refuses someone already on this roster, by identity, not by row id (candidates, already_rostered)', () => {
    const s = rostered(3);
    const again = candidate(9, { idHash: 'hash-2', name: '考生2' });
    expectRefusal(check(s, add([again]), admin), 'Invalid', { field: 'candidates', code: 'already_rostered', message: /考生2/ });
    expectRefusal(check(registered(), add([candidate(1), candidate(5, { idHash: 'hash-1' })]), admin), 'Invalid', {
      field: 'candidates',
      code: 'already_rostered',
    });
  });

  it("refuses someone on another session's roster at an overlapping time (candidates, overlapping_session)", () => {
    const r = expectRefusal(check(registered(), add([candidate(1), candidate(2)], ['hash-2']), admin), 'Invalid', {
      field: 'candidates',
      code: 'overlapping_session',
    });
    expect(r.message).toContain('4406**********002X');
    expect(r.message).toContain('at an overlapping time');
  });

  it('refuses a roster beyond the policy maximum (candidates, too_many)', () => {
    const p = withSession({ maxCandidates: 2 });
    const s = act(registered(p), add([candidate(1), candidate(2)]), admin, p);
    expectRefusal(check(s, add([candidate(3)]), admin, p), 'Invalid', { field: 'candidates', code: 'too_many' });
  });

  describe('removeCandidate', () => {
    it('takes the candidate off the roster, with the reason on the timeline', () => {
      const s = act(rostered(3), { type: 'removeCandidate', candidateId: 'cand-2', reason: '考生申请退考' }, admin);
      expect(s.candidates.map((c) => c.id)).toEqual(['cand-1', 'cand-3']);
      expect(s.timeline.at(-1)).toMatchObject({ action: 'candidate_removed', data: { name: '考生2 4406**********002X', reasons: ['考生申请退考'] } });
    });

    it('is Invalid for someone not on the roster, Forbidden to another administrator, NotAllowed once locked', () => {
      const remove = { type: 'removeCandidate', candidateId: 'cand-9', reason: '退考' } as const;
      expectRefusal(check(rostered(3), remove, admin), 'Invalid', { field: 'candidateId', code: 'unknown_candidate' });
      expectRefusal(check(rostered(3), { ...remove, candidateId: 'cand-1' }, otherAdmin), 'Forbidden');
      expectRefusal(check({ ...rostered(3), status: 'roster_locked' }, { ...remove, candidateId: 'cand-1' }, admin), 'NotAllowed');
    });
  });
});

// ---- quality supervision ------------------------------------------------------------------------

describe('quality supervision (质量督导)', () => {
  const dispatch = (p: Person, recentSupervisorIds: string[] = []): SessionAction => ({
    type: 'dispatchQualitySupervisor',
    supervisor: p,
    recentSupervisorIds,
  });

  it('a supervisor dispatches an independent quality supervisor, who is mailed', () => {
    const s = act(rostered(2), dispatch(qs, ['qs-7']), supervisor);
    expect(s.qualitySupervisor?.id).toBe(qs.id);
    const entry = s.timeline.at(-1)!;
    expect(entry).toMatchObject({ action: 'quality_supervisor_dispatched', data: { qualitySupervisorId: qs.id } });
    const mails = sessionRules.mailsFor(entry, s, policy);
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual([qs.email]);
    expect(mails[0].notice.subject).toContain(station.name);
  });

  it('is also allowed once the roster has locked, but not after the session', () => {
    expect(check({ ...rostered(2), status: 'roster_locked' }, dispatch(qs), supervisor)).not.toThrow();
    expectRefusal(check(toScoring(rostered(2)), dispatch(qs), supervisor), 'NotAllowed');
  });

  it('is Forbidden to anyone but a supervisor', () => {
    expectRefusal(check(rostered(2), dispatch(qs), admin), 'Forbidden');
    expectRefusal(check(rostered(2), dispatch(qs), asActor(qs)), 'Forbidden');
  });

  it('refuses someone who is not a quality supervisor (qualitySupervisorId, not_quality_supervisor)', () => {
    const inspector = person('insp-1', ['inspector', 'examiner'], '广东省职业技能鉴定指导中心');
    expectRefusal(check(rostered(2), dispatch(inspector), supervisor), 'Invalid', { field: 'qualitySupervisorId', code: 'not_quality_supervisor' });
  });

  it("refuses, for recusal (回避), one from the station's organisation or affiliated with it or with its affiliations", () => {
    const fromStation = person('qs-3', ['quality_supervisor'], '南海机械厂');
    const fromAffiliate = person('qs-4', ['quality_supervisor'], '南海机械厂培训中心');
    const affiliated = person('qs-5', ['quality_supervisor'], '广东省职业技能鉴定指导中心', { affiliations: ['南海机械厂'] });
    for (const p of [fromStation, fromAffiliate, affiliated]) {
      const r = expectRefusal(check(rostered(2), dispatch(p), supervisor), 'Invalid', { field: 'qualitySupervisorId', code: 'recusal' });
      expect(r.message).toContain(p.id);
    }
  });

  it("refuses, for rotation, one who supervised one of the station's last sessions", () => {
    expectRefusal(check(rostered(2), dispatch(qs, ['qs-7', qs.id]), supervisor), 'Invalid', { field: 'qualitySupervisorId', code: 'rotation' });
    expect(check(rostered(2), dispatch(qsOther, ['qs-7', qs.id]), supervisor)).not.toThrow();
  });

  describe('the visit report', () => {
    const dispatched = () => act(rostered(10), dispatch(qs), supervisor);
    const file = (r = report()): SessionAction => ({ type: 'fileVisitReport', report: r });

    it('is filed once, by the dispatched quality supervisor, after the session', () => {
      const at = later();
      const s = act(toScoring(dispatched()), file(), asActor(qs), policy, at);
      expect(s.visitReport).toEqual({ ...report(), by: qs.id, at });
      expect(s.timeline.at(-1)).toMatchObject({ action: 'visit_report_filed', data: { candidatesPresent: 9, irregularities: 1, serious: 0 } });
      expectRefusal(check(s, file(), asActor(qs)), 'NotAllowed');
    });

    it('is Forbidden to another quality supervisor, and to anyone while none is dispatched', () => {
      expectRefusal(check(toScoring(dispatched()), file(), asActor(qsOther)), 'Forbidden');
      expectRefusal(check(toScoring(rostered(10)), file(), asActor(qs)), 'Forbidden');
    });

    it('is NotAllowed before the session has ended', () => {
      expectRefusal(check({ ...dispatched(), status: 'roster_locked' }, file(), asActor(qs)), 'NotAllowed');
    });
  });
});

// ---- scores ---------------------------------------------------------------------------------------

describe('scores', () => {
  const enter = (e: ReturnType<typeof entries>): SessionAction => ({ type: 'enterScores', entries: e });
  const inScoring = () => toScoring(rostered(3));

  it("are entered only by the session's examiners, only while scoring", () => {
    expect(check(inScoring(), enter(entries([[80, 80]])), asActor(exam2))).not.toThrow();
    expectRefusal(check(inScoring(), enter(entries([[80, 80]])), asActor(outsider)), 'Forbidden');
    expectRefusal(check(inScoring(), enter(entries([[80, 80]])), admin), 'Forbidden');
    expectRefusal(check({ ...rostered(3), status: 'roster_locked' }, enter(entries([[80, 80]])), asActor(exam1)), 'NotAllowed');
    const review = submit(
      scored(inScoring(), [
        [80, 80],
        [70, 70],
        [60, 60],
      ]),
    );
    expectRefusal(check(review, enter(entries([[80, 80]])), asActor(exam1)), 'NotAllowed');
  });

  it('are 0 to 100 (entries, score_range)', () => {
    expect(check(inScoring(), enter(entries([[0, 100]])), asActor(exam1))).not.toThrow();
    for (const bad of [
      [-1, 50],
      [50, 101],
      [Number.NaN, 50],
      [50, Number.POSITIVE_INFINITY],
    ] as const) {
      expectRefusal(check(inScoring(), enter(entries([bad])), asActor(exam1)), 'Invalid', { field: 'entries', code: 'score_range' });
    }
  });

  it('need both parts for a present candidate (entries, missing_score); an absent one needs none', () => {
    const missing = [{ candidateId: 'cand-1', absent: false, theory: 70, practical: null }];
    expectRefusal(check(inScoring(), enter(missing), asActor(exam1)), 'Invalid', { field: 'entries', code: 'missing_score' });
    expect(check(inScoring(), enter(entries(['absent'])), asActor(exam1))).not.toThrow();
  });

  it('an absent candidate keeps no scores, whatever was typed', () => {
    const s = act(inScoring(), enter([{ candidateId: 'cand-1', absent: true, theory: 90, practical: 90 }]), asActor(exam1));
    expect(s.scores['cand-1']).toMatchObject({ absent: true, theory: null, practical: null, by: exam1.id });
  });

  it("are Forbidden (recusal) for a candidate from the examiner's own organisation, but another examiner may score them", () => {
    const s = toScoring(rostered(2, (i) => (i === 2 ? { organisation: exam1.organisation } : {})));
    const r = expectRefusal(
      check(
        s,
        enter(
          entries([
            [80, 80],
            [70, 70],
          ]),
        ),
        asActor(exam1),
      ),
      'Forbidden',
      { message: /recusal/ },
    );
    expect(r.message).toContain('考生2');
    expect(
      check(
        s,
        enter(
          entries([
            [80, 80],
            [70, 70],
          ]),
        ),
        asActor(exam2),
      ),
    ).not.toThrow();
  });

  describe('the two-person rule', () => {
    const entered = () => act(inScoring(), enter(entries([[80, 80], [70, 70], 'absent'])), asActor(exam1));

    it('the examiner who entered a score cannot confirm it', () => {
      expectRefusal(check(entered(), { type: 'confirmPractical', candidateIds: ['cand-1'] }, asActor(exam1)), 'Forbidden');
    });

    it('a second examiner of the session confirms it; no one confirms a score not entered', () => {
      const s = act(entered(), { type: 'confirmPractical', candidateIds: ['cand-1', 'cand-2'] }, asActor(exam2));
      expect(s.scores['cand-1'].confirmedBy).toBe(exam2.id);
      expectRefusal(check(entered(), { type: 'confirmPractical', candidateIds: ['cand-1'] }, asActor(outsider)), 'Forbidden');
      const none = act(inScoring(), enter(entries([[80, 80]])), asActor(exam1));
      expectRefusal(check(none, { type: 'confirmPractical', candidateIds: ['cand-2'] }, asActor(exam2)), 'Invalid', {
        field: 'candidateIds',
        code: 'no_score',
      });
    });

    it('refuses submission while a present candidate’s practical score is unconfirmed, naming them', () => {
      const partly = act(entered(), { type: 'confirmPractical', candidateIds: ['cand-1'] }, asActor(exam2));
      expectRefusal(check(partly, { type: 'submitResults', facts: CLEAN_FACTS }, admin), 'NotAllowed', { message: /考生2/ });
      const all = act(partly, { type: 'confirmPractical', candidateIds: ['cand-2'] }, asActor(exam3));
      expect(check(all, { type: 'submitResults', facts: CLEAN_FACTS }, admin)).not.toThrow();
    });

    it('a score entered again needs confirming again', () => {
      const confirmed = act(entered(), { type: 'confirmPractical', candidateIds: ['cand-1', 'cand-2'] }, asActor(exam2));
      const changed = act(confirmed, enter(entries([[80, 95]])), asActor(exam3));
      expect(changed.scores['cand-1'].confirmedBy).toBeUndefined();
      expectRefusal(check(changed, { type: 'submitResults', facts: CLEAN_FACTS }, admin), 'NotAllowed', { message: /考生1/ });
    });

    it('accepts unconfirmed scores when policy does not ask for a second examiner', () => {
      const p = withSession({ twoPersonPractical: false });
      expect(check(entered(), { type: 'submitResults', facts: CLEAN_FACTS }, admin, p)).not.toThrow();
    });
  });
});

// ---- submission and review ------------------------------------------------------------------------

describe('submission', () => {
  it('is refused while a rostered candidate has no result, naming them', () => {
    const s = act(toScoring(rostered(3)), { type: 'enterScores', entries: entries([[80, 80], 'absent']) }, asActor(exam1));
    expectRefusal(check(s, { type: 'submitResults', facts: CLEAN_FACTS }, admin), 'NotAllowed', { message: /考生3/ });
  });

  it("is the station administrator's, only while scoring", () => {
    const s = cleanSession();
    expectRefusal(check(s, { type: 'submitResults', facts: CLEAN_FACTS }, otherAdmin), 'Forbidden');
    expectRefusal(check(submit(s), { type: 'submitResults', facts: CLEAN_FACTS }, admin), 'NotAllowed');
    expect(sessionPendingOn(s)).toEqual({ action: 'submitResults', role: 'station_admin', userIds: [station.adminId] });
  });

  it('puts the results under review, awaiting the reviewer', () => {
    const s = submit(cleanSession());
    expect(s.status).toBe('under_review');
    expect(s.submittedAt).toBeDefined();
    expect(sessionPendingOn(s)).toEqual({ action: 'decide', role: 'reviewer', userIds: [] });
  });
});

describe('the review', () => {
  const decide = (outcome: 'approve' | 'return', reasons: string[] = []): SessionAction => ({ type: 'decide', outcome, reasons });
  const reenter = (ids: string[], delta = 0): SessionAction => ({
    type: 'recheck',
    entries: ids.map((id) => {
      const r = CLEAN[Number(id.slice(5)) - 1];
      return r === 'absent' ? { candidateId: id, theory: null, practical: null } : { candidateId: id, theory: r[0], practical: r[1] + delta };
    }),
  });
  const underReview = (sample = ['cand-2', 'cand-10']) => withSample(submit(cleanSession()), sample);
  /** A submission holding a serious signal: a score entered for someone not on the roster. */
  const held = () => {
    const s = act(cleanSession(), { type: 'enterScores', entries: [{ candidateId: 'cand-99', absent: false, theory: 90, practical: 90 }] }, asActor(exam3));
    return withSample(submit(s), ['cand-2']);
  };

  it('re-checks only sampled candidates (entries, not_in_sample), with scores 0 to 100', () => {
    expectRefusal(check(underReview(), reenter(['cand-3']), reviewer), 'Invalid', { field: 'entries', code: 'not_in_sample' });
    expectRefusal(check(underReview(), { type: 'recheck', entries: [{ candidateId: 'cand-2', theory: 60, practical: 160 }] }, reviewer), 'Invalid', {
      field: 'entries',
      code: 'score_range',
    });
    expect(check(underReview(), reenter(['cand-2']), reviewer)).not.toThrow();
    expectRefusal(check(underReview(), reenter(['cand-2']), admin), 'Forbidden');
  });

  it('refuses approval until the whole sample is re-checked', () => {
    const partly = act(underReview(), reenter(['cand-2']), reviewer);
    expectRefusal(check(partly, decide('approve'), reviewer), 'NotAllowed', { message: /1 left/ });
    const done = act(partly, reenter(['cand-10']), reviewer);
    expect(check(done, decide('approve'), reviewer)).not.toThrow();
  });

  it('accepts a re-check within the tolerance and refuses approval beyond it', () => {
    const within = act(underReview(), reenter(['cand-2', 'cand-10'], policy.recheckTolerance), reviewer);
    expect(recheckMismatches(within, policy)).toEqual([]);
    expect(check(within, decide('approve'), reviewer)).not.toThrow();

    const beyond = act(underReview(), reenter(['cand-2', 'cand-10'], policy.recheckTolerance + 1), reviewer);
    expect(recheckMismatches(beyond, policy)).toEqual(['cand-2']);
    expect(beyond.timeline.at(-1)).toMatchObject({ action: 'rechecked', data: { count: 2, mismatches: 1 } });
    expectRefusal(check(beyond, decide('approve'), reviewer), 'NotAllowed', { message: /re-check/ });
    expect(check(beyond, decide('return', ['复核分数不符']), reviewer)).not.toThrow();
  });

  it('approval lists exactly the candidates passing both parts; failing either part or absent is not passing', () => {
    const done = act(underReview(), reenter(['cand-2', 'cand-10']), reviewer);
    const approved = act(done, decide('approve'), reviewer);
    expect(approved.status).toBe('approved');
    expect(approved.passed).toEqual(CLEAN_PASSED);
    expect(approved.review).toEqual({ outcome: 'approve', by: reviewer.id, reasons: [] });
    expect(sessionPendingOn(approved)).toBeNull();
    expect(sessionRules.isFinal(approved)).toBe(true);
    expect(approved.timeline.at(-1)).toMatchObject({ action: 'results_approved', data: { passed: 6 } });
  });

  it('an absent candidate fails even with scores on record', () => {
    expect(passes({ absent: true, theory: 90, practical: 90, by: exam1.id, at: later() }, policy)).toBe(false);
    expect(passes({ absent: false, theory: 90, practical: 90, by: exam1.id, at: later() }, policy)).toBe(true);
    expect(passes(undefined, policy)).toBe(false);
  });

  it('follows the policy pass mark', () => {
    const p = withSession({ passMark: 70 });
    const done = act(underReview(['cand-1']), reenter(['cand-1']), reviewer, p);
    expect(act(done, decide('approve'), reviewer, p).passed).toEqual(['cand-1', 'cand-3', 'cand-5']);
  });

  it('a return goes back to scoring and clears the signals, the sample and the submission', () => {
    const s = act(held(), { type: 'releaseHold', reasons: ['已核实'] }, supervisor);
    const returned = act(s, decide('return', ['成绩需更正']), reviewer);
    expect(returned.status).toBe('scoring');
    expect(returned.signals).toEqual([]);
    expect(returned.recheck).toEqual({ sample: [], entries: {} });
    expect(returned.submittedAt).toBeUndefined();
    expect(returned.review).toEqual({ outcome: 'return', by: reviewer.id, reasons: ['成绩需更正'] });
    expect(sessionPendingOn(returned)).toEqual({ action: 'submitResults', role: 'station_admin', userIds: [station.adminId] });
  });

  describe('a serious signal', () => {
    it('holds approval until a supervisor releases it', () => {
      const s = act(held(), reenter(['cand-2']), reviewer);
      expect(s.signals.some((x) => x.serious)).toBe(true);
      expect(sessionPendingOn(s)).toEqual({ action: 'releaseHold', role: 'supervisor', userIds: [] });
      expectRefusal(check(s, decide('approve'), reviewer), 'NotAllowed', { message: /serious/ });
      expectRefusal(check(s, { type: 'releaseHold', reasons: ['已核实'] }, reviewer), 'Forbidden');

      const released = act(s, { type: 'releaseHold', reasons: ['已核实：误录'] }, supervisor);
      expect(released.holdReleased).toMatchObject({ by: supervisor.id, reasons: ['已核实：误录'] });
      expect(sessionPendingOn(released)).toEqual({ action: 'decide', role: 'reviewer', userIds: [] });
      expect(check(released, decide('approve'), reviewer)).not.toThrow();
      expectRefusal(check(released, { type: 'releaseHold', reasons: ['again'] }, supervisor), 'NotAllowed');
    });

    it('is needed to release a hold: with no serious signal there is none', () => {
      expectRefusal(check(underReview(), { type: 'releaseHold', reasons: ['无'] }, supervisor), 'NotAllowed');
    });

    it('does not hold approval when policy does not count its rule as serious', () => {
      const p = withSession({ fraud: { serious: [] } });
      const s = act(
        cleanSession(),
        { type: 'enterScores', entries: [{ candidateId: 'cand-99', absent: false, theory: 90, practical: 90 }] },
        asActor(exam3),
        p,
      );
      const under = withSample(submit(s, CLEAN_FACTS, p), []);
      expect(rules(under.signals)).toEqual(['not_on_roster']);
      expect(check(under, decide('approve'), reviewer, p)).not.toThrow();
    });

    // A release answers the signals the supervisor saw; a return clears those signals but keeps `holdReleased`, so a
    // new serious signal at the next submission no longer holds approval.
    it('raised again after a return, holds approval again', () => {
      const released = act(held(), { type: 'releaseHold', reasons: ['已核实'] }, supervisor);
      const returned = act(released, decide('return', ['成绩需更正']), reviewer);
      const resubmitted = withSample(submit(returned, { stationPassRate: 0.6, recentPassHashes: ['hash-3'] }), []);
      expect(resubmitted.signals.filter((x) => x.serious).map((x) => x.rule)).toEqual(['not_on_roster', 'repeat_pass']);
      expectRefusal(check(resubmitted, decide('approve'), reviewer), 'NotAllowed', { message: /serious/ });
    });

    // The visit report may be filed while the results are under review, but the signals are computed only at
    // submission, so a serious irregularity reported then never becomes a signal and never holds approval.
    it('is reported before the submission: the station cannot submit while the dispatched supervisor has not reported, nor the supervisor report after it', () => {
      const unreported = cleanSession({ report: null });
      expectRefusal(check(unreported, { type: 'submitResults', facts: CLEAN_FACTS }, admin), 'NotAllowed', { message: /visit report/ });
      const submitted = submit(cleanSession());
      expectRefusal(check(submitted, { type: 'fileVisitReport', report: report() }, asActor(qs)), 'NotAllowed');
    });
  });
});

// ---- the re-check sample ------------------------------------------------------------------------

describe('pickSample', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `cand-${i + 1}`);

  it('takes the policy share, rounded up', () => {
    expect(pickSample(ids(25), 0.1, seeded(1))).toHaveLength(3);
    expect(pickSample(ids(30), 0.1, seeded(1))).toHaveLength(3);
    expect(pickSample(ids(31), 0.1, seeded(1))).toHaveLength(4);
    expect(pickSample(ids(10), 0.25, seeded(1))).toHaveLength(3);
    expect(pickSample(ids(8), 1, seeded(1))).toHaveLength(8);
  });

  it('takes at least one, and none of none', () => {
    expect(pickSample(ids(5), 0.1, seeded(1))).toHaveLength(1);
    expect(pickSample(ids(5), 0, seeded(1))).toHaveLength(1);
    expect(pickSample([], 0.5, seeded(1))).toEqual([]);
  });

  it('takes candidates of the list, never one twice, whatever the draws', () => {
    for (const random of [seeded(7), () => 0, () => 0.999_999_999]) {
      const sample = pickSample(ids(20), 0.5, random);
      expect(sample).toHaveLength(10);
      expect(new Set(sample).size).toBe(10);
      for (const id of sample) expect(ids(20)).toContain(id);
    }
    expect([...pickSample(ids(8), 1, seeded(3))].sort()).toEqual([...ids(8)].sort());
  });

  it('picks the same sample for the same random sequence (replay), and depends on the draws', () => {
    const a = pickSample(ids(40), 0.2, seeded(42));
    expect(pickSample(ids(40), 0.2, seeded(42))).toEqual(a);
    expect(a).not.toEqual(ids(40).slice(0, 8));
    expect(pickSample(ids(40), 0.2, seeded(43))).not.toEqual(a);
  });

  it('replays the workflow’s draws in order: the supervision draw, then the sample', () => {
    const run = (seed: number) => {
      const random = seeded(seed);
      const drawn = needsQualitySupervisor({ level: 4 }, { rating: 'A', openRectifications: 0 }, policy, random);
      return { drawn, sample: pickSample(ids(50), policy.recheckShare, random) };
    };
    expect(run(2025)).toEqual(run(2025));
  });

  // 0.07 × 100 is 7.000000000000001 in floating point, so the share rounded up comes to 8, not 7.
  it('rounds up the share itself, not floating-point noise (7 % of 100 is 7)', () => {
    expect(pickSample(ids(100), 0.07, seeded(1))).toHaveLength(7);
  });
});

// ---- whether a quality supervisor is required ----------------------------------------------------

describe('needsQualitySupervisor', () => {
  /** A draw that records it was called. */
  const draw = (value: number) => {
    const calls: number[] = [];
    return {
      calls,
      random: () => {
        calls.push(value);
        return value;
      },
    };
  };
  const fine = { rating: 'A', openRectifications: 0 };

  it('is required up to the policy level, without a draw', () => {
    for (const level of [1, 2]) {
      const d = draw(0.99);
      expect(needsQualitySupervisor({ level }, fine, policy, d.random)).toBe(true);
      expect(d.calls).toEqual([]);
    }
    const p = withSession({ supervisionRequiredUpToLevel: 0 });
    expect(needsQualitySupervisor({ level: 1 }, fine, p, () => 0.99)).toBe(false);
  });

  it('is required for a station rated C or D, or with an open rectification order, without a draw', () => {
    for (const station of [
      { rating: 'C', openRectifications: 0 },
      { rating: 'D', openRectifications: 0 },
      { rating: 'A', openRectifications: 1 },
      { rating: null, openRectifications: 2 },
    ]) {
      const d = draw(0.99);
      expect(needsQualitySupervisor({ level: 3 }, station, policy, d.random)).toBe(true);
      expect(d.calls).toEqual([]);
    }
  });

  it('is otherwise drawn against the policy share', () => {
    for (const rating of ['A', 'B', null]) {
      expect(needsQualitySupervisor({ level: 3 }, { rating, openRectifications: 0 }, policy, () => 0.19)).toBe(true);
      expect(needsQualitySupervisor({ level: 5 }, { rating, openRectifications: 0 }, policy, () => 0.2)).toBe(false);
      expect(needsQualitySupervisor({ level: 3 }, { rating, openRectifications: 0 }, policy, () => 0.7)).toBe(false);
    }
    expect(needsQualitySupervisor({ level: 3 }, fine, withSession({ supervisionShare: 1 }), () => 0.999)).toBe(true);
    expect(needsQualitySupervisor({ level: 3 }, fine, withSession({ supervisionShare: 0 }), () => 0)).toBe(false);
  });
});

// ---- registration ---------------------------------------------------------------------------------

describe('registrationRefusal', () => {
  const TODAY = '2025-06-03';
  const session = (over: Partial<AppraisalSession> = {}): AppraisalSession => ({ ...SESSION, ...over });
  const refusal = (s: AppraisalSession, busyExaminerIds: string[] = [], p: SessionPolicy = policy) => registrationRefusal(s, { busyExaminerIds }, p, TODAY);
  const expectRefused = (error: Error | null, field: string, code: string) => {
    expect(error).toBeInstanceOf(Refusal);
    expect(error).toMatchObject({ type: 'Invalid', field, code });
  };

  it('accepts a session registered in time with enough free examiners', () => {
    expect(refusal(session())).toBeNull();
  });

  it('refuses one registered fewer than registerDaysAhead days before (date, too_late)', () => {
    expect(refusal(session({ date: '2025-06-10' }))).toBeNull();
    expectRefused(refusal(session({ date: '2025-06-09' })), 'date', 'too_late');
    expectRefused(refusal(session({ date: '2025-06-01' })), 'date', 'too_late');
    expect(refusal(session({ date: '2025-06-05' }), [], withSession({ registerDaysAhead: 2 }))).toBeNull();
  });

  it('needs more examiners at levels 1–2 than at the others (examinerIds, too_few_examiners)', () => {
    const two = [exam1.id, exam2.id];
    expect(refusal(session({ level: 3, examinerIds: two }))).toBeNull();
    expect(refusal(session({ level: 5, examinerIds: two }))).toBeNull();
    for (const level of [1, 2]) {
      const r = refusal(session({ level, examinerIds: two }));
      expectRefused(r, 'examinerIds', 'too_few_examiners');
      expect(r?.message).toMatch(/at least 3 examiners/);
      expect(refusal(session({ level, examinerIds: [...two, exam3.id] }))).toBeNull();
    }
    expectRefused(refusal(session({ level: 3, examinerIds: [exam1.id] })), 'examinerIds', 'too_few_examiners');
  });

  it('counts an examiner named twice once', () => {
    expectRefused(refusal(session({ level: 2, examinerIds: [exam1.id, exam1.id, exam2.id] })), 'examinerIds', 'too_few_examiners');
  });

  it('needs one examiner per candidatesPerExaminer expected candidates', () => {
    const two = [exam1.id, exam2.id];
    expect(refusal(session({ examinerIds: two, expectedCandidates: 30 }))).toBeNull();
    expectRefused(refusal(session({ examinerIds: two, expectedCandidates: 31 })), 'examinerIds', 'too_few_examiners');
    expect(refusal(session({ examinerIds: [...two, exam3.id], expectedCandidates: 45 }))).toBeNull();
    expectRefused(refusal(session({ examinerIds: [...two, exam3.id], expectedCandidates: 46 })), 'examinerIds', 'too_few_examiners');
  });

  it('refuses an examiner already at another session at an overlapping time (examinerIds, examiner_busy), naming them', () => {
    const r = refusal(session(), ['exam-8', exam2.id]);
    expectRefused(r, 'examinerIds', 'examiner_busy');
    expect(r?.message).toContain(exam2.id);
    expect(r?.message).toContain('at an overlapping time');
    expect(r?.message).not.toContain('exam-8');
  });

  it('needs both the start and the end, or neither (endsAt, times_incomplete)', () => {
    expectRefused(refusal(session({ startsAt: '2025-06-10T01:00:00Z' })), 'endsAt', 'times_incomplete');
    expectRefused(refusal(session({ endsAt: '2025-06-10T09:00:00Z' })), 'endsAt', 'times_incomplete');
    expect(refusal(session({ startsAt: '2025-06-10T01:00:00Z', endsAt: '2025-06-10T09:00:00Z' }))).toBeNull();
  });

  it('refuses an end at or before the start (endsAt, ends_before_start)', () => {
    expectRefused(refusal(session({ startsAt: '2025-06-10T09:00:00Z', endsAt: '2025-06-10T01:00:00Z' })), 'endsAt', 'ends_before_start');
    expectRefused(refusal(session({ startsAt: '2025-06-10T09:00:00Z', endsAt: '2025-06-10T09:00:00Z' })), 'endsAt', 'ends_before_start');
  });
});

// ---- times ----------------------------------------------------------------------------------------

describe('sessionTimes', () => {
  it('without times, takes the whole China day (UTC+8); the roster locks rosterLockBefore before it begins', () => {
    expect(sessionTimes({ date: '2025-06-10' }, policy)).toEqual({
      startsAt: '2025-06-09T16:00:00.000Z',
      endsAt: '2025-06-10T16:00:00.000Z',
      rosterLocksAt: '2025-06-06T16:00:00.000Z',
    });
  });

  it('with times, takes them, and locks the roster before the start', () => {
    expect(sessionTimes({ date: '2025-06-10', startsAt: '2025-06-10T09:00:00+08:00', endsAt: '2025-06-10T17:30:00+08:00' }, policy)).toEqual({
      startsAt: '2025-06-10T01:00:00.000Z',
      endsAt: '2025-06-10T09:30:00.000Z',
      rosterLocksAt: '2025-06-07T01:00:00.000Z',
    });
  });

  it('follows the policy lock period', () => {
    const p = withSession({ rosterLockBefore: 'PT12H' });
    expect(sessionTimes({ date: '2025-06-10', startsAt: '2025-06-10T01:00:00Z', endsAt: '2025-06-10T09:00:00Z' }, p).rosterLocksAt).toBe(
      '2025-06-09T13:00:00.000Z',
    );
  });

  it('are the times a new session keeps', () => {
    const s = registered();
    expect(s).toMatchObject({ status: 'roster_open', rosterLocksAt: '2025-06-06T16:00:00.000Z', endsAt: ENDS_AT, version: 1 });
    expect(s.timeline).toEqual([expect.objectContaining({ action: 'session_registered', actorId: admin.id, statusAfter: 'roster_open' })]);
  });
});
