import { allHandlersFinished, condition, getExternalWorkflowHandle, log, patched, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Deadline, TimelineEntry } from '../domain/case';
import { SYSTEM, record } from '../domain/case';
import {
  applyInspectionAction,
  checkInspectionAction,
  initialInspection,
  inspectionPendingOn,
  rectificationMissed,
  type InspectionAction,
  type InspectionActionType,
  type InspectionState,
  type InspectionStatus,
} from '../domain/inspection';
import { deadlineNotices, inspectionMailsFor, type Notice } from '../domain/notices';
import type { InspectionPolicy } from '../domain/policy';
import { escalationChain } from '../domain/jurisdiction';
import { holdWithDeadlines, periodFromNow, remindAndEscalate } from './deadlines';
import { inspectionRecorded, inspectionState, inspectionUpdates, type InspectionInput, type InspectionRequest, type InspectionView } from './inspection.messages';
import { CaseType, Region } from './searchAttributes';
import { mail, now, setActionHandlers, setRecordedHandler, starter, store, upsertCaseSearchAttributes } from './support';
import { programmeEvent, stationWorkflowId, type ProgrammeEvent } from './stationProgramme.messages';


type DeadlineKey = keyof InspectionPolicy['deadlines'];

/** The policy deadline of each status the inspection waits in. */
const STEP_DEADLINES: Partial<Record<InspectionStatus, DeadlineKey>> = {
  awaiting_team: 'assignTeam',
  awaiting_acknowledgement: 'acknowledge',
  fieldwork: 'fieldwork',
  awaiting_report: 'report',
  awaiting_review: 'review',
  rectification: 'rectification',
  verification: 'verification',
  awaiting_sanction: 'sanctionDecision',
};

/**
 * An inspection (监督检查) of a licensed station:
 * team assignment (recusal, rotation, active qualification) → acknowledgement → fieldwork scores
 * against the checklist → the lead's report → supervisor review → pass, or a rectification order
 * (整改) → the station's report → the team's verification → closed, or up the sanctions ladder
 * (warning → suspension → revocation), each rung a supervisor's decision.
 */
export async function inspection(input: InspectionInput): Promise<InspectionView> {
  const policy = input.policy;
  const { workflowId } = workflowInfo();
  let state = initialInspection({ ...input, at: now() });
  // The due time of the step the inspection waits on; see change().
  let deadline = stepDeadline(state.status);
  let holds = 0;
  let handled = 0;
  const outgoing: Promise<unknown>[] = [];
  const status = () => state.status;

  const view = (): InspectionView => {
    const pending = inspectionPendingOn(state);
    return { ...state, pending: pending && { ...pending, ...deadline } };
  };
  let recorded = false;
  setHandler(inspectionState, view);
  setRecordedHandler(inspectionRecorded, () => recorded, view);
  setActionHandlers<InspectionActionType, InspectionRequest<InspectionActionType>, InspectionView>(inspectionUpdates, {
    validate: (type, request) => checkInspectionAction(state, toAction(type, request), request.actor, policy),
    apply: async (type, request) => {
      change(applyInspectionAction(state, toAction(type, request), { actor: request.actor, at: now(), requestId: request.requestId }, policy));
      await persist();
      return view();
    },
  });
  upsertSearchAttributes([
    { key: CaseType, value: 'inspection' },
    { key: Region, value: input.station.provinceCode },
  ]);
  await persist();
  recorded = true;

  // 1. A supervisor assigns the team; 2. each member acknowledges; 3. fieldwork scores; 4. the lead's report.
  await holdWhile('awaiting_team');
  await holdWhile('awaiting_acknowledgement');
  await holdWhile('fieldwork');
  await holdWhile('awaiting_report');

  // 5. Supervisor review: pass, or a rectification order.
  await holdWhile('awaiting_review');

  // 6. Rectification rounds; a missed or failed one climbs the sanctions ladder.
  while (['rectification', 'verification', 'awaiting_sanction'].includes(status())) {
    await holdWhile('rectification');
    await holdWhile('verification');
    await holdWhile('awaiting_sanction');
  }
  return finish();

  async function holdWhile(from: InspectionStatus): Promise<void> {
    const hold = ++holds;
    const key = STEP_DEADLINES[from]!;
    await holdWithDeadlines({
      held: () => state.status === from,
      period: policy.deadlines[key],
      current: () => deadline,
      onPeriod: async (next) => {
        deadline = next;
        await persist();
      },
      onMissed: async (level, dueAt) => {
        const pending = inspectionPendingOn(state)!;
        if (pending.action === 'submitRectification') {
          change(rectificationMissed(state, now(), dueAt));
          return 'stop';
        }
        const holders = pending.userIds.join(', ') || pending.role;
        const label = `inspection ${state.id} of ${state.station.name}`;
        system({}, 'deadline_missed', { action: pending.action, dueAt, escalationLevel: level, holders: pending.userIds.length ? pending.userIds : [pending.role] });
        await remindAndEscalate({
          stepKey: `${hold}-${key}`,
          level,
          pending,
          holderEmails: pending.userIds.length ? state.team.filter((p) => pending.userIds.includes(p.id)).map((p) => p.email) : await store.emailsForRole(pending.role, escalationChain(state.station)),
          region: state.station,
          supervisorsAt: (jurisdiction) => store.emailsForRole('supervisor', jurisdiction),
          escalation: policy.escalation,
          notices: { reminder: deadlineNotices.reminder(label, pending.action, dueAt), escalation: deadlineNotices.escalation(label, pending.action, level, holders) },
          notify,
        });
        return 'continue';
      },
    });
    // Writes a change the wait itself made (a missed rectification); the next step's due time came with its change.
    await persist();
  }

  async function finish(): Promise<InspectionView> {
    if (state.status === 'closed') {
      tellProgramme({ type: 'inspection_concluded', inspectionId: state.id, kind: state.kind, rating: state.result!.rating, teamIds: state.team.map((p) => p.id), at: now() });
    }
    await persist();
    await Promise.all(outgoing);
    await condition(allHandlersFinished);
    return view();
  }

  function system(changes: Partial<InspectionState>, action: string, data?: Record<string, unknown>): void {
    change(record({ ...state, ...changes }, action, { actor: SYSTEM, at: now() }, data));
  }

  /**
   * Every change of the inspection goes through here. One that moves it to another step starts that
   * step's due time at once, so the write carrying the change carries the pending step and its due time
   * together (the list row never shows a step with another step's deadline, or none).
   */
  function change(next: InspectionState): void {
    if (next.status !== state.status) deadline = stepDeadline(next.status);
    state = next;
  }

  function stepDeadline(step: InspectionStatus): Deadline | undefined {
    const key = STEP_DEADLINES[step];
    return key ? periodFromNow(policy.deadlines[key], 0) : undefined;
  }

  /** Writes the row, events and search attributes; then mails and tells the station's programme what the new events call for. */
  async function persist(): Promise<void> {
    for (const entry of state.timeline.slice(handled)) {
      for (const m of inspectionMailsFor(entry, state, policy.deadlines.rectification)) notify(m.key, m.to, m.notice);
      const event = programmeEventFor(entry);
      // Inspections that signalled their sanctions before the read-back replay as they ran (patch 'station-sanction-read-back').
      if (event?.type === 'sanction' && patched('station-sanction-read-back')) sanctionStation(event);
      else if (event) tellProgramme(event);
    }
    handled = state.timeline.length;
    const pending = inspectionPendingOn(state);
    upsertCaseSearchAttributes(state.status, pending, deadline);
    await store.saveInspection(state, pending, deadline ?? null);
  }

  function programmeEventFor(entry: TimelineEntry): ProgrammeEvent | null {
    const base = { inspectionId: state.id, at: entry.at };
    if (entry.action === 'rectification_ordered') return { type: 'rectification_opened', ...base };
    if (entry.action === 'rectification_verified') return { type: 'rectification_closed', ...base };
    if (entry.action.startsWith('sanction_')) return { type: 'sanction', level: entry.action.replace('sanction_', '') as 'warning', ...base };
    return null;
  }

  /**
   * A sanction acts on the station through its programme (activities/crossProcess.ts): recorded on this inspection as
   * the station reads afterwards (its status and next inspection due), or as failed with the reason, for the supervisor.
   */
  function sanctionStation(effect: Extract<ProgrammeEvent, { type: 'sanction' }>): void {
    outgoing.push(
      (async () => {
        const report = await starter.actOnStation({ stationId: state.station.id, effect });
        const data = { stationId: state.station.id, level: effect.level };
        if (report.applied) system({}, 'action_station_sanctioned', { ...data, ...report.result });
        else system({}, 'action_station_sanction_failed', { ...data, reason: report.reason });
        await persist();
      })(),
    );
  }

  /** Other effects go through the programme's own signal; a station without a programme is logged, not fatal. */
  function tellProgramme(event: ProgrammeEvent): void {
    outgoing.push(
      getExternalWorkflowHandle(stationWorkflowId(state.station.id))
        .signal(programmeEvent, event)
        .catch((error: unknown) => log.warn('station programme not reachable', { stationId: state.station.id, event: event.type, error: String(error) })),
    );
  }

  function notify(stepKey: string, to: string[], notice: Notice): void {
    outgoing.push(mail.sendMail({ workflowId, stepKey, to, subject: notice.subject, text: notice.text }));
  }
}

function toAction(type: InspectionActionType, request: InspectionRequest<InspectionActionType>): InspectionAction {
  return { ...request.payload, type } as InspectionAction;
}
