import { describe, it, expect } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { Refusal, type RefusalType } from '../../domain/errors';
import { defaultPolicy } from '../../domain/policy';
import type { Actor, Person } from '../../domain/roles';
import type { ItemScores } from '../../domain/scoring';
import {
  applyAction,
  checkAction,
  completenessGaps,
  initialState,
  narrowsScope,
  pendingOn,
  stationApplicationSchema,
  type ApplicationState,
  type StationApplication,
  type StationApprovalAction,
} from '../../domain/stationApproval';

const policy = defaultPolicy.stationApproval;
const application = (): StationApplication => structuredClone(example);

// ---- people -------------------------------------------------------------------------------------

const APPLICANT = 'admin-nanhai';
const applicant: Actor = { id: APPLICANT, roles: ['station_admin'] };
const supervisor: Actor = { id: 'sup-1', roles: ['supervisor'] };
const otherSupervisor: Actor = { id: 'sup-2', roles: ['supervisor'] };

const person = (id: string, over: Partial<Person> = {}): Person => ({
  id,
  name: `Person ${id}`,
  email: `${id}@appraisal.example.gov.cn`,
  roles: ['inspector'],
  organisation: '佛山市质量检验研究院',
  affiliations: [],
  ...over,
});

const reviewer = person('rev-1', { name: '李伟', roles: ['reviewer'], organisation: '广东省技能鉴定中心' });
const insp1 = person('insp-1');
const insp2 = person('insp-2');
const insp3 = person('insp-3');
const asActor = (p: Person): Actor => ({ id: p.id, roles: p.roles });

const scores = (
  organisation_management: number,
  post_setup: number,
  staffing: number,
  appraisal_process_control: number,
  site_and_equipment: number,
): ItemScores => ({ organisation_management, post_setup, staffing, appraisal_process_control, site_and_equipment });

// ---- helpers ------------------------------------------------------------------------------------

let clock = 0;
const at = () => new Date(Date.UTC(2025, 2, 1, 8, 0, clock++)).toISOString();

/** Checks, then applies: the workflow never applies what checkAction refuses. */
function act(state: ApplicationState, action: StationApprovalAction, actor: Actor): ApplicationState {
  checkAction(state, action, actor, policy);
  return applyAction(state, action, { actor, at: at() }, policy);
}

function refusal(fn: () => unknown): Refusal {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Refusal);
    return error as Refusal;
  }
  throw new Error('expected a Refusal, but nothing was thrown');
}

function expectRefusal(fn: () => unknown, type: RefusalType, expected: { field?: string; message?: RegExp } = {}): Refusal {
  const r = refusal(fn);
  expect(r.type).toBe(type);
  expect(r.name).toBe(type);
  if (expected.field !== undefined) expect(r.field).toBe(expected.field);
  if (expected.message) expect(r.message).toMatch(expected.message);
  return r;
}

const check = (state: ApplicationState, action: StationApprovalAction, actor: Actor) => () => checkAction(state, action, actor, policy);

// ---- states along the happy path ----------------------------------------------------------------

const submitted = () => initialState({ id: 'app-1', applicantId: APPLICANT, application: application(), at: at() });
/** The workflow moves a complete application to awaiting_reviewer; simulate it. */
const awaitingReviewer = (): ApplicationState => ({ ...submitted(), status: 'awaiting_reviewer' });
const inReview = () => act(awaitingReviewer(), { type: 'assignReviewer', reviewer }, supervisor);
const awaitingAssessors = () => act(inReview(), { type: 'review', outcome: 'pass', reasons: [] }, asActor(reviewer));
const onSite = () => act(awaitingAssessors(), { type: 'assignAssessors', assessors: [insp1, insp2] }, supervisor);
const scored = (a: ItemScores, b: ItemScores) => {
  const s1 = act(onSite(), { type: 'submitAssessment', scores: a, notes: 'sheet 1' }, asActor(insp1));
  return act(s1, { type: 'submitAssessment', scores: b, notes: 'sheet 2' }, asActor(insp2));
};
// means 85, 75, 80, 70, 80 → total 77.25, passed
const passedOnSite = () => scored(scores(80, 70, 90, 60, 75), scores(90, 80, 70, 80, 85));
// site_and_equipment mean 40 < floor 50 → failed despite total 91
const failedOnSite = () => scored(scores(100, 100, 100, 100, 45), scores(100, 100, 100, 100, 35));

// ---- tests --------------------------------------------------------------------------------------

describe('the example application', () => {
  it('is a valid application', () => {
    expect(() => stationApplicationSchema.parse(example)).not.toThrow();
  });
});

describe('completenessGaps', () => {
  it('finds nothing missing in the example', () => {
    expect(completenessGaps(application(), policy)).toEqual([]);
  });

  it('names a missing required document', () => {
    const app = application();
    app.documents = app.documents.filter((d) => d.kind !== 'site_certificate');
    const gaps = completenessGaps(app, policy);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatch(/^documents\b/);
    expect(gaps[0]).toContain('site_certificate');
  });

  it('names every missing document', () => {
    const app = application();
    app.documents = [];
    const gaps = completenessGaps(app, policy);
    expect(gaps).toHaveLength(4);
    for (const kind of ['business_licence', 'site_certificate', 'equipment_list', 'management_rules']) {
      expect(gaps.some((g) => g.startsWith('documents') && g.includes(kind))).toBe(true);
    }
  });

  it('names the examiners when fewer than two are given', () => {
    const app = application();
    app.staff.examinerIds = ['exam-1'];
    const gaps = completenessGaps(app, policy);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatch(/^staff\.examinerIds\b/);
    expect(gaps[0]).toContain('1 given');
  });

  it('counts a repeated examiner once', () => {
    const app = application();
    app.staff.examinerIds = ['exam-1', 'exam-1'];
    const gaps = completenessGaps(app, policy);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatch(/^staff\.examinerIds\b/);
  });

  it('accepts exactly two examiners', () => {
    const app = application();
    app.staff.examinerIds = ['exam-1', 'exam-2'];
    expect(completenessGaps(app, policy)).toEqual([]);
  });

  it('names a missing quality supervisor', () => {
    const app = application();
    delete app.staff.qualitySupervisor;
    const gaps = completenessGaps(app, policy);
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatch(/^staff\.qualitySupervisor\b/);
  });
});

describe('narrowsScope (level 1 is the highest, 5 the lowest)', () => {
  const applied = [
    { occupationCode: '6-18-01-01', highestLevel: 3 },
    { occupationCode: '6-18-02-04', highestLevel: 4 },
  ];

  it('accepts the same scope, a lower level, or fewer occupations', () => {
    expect(narrowsScope(applied, applied)).toBeNull();
    expect(narrowsScope([{ occupationCode: '6-18-01-01', highestLevel: 5 }], applied)).toBeNull();
    expect(narrowsScope([{ occupationCode: '6-18-02-04', highestLevel: 4 }], applied)).toBeNull();
  });

  it('refuses raising a level (3 → 2)', () => {
    expect(narrowsScope([{ occupationCode: '6-18-01-01', highestLevel: 2 }], applied)).toMatch(/6-18-01-01.*above/);
  });

  it('refuses an occupation that was not applied for', () => {
    expect(narrowsScope([{ occupationCode: '4-04-05-01', highestLevel: 5 }], applied)).toMatch(/4-04-05-01.*not applied for/);
  });
});

describe('checkAction', () => {
  describe('assignReviewer', () => {
    it('is Forbidden to a non-supervisor', () => {
      expectRefusal(check(awaitingReviewer(), { type: 'assignReviewer', reviewer }, asActor(reviewer)), 'Forbidden');
      expectRefusal(check(awaitingReviewer(), { type: 'assignReviewer', reviewer }, applicant), 'Forbidden');
    });

    it('is NotAllowed in the wrong status', () => {
      expectRefusal(check(submitted(), { type: 'assignReviewer', reviewer }, supervisor), 'NotAllowed', { message: /submitted/ });
      expectRefusal(check(inReview(), { type: 'assignReviewer', reviewer }, supervisor), 'NotAllowed', { message: /in_review/ });
    });

    it('is Invalid for a person without the reviewer role', () => {
      expectRefusal(check(awaitingReviewer(), { type: 'assignReviewer', reviewer: insp1 }, supervisor), 'Invalid', {
        field: 'reviewerId',
      });
    });

    it('is NotAllowed for a reviewer from the applicant organisation (recusal)', () => {
      const conflicted = person('rev-2', { roles: ['reviewer'], organisation: '南海机械厂' });
      expectRefusal(check(awaitingReviewer(), { type: 'assignReviewer', reviewer: conflicted }, supervisor), 'NotAllowed', {
        message: /recusal/,
      });
    });

    it('is allowed for a supervisor assigning an independent reviewer', () => {
      expect(check(awaitingReviewer(), { type: 'assignReviewer', reviewer }, supervisor)).not.toThrow();
    });
  });

  describe('review', () => {
    it('is Forbidden to anyone but the assigned reviewer', () => {
      const other = { id: 'rev-9', roles: ['reviewer'] } satisfies Actor;
      expectRefusal(check(inReview(), { type: 'review', outcome: 'pass', reasons: [] }, other), 'Forbidden');
    });

    it('needs reasons to return or reject', () => {
      expectRefusal(check(inReview(), { type: 'review', outcome: 'return', reasons: [] }, asActor(reviewer)), 'Invalid', {
        field: 'reasons',
      });
    });
  });

  describe('assignAssessors', () => {
    it('is NotAllowed when an assessor belongs to the applicant organisation (recusal)', () => {
      const conflicted = person('insp-8', { organisation: '南海机械厂' });
      const r = expectRefusal(check(awaitingAssessors(), { type: 'assignAssessors', assessors: [insp1, conflicted] }, supervisor), 'NotAllowed', {
        message: /recusal/,
      });
      expect(r.message).toContain('insp-8');
    });

    it('is NotAllowed when an assessor is affiliated with a declared affiliation (recusal)', () => {
      const affiliated = person('insp-9', { affiliations: ['南海机械厂培训中心'] });
      const r = expectRefusal(check(awaitingAssessors(), { type: 'assignAssessors', assessors: [affiliated, insp2] }, supervisor), 'NotAllowed', {
        message: /recusal/,
      });
      expect(r.message).toContain('insp-9');
    });

    it('is Invalid (assessorIds) with fewer than two assessors', () => {
      expectRefusal(check(awaitingAssessors(), { type: 'assignAssessors', assessors: [insp1] }, supervisor), 'Invalid', {
        field: 'assessorIds',
      });
      expectRefusal(check(awaitingAssessors(), { type: 'assignAssessors', assessors: [] }, supervisor), 'Invalid', {
        field: 'assessorIds',
      });
    });

    it('is Invalid (assessorIds) when the same person is named twice to make up the number', () => {
      expectRefusal(check(awaitingAssessors(), { type: 'assignAssessors', assessors: [insp1, insp1] }, supervisor), 'Invalid', {
        field: 'assessorIds',
      });
    });

    it('is Invalid (assessorIds) for a person without the inspector role', () => {
      const examiner = person('exam-9', { roles: ['examiner'] });
      const r = expectRefusal(check(awaitingAssessors(), { type: 'assignAssessors', assessors: [insp1, examiner] }, supervisor), 'Invalid', {
        field: 'assessorIds',
      });
      expect(r.message).toContain('exam-9');
    });

    it('is Forbidden to a non-supervisor and NotAllowed in the wrong status', () => {
      expectRefusal(check(awaitingAssessors(), { type: 'assignAssessors', assessors: [insp1, insp2] }, asActor(insp1)), 'Forbidden');
      expectRefusal(check(inReview(), { type: 'assignAssessors', assessors: [insp1, insp2] }, supervisor), 'NotAllowed');
    });
  });

  describe('submitAssessment', () => {
    it('is Forbidden to an inspector who was not assigned', () => {
      expectRefusal(check(onSite(), { type: 'submitAssessment', scores: scores(80, 80, 80, 80, 80), notes: '' }, asActor(insp3)), 'Forbidden');
    });

    it('is NotAllowed a second time from the same assessor', () => {
      const s = act(onSite(), { type: 'submitAssessment', scores: scores(80, 80, 80, 80, 80), notes: '' }, asActor(insp1));
      expectRefusal(check(s, { type: 'submitAssessment', scores: scores(90, 90, 90, 90, 90), notes: '' }, asActor(insp1)), 'NotAllowed');
    });
  });

  describe('decide', () => {
    it('is Forbidden to the document reviewer, even holding the supervisor role', () => {
      const reviewerAsSupervisor: Actor = { id: reviewer.id, roles: ['supervisor', 'reviewer'] };
      expectRefusal(check(passedOnSite(), { type: 'decide', outcome: 'approve', reasons: [] }, reviewerAsSupervisor), 'Forbidden');
    });

    it('is NotAllowed to approve after an on-site result that did not pass', () => {
      const state = failedOnSite();
      expect(state.onSiteResult?.passed).toBe(false);
      expectRefusal(check(state, { type: 'decide', outcome: 'approve', reasons: [] }, supervisor), 'NotAllowed', {
        message: /did not pass/,
      });
      expectRefusal(
        check(
          state,
          { type: 'decide', outcome: 'approve_reduced', reasons: ['reduced'], scope: [{ occupationCode: '6-18-01-01', highestLevel: 5 }] },
          supervisor,
        ),
        'NotAllowed',
      );
    });

    it('still allows rejection after a failed on-site result', () => {
      expect(check(failedOnSite(), { type: 'decide', outcome: 'reject', reasons: ['site below standard'] }, supervisor)).not.toThrow();
    });

    it('is Invalid (scope) when a reduced approval raises the level above the applied one (3 → 2)', () => {
      expectRefusal(
        check(
          passedOnSite(),
          { type: 'decide', outcome: 'approve_reduced', reasons: ['narrowed'], scope: [{ occupationCode: '6-18-01-01', highestLevel: 2 }] },
          supervisor,
        ),
        'Invalid',
        { field: 'scope' },
      );
    });

    it('is Invalid (scope) when a reduced approval names an occupation not applied for', () => {
      expectRefusal(
        check(
          passedOnSite(),
          { type: 'decide', outcome: 'approve_reduced', reasons: ['narrowed'], scope: [{ occupationCode: '4-04-05-01', highestLevel: 5 }] },
          supervisor,
        ),
        'Invalid',
        { field: 'scope' },
      );
    });

    it('is Invalid (scope) when a reduced approval has no scope', () => {
      expectRefusal(check(passedOnSite(), { type: 'decide', outcome: 'approve_reduced', reasons: ['narrowed'] }, supervisor), 'Invalid', {
        field: 'scope',
      });
    });

    it('allows a reduced approval that lowers a level and drops an occupation', () => {
      expect(
        check(
          passedOnSite(),
          { type: 'decide', outcome: 'approve_reduced', reasons: ['narrowed'], scope: [{ occupationCode: '6-18-01-01', highestLevel: 4 }] },
          supervisor,
        ),
      ).not.toThrow();
    });

    it('is NotAllowed before the on-site assessment is complete', () => {
      expectRefusal(check(onSite(), { type: 'decide', outcome: 'reject', reasons: ['x'] }, supervisor), 'NotAllowed');
    });
  });

  describe('resubmit', () => {
    const returned = () => act(inReview(), { type: 'review', outcome: 'return', reasons: ['equipment list unreadable'] }, asActor(reviewer));

    it('is Forbidden to anyone but the applicant', () => {
      expectRefusal(check(returned(), { type: 'resubmit', application: application() }, { id: 'admin-other', roles: ['station_admin'] }), 'Forbidden');
      expectRefusal(check(returned(), { type: 'resubmit', application: application() }, supervisor), 'Forbidden');
    });

    it('sends a returned application back to the reviewer', () => {
      const state = act(returned(), { type: 'resubmit', application: application() }, applicant);
      expect(state.status).toBe('in_review');
      expect(pendingOn(state)).toEqual({ action: 'review', role: 'reviewer', userIds: ['rev-1'] });
    });

    it('is NotAllowed while the application is not incomplete or returned', () => {
      expectRefusal(check(inReview(), { type: 'resubmit', application: application() }, applicant), 'NotAllowed');
    });
  });

  describe('on a closed case', () => {
    const approved = () => act(passedOnSite(), { type: 'decide', outcome: 'approve', reasons: [] }, otherSupervisor);
    const rejected = () => act(inReview(), { type: 'review', outcome: 'reject', reasons: ['forged licence'] }, asActor(reviewer));
    const withdrawn = () => act(inReview(), { type: 'withdraw', reason: 'moving site' }, applicant);

    const attempts: [string, StationApprovalAction, Actor][] = [
      ['resubmit', { type: 'resubmit', application: application() }, applicant],
      ['withdraw', { type: 'withdraw', reason: 'too late' }, applicant],
      ['assignReviewer', { type: 'assignReviewer', reviewer }, supervisor],
      ['review', { type: 'review', outcome: 'pass', reasons: [] }, asActor(reviewer)],
      ['assignAssessors', { type: 'assignAssessors', assessors: [insp1, insp2] }, supervisor],
      ['submitAssessment', { type: 'submitAssessment', scores: scores(90, 90, 90, 90, 90), notes: '' }, asActor(insp1)],
      ['decide', { type: 'decide', outcome: 'reject', reasons: ['again'] }, supervisor],
    ];

    it.each([
      ['approved', approved],
      ['rejected', rejected],
      ['withdrawn', withdrawn],
    ] as const)('refuses every action on a %s case as NotAllowed', (status, make) => {
      const state = make();
      expect(state.status).toBe(status);
      for (const [, action, actor] of attempts) {
        expectRefusal(check(state, action, actor), 'NotAllowed', { message: new RegExp(`already ${status}`) });
      }
    });
  });
});

describe('a full case through applyAction', () => {
  it('starts submitted with one timeline entry from the applicant', () => {
    const s = submitted();
    expect(s.status).toBe('submitted');
    expect(s.version).toBe(1);
    expect(s.timeline).toHaveLength(1);
    expect(s.timeline[0]).toMatchObject({ seq: 1, action: 'submitted', actorId: APPLICANT, actorRole: 'station_admin' });
    expect(pendingOn(s)).toBeNull();
  });

  it('goes from awaiting_reviewer to approved with a gap-free timeline', () => {
    let s = awaitingReviewer();
    expect(pendingOn(s)).toEqual({ action: 'assignReviewer', role: 'supervisor', userIds: [] });

    s = act(s, { type: 'assignReviewer', reviewer }, supervisor);
    expect(s.status).toBe('in_review');
    expect(s.reviewer).toEqual(reviewer);
    expect(pendingOn(s)).toEqual({ action: 'review', role: 'reviewer', userIds: ['rev-1'] });

    s = act(s, { type: 'review', outcome: 'pass', reasons: [] }, asActor(reviewer));
    expect(s.status).toBe('awaiting_assessors');
    expect(s.timeline.at(-1)).toMatchObject({ action: 'review_pass', actorId: 'rev-1', actorRole: 'reviewer' });
    expect(pendingOn(s)).toEqual({ action: 'assignAssessors', role: 'supervisor', userIds: [] });

    s = act(s, { type: 'assignAssessors', assessors: [insp1, insp2, insp3] }, supervisor);
    expect(s.status).toBe('on_site');
    expect(pendingOn(s)).toEqual({ action: 'submitAssessment', role: 'inspector', userIds: ['insp-1', 'insp-2', 'insp-3'] });

    s = act(s, { type: 'submitAssessment', scores: scores(80, 70, 90, 60, 75), notes: 'good records' }, asActor(insp2));
    expect(s.status).toBe('on_site');
    expect(s.onSiteResult).toBeUndefined();
    expect(pendingOn(s)?.userIds).toEqual(['insp-1', 'insp-3']);

    s = act(s, { type: 'submitAssessment', scores: scores(90, 80, 70, 80, 85), notes: '' }, asActor(insp1));
    expect(s.status).toBe('on_site');
    expect(s.onSiteResult).toBeUndefined();
    expect(pendingOn(s)?.userIds).toEqual(['insp-3']);

    s = act(s, { type: 'submitAssessment', scores: scores(70, 75, 80, 70, 80), notes: '' }, asActor(insp3));
    expect(s.status).toBe('awaiting_decision');
    // means: (80+90+70)/3=80, (70+80+75)/3=75, (90+70+80)/3=80, (60+80+70)/3=70, (75+85+80)/3=80
    // total: 80*0.2 + 75*0.15 + 80*0.2 + 70*0.3 + 80*0.15 = 16 + 11.25 + 16 + 21 + 12 = 76.25
    expect(s.onSiteResult).toEqual({
      items: {
        organisation_management: 80,
        post_setup: 75,
        staffing: 80,
        appraisal_process_control: 70,
        site_and_equipment: 80,
      },
      total: 76.25,
      passed: true,
      failingItems: [],
    });
    expect(s.timeline.at(-1)).toMatchObject({ action: 'on_site_scored', actorId: 'system', actorRole: 'system' });
    expect(pendingOn(s)).toEqual({ action: 'decide', role: 'supervisor', userIds: [] });

    s = act(s, { type: 'decide', outcome: 'approve', reasons: [] }, otherSupervisor);
    expect(s.status).toBe('approved');
    expect(s.decision).toMatchObject({ outcome: 'approve', by: 'sup-2' });
    expect(pendingOn(s)).toBeNull();

    expect(s.timeline.map((e) => e.action)).toEqual([
      'submitted',
      'reviewer_assigned',
      'review_pass',
      'assessors_assigned',
      'assessment_submitted',
      'assessment_submitted',
      'assessment_submitted',
      'on_site_scored',
      'decision_approve',
    ]);
    expect(s.timeline.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.version).toBe(9);
    expect(s.version).toBe(s.timeline.length);
    expect(s.timeline.map((e) => e.actorRole)).toEqual([
      'station_admin',
      'supervisor',
      'reviewer',
      'supervisor',
      'inspector',
      'inspector',
      'inspector',
      'system',
      'supervisor',
    ]);
    expect(s.timeline.slice(4, 7).map((e) => e.actorId)).toEqual(['insp-2', 'insp-1', 'insp-3']);
  });

  it('records a failed on-site result that leaves only rejection', () => {
    const s = failedOnSite();
    expect(s.status).toBe('awaiting_decision');
    expect(s.onSiteResult).toEqual({
      items: {
        organisation_management: 100,
        post_setup: 100,
        staffing: 100,
        appraisal_process_control: 100,
        site_and_equipment: 40,
      },
      total: 91,
      passed: false,
      failingItems: ['site_and_equipment'],
    });
    const rejected = act(s, { type: 'decide', outcome: 'reject', reasons: ['site below item floor'] }, supervisor);
    expect(rejected.status).toBe('rejected');
    expect(rejected.version).toBe(rejected.timeline.length);
    expect(rejected.timeline.map((e) => e.seq)).toEqual(rejected.timeline.map((_, i) => i + 1));
  });

  it('does not mutate the state it is given', () => {
    const before = onSite();
    const snapshot = structuredClone(before);
    applyAction(before, { type: 'submitAssessment', scores: scores(80, 80, 80, 80, 80), notes: '' }, { actor: asActor(insp1), at: at() }, policy);
    expect(before).toEqual(snapshot);
  });
});
