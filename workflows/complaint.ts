import { condition, getExternalWorkflowHandle, log, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { isUnresolvedDeadline, record, type ActionReport } from '../domain/case';
import { appeal, complaintRules, consultationAnswer, initialComplaint, recordFacts } from '../domain/complaint';
import { durationMs } from '../domain/duration';
import { notAllowed } from '../domain/errors';
import { escalationChain } from '../domain/jurisdiction';
import { caseRuntime } from './caseRuntime';
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
  type ComplaintView,
} from './complaint.messages';
import { holdWithDeadlines, periodFromNow } from './deadlines';
import { Region } from './searchAttributes';
import { programmeEvent, stationWorkflowId } from './stationProgramme.messages';
import { mail, now, refuseAsFailure, starter, store } from './support';

/** What a complaint starts with. */
export type ComplaintStart = ComplaintInput & {
  /**
   * When the public intake received it: the API writes the case's first row and entry from this time before it answers,
   * and the first save here writes the same (complaints started without it take the workflow's start time).
   */
  receivedAt?: string;
};

/**
 * A quality complaint (质量投诉): acknowledgement → triage (or merge as a duplicate) → automatic
 * checks → investigation by a recusal-checked investigator within the SLA for its severity, with a
 * reminder before the due date and an escalation ladder after it (handler → supervisor → provincial
 * director); critical cases take the emergency path → finding, whose actions the other processes carry
 * out → the complainant is told → one appeal, to a different investigator, whose finding is final.
 */
export async function complaint(input: ComplaintStart): Promise<ComplaintView> {
  const { policy } = input;
  const { workflowId } = workflowInfo();
  let appealUntil: string | null = null;
  let provinceCode: string | null = null;
  const c = caseRuntime({
    rules: complaintRules,
    policy,
    state: initialComplaint({
      id: input.id,
      trackingNumber: input.trackingNumber,
      intake: input.intake,
      anonymous: !input.sealedContact,
      at: input.receivedAt ?? now(),
    }),
    workflowId,
    messages: { state: complaintState, recorded: complaintRecorded, actions: complaintUpdates },
    search: { caseType: 'complaint' },
    save: (save) => store.saveComplaint({ ...save, secretHash: input.secretHash, sealedContact: input.sealedContact, provinceCode, appealUntil }),
    extraView: () => ({ appealUntil }),
    // SLAs in working days count in the named station's province (known after the checks), else the national calendar.
    calendarProvince: () => provinceCode,
  });
  // The public intake wrote the first row from its time (api/routes/complaints.ts): the first step's due time is counted from it too, so the first save writes that row again.
  if (input.receivedAt) c.deadline = complaintRules.deadline(undefined, c.state, undefined, policy, Date.parse(input.receivedAt));
  const { system, persist } = c;
  const notify = (stepKey: string, to: string[], subject: string, text: string) => c.notify(stepKey, to, { subject, text });
  setHandler(
    complaintAppeal,
    async ({ reason }) => {
      c.change(appeal(c.state, reason, now()));
      appealUntil = null;
      await persist();
      return c.result();
    },
    {
      validator: (_request: { reason: string }) =>
        refuseAsFailure(() => {
          if (c.state.status !== 'closed' || !appealUntil || Date.now() > Date.parse(appealUntil)) throw notAllowed('no appeal is open on this complaint');
        }),
    },
  );
  setHandler(duplicateMerged, ({ complaintId }) => {
    system({ mergedComplaints: [...c.state.mergedComplaints, complaintId] }, 'duplicate_merged', { complaintId });
  });
  // Histories from before `identityReveal` hold this signal: replayed, it must rebuild the same timeline.
  setHandler(identityRevealed, ({ by, role }) => {
    c.change(record(c.state, 'identity_revealed', { actor: { id: by, roles: [] }, at: now() }, { role }));
  });
  // The case's own trail records the reveal (its single writer), saved before the API shows the identity.
  setHandler(identityReveal, async ({ by, role, requestId }) => {
    c.change(record(c.state, 'identity_revealed', { actor: { id: by, roles: [role] }, role, at: now(), requestId }));
    await persist();
  });
  await persist();
  c.markRecorded();

  // 1. Acknowledgement (if contact was given).
  tellComplainant('ack', 'received', `Your complaint ${c.state.trackingNumber} is received and will be triaged.`);

  // A consultation (咨询) is answered, or converted into a complaint that continues below.
  await holdWithLadder(() => c.state.status === 'consultation', policy.triage);
  if (c.state.status === 'answered') {
    tellComplainant('answer', 'answer', `The answer to your consultation ${c.state.trackingNumber}:\n${consultationAnswer(c.state)}`);
    return finish();
  }

  // 2. Triage by a complaint handler, or merge into an open case as a duplicate.
  await holdWithLadder(() => c.state.status === 'received', policy.triage);
  if (c.state.status === 'merged') {
    tellOther(
      complaintWorkflowId(c.state.mergedInto!),
      getExternalWorkflowHandle(complaintWorkflowId(c.state.mergedInto!)).signal(duplicateMerged, { complaintId: c.state.id }),
    );
    return finish();
  }

  // 3. Automatic checks on what the complaint names.
  const checks = await store.complaintChecks(c.state.targets, input.sessionRegion ?? 'province');
  provinceCode = checks.provinceCode;
  if (provinceCode) upsertSearchAttributes([{ key: Region, value: provinceCode }]);
  c.change(recordFacts(c.state, checks.facts, now()));

  // 4. Critical cases: the emergency plan (群体性事件 risk) — straight to the top, and the shortest SLA.
  if (c.state.severity === 'critical') {
    system({}, 'emergency_escalation', { to: [...policy.emergencyContacts, policy.directorMailbox] });
    notify(
      'emergency',
      [...policy.emergencyContacts, policy.directorMailbox],
      `EMERGENCY: critical complaint ${c.state.trackingNumber}`,
      `A critical complaint (${c.state.category}) needs immediate action: ${c.state.intake.description}`,
    );
  }

  // 5. Investigation, then (once, within the window) an appeal to a different investigator.
  for (;;) {
    await holdWithLadder(() => !c.state.investigator && ['triaged', 'appealed'].includes(c.state.status), policy.assignInvestigator);
    await investigate();
    await carryOutFinding();
    tellComplainant(
      `outcome-${c.state.status}`,
      'outcome',
      `The finding on your complaint ${c.state.trackingNumber}: ${c.state.finding!.finding.replace('_', ' ')}.\n${c.state.finding!.reasons.join('\n')}`,
    );
    if (c.state.status === 'final') break;
    appealUntil = new Date(Date.now() + durationMs(policy.appealWindow)).toISOString();
    await persist();
    if (!(await condition(() => c.state.status === 'appealed', durationMs(policy.appealWindow)))) {
      system({ status: 'final' }, 'appeal_window_closed');
      appealUntil = null;
      break;
    }
  }
  return finish();

  /**
   * The SLA by severity, begun by the assignment and moved by extensions (see complaintRules.deadline): a reminder before
   * it runs out, then one rung of the ladder per interval.
   */
  async function investigate(): Promise<void> {
    // The finding may come in the same activation as the assignment (both updates waiting while the worker or the engine
    // was away): there is no wait left to close, but the investigation still closes on the case, on time unless it began
    // at the top of the ladder (critical), as a finding before its SLA's first wait would be.
    if (c.state.finding && c.state.status !== 'appealed' && patched('investigation-closed-on-early-finding')) {
      const slaMet = c.state.severity !== 'critical';
      system({ slaMet }, 'investigation_closed', { slaMet });
      return;
    }
    let reminded = false;
    while (!c.state.finding || c.state.status === 'appealed') {
      // An SLA in working days (P<n>WD) gets its due time from the calendar; an ISO one takes no extra step (nor await).
      if (c.deadline && isUnresolvedDeadline(c.deadline)) await c.resolveDeadline();
      const { dueAt, escalationLevel: level } = c.deadline!;
      const due = Date.parse(dueAt);
      const extensions = c.state.extensions;
      const wakeAt = reminded || level > 0 ? due : due - durationMs(policy.reminderBefore);
      await persist();
      const found = () => c.state.status === 'closed' || c.state.status === 'final';
      if (await condition(() => found() || c.state.extensions !== extensions, Math.max(0, wakeAt - Date.now()))) {
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
        notify(
          `sla-reminder-${c.state.previousInvestigators.length}`,
          [c.state.investigator!.email],
          `Reminder: complaint ${c.state.trackingNumber} is due`,
          `Your investigation of complaint ${c.state.trackingNumber} is due at ${dueAt}.`,
        );
        continue;
      }
      await escalate(level + 1, dueAt);
      c.deadline = periodFromNow(policy.escalationInterval, level + 1);
    }
  }

  /** Waits while a handler's step is held, climbing the ladder on each missed period. */
  async function holdWithLadder(held: () => boolean, period: string): Promise<void> {
    await holdWithDeadlines({
      held,
      period,
      current: () => c.deadline,
      resolve: c.resolve,
      onPeriod: async (next) => {
        c.deadline = next;
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
    const to = rung === 'director' ? [policy.directorMailbox] : await store.emailsForRole(rung, c.state.region && escalationChain(c.state.region));
    notify(
      `escalation-${c.state.version}-${level}`,
      to,
      `Escalation (level ${level}): complaint ${c.state.trackingNumber} is overdue`,
      `Complaint ${c.state.trackingNumber} (${c.state.category}, ${c.state.severity ?? 'untriaged'}) missed its due time ${dueAt}.`,
    );
  }

  /**
   * A finding's actions, each carried out by the process that owns it and linked to this case. Each is recorded
   * as its activity reported it (see activities/crossProcess.ts): what changed, read back from the target, or
   * `action_…_failed` with the reason, so the investigator reads on the case what actually happened.
   */
  async function carryOutFinding(): Promise<void> {
    const finding = c.state.finding!;
    if (finding.finding === 'unsubstantiated') return;
    const reasons = [`complaint ${c.state.trackingNumber}: ${finding.reasons.join('; ')}`];
    if (c.state.targets.stationId) {
      // A substantiated finding brings the station's next inspection closer, recorded as the programme reads afterwards.
      // Complaints that signalled it before the read-back replay as they ran (patch 'station-complaint-read-back').
      const effect = { type: 'complaint_substantiated' as const, complaintId: c.state.id, at: now() };
      if (patched('station-complaint-read-back')) {
        const told = await starter.actOnStation({ stationId: c.state.targets.stationId, effect });
        recordReport(told, 'action_station_complaint_recorded', 'action_station_complaint_failed', { stationId: c.state.targets.stationId });
      } else {
        const programme = stationWorkflowId(c.state.targets.stationId);
        tellOther(programme, getExternalWorkflowHandle(programme).signal(programmeEvent, effect));
      }
    }
    for (const action of finding.actions) {
      if (action.type === 'adhoc_inspection') {
        const started = await starter.startComplaintInspection({
          complaintId: c.state.id,
          stationId: c.state.targets.stationId!,
          policy: input.inspectionPolicy,
          reason: reasons[0],
        });
        reported(started, 'action_inspection_started', 'action_inspection_failed', { stationId: c.state.targets.stationId }, (inspectionId) => ({
          inspectionId,
        }));
      } else if (action.type === 'propose_station_sanction') {
        // The sanction is decided in the inspection process: a follow-up inspection, flagged to supervisors.
        const started = await starter.startComplaintInspection({
          complaintId: c.state.id,
          stationId: c.state.targets.stationId!,
          policy: input.inspectionPolicy,
          reason: `station sanction proposed: ${reasons[0]}`,
        });
        reported(
          started,
          'action_station_sanction_proposed',
          'action_station_sanction_proposal_failed',
          { stationId: c.state.targets.stationId },
          (inspectionId) => ({ inspectionId }),
        );
        const outcome = !isReport(started)
          ? `inspection ${String(started)} will put it to your decision`
          : started.applied
            ? `inspection ${String(started.result.inspectionId)} will put it to your decision`
            : `no inspection could be started (${started.reason})`;
        notify(
          `station-sanction-${c.state.version}`,
          await store.emailsForRole('supervisor'),
          `Proposed sanction: station ${c.state.targets.stationId}`,
          `Complaint ${c.state.trackingNumber} proposes a sanction on station ${c.state.targets.stationId}; ${outcome}.`,
        );
      } else if (action.type === 'invalidate_certificate') {
        // Revoked in the register by the same activity as before it (Temporal replays by activity, not arguments).
        const certificateNumber = action.certificateNumber ?? c.state.intake.certificateNumber!;
        const invalidated = await store.invalidateCertificate({ certificateNumber, complaintId: c.state.id, reasons: finding.reasons, by: finding.by });
        reported(invalidated, 'action_certificate_invalidated', 'action_certificate_invalidation_failed', { certificateNumber }, () => ({ certificateNumber }));
      } else if (action.type === 'suspend_examiner') {
        const sanction = { kind: 'suspend' as const, until: action.until, reasons, source: `complaint:${c.state.id}` };
        const suspended = await starter.sanctionExaminer({ examinerId: c.state.targets.examinerId!, sanction });
        reported(
          suspended,
          'action_examiner_suspended',
          'action_examiner_suspension_failed',
          { examinerId: c.state.targets.examinerId, until: action.until },
          (qualifications) => ({ examinerId: c.state.targets.examinerId, until: action.until, qualifications }),
        );
      } else {
        // A revocation is a supervisor's decision: the proposal goes to them, who revoke through the qualification process.
        const to = await store.emailsForRole('supervisor');
        if (to.length) system({}, 'action_revocation_proposed', { examinerId: c.state.targets.examinerId, proposedTo: to.length });
        else system({}, 'action_revocation_proposal_failed', { examinerId: c.state.targets.examinerId, reason: 'no supervisor to propose it to' });
        notify(
          `revocation-proposal-${c.state.version}`,
          to,
          `Proposed revocation: examiner ${c.state.targets.examinerId}`,
          `Complaint ${c.state.trackingNumber} proposes revoking examiner ${c.state.targets.examinerId}: ${finding.reasons.join('; ')}`,
        );
      }
    }
    await persist();
  }

  /** Records an action as reported; histories from before the reports carry the bare result, recorded as it was then. */
  function reported<T>(
    outcome: ActionReport | T,
    done: string,
    failed: string,
    data: Record<string, unknown>,
    legacy: (result: T) => Record<string, unknown>,
  ): void {
    if (!isReport(outcome)) system({}, done, legacy(outcome));
    else recordReport(outcome, done, failed, data);
  }

  /** What changed, read back from the target, or the action as failed with the reason. */
  function recordReport(report: ActionReport, done: string, failed: string, data: Record<string, unknown>): void {
    if (report.applied) system({}, done, { ...data, ...report.result });
    else system({}, failed, { ...data, reason: report.reason });
  }

  /** Ends the case: nobody must act any more, so no due time stays on its row. */
  async function finish(): Promise<ComplaintView> {
    c.deadline = undefined;
    return c.finish();
  }

  /** The complainant (and the complainants of merged duplicates) at their sealed contacts, under the mail policy as all mail. */
  function tellComplainant(key: string, subject: string, text: string): void {
    for (const id of [c.state.id, ...c.state.mergedComplaints]) {
      c.beside(
        mail.mailComplainant({
          complaintId: id,
          workflowId,
          stepKey: `complainant-${id}-${key}`,
          subject: `Complaint ${c.state.trackingNumber}: ${subject}`,
          text,
        }),
      );
    }
  }

  /** Another case's signal; one that cannot be reached is logged, not fatal to this case. */
  function tellOther(targetId: string, sent: Promise<void>): void {
    c.beside(sent.catch((error: unknown) => log.warn('could not reach another case', { targetId, error: String(error) })));
  }
}

function isReport(outcome: unknown): outcome is ActionReport {
  return typeof outcome === 'object' && outcome !== null && 'applied' in outcome;
}
