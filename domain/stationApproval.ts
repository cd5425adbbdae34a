import { z } from 'zod';
import {
  SYSTEM,
  deadlineByStatus,
  record,
  withoutTimeline,
  type ActionContext,
  type CaseRules,
  type Deadline,
  type Pending as CasePending,
  type TimelineEntry,
} from './case';
import { stationMailsFor } from './notices';
import { forbidden, invalid, notAllowed } from './errors';
import type { StationApprovalPolicy } from './policy';
import { escalationChain, outsideJurisdiction } from './jurisdiction';
import { recusalReason } from './recusal';
import { regionSchema } from './region';
import { hasRole, type Actor, type Person, type Role } from './roles';
import { singleLine } from './text';
import { scoreOnSite, type ItemScores, type OnSiteResult } from './scoring';
import { advanceClock, extendClock, extensionRefusal, remaining, type StatutoryClock } from './statutoryClock';

/** Station approval (鉴定所/站 审批): what an applicant files, and the rules every step follows. */

export const scopeEntrySchema = z.object({
  occupationCode: z.string().regex(/^\d-\d{2}-\d{2}-\d{2}$/, 'must be an occupation code such as 4-04-05-01'),
  /** Highest level the station may appraise: 1 (高级技师) is the highest, 5 (初级) the lowest. */
  highestLevel: z.number().int().min(1).max(5),
});
export type ScopeEntry = z.infer<typeof scopeEntrySchema>;

export const scopeSchema = z
  .array(scopeEntrySchema)
  .min(1)
  .max(200)
  .refine((s) => new Set(s.map((e) => e.occupationCode)).size === s.length, 'occupations must not repeat');

export const stationApplicationSchema = z.object({
  organisation: z.object({
    name: singleLine(2, 200),
    creditCode: z.string().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'must be an 18-character unified social credit code'),
  }),
  stationName: singleLine(2, 200),
  region: regionSchema,
  address: singleLine(5, 500),
  scope: scopeSchema,
  staff: z.object({
    examinerIds: z.array(z.string().min(1).max(64)).max(500),
    qualitySupervisor: z.object({ name: singleLine(1, 100), phone: singleLine(0, 30).optional() }).optional(),
  }),
  documents: z.array(z.object({ kind: singleLine(1, 64), reference: singleLine(1, 500) })).max(100),
  contactEmail: z.string().email(),
  declaredAffiliations: z.array(singleLine(1, 200)).max(50),
});
export type StationApplication = z.infer<typeof stationApplicationSchema>;

export const STATUSES = [
  'submitted',
  'incomplete',
  'awaiting_reviewer',
  'in_review',
  'returned',
  'awaiting_assessors',
  'on_site',
  'awaiting_concurrence',
  'awaiting_decision',
  'approved',
  'rejected',
  'withdrawn',
] as const;
export type ApplicationStatus = (typeof STATUSES)[number];
export const FINAL_STATUSES: readonly ApplicationStatus[] = ['approved', 'rejected', 'withdrawn'];

export type StationApprovalAction =
  | { type: 'resubmit'; application: StationApplication }
  | { type: 'withdraw'; reason: string }
  | { type: 'assignReviewer'; reviewer: Person }
  | { type: 'review'; outcome: 'pass' | 'return' | 'reject'; reasons: string[] }
  | { type: 'assignAssessors'; assessors: Person[] }
  | { type: 'submitAssessment'; scores: ItemScores; notes: string }
  | { type: 'concur'; outcome: 'concur' | 'object'; reasons: string[] }
  | { type: 'decide'; outcome: 'approve' | 'approve_reduced' | 'reject'; reasons: string[]; scope?: ScopeEntry[] };
export type ActionType = StationApprovalAction['type'];
export type Pending = CasePending<ActionType>;
export { SYSTEM, record, type ActionContext, type Deadline, type TimelineEntry };

export interface Assessment {
  assessorId: string;
  scores: ItemScores;
  notes: string;
  at: string;
}

export interface Licence {
  stationId: number;
  licenceNumber: string;
  validUntil: string;
  scope: ScopeEntry[];
}

export interface ApplicationState {
  id: string;
  applicantId: string;
  application: StationApplication;
  status: ApplicationStatus;
  /** Grows with every change; the database row keeps the highest version it has seen. */
  version: number;
  gaps: string[];
  reviewer?: Person;
  reviewReasons: string[];
  assessors: Person[];
  assessments: Assessment[];
  onSiteResult?: OnSiteResult;
  /**
   * Industry authorities (行业) whose concurrence the scope needs before the decision, and those given.
   * Absent on cases begun before concurrence existed.
   */
  concurrence?: { required: string[]; given: Array<{ jurisdiction: string; by: string; at: string }> };
  decision?: { outcome: 'approve' | 'approve_reduced' | 'reject'; by: string; reasons: string[]; scope?: ScopeEntry[] };
  licence?: Licence;
  deadline?: Deadline;
  withdrawnReason?: string;
  /** The statutory clock of the decision, from acceptance (absent before it, and on cases begun before the clock). */
  statutory?: StatutoryClock;
  timeline: TimelineEntry[];
}

/** The role each action is taken in. */
export const ACTION_ROLE: Record<ActionType, Role> = {
  resubmit: 'station_admin',
  withdraw: 'station_admin',
  assignReviewer: 'supervisor',
  review: 'reviewer',
  assignAssessors: 'supervisor',
  submitAssessment: 'inspector',
  concur: 'supervisor',
  decide: 'supervisor',
};

export function initialState(input: {
  id: string;
  applicantId: string;
  application: StationApplication;
  /** The industry jurisdictions that must concur (from the policy's occupations and the authorities holding them). */
  concurrences?: string[];
  at: string;
  requestId?: string;
}): ApplicationState {
  const state: ApplicationState = {
    id: input.id,
    applicantId: input.applicantId,
    application: input.application,
    status: 'submitted',
    version: 0,
    gaps: [],
    reviewReasons: [],
    assessors: [],
    assessments: [],
    ...(input.concurrences?.length ? { concurrence: { required: input.concurrences, given: [] } } : {}),
    timeline: [],
  };
  return record(state, 'submitted', {
    actor: { id: input.applicantId, roles: ['station_admin'] },
    role: 'station_admin',
    at: input.at,
    requestId: input.requestId,
  });
}

export function isFinal(status: ApplicationStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** What the substance of an application still lacks (the completeness check, 完整性审查). */
export function completenessGaps(application: StationApplication, policy: StationApprovalPolicy): string[] {
  const gaps: string[] = [];
  const kinds = new Set(application.documents.map((d) => d.kind));
  for (const kind of policy.completeness.requiredDocuments) {
    if (!kinds.has(kind)) gaps.push(`documents: ${kind} is missing`);
  }
  const examiners = new Set(application.staff.examinerIds).size;
  if (examiners < policy.completeness.minExaminers) {
    gaps.push(`staff.examinerIds: at least ${policy.completeness.minExaminers} examiners are required, ${examiners} given`);
  }
  if (!application.staff.qualitySupervisor) gaps.push('staff.qualitySupervisor: a quality supervisor (质量督导员) is required');
  return gaps;
}

/** Whether a reduced scope only narrows the applied one: same occupations or fewer, no higher level. */
export function narrowsScope(reduced: ScopeEntry[], applied: ScopeEntry[]): string | null {
  const byCode = new Map(applied.map((e) => [e.occupationCode, e.highestLevel]));
  for (const entry of reduced) {
    const appliedLevel = byCode.get(entry.occupationCode);
    if (appliedLevel === undefined) return `occupation ${entry.occupationCode} was not applied for`;
    if (entry.highestLevel < appliedLevel) {
      return `occupation ${entry.occupationCode}: level ${entry.highestLevel} is above the applied level ${appliedLevel}`;
    }
  }
  return null;
}

/** Who holds the case now, derived from its status. */
export function pendingOn(state: ApplicationState): Pending | null {
  switch (state.status) {
    case 'incomplete':
    case 'returned':
      return { action: 'resubmit', role: ACTION_ROLE.resubmit, userIds: [state.applicantId] };
    case 'awaiting_reviewer':
      return { action: 'assignReviewer', role: 'supervisor', userIds: [] };
    case 'in_review':
      return { action: 'review', role: 'reviewer', userIds: state.reviewer ? [state.reviewer.id] : [] };
    case 'awaiting_assessors':
      return { action: 'assignAssessors', role: 'supervisor', userIds: [] };
    case 'on_site': {
      const done = new Set(state.assessments.map((a) => a.assessorId));
      return { action: 'submitAssessment', role: 'inspector', userIds: state.assessors.map((a) => a.id).filter((id) => !done.has(id)) };
    }
    case 'awaiting_concurrence':
      return { action: 'concur', role: 'supervisor', userIds: [] };
    case 'awaiting_decision':
      return { action: 'decide', role: 'supervisor', userIds: [] };
    default:
      return null;
  }
}

/**
 * Refuses what the current state, or the actor's role and identity, does not allow.
 * Runs in the workflow's update validators, so a refused action never enters history.
 */
export function checkAction(state: ApplicationState, action: StationApprovalAction, actor: Actor, policy: StationApprovalPolicy): void {
  if (isFinal(state.status)) throw notAllowed(`the application is already ${state.status}`);
  const expectStatus = (...allowed: ApplicationStatus[]) => {
    if (!allowed.includes(state.status)) {
      throw notAllowed(`${action.type} is not allowed while the application is ${state.status}`);
    }
  };
  const expectRole = (role: Role) => {
    if (!hasRole(actor, role)) throw forbidden(`${action.type} needs the ${role} role`);
  };
  const organisations = [state.application.organisation.name, ...state.application.declaredAffiliations];

  switch (action.type) {
    case 'resubmit':
      if (actor.id !== state.applicantId) throw forbidden('only the applicant may resubmit');
      expectStatus('incomplete', 'returned');
      return;
    case 'withdraw':
      if (actor.id !== state.applicantId) throw forbidden('only the applicant may withdraw');
      return;
    case 'assignReviewer': {
      expectRole('supervisor');
      expectStatus('awaiting_reviewer');
      if (!action.reviewer.roles.includes('reviewer')) throw invalid('reviewerId', `${action.reviewer.id} is not a reviewer`);
      const outside = outsideJurisdiction([action.reviewer], state.application.region);
      if (outside) throw notAllowed(outside);
      const reason = recusalReason(action.reviewer, organisations);
      if (reason) throw notAllowed(`recusal (回避): ${reason}`);
      return;
    }
    case 'review':
      expectStatus('in_review');
      if (actor.id !== state.reviewer?.id) throw forbidden('only the assigned reviewer may review');
      if (action.outcome !== 'pass' && action.reasons.length === 0) throw invalid('reasons', `a ${action.outcome} needs reasons`);
      return;
    case 'assignAssessors': {
      expectRole('supervisor');
      expectStatus('awaiting_assessors');
      const ids = action.assessors.map((a) => a.id);
      if (new Set(ids).size !== ids.length) throw invalid('assessorIds', 'assessors must not repeat');
      if (ids.length < policy.onSite.minAssessors) {
        throw invalid('assessorIds', `at least ${policy.onSite.minAssessors} assessors are required`);
      }
      const notInspector = action.assessors.find((a) => !a.roles.includes('inspector'));
      if (notInspector) throw invalid('assessorIds', `${notInspector.id} is not an inspector`);
      const outsideAssessors = outsideJurisdiction(action.assessors, state.application.region);
      if (outsideAssessors) throw notAllowed(outsideAssessors);
      const reasons = action.assessors.map((a) => recusalReason(a, organisations)).filter((r): r is string => r !== null);
      if (reasons.length) throw notAllowed(`recusal (回避): ${reasons.join('; ')}`);
      return;
    }
    case 'submitAssessment':
      expectStatus('on_site');
      if (!state.assessors.some((a) => a.id === actor.id)) throw forbidden('only an assigned assessor may submit scores');
      if (state.assessments.some((a) => a.assessorId === actor.id)) throw notAllowed('scores were already submitted by this assessor');
      return;
    case 'concur': {
      expectRole('supervisor');
      expectStatus('awaiting_concurrence');
      if (!concurringFor(state, actor)) throw forbidden(`only the industry authority (${outstandingConcurrences(state).join(', ')}) may concur`);
      if (action.outcome === 'object' && action.reasons.length === 0) throw invalid('reasons', 'an objection needs reasons');
      return;
    }
    case 'decide':
      expectRole('supervisor');
      expectStatus('awaiting_decision');
      if (actor.id === state.reviewer?.id) throw forbidden('the document reviewer may not take the final decision');
      if (action.outcome !== 'approve' && action.reasons.length === 0) throw invalid('reasons', `${action.outcome} needs reasons`);
      if (action.outcome !== 'reject' && !state.onSiteResult?.passed) {
        throw notAllowed(`the on-site assessment did not pass (total ${state.onSiteResult?.total ?? 'n/a'}); only rejection is possible`);
      }
      if (action.outcome === 'approve_reduced') {
        if (!action.scope?.length) throw invalid('scope', 'a reduced approval needs the reduced scope');
        const why = narrowsScope(action.scope, state.application.scope);
        if (why) throw invalid('scope', why);
      }
      return;
  }
}

/** Applies an allowed action; pure, so the workflow's history replays it exactly. */
export function applyAction(state: ApplicationState, action: StationApprovalAction, actionCtx: ActionContext, policy: StationApprovalPolicy): ApplicationState {
  return withClock(applyStep(state, action, actionCtx, policy), actionCtx.at);
}

function applyStep(state: ApplicationState, action: StationApprovalAction, actionCtx: ActionContext, policy: StationApprovalPolicy): ApplicationState {
  const ctx = { ...actionCtx, role: ACTION_ROLE[action.type] };
  switch (action.type) {
    case 'resubmit':
      // After a completeness failure the workflow checks again; after a return the reviewer reviews again.
      return record(
        { ...state, application: action.application, status: state.status === 'returned' ? 'in_review' : 'submitted', gaps: [] },
        'resubmitted',
        ctx,
      );
    case 'withdraw':
      return record({ ...state, status: 'withdrawn', withdrawnReason: action.reason }, 'withdrawn', ctx, { reason: action.reason });
    case 'assignReviewer':
      return record({ ...state, reviewer: action.reviewer, status: 'in_review' }, 'reviewer_assigned', ctx, {
        reviewerId: action.reviewer.id,
      });
    case 'review': {
      const status = ({ pass: 'awaiting_assessors', return: 'returned', reject: 'rejected' } as const)[action.outcome];
      return record({ ...state, status, reviewReasons: action.reasons }, `review_${action.outcome}`, ctx, { reasons: action.reasons });
    }
    case 'assignAssessors':
      return record({ ...state, assessors: action.assessors, assessments: [], status: 'on_site' }, 'assessors_assigned', ctx, {
        assessorIds: action.assessors.map((a) => a.id),
      });
    case 'submitAssessment': {
      const assessments = [...state.assessments, { assessorId: ctx.actor.id, scores: action.scores, notes: action.notes, at: ctx.at }];
      let next: ApplicationState = record({ ...state, assessments }, 'assessment_submitted', ctx, { scores: action.scores });
      if (assessments.length === state.assessors.length) {
        const onSiteResult = scoreOnSite(
          assessments.map((a) => a.scores),
          policy.onSite,
        );
        next = record(
          { ...next, onSiteResult, status: outstandingConcurrences(next).length ? 'awaiting_concurrence' : 'awaiting_decision' },
          'on_site_scored',
          { ...ctx, actor: SYSTEM, role: undefined },
          { ...onSiteResult },
        );
      }
      return next;
    }
    case 'concur': {
      const jurisdiction = concurringFor(state, ctx.actor)!;
      if (action.outcome === 'object') {
        return record({ ...state, status: 'rejected', reviewReasons: action.reasons }, 'industry_objected', ctx, { jurisdiction, reasons: action.reasons });
      }
      const concurrence = { required: state.concurrence!.required, given: [...state.concurrence!.given, { jurisdiction, by: ctx.actor.id, at: ctx.at }] };
      const next = { ...state, concurrence };
      return record({ ...next, status: outstandingConcurrences(next).length ? 'awaiting_concurrence' : 'awaiting_decision' }, 'industry_concurred', ctx, {
        jurisdiction,
      });
    }
    case 'decide':
      return record(
        {
          ...state,
          status: action.outcome === 'reject' ? 'rejected' : 'approved',
          decision: { outcome: action.outcome, by: ctx.actor.id, reasons: action.reasons, scope: action.scope },
        },
        `decision_${action.outcome}`,
        ctx,
        { reasons: action.reasons, scope: action.scope },
      );
  }
}

/** The scope the licence covers after a decision. */
export function licensedScope(state: ApplicationState): ScopeEntry[] {
  return state.decision?.outcome === 'approve_reduced' && state.decision.scope ? state.decision.scope : state.application.scope;
}

/** The industry authorities whose concurrence the case still waits for. */
export function outstandingConcurrences(state: ApplicationState): string[] {
  const given = new Set(state.concurrence?.given.map((g) => g.jurisdiction));
  return (state.concurrence?.required ?? []).filter((j) => !given.has(j));
}

/** The outstanding industry jurisdiction this supervisor acts in, if any. */
function concurringFor(state: ApplicationState, actor: Actor): string | undefined {
  return outstandingConcurrences(state).find((j) => actor.jurisdictions?.includes(j));
}

/**
 * The policy names the occupations (by code prefix) whose stations need their industry authority's
 * concurrence; an application needs it from each authority holding one of its occupations.
 */
export function requiredConcurrences(
  scope: ScopeEntry[],
  concurrenceOccupations: string[],
  industryOccupations: Array<{ jurisdiction: string; prefix: string }>,
): string[] {
  const needing = scope.map((e) => e.occupationCode).filter((code) => concurrenceOccupations.some((p) => code.startsWith(p)));
  return [...new Set(industryOccupations.filter((io) => needing.some((code) => code.startsWith(io.prefix))).map((io) => io.jurisdiction))].sort();
}

/** The policy deadline of each status an application waits in. */
const STEP_DEADLINES: Partial<Record<ApplicationStatus, keyof StationApprovalPolicy['deadlines']>> = {
  incomplete: 'resubmission',
  awaiting_reviewer: 'assignReviewer',
  in_review: 'documentReview',
  returned: 'resubmission',
  awaiting_assessors: 'assignAssessors',
  on_site: 'onSiteAssessment',
  awaiting_concurrence: 'industryConcurrence',
  awaiting_decision: 'finalDecision',
};

/** The people named on the application, by id: the applicant at the contact address, the reviewer, the assessors. */
function emailsOf(s: ApplicationState, ids: string[]): string[] {
  const people = [s.reviewer, ...s.assessors].filter((p) => p !== undefined);
  return ids.map((id) => (id === s.applicantId ? s.application.contactEmail : people.find((p) => p.id === id)?.email)).filter((e): e is string => !!e);
}

export const stationApprovalRules: CaseRules<ApplicationState, StationApprovalAction, StationApprovalPolicy> = {
  statuses: STATUSES,
  check: (s, action, actor, policy) => checkAction(s, action, actor, policy),
  apply: applyAction,
  pendingOn,
  mailsFor: stationMailsFor,
  // The applicant is told the date to resubmit by: the due time of the wait the entry begins.
  statesDue: ['completeness_failed', 'review_return'],
  isFinal: (s) => isFinal(s.status),
  deadline: deadlineByStatus<ApplicationState>(STEP_DEADLINES),
  project: withoutTimeline,
  hold: {
    deadlines: STEP_DEADLINES,
    label: (s) => `station application ${s.id} (${s.application.stationName})`,
    region: (s) => s.application.region,
    // A step held by a role goes to its officials covering the place, or for concurrence to the industry authority's.
    holders: (s, pending) =>
      pending.userIds.length
        ? { emails: emailsOf(s, pending.userIds) }
        : { role: pending.role, at: pending.action === 'concur' ? outstandingConcurrences(s) : escalationChain(s.application.region) },
    // An applicant who misses the resubmission deadline withdraws the application.
    missed: (s, pending, dueAt, at) =>
      pending.role === 'station_admin'
        ? withClock(
            record<ApplicationState>(
              { ...s, status: 'withdrawn', withdrawnReason: `no resubmission by ${dueAt}` },
              'withdrawn_by_deadline',
              { actor: SYSTEM, at },
              { dueAt },
            ),
            at,
          )
        : null,
  },
};

// ---- the statutory clock (法定办理时限) ------------------------------------------------------------

/** While the authority holds the application its statutory time runs; while the applicant does (补正, returns), it stops. */
const CLOCK_RUNS: readonly ApplicationStatus[] = [
  'awaiting_reviewer',
  'in_review',
  'awaiting_assessors',
  'on_site',
  'awaiting_concurrence',
  'awaiting_decision',
];

export const clockRuns = (status: ApplicationStatus) => CLOCK_RUNS.includes(status);

/** The case with its clock moved along with its status: stopped on a return, running again on the resubmission, ended with the case. */
export function withClock(state: ApplicationState, at: string): ApplicationState {
  if (!state.statutory) return state;
  const statutory = advanceClock(state.statutory, clockRuns(state.status), isFinal(state.status), at);
  return statutory === state.statutory ? state : { ...state, statutory };
}

/** The figures an entry about the clock carries (the time in its unit). */
const clockData = (k: StatutoryClock) => ({ unit: k.unit, limit: k.limit, used: k.used, left: remaining(k), dueAt: k.dueAt ?? null });

/**
 * The clock once the workflow counted the runs a change closed and resolved the due time of a new one: recorded as
 * stopped (the application is with the applicant) or resumed (it is back with the authority, due again at `dueAt`).
 */
export function clockResolved(state: ApplicationState, statutory: StatutoryClock, at: string): ApplicationState {
  const action = statutory.runningSince ? 'statutory_clock_resumed' : 'statutory_clock_stopped';
  return record({ ...state, statutory }, action, { actor: SYSTEM, at }, clockData(statutory));
}

/** A supervisor may extend the statutory limit once, with reasons, before it runs out (the extension is audited and mailed). */
export function checkExtension(state: ApplicationState, actor: Actor, reasons: string[]): void {
  if (!hasRole(actor, 'supervisor')) throw forbidden('extending the statutory limit needs the supervisor role');
  if (isFinal(state.status)) throw notAllowed(`the application is already ${state.status}`);
  const refusal = extensionRefusal(state.statutory);
  if (refusal) throw notAllowed(refusal);
  if (reasons.length === 0) throw invalid('reasons', 'an extension needs reasons');
}

/** The extension granted: `amount` in the clock's unit, the running clock due at `due` (resolved from the due time it had). */
export function applyExtension(
  state: ApplicationState,
  extension: { amount: number; reasons: string[]; due?: { was: string; dueAt: string; calendarVersion?: number } },
  ctx: ActionContext,
): ApplicationState {
  const statutory = extendClock(state.statutory!, extension.amount, { by: ctx.actor.id, at: ctx.at, reasons: extension.reasons }, extension.due);
  return record(
    { ...state, statutory },
    'statutory_limit_extended',
    { ...ctx, role: 'supervisor' },
    {
      reasons: extension.reasons,
      amount: extension.amount,
      ...clockData(statutory),
    },
  );
}

/** The statutory limit ran out before the decision: recorded (and counted by statistics), escalated to the top of the ladder. */
export function statutoryMissed(state: ApplicationState, at: string): ApplicationState {
  const statutory = { ...state.statutory!, missedAt: at };
  return record({ ...state, statutory }, 'statutory_limit_missed', { actor: SYSTEM, at }, clockData(statutory));
}
