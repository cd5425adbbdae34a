import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActionContext } from '../domain/case';
import { chinaDate } from '../domain/chinaTime';
import { durationMs } from '../domain/duration';
import { licenceNotices } from '../domain/notices';
import { defaultPolicy } from '../domain/policy';
import { initialProgramme, nextLicenceStep, programmeRules, type ProgrammeAction, type ProgrammeState } from '../domain/programme';
import type { Actor } from '../domain/roles';
import { inspection } from './inspection';
import { inspectionWorkflowId, routineInspectionId } from './inspection.messages';
import { CaseStatus, CaseType, DueTime, Region } from './searchAttributes';
import {
  decideDemonstration,
  dispatchQualitySupervisor,
  programmeEvent,
  programmeState,
  registerSession,
  type DemonstrationRequest,
  type DispatchRequest,
  type ProgrammeInput,
  type SessionRequest,
} from './stationProgramme.messages';
import type { LicenceActivities } from '../activities';
import { mail, now, refuseAsFailure, store } from './support';

export const ROUTINE_TEMPLATE = 'station-routine';

const SYSTEM_ACTOR: Actor = { id: 'system', roles: [] };

/** The licence's reads, under the store's policy (short, retried until MySQL answers). */
const licenceStore = proxyActivities<LicenceActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * A licensed station's supervision programme (`station:<id>`), for the station's whole life:
 * the next routine inspection falls due by risk (last rating, open rectifications, substantiated
 * complaints); it pauses while the station is suspended and ends when the licence is revoked. It also keeps the
 * licence's life: reminders before validUntil, and the lapse at validUntil without a pending renewal (routine
 * inspections pause until an approved renewal revives the station).
 * Inspections, sanctions and complaint findings reach it as signals; session registration and the
 * demonstration decision are updates. It continues as new when its history grows long.
 */
export async function stationProgramme(input: ProgrammeInput): Promise<ProgrammeState> {
  const { policy } = input;
  // Runs continued before the programme kept a timeline carry none.
  let state: ProgrammeState = input.state ? { ...input.state, timeline: input.state.timeline ?? [] } : initialProgramme(input.station, policy, now());
  let written = state.version;
  let changed = false;
  // Programmes begun before their licence's life carry no reminder offsets in their policy.
  const licenceReminders = policy.licenceReminders ?? defaultPolicy.programme.licenceReminders;
  const outgoing: Promise<unknown>[] = [];

  const check = (action: ProgrammeAction, actor: Actor) => refuseAsFailure(() => programmeRules.check(state, action, actor, policy, now()));
  const apply = (action: ProgrammeAction, actor: Actor) => {
    const ctx: ActionContext = { actor, at: now() };
    state = programmeRules.apply(state, action, ctx, policy);
    changed = true;
  };
  setHandler(programmeState, () => state);
  setHandler(programmeEvent, (event) => apply(event, SYSTEM_ACTOR));
  setHandler(
    registerSession,
    async ({ actor, sessionId, session, facts }) => {
      await store.recordSession({ ...session, id: sessionId, stationId: state.station.id, registeredBy: actor.id, at: now() });
      apply({ type: 'registerSession', sessionId, session, facts }, actor);
      return { sessionId };
    },
    { validator: ({ actor, sessionId, session, facts }: SessionRequest) => check({ type: 'registerSession', sessionId, session, facts }, actor) },
  );
  setHandler(
    decideDemonstration,
    async ({ actor, confirm, reasons }) => {
      apply({ type: 'decideDemonstration', confirm, reasons }, actor);
      return state;
    },
    { validator: ({ actor, confirm, reasons }: DemonstrationRequest) => check({ type: 'decideDemonstration', confirm, reasons }, actor) },
  );
  setHandler(
    dispatchQualitySupervisor,
    async ({ actor, sessionId, qualitySupervisorId }) => {
      await store.assignQualitySupervisor(state.station.id, sessionId, qualitySupervisorId);
      apply({ type: 'dispatchQualitySupervisor', sessionId, qualitySupervisorId }, actor);
      return { sessionId, qualitySupervisorId };
    },
    {
      validator: ({ actor, sessionId, qualitySupervisorId }: DispatchRequest) =>
        check({ type: 'dispatchQualitySupervisor', sessionId, qualitySupervisorId }, actor),
    },
  );
  upsertSearchAttributes([
    { key: CaseType, value: 'station_programme' },
    { key: Region, value: input.station.provinceCode },
  ]);

  while (state.status !== 'revoked') {
    // Reset before persisting: a change arriving meanwhile wakes the wait below at once.
    changed = false;
    await persist();
    if (workflowInfo().continueAsNewSuggested || state.version > 500 + (input.state?.version ?? 0)) {
      await Promise.all(outgoing);
      await condition(allHandlersFinished);
      await continueAsNew<typeof stationProgramme>({ ...input, state: { ...state, timeline: state.timeline.slice(-20) } });
    }
    // Running programmes replay as they ran; from their next task on they keep the licence's life too.
    if (patched('licence-life')) {
      if (!state.licence) {
        const held = await licenceStore.stationLicence(state.station.id);
        apply({ type: 'trackLicence', ...held, emails: [...new Set([state.station.adminEmail, ...held.emails].filter(Boolean))] }, SYSTEM_ACTOR);
        continue;
      }
      // Suspended or lapsed: no routine inspection until reinstated or renewed; one still open reports back by signal.
      const routineDue = state.status === 'active' && !state.openRoutineInspectionId;
      const routineAt = routineDue ? Date.parse(state.nextDueAt) : Date.now() + durationMs(policy.intervals.unrated);
      const step = nextLicenceStep(state, licenceReminders);
      const wakeAt = Math.min(routineAt, step?.at ?? Infinity);
      if (await condition(() => changed, Math.max(0, wakeAt - Date.now()))) continue;
      if (step && Date.now() >= step.at) licenceStep(step.type === 'remindLicence' ? { type: 'remindLicence', offset: step.offset } : { type: 'lapseLicence' });
      else if (routineDue && Date.now() >= routineAt) await startRoutineInspection();
      continue;
    }
    // Suspended: no routine inspection until a passing re-inspection reinstates the station.
    const wait = state.status === 'suspended' ? durationMs(policy.intervals.unrated) : Math.max(0, Date.parse(state.nextDueAt) - Date.now());
    if (await condition(() => changed, wait)) continue;
    if (state.status === 'active' && !state.openRoutineInspectionId) await startRoutineInspection();
  }
  await persist();
  await Promise.all(outgoing);
  await condition(allHandlersFinished);
  return state;

  /** A reminder or the lapse: recorded on the station's timeline and mailed to the station, once per validity (keyed by it). */
  function licenceStep(action: Extract<ProgrammeAction, { type: 'remindLicence' | 'lapseLicence' }>): void {
    const { number, validUntil, emails } = state.licence!;
    const day = chinaDate(validUntil);
    apply(action, SYSTEM_ACTOR);
    const notice =
      action.type === 'remindLicence' ? licenceNotices.reminder(state.station.name, number, day) : licenceNotices.lapsed(state.station.name, number, day);
    const stepKey = action.type === 'remindLicence' ? `licence-${validUntil}-reminder-${action.offset}` : `licence-${validUntil}-lapsed`;
    outgoing.push(mail.sendMail({ workflowId: workflowInfo().workflowId, stepKey, to: emails, subject: notice.subject, text: notice.text }));
  }

  /** The next routine cycle: a child inspection that outlives this run (it reports back by signal). */
  async function startRoutineInspection(): Promise<void> {
    const id = routineInspectionId(state.station.id, state.cycle + 1);
    const template = await store.latestChecklistTemplate(ROUTINE_TEMPLATE, state.station.cityCode);
    const { scope: _scope, ...station } = state.station;
    await startChild(inspection, {
      workflowId: inspectionWorkflowId(id),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ id, kind: 'routine', station, template, previousTeamIds: state.lastRoutineTeamIds, policy: input.inspectionPolicy, startedBy: SYSTEM_ACTOR }],
    });
    apply({ type: 'startRoutineInspection', inspectionId: id }, SYSTEM_ACTOR);
  }

  /** Writes the station's row and the programme's new entries. */
  async function persist(): Promise<void> {
    upsertSearchAttributes([
      { key: CaseStatus, value: state.status },
      { key: DueTime, value: state.status === 'active' ? new Date(state.nextDueAt) : null },
    ]);
    const events = state.timeline.filter((e) => e.seq > written);
    written = state.version;
    await store.saveProgramme(programmeRules.project(state), events);
    if (state.status === 'revoked') log.info('station programme ends: licence revoked', { stationId: state.station.id });
  }
}
