import { allHandlersFinished, condition, getExternalWorkflowHandle, log, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { ActionReport } from '../activities/crossProcess';
import { SYSTEM, record, type Deadline } from '../domain/case';
import { escalationChain } from '../domain/jurisdiction';
import {
  appeal,
  applyComplaintAction,
  checkComplaintAction,
  complaintPendingOn,
  consultationAnswer,
  initialComplaint,
  recordFacts,
  type ComplaintAction,
  type ComplaintActionType,
  type ComplaintState,
} from '../domain/complaint';
import { durationMs } from '../domain/duration';
import { notAllowed } from '../domain/errors';
import { holdWithDeadlines, periodFromNow } from './deadlines';
import {
  complaintAppeal,
  complaintRecorded,
  complaintState,
  complaintUpdates,
  complaintWorkflowId,
  duplicateMerged,
  identityReveal,
  identityRevealed,
  type ComplaintInput,
  type ComplaintRequest,
  type ComplaintView,
} from './complaint.messages';
import { CaseType, Region } from './searchAttributes';
import { programmeEvent, stationWorkflowId } from './stationProgramme.messages';
import { mail, now, refuseAsFailure, setActionHandlers, setRecordedHandler, starter, store, upsertCaseSearchAttributes } from './support';

/**
 * A quality complaint (质量投诉): acknowledgement → triage (or merge as a duplicate) → automatic
 * checks → investigation by a recusal-checked investigator within the SLA for its severity, with a
 * reminder before the due date and an escalation ladder after it (handler → supervisor → provincial
 * director); critical cases take the emergency path → finding, whose actions the other processes carry
 * out → the complainant is told → one appeal, to a different investigator, whose finding is final.
 */
export async function complaint(input: ComplaintInput): Promise<ComplaintView> {
  const policy = input.policy;
  const { workflowId } = workflowInfo();
  let state = initialComplaint({ id: input.id, trackingNumber: input.trackingNumber, intake: input.intake, anonymous: !input.sealedContact, at: now() });
  // The due time of the step the complaint waits on; see change().
  let deadline = stepDeadline(state);
  let appealUntil: string | null = null;
  let provinceCode: string | null = null;
  let recorded = false;
  const outgoing: Promise<unknown>[] = [];

  const view = (): ComplaintView => {
    const pending = complaintPendingOn(state);
    return { ...state, pending: pending && { ...pending, ...deadline }, appealUntil };
  };
  setHandler(complaintState, view);
  setRecordedHandler(complaintRecorded, () => recorded, view);
  setActionHandlers<ComplaintActionType, ComplaintRequest<ComplaintActionType>, ComplaintView>(complaintUpdates, {
    validate: (type, request) => checkComplaintAction(state, toAction(type, request), request.actor),
    apply: async (type, request) => {
      change(applyComplaintAction(state, toAction(type, request), { actor: request.actor, at: now(), requestId: request.requestId }));
      await persist();
      return view();
    },
  });
  setHandler(
    complaintAppeal,
    async ({ reason }) => {
      change(appeal(state, reason, now()));
      appealUntil = null;
      await persist();
      return view();
    },
    {
      validator: (_request: { reason: string }) =>
        refuseAsFailure(() => {
          if (state.status !== 'closed' || !appealUntil || Date.now() > Date.parse(appealUntil)) throw notAllowed('no appeal is open on this complaint');
        }),
    },
  );
  setHandler(duplicateMerged, ({ complaintId }) => {
    system({ mergedComplaints: [...state.mergedComplaints, complaintId] }, 'duplicate_merged', { complaintId });
  });
  // Histories from before `identityReveal` hold this signal: replayed, it must rebuild the same timeline.
  setHandler(identityRevealed, ({ by, role }) => {
    change(record(state, 'identity_revealed', { actor: { id: by, roles: [] }, at: now() }, { role }));
  });
  // The case's own trail records the reveal (its single writer), saved before the API shows the identity.
  setHandler(identityReveal, async ({ by, role, requestId }) => {
    change(record(state, 'identity_revealed', { actor: { id: by, roles: [role] }, role, at: now(), requestId }));
    await persist();
  });
  upsertSearchAttributes([{ key: CaseType, value: 'complaint' }]);
  await persist();
  recorded = true;

  // 1. Acknowledgement (if contact was given).
  tellComplainant('ack', 'received', `Your complaint ${state.trackingNumber} is received and will be triaged.`);

  // A consultation (咨询) is answered, or converted into a complaint that continues below.
  await holdWithLadder(() => state.status === 'consultation', policy.triage);
  if (state.status === 'answered') {
    tellComplainant('answer', 'answer', `The answer to your consultation ${state.trackingNumber}:\n${consultationAnswer(state)}`);
    return finish();
  }

  // 2. Triage by a complaint handler, or merge into an open case as a duplicate.
  await holdWithLadder(() => state.status === 'received', policy.triage);
  if (state.status === 'merged') {
    tellOther(complaintWorkflowId(state.mergedInto!), getExternalWorkflowHandle(complaintWorkflowId(state.mergedInto!)).signal(duplicateMerged, { complaintId: state.id }));
    return finish();
  }

  // 3. Automatic checks on what the complaint names.
  const checks = await store.complaintChecks(state.targets, input.sessionRegion ?? 'province');
  provinceCode = checks.provinceCode;
  if (provinceCode) upsertSearchAttributes([{ key: Region, value: provinceCode }]);
  change(recordFacts(state, checks.facts, now()));

  // 4. Critical cases: the emergency plan (群体性事件 risk) — straight to the top, and the shortest SLA.
  if (state.severity === 'critical') {
    system({}, 'emergency_escalation', { to: [...policy.emergencyContacts, policy.directorMailbox] });
    notify('emergency', [...policy.emergencyContacts, policy.directorMailbox], `EMERGENCY: critical complaint ${state.trackingNumber}`, `A critical complaint (${state.category}) needs immediate action: ${state.intake.description}`);
  }

  // 5. Investigation, then (once, within the window) an appeal to a different investigator.
  for (;;) {
    await holdWithLadder(() => !state.investigator && ['triaged', 'appealed'].includes(state.status), policy.assignInvestigator);
    await investigate();
    await carryOutFinding();
    tellComplainant(`outcome-${state.status}`, 'outcome', `The finding on your complaint ${state.trackingNumber}: ${state.finding!.finding.replace('_', ' ')}.\n${state.finding!.reasons.join('\n')}`);
    if (state.status === 'final') break;
    appealUntil = new Date(Date.now() + durationMs(policy.appealWindow)).toISOString();
    await persist();
    if (!(await condition(() => state.status === 'appealed', durationMs(policy.appealWindow)))) {
      system({ status: 'final' }, 'appeal_window_closed');
      appealUntil = null;
      break;
    }
  }
  return finish();

  /**
   * The SLA by severity, begun by the assignment and moved by extensions (see change()): a reminder before
   * it runs out, then one rung of the ladder per interval.
   */
  async function investigate(): Promise<void> {
    let reminded = false;
    while (!state.finding || state.status === 'appealed') {
      const { dueAt, escalationLevel: level } = deadline!;
      const due = Date.parse(dueAt);
      const extensions = state.extensions;
      const wakeAt = reminded || level > 0 ? due : due - durationMs(policy.reminderBefore);
      await persist();
      const found = () => state.status === 'closed' || state.status === 'final';
      if (await condition(() => found() || state.extensions !== extensions, Math.max(0, wakeAt - Date.now()))) {
        if (found()) {
          // On time means before the SLA as extended, whatever the ladder did after a miss.
          system({ slaMet: level === 0 && Date.now() <= due }, 'investigation_closed', { slaMet: level === 0 && Date.now() <= due });
          break;
        }
        reminded = false;
        continue;
      }
      if (!reminded && level === 0) {
        reminded = true;
        notify(`sla-reminder-${state.previousInvestigators.length}`, [state.investigator!.email], `Reminder: complaint ${state.trackingNumber} is due`, `Your investigation of complaint ${state.trackingNumber} is due at ${dueAt}.`);
        continue;
      }
      await escalate(level + 1, dueAt);
      deadline = periodFromNow(policy.escalationInterval, level + 1);
    }
  }

  /** Waits while a handler's step is held, climbing the ladder on each missed period. */
  async function holdWithLadder(held: () => boolean, period: string): Promise<void> {
    await holdWithDeadlines({
      held,
      period,
      current: () => deadline,
      onPeriod: async (next) => {
        deadline = next;
        await persist();
      },
      onMissed: async (level, dueAt) => {
        await escalate(level, dueAt);
        return 'continue';
      },
    });
  }

  /**
   * handler → supervisor → provincial director, each rung mailed and on the case; handlers and supervisors
   * are those covering the named station's place (its city, province or the nation), else all of them.
   */
  async function escalate(level: number, dueAt: string): Promise<void> {
    const rung = level === 1 ? 'complaint_handler' : level === 2 ? 'supervisor' : 'director';
    system({}, 'escalated', { level, rung, dueAt });
    const to = rung === 'director' ? [policy.directorMailbox] : await store.emailsForRole(rung, state.region && escalationChain(state.region));
    notify(`escalation-${state.version}-${level}`, to, `Escalation (level ${level}): complaint ${state.trackingNumber} is overdue`, `Complaint ${state.trackingNumber} (${state.category}, ${state.severity ?? 'untriaged'}) missed its due time ${dueAt}.`);
  }

  /**
   * A finding's actions, each carried out by the process that owns it and linked to this case. Each is recorded
   * as its activity reported it (see activities/crossProcess.ts): what changed, read back from the target, or
   * `action_…_failed` with the reason, so the investigator reads on the case what actually happened.
   */
  async function carryOutFinding(): Promise<void> {
    const finding = state.finding!;
    if (finding.finding === 'unsubstantiated') return;
    const reasons = [`complaint ${state.trackingNumber}: ${finding.reasons.join('; ')}`];
    if (state.targets.stationId) {
      // A substantiated finding brings the station's next inspection closer, recorded as the programme reads afterwards.
      // Complaints that signalled it before the read-back replay as they ran (patch 'station-complaint-read-back').
      const effect = { type: 'complaint_substantiated' as const, complaintId: state.id, at: now() };
      if (patched('station-complaint-read-back')) {
        const told = await starter.actOnStation({ stationId: state.targets.stationId, effect });
        recordReport(told, 'action_station_complaint_recorded', 'action_station_complaint_failed', { stationId: state.targets.stationId });
      } else {
        const programme = stationWorkflowId(state.targets.stationId);
        tellOther(programme, getExternalWorkflowHandle(programme).signal(programmeEvent, effect));
      }
    }
    for (const action of finding.actions) {
      if (action.type === 'adhoc_inspection') {
        const started = await starter.startComplaintInspection({ complaintId: state.id, stationId: state.targets.stationId!, policy: input.inspectionPolicy, reason: reasons[0] });
        reported(started, 'action_inspection_started', 'action_inspection_failed', { stationId: state.targets.stationId }, (inspectionId) => ({ inspectionId }));
      } else if (action.type === 'propose_station_sanction') {
        // The sanction is decided in the inspection process: a follow-up inspection, flagged to supervisors.
        const started = await starter.startComplaintInspection({ complaintId: state.id, stationId: state.targets.stationId!, policy: input.inspectionPolicy, reason: `station sanction proposed: ${reasons[0]}` });
        reported(started, 'action_station_sanction_proposed', 'action_station_sanction_proposal_failed', { stationId: state.targets.stationId }, (inspectionId) => ({ inspectionId }));
        const outcome = !isReport(started) ? `inspection ${started} will put it to your decision` : started.applied ? `inspection ${started.result.inspectionId} will put it to your decision` : `no inspection could be started (${started.reason})`;
        notify(`station-sanction-${state.version}`, await store.emailsForRole('supervisor'), `Proposed sanction: station ${state.targets.stationId}`, `Complaint ${state.trackingNumber} proposes a sanction on station ${state.targets.stationId}; ${outcome}.`);
      } else if (action.type === 'invalidate_certificate') {
        const invalidated = await store.invalidateCertificate({ certificateNumber: state.intake.certificateNumber!, complaintId: state.id, reasons: finding.reasons });
        reported(invalidated, 'action_certificate_invalidated', 'action_certificate_invalidation_failed', { certificateNumber: state.intake.certificateNumber }, () => ({ certificateNumber: state.intake.certificateNumber }));
      } else if (action.type === 'suspend_examiner') {
        const sanction = { kind: 'suspend' as const, until: action.until, reasons, source: `complaint:${state.id}` };
        const suspended = await starter.sanctionExaminer({ examinerId: state.targets.examinerId!, sanction });
        reported(suspended, 'action_examiner_suspended', 'action_examiner_suspension_failed', { examinerId: state.targets.examinerId, until: action.until }, (qualifications) => ({ examinerId: state.targets.examinerId, until: action.until, qualifications }));
      } else {
        // A revocation is a supervisor's decision: the proposal goes to them, who revoke through the qualification process.
        const to = await store.emailsForRole('supervisor');
        if (to.length) system({}, 'action_revocation_proposed', { examinerId: state.targets.examinerId, proposedTo: to.length });
        else system({}, 'action_revocation_proposal_failed', { examinerId: state.targets.examinerId, reason: 'no supervisor to propose it to' });
        notify(`revocation-proposal-${state.version}`, to, `Proposed revocation: examiner ${state.targets.examinerId}`, `Complaint ${state.trackingNumber} proposes revoking examiner ${state.targets.examinerId}: ${finding.reasons.join('; ')}`);
      }
    }
    await persist();
  }

  /** Records an action as reported; histories from before the reports carry the bare result, recorded as it was then. */
  function reported<T>(outcome: ActionReport | T, done: string, failed: string, data: Record<string, unknown>, legacy: (result: T) => Record<string, unknown>): void {
    if (!isReport(outcome)) system({}, done, legacy(outcome));
    else recordReport(outcome, done, failed, data);
  }

  /** What changed, read back from the target, or the action as failed with the reason. */
  function recordReport(report: ActionReport, done: string, failed: string, data: Record<string, unknown>): void {
    if (report.applied) system({}, done, { ...data, ...report.result });
    else system({}, failed, { ...data, reason: report.reason });
  }

  async function finish(): Promise<ComplaintView> {
    deadline = undefined;
    await persist();
    await Promise.all(outgoing);
    await condition(allHandlersFinished);
    return view();
  }

  function system(changes: Partial<ComplaintState>, action: string, data?: Record<string, unknown>): void {
    change(record({ ...state, ...changes }, action, { actor: SYSTEM, at: now() }, data));
  }

  /**
   * Every change of the complaint goes through here. One that moves it to another pending step starts that
   * step's due time at once, and an extension moves the SLA, so the write carrying the change carries the
   * pending step and its due time together (the list row never shows a step with another step's deadline).
   */
  function change(next: ComplaintState): void {
    if (complaintPendingOn(next)?.action !== complaintPendingOn(state)?.action) deadline = stepDeadline(next);
    else if (next.extensions !== state.extensions && deadline && complaintPendingOn(next)?.action === 'submitFinding') {
      deadline = { ...deadline, dueAt: new Date(Date.parse(deadline.dueAt) + durationMs(policy.extension)).toISOString() };
    }
    state = next;
  }

  /** The policy period of the step a complaint waits on; critical investigations start at the top of the ladder. */
  function stepDeadline(s: ComplaintState): Deadline | undefined {
    const pending = complaintPendingOn(s);
    if (!pending) return undefined;
    if (pending.action === 'submitFinding') return periodFromNow(policy.sla[s.severity ?? 'normal'], s.severity === 'critical' ? 3 : 0);
    return periodFromNow(pending.action === 'assignInvestigator' ? policy.assignInvestigator : policy.triage, 0);
  }

  async function persist(): Promise<void> {
    const pending = complaintPendingOn(state);
    upsertCaseSearchAttributes(state.status, pending, deadline);
    await store.saveComplaint(state, { secretHash: input.secretHash, sealedContact: input.sealedContact, provinceCode, pending, deadline: deadline ?? null, appealUntil });
  }

  /** The complainant (and the complainants of merged duplicates) at their sealed contacts, under the mail policy as all mail. */
  function tellComplainant(key: string, subject: string, text: string): void {
    for (const id of [state.id, ...state.mergedComplaints]) {
      outgoing.push(mail.mailComplainant({ complaintId: id, workflowId, stepKey: `complainant-${id}-${key}`, subject: `Complaint ${state.trackingNumber}: ${subject}`, text }));
    }
  }

  function notify(stepKey: string, to: string[], subject: string, text: string): void {
    outgoing.push(mail.sendMail({ workflowId, stepKey, to, subject, text }));
  }

  /** Another case's signal; one that cannot be reached is logged, not fatal to this case. */
  function tellOther(targetId: string, sent: Promise<void>): void {
    outgoing.push(sent.catch((error: unknown) => log.warn('could not reach another case', { targetId, error: String(error) })));
  }
}

function isReport(outcome: unknown): outcome is ActionReport {
  return typeof outcome === 'object' && outcome !== null && 'applied' in outcome;
}

function toAction(type: ComplaintActionType, request: ComplaintRequest<ComplaintActionType>): ComplaintAction {
  return { ...request.payload, type } as ComplaintAction;
}
