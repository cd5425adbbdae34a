import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { durationMs } from '../domain/duration';
import { Refusal } from '../domain/errors';
import { stationNotices, type Notice } from '../domain/notices';
import type { StationApprovalPolicy } from '../domain/policy';
import {
  SYSTEM,
  applyAction,
  checkAction,
  completenessGaps,
  initialState,
  isFinal,
  licensedScope,
  pendingOn,
  record,
  type ActionType,
  type ApplicationState,
  type ApplicationStatus,
  type Deadline,
  type StationApprovalAction,
} from '../domain/stationApproval';
import { CaseStatus, CaseType, DueTime, EscalationLevel, PendingOn, Region } from './searchAttributes';
import {
  stationApprovalState,
  stationApprovalUpdates,
  submissionRecorded,
  type ActionRequest,
  type StationApprovalInput,
  type StationApprovalView,
} from './stationApproval.messages';

/** Database writes: short, retried until MySQL is back (nothing is lost while it is down). */
const store = proxyActivities<Activities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});
/** Mail: an SMTP server may be slow or away for a while; permanent refusals come back as 'failed'. */
const mail = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m' },
});

type DeadlineKey = keyof StationApprovalPolicy['deadlines'];

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
  let deadline: Deadline | undefined;
  let holds = 0;
  const outgoing: Promise<unknown>[] = [];
  // Read through a function: handlers change the state while the process awaits.
  const status = () => state.status;

  const view = (): StationApprovalView => {
    const pending = pendingOn(state);
    return { ...state, pending: pending && { ...pending, ...deadline } };
  };
  let recorded = false;
  setHandler(stationApprovalState, view);
  setHandler(submissionRecorded, async () => {
    await condition(() => recorded, '1 minute');
    return view();
  });
  for (const type of Object.keys(stationApprovalUpdates) as ActionType[]) {
    setHandler(
      stationApprovalUpdates[type],
      async (request: ActionRequest<ActionType>) => {
        state = applyAction(state, toAction(type, request), { actor: request.actor, at: now(), requestId: request.requestId }, policy);
        await persist();
        return view();
      },
      { validator: (request: ActionRequest<ActionType>) => refuseAsFailure(() => checkAction(state, toAction(type, request), request.actor, policy)) },
    );
  }
  upsertSearchAttributes([
    { key: CaseType, value: 'station_application' },
    { key: Region, value: input.application.region.provinceCode },
  ]);
  await persist();

  // 1. Completeness check (完整性审查): the applicant fills the gaps before the resubmission deadline.
  for (let round = 1; status() === 'submitted'; round++) {
    const gaps = completenessGaps(state.application, policy);
    if (gaps.length === 0) {
      system({ status: 'awaiting_reviewer' }, 'completeness_passed');
      break;
    }
    system({ status: 'incomplete', gaps }, 'completeness_failed', { gaps });
    await holdWhile('incomplete', 'resubmission', (dueAt) => notify(`incomplete-${round}`, [applicantEmail()], stationNotices.incomplete(state, dueAt)));
  }
  if (isFinal(status())) return finish();

  // 2. A supervisor assigns the document reviewer.
  await holdWhile('awaiting_reviewer', 'assignReviewer');
  if (isFinal(status())) return finish();
  notify('reviewer-assigned', [state.reviewer!.email], stationNotices.assigned(state, 'review the documents'));

  // 3. Document review (书面审查): pass, reject, or return to the applicant until resubmitted.
  for (let round = 1; status() === 'in_review'; round++) {
    await holdWhile('in_review', 'documentReview');
    if (status() === 'returned') {
      await holdWhile('returned', 'resubmission', (dueAt) => notify(`returned-${round}`, [applicantEmail()], stationNotices.returned(state, dueAt)));
    }
  }
  if (isFinal(status())) return finish();

  // 4. On-site assessment (现场评估) by at least two recusal-checked assessors.
  await holdWhile('awaiting_assessors', 'assignAssessors');
  if (isFinal(status())) return finish();
  notify('assessors-assigned', state.assessors.map((a) => a.email), stationNotices.assigned(state, 'assess the station on site'));
  await holdWhile('on_site', 'onSiteAssessment');
  if (isFinal(status())) return finish();

  // 5. Final decision by a supervisor who was not the reviewer; on approval finish() issues the licence.
  await holdWhile('awaiting_decision', 'finalDecision');
  return finish();

  /**
   * Holds the case while it is in a status, at most the policy's period at a time. Each missed
   * deadline is recorded, reminds the holder and escalates one level; an applicant who misses the
   * deadline withdraws the application. Returns at once if the case has already moved on.
   */
  async function holdWhile(from: ApplicationStatus, key: DeadlineKey, onEnter?: (dueAt: string) => void): Promise<void> {
    if (state.status !== from) return;
    const period = durationMs(policy.deadlines[key]);
    const hold = ++holds;
    for (let level = 0; ; level++) {
      deadline = { dueAt: new Date(Date.now() + period).toISOString(), escalationLevel: level };
      await persist();
      recorded = true; // the case has reached its first waiting step
      if (level === 0) onEnter?.(deadline.dueAt);
      if (await condition(() => state.status !== from, period)) break;
      const pending = pendingOn(state)!;
      if (pending.role === 'station_admin') {
        system({ status: 'withdrawn', withdrawnReason: `no resubmission by ${deadline.dueAt}` }, 'withdrawn_by_deadline', { dueAt: deadline.dueAt });
        break;
      }
      await escalate(`${hold}-${key}`, level + 1, deadline.dueAt);
    }
    deadline = undefined;
    await persist();
  }

  async function escalate(holdKey: string, level: number, dueAt: string): Promise<void> {
    const pending = pendingOn(state)!;
    system({}, 'deadline_missed', { action: pending.action, dueAt, escalationLevel: level, holders: pending.userIds.length ? pending.userIds : [pending.role] });
    const holderEmails = pending.userIds.length ? holderEmailsOf(pending.userIds) : await store.emailsForRole(pending.role);
    notify(`${holdKey}-reminder-${level}`, holderEmails, stationNotices.reminder(state, pending.action, dueAt));
    if (level > policy.escalation.maxLevel) return;
    // The ladder: supervisors first, then the authority's duty mailbox; a supervisor's own step goes straight up.
    const ladder = pending.role === 'supervisor' ? level + 1 : level;
    const to = ladder === 1 ? await store.emailsForRole('supervisor') : [policy.escalation.dutyMailbox];
    notify(`${holdKey}-escalation-${level}`, to, stationNotices.escalation(state, pending.action, level, pending.userIds.join(', ') || pending.role));
  }

  /** Ends the case: issues the licence on approval, tells the applicant, and lets outstanding mail finish. */
  async function finish(): Promise<StationApprovalView> {
    deadline = undefined;
    if (status() === 'approved') await issueLicence();
    await persist();
    notify('outcome', [applicantEmail()], stationNotices.outcome(state));
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
  }

  /** A change the process makes by itself (not a person's action), recorded on the timeline. */
  function system(change: Partial<ApplicationState>, action: string, data?: Record<string, unknown>): void {
    state = record({ ...state, ...change }, action, { actor: SYSTEM, at: now() }, data);
  }

  /** Writes the case row, its new events and the search attributes; idempotent by version. */
  async function persist(): Promise<void> {
    const pending = pendingOn(state);
    upsertSearchAttributes([
      { key: CaseStatus, value: state.status },
      { key: PendingOn, value: pending ? (pending.userIds.length ? pending.userIds.map((id) => `user:${id}`) : [`role:${pending.role}`]) : [] },
      { key: DueTime, value: deadline ? new Date(deadline.dueAt) : null },
      { key: EscalationLevel, value: deadline?.escalationLevel ?? 0 },
    ]);
    await store.saveStationApplication(workflowId, { state, pending, deadline: deadline ?? null });
  }

  /** Mail goes out beside the process, never holding up a step or a deadline; finish() waits for it. */
  function notify(stepKey: string, to: string[], notice: Notice): void {
    outgoing.push(mail.sendMail({ workflowId, stepKey, to, subject: notice.subject, text: notice.text }));
  }

  function applicantEmail(): string {
    return state.application.contactEmail;
  }

  function holderEmailsOf(ids: string[]): string[] {
    const people = [state.reviewer, ...state.assessors].filter((p) => p !== undefined);
    return ids.map((id) => (id === state.applicantId ? applicantEmail() : people.find((p) => p.id === id)?.email)).filter((e): e is string => !!e);
  }
}

function toAction(type: ActionType, request: ActionRequest<ActionType>): StationApprovalAction {
  return { ...request.payload, type } as StationApprovalAction;
}

/** Turns a domain refusal into a failure whose type the API maps to 409, 403 or 400. */
function refuseAsFailure(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof Refusal) {
      throw ApplicationFailure.create({ type: error.type, message: error.message, nonRetryable: true, details: error.field ? [{ field: error.field }] : [] });
    }
    throw error;
  }
}

function now(): string {
  return new Date().toISOString();
}
