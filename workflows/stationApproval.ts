import { ParentClosePolicy, condition, patched, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import { durationMs } from '../domain/duration';
import { notAllowed } from '../domain/errors';
import { escalationChain } from '../domain/jurisdiction';
import { statutoryNotices } from '../domain/notices';
import {
  applyExtension,
  checkExtension,
  clockResolved,
  completenessGaps,
  initialState,
  licensedScope,
  stationApprovalRules,
  statutoryMissed,
  type ScopeEntry,
} from '../domain/stationApproval';
import {
  countRuns,
  elapsedMs,
  needsResolving,
  periodAmount,
  periodUnit,
  remaining,
  startClock,
  withDue,
  type ClockRun,
  type StatutoryClock,
} from '../domain/statutoryClock';
import { caseRuntime } from './caseRuntime';
import { remindAndEscalate } from './deadlines';
import { stationProgramme } from './stationProgramme';
import { stationWorkflowId } from './stationProgramme.messages';
import { calendar, now, refuseAsFailure, store } from './support';
import {
  stationApprovalState,
  stationApprovalUpdates,
  statutoryExtension,
  submissionRecorded,
  type StationApprovalInput,
  type StationApprovalView,
  type StatutoryExtensionRequest,
} from './stationApproval.messages';

/**
 * Station approval (鉴定所/站 审批), one workflow per application:
 * completeness check → reviewer assignment → document review (with returns) → on-site assessment
 * by recusal-checked assessors → final decision by a supervisor other than the reviewer → licence.
 * The applicant may withdraw at any time before the decision. Every wait has a policy deadline;
 * a missed deadline reminds the holder and escalates (an applicant's withdraws the application).
 * Beside the steps runs the decision's statutory clock (法定办理时限) from acceptance, stopped while the
 * applicant holds the application, once extensible by a supervisor; a missed limit escalates to the top.
 */
export async function stationApproval(input: StationApprovalInput): Promise<StationApprovalView> {
  const { policy } = input;
  const { workflowId } = workflowInfo();
  const c = caseRuntime({
    rules: stationApprovalRules,
    policy,
    state: initialState({ ...input, at: now() }),
    workflowId,
    messages: { state: stationApprovalState, recorded: submissionRecorded, actions: stationApprovalUpdates },
    search: { caseType: 'station_application', region: input.application.region.provinceCode },
    save: (save) => store.saveStationApplication({ ...save, workflowId }),
  });
  const status = () => c.state.status;
  const provinceCode = input.application.region.provinceCode;
  // Cases begun before the clock, or under a policy without it, have none (their extension is refused).
  const statutory = policy.statutory as StationApprovalInput['policy']['statutory'] | undefined;
  const workingDays = statutory !== undefined && periodUnit(statutory.limit) === 'workingDays';
  let extending = false;
  setHandler(statutoryExtension, extend, {
    validator: (request: StatutoryExtensionRequest) =>
      refuseAsFailure(() => {
        if (extending) throw notAllowed('an extension is being granted now');
        checkExtension(c.state, request.actor, request.payload.reasons);
      }),
  });
  await c.persist();

  // 1. Completeness check (完整性审查): the applicant fills the gaps before the resubmission deadline.
  while (status() === 'submitted') {
    const gaps = completenessGaps(c.state.application, policy);
    if (gaps.length === 0) {
      // Acceptance (受理) starts the statutory clock: running approvals that passed it before the clock replay without one.
      const clock = statutory && patched('statutory-clock') ? await startedClock(statutory.limit) : undefined;
      if (status() !== 'submitted') break; // withdrawn while the calendar answered
      c.system({ status: 'awaiting_reviewer', ...(clock ? { statutory: clock } : {}) }, 'completeness_passed', clock && { statutoryDueAt: clock.dueAt });
      if (clock) c.beside(runClock());
      break;
    }
    c.system({ status: 'incomplete', gaps }, 'completeness_failed', { gaps });
    await c.holdStatus('incomplete');
  }

  // 2. A supervisor assigns the document reviewer.
  await c.holdStatus('awaiting_reviewer');

  // 3. Document review (书面审查): pass, reject, or return to the applicant until resubmitted.
  while (status() === 'in_review' || status() === 'returned') {
    await c.holdStatus('in_review');
    await c.holdStatus('returned');
  }

  // 4. On-site assessment (现场评估) by at least two recusal-checked assessors.
  await c.holdStatus('awaiting_assessors');
  await c.holdStatus('on_site');

  // 5. Where the policy asks for it, the industry authority holding the occupations concurs (行业意见);
  // only such cases ever wait here, so cases begun before this step replay unchanged.
  if (status() === 'awaiting_concurrence') await c.holdStatus('awaiting_concurrence');

  // 6. Final decision by a supervisor who was not the reviewer; approval issues the licence.
  // A case that ended earlier (rejected, withdrawn) passes through the steps above without waiting.
  await c.holdStatus('awaiting_decision');
  if (status() === 'approved') await issueLicence();
  return c.finish();

  /** A period of `amount` (in the clock's unit) from `from`: working days through the calendar in force, else elapsed time. */
  async function dueAfter(from: string, amount: number): Promise<{ dueAt: string; calendarVersion?: number }> {
    if (workingDays) return calendar.workingDayDue({ from, days: amount, provinceCode });
    return { dueAt: new Date(Date.parse(from) + amount).toISOString() };
  }

  async function counted(run: ClockRun): Promise<number> {
    return workingDays ? (await calendar.workingDaysUsed({ ...run, provinceCode })).days : elapsedMs(run.from, run.to);
  }

  async function startedClock(limit: string): Promise<StatutoryClock> {
    const at = now();
    return startClock(limit, at, await dueAfter(at, periodAmount(limit)));
  }

  /**
   * The clock beside the steps: counts the runs a return closed and resolves the due time of each new run (recording
   * each stop and resumption), and waits for the due time; it ends with the case (its last run is counted when read).
   */
  async function runClock(): Promise<void> {
    const clock = () => c.state.statutory!;
    for (;;) {
      const k = clock();
      if (k.endedAt) return;
      if (needsResolving(k)) {
        await resolveClock(k);
        continue;
      }
      if (k.runningSince && k.dueAt && !k.missedAt) {
        const { runningSince, dueAt } = k;
        const moved = () => clock().endedAt !== undefined || clock().runningSince !== runningSince || clock().dueAt !== dueAt;
        if (!(await condition(moved, Math.max(1, Date.parse(dueAt) - Date.now())))) await limitMissed();
        continue;
      }
      // Stopped (the applicant holds the case), or past a missed limit: until the next change of the clock.
      await condition(() => clock() !== k);
    }
  }

  async function resolveClock(k: StatutoryClock): Promise<void> {
    const runs = await Promise.all(k.uncounted.map(async (run) => ({ run, amount: await counted(run) })));
    let next = countRuns(k, runs);
    if (next.runningSince !== undefined && next.dueAt === undefined)
      next = withDue(next, next.runningSince, await dueAfter(next.runningSince, remaining(next)));
    // Applied only to the clock it was worked out for: after any other change meanwhile (an extension, another return,
    // the end), the loop works it out again from the clock as it is.
    if (c.state.statutory !== k) return;
    c.change(clockResolved(c.state, next, now()));
    await c.persist();
  }

  /** The limit ran out: recorded, the holder reminded and the case escalated to the top of the ladder at once. */
  async function limitMissed(): Promise<void> {
    const dueAt = c.state.statutory!.dueAt!;
    c.change(statutoryMissed(c.state, now()));
    const pending = stationApprovalRules.pendingOn(c.state);
    if (pending) {
      const steps = stationApprovalRules.hold!;
      const holders = steps.holders(c.state, pending);
      const region = steps.region(c.state);
      // The last rung of the jurisdiction chain (the national level, else the duty mailbox), whatever the step's own ladder.
      const top = escalationChain(region).length;
      const label = steps.label(c.state);
      await remindAndEscalate({
        stepKey: 'statutory-limit',
        level: top,
        pending,
        holderEmails: 'emails' in holders ? holders.emails : await store.emailsForRole(holders.role, holders.at),
        region,
        supervisorsAt: (jurisdiction) => store.emailsForRole('supervisor', jurisdiction),
        escalation: { maxLevel: top, dutyMailbox: policy.escalation.dutyMailbox },
        notices: { reminder: statutoryNotices.reminder(label, pending.action, dueAt), escalation: statutoryNotices.escalation(label, dueAt) },
        notify: c.notify,
      });
    }
    await c.persist();
  }

  /** A supervisor's extension (checked by the validator): the new due time is resolved first, so its entry carries it. */
  async function extend(request: StatutoryExtensionRequest) {
    extending = true;
    try {
      const amount = periodAmount(statutory!.extension);
      const k = c.state.statutory!;
      const due = k.runningSince && k.dueAt ? { was: k.dueAt, ...(await dueAfter(k.dueAt, amount)) } : undefined;
      // The case may have ended while the calendar answered.
      refuseAsFailure(() => checkExtension(c.state, request.actor, request.payload.reasons));
      c.change(applyExtension(c.state, { amount, reasons: request.payload.reasons, due }, { actor: request.actor, at: now(), requestId: request.requestId }));
      const answer = c.result();
      await c.persist();
      return answer;
    } finally {
      extending = false;
    }
  }

  async function issueLicence(): Promise<void> {
    const licensedAt = now();
    const validUntil = new Date(Date.parse(licensedAt) + durationMs(policy.licenceValidity)).toISOString();
    const scope = licensedScope(c.state);
    const issued = await store.issueStationLicence({
      applicationId: c.state.id,
      adminId: c.state.applicantId,
      application: c.state.application,
      scope,
      licensedAt,
      validUntil,
    });
    c.system({ licence: { ...issued, validUntil, scope } }, 'licence_issued', { ...issued, validUntil });
    // Cases approved before programmes existed end without one (patched: running histories replay unchanged).
    if (patched('start-station-programme')) await startProgramme(issued.stationId, scope);
  }

  /** The licensed station's supervision programme, which outlives this case. */
  async function startProgramme(stationId: number, scope: ScopeEntry[]): Promise<void> {
    const a = c.state.application;
    const station = {
      id: stationId,
      name: a.stationName,
      organisation: a.organisation.name,
      provinceCode: a.region.provinceCode,
      cityCode: a.region.cityCode,
      adminId: c.state.applicantId,
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
}
