import {
  ParentClosePolicy,
  patched,
  startChild,
  allHandlersFinished,
  condition,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { durationMs } from '../domain/duration';
import { deadlineNotices, stationMailsFor, type Notice } from '../domain/notices';
import type { StationApprovalPolicy } from '../domain/policy';
import {
  SYSTEM,
  applyAction,
  checkAction,
  completenessGaps,
  initialState,
  licensedScope,
  outstandingConcurrences,
  pendingOn,
  record,
  type ActionType,
  type ApplicationState,
  type ApplicationStatus,
  type ScopeEntry,
  type Deadline,
  type StationApprovalAction,
} from '../domain/stationApproval';
import { escalationChain } from '../domain/jurisdiction';
import { holdWithDeadlines, periodFromNow, remindAndEscalate } from './deadlines';
import { stationProgramme } from './stationProgramme';
import { stationWorkflowId } from './stationProgramme.messages';
import { CaseType, Region } from './searchAttributes';
import { mail, now, setActionHandlers, setRecordedHandler, store, upsertCaseSearchAttributes } from './support';
import {
  stationApprovalState,
  stationApprovalUpdates,
  submissionRecorded,
  type ActionRequest,
  type StationApprovalInput,
  type StationApprovalView,
} from './stationApproval.messages';

type DeadlineKey = keyof StationApprovalPolicy['deadlines'];

/** The policy deadline of each status the case waits in. */
const STEP_DEADLINES: Partial<Record<ApplicationStatus, DeadlineKey>> = {
  incomplete: 'resubmission',
  awaiting_reviewer: 'assignReviewer',
  in_review: 'documentReview',
  returned: 'resubmission',
  awaiting_assessors: 'assignAssessors',
  on_site: 'onSiteAssessment',
  awaiting_concurrence: 'industryConcurrence',
  awaiting_decision: 'finalDecision',
};

/**
 * Station approval (鉴定所/站 审批), one workflow per application:
 * completeness check → reviewer assignment → document review (with returns) → on-site assessment
 * by recusal-checked assessors → final decision by a supervisor other than the reviewer → licence.
 * The applicant may withdraw at any time before the decision. Every wait has a policy deadline;
 * a missed deadline reminds the holder and escalates.
 */
export async function stationApproval(input: StationApprovalInput): Promise<StationApprovalView> {
  const policy = input.policy;
  const { workflowId } = workflowInfo();
  let state = initialState({ ...input, at: now() });
  // The due time of the step the case waits on; see change().
  let deadline = stepDeadline(state.status);
  let holds = 0;
  let mailed = 0;
  const outgoing: Promise<unknown>[] = [];
  // Read through a function: handlers change the state while the process awaits.
  const status = () => state.status;

  const view = (): StationApprovalView => {
    const pending = pendingOn(state);
    return { ...state, pending: pending && { ...pending, ...deadline } };
  };
  let recorded = false;
  setHandler(stationApprovalState, view);
  setRecordedHandler(submissionRecorded, () => recorded, view);
  setActionHandlers<ActionType, ActionRequest<ActionType>, StationApprovalView>(stationApprovalUpdates, {
    validate: (type, request) => checkAction(state, toAction(type, request), request.actor, policy),
    apply: async (type, request) => {
      change(applyAction(state, toAction(type, request), { actor: request.actor, at: now(), requestId: request.requestId }, policy));
      await persist();
      return view();
    },
  });
  upsertSearchAttributes([
    { key: CaseType, value: 'station_application' },
    { key: Region, value: input.application.region.provinceCode },
  ]);
  await persist();

  // 1. Completeness check (完整性审查): the applicant fills the gaps before the resubmission deadline.
  while (status() === 'submitted') {
    const gaps = completenessGaps(state.application, policy);
    if (gaps.length === 0) {
      system({ status: 'awaiting_reviewer' }, 'completeness_passed');
      break;
    }
    system({ status: 'incomplete', gaps }, 'completeness_failed', { gaps });
    await holdWhile('incomplete');
  }

  // 2. A supervisor assigns the document reviewer.
  await holdWhile('awaiting_reviewer');

  // 3. Document review (书面审查): pass, reject, or return to the applicant until resubmitted.
  while (status() === 'in_review' || status() === 'returned') {
    await holdWhile('in_review');
    await holdWhile('returned');
  }

  // 4. On-site assessment (现场评估) by at least two recusal-checked assessors.
  await holdWhile('awaiting_assessors');
  await holdWhile('on_site');

  // 5. Where the policy asks for it, the industry authority holding the occupations concurs (行业意见);
  // only such cases ever wait here, so cases begun before this step replay unchanged.
  if (status() === 'awaiting_concurrence') await holdWhile('awaiting_concurrence');

  // 6. Final decision by a supervisor who was not the reviewer; on approval finish() issues the licence.
  // A case that ended earlier (rejected, withdrawn) passes through the steps above without waiting.
  await holdWhile('awaiting_decision');
  return finish();

  /**
   * Holds the case while it is in a status. Each missed deadline is recorded, reminds the holder and
   * escalates one level; an applicant who misses the deadline withdraws the application. Returns at
   * once if the case has already moved on.
   */
  async function holdWhile(from: ApplicationStatus): Promise<void> {
    const hold = ++holds;
    const key = STEP_DEADLINES[from]!;
    await holdWithDeadlines({
      held: () => state.status === from,
      period: policy.deadlines[key],
      current: () => deadline,
      onPeriod: async (next) => {
        deadline = next;
        await persist();
        recorded = true; // the case has reached its first waiting step
      },
      onMissed: async (level, dueAt) => {
        const pending = pendingOn(state)!;
        if (pending.role === 'station_admin') {
          system({ status: 'withdrawn', withdrawnReason: `no resubmission by ${dueAt}` }, 'withdrawn_by_deadline', { dueAt });
          return 'stop';
        }
        const holders = pending.userIds.join(', ') || pending.role;
        const label = `station application ${state.id} (${state.application.stationName})`;
        system({}, 'deadline_missed', { action: pending.action, dueAt, escalationLevel: level, holders: pending.userIds.length ? pending.userIds : [pending.role] });
        await remindAndEscalate({
          stepKey: `${hold}-${key}`,
          level,
          pending,
          // A step held by a role goes to its officials covering the place, or for concurrence to the industry authority's.
          holderEmails: pending.userIds.length
            ? holderEmailsOf(pending.userIds)
            : await store.emailsForRole(pending.role, pending.action === 'concur' ? outstandingConcurrences(state) : escalationChain(state.application.region)),
          region: state.application.region,
          supervisorsAt: (jurisdiction) => store.emailsForRole('supervisor', jurisdiction),
          escalation: policy.escalation,
          notices: { reminder: deadlineNotices.reminder(label, pending.action, dueAt), escalation: deadlineNotices.escalation(label, pending.action, level, holders) },
          notify,
        });
        return 'continue';
      },
    });
    // Writes a change the wait itself made (a withdrawal by deadline); the next step's due time came with its change.
    await persist();
  }

  /** Ends the case: issues the licence on approval, tells the applicant, and lets outstanding mail finish. */
  async function finish(): Promise<StationApprovalView> {
    if (status() === 'approved') await issueLicence();
    await persist();
    await Promise.all(outgoing);
    await condition(allHandlersFinished);
    return view();
  }

  async function issueLicence(): Promise<void> {
    const licensedAt = now();
    const validUntil = new Date(Date.parse(licensedAt) + durationMs(policy.licenceValidity)).toISOString();
    const scope = licensedScope(state);
    const issued = await store.issueStationLicence({ applicationId: state.id, adminId: state.applicantId, application: state.application, scope, licensedAt, validUntil });
    system({ licence: { ...issued, validUntil, scope } }, 'licence_issued', { ...issued, validUntil });
    // Cases approved before programmes existed end without one (patched: running histories replay unchanged).
    if (patched('start-station-programme')) await startProgramme(issued.stationId, scope);
  }

  /** The licensed station's supervision programme, which outlives this case. */
  async function startProgramme(stationId: number, scope: ScopeEntry[]): Promise<void> {
    const a = state.application;
    const station = {
      id: stationId,
      name: a.stationName,
      organisation: a.organisation.name,
      provinceCode: a.region.provinceCode,
      cityCode: a.region.cityCode,
      adminId: state.applicantId,
      adminEmail: a.contactEmail,
      affiliations: a.declaredAffiliations,
      scope,
    };
    await startChild(stationProgramme, {
      workflowId: stationWorkflowId(stationId),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ station, policy: input.programmePolicy, inspectionPolicy: input.inspectionPolicy }],
    });
  }

  /** A change the process makes by itself (not a person's action), recorded on the timeline. */
  function system(changes: Partial<ApplicationState>, action: string, data?: Record<string, unknown>): void {
    change(record({ ...state, ...changes }, action, { actor: SYSTEM, at: now() }, data));
  }

  /**
   * Every change of the case goes through here. One that moves the case to another step starts that
   * step's due time at once, so the write carrying the change carries the pending step and its due time
   * together (the list row never shows a step with another step's deadline).
   */
  function change(next: ApplicationState): void {
    if (next.status !== state.status) deadline = stepDeadline(next.status);
    state = next;
  }

  function stepDeadline(step: ApplicationStatus): Deadline | undefined {
    const key = STEP_DEADLINES[step];
    return key ? periodFromNow(policy.deadlines[key], 0) : undefined;
  }

  /** Writes the case row, its new events and the search attributes (idempotent by version), and mails what the new events call for. */
  async function persist(): Promise<void> {
    for (const entry of state.timeline.slice(mailed)) {
      for (const m of stationMailsFor(entry, state, policy)) notify(m.key, m.to, m.notice);
    }
    mailed = state.timeline.length;
    const pending = pendingOn(state);
    upsertCaseSearchAttributes(state.status, pending, deadline);
    await store.saveStationApplication(workflowId, { state, pending, deadline: deadline ?? null });
  }

  /** Mail goes out beside the process, never holding up a step or a deadline; finish() waits for it. */
  function notify(stepKey: string, to: string[], notice: Notice): void {
    outgoing.push(mail.sendMail({ workflowId, stepKey, to, subject: notice.subject, text: notice.text }));
  }

  function holderEmailsOf(ids: string[]): string[] {
    const people = [state.reviewer, ...state.assessors].filter((p) => p !== undefined);
    return ids.map((id) => (id === state.applicantId ? state.application.contactEmail : people.find((p) => p.id === id)?.email)).filter((e): e is string => !!e);
  }
}

function toAction(type: ActionType, request: ActionRequest<ActionType>): StationApprovalAction {
  return { ...request.payload, type } as StationApprovalAction;
}
