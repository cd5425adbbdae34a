import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseEvent } from '../db/queries/events';
import { durationMs } from '../domain/duration';
import { forbidden, notAllowed } from '../domain/errors';
import { isDemonstrationCandidate, nextInspectionDue, sessionRefusal, type ProgrammeState } from '../domain/programme';
import { hasRole, type Actor } from '../domain/roles';
import { inspection } from './inspection';
import { inspectionWorkflowId, routineInspectionId } from './inspection.messages';
import { CaseStatus, CaseType, DueTime, Region } from './searchAttributes';
import { decideDemonstration, dispatchQualitySupervisor, programmeEvent, programmeState, registerSession, type ProgrammeEvent, type ProgrammeInput } from './stationProgramme.messages';
import { now, refuseAsFailure, store } from './support';


export const ROUTINE_TEMPLATE = 'station-routine';

/**
 * A licensed station's supervision programme (`station:<id>`), for the station's whole life:
 * the next routine inspection falls due by risk (last rating, open rectifications, substantiated
 * complaints); it pauses while the station is suspended and ends when the licence is revoked.
 * Inspections, sanctions and complaint findings reach it as signals; session registration and the
 * demonstration decision are updates. It continues as new when its history grows long.
 */
export async function stationProgramme(input: ProgrammeInput): Promise<ProgrammeState> {
  const policy = input.policy;
  let state: ProgrammeState = input.state ?? {
    station: input.station,
    status: 'active',
    cycle: 0,
    ratings: [],
    lastRoutineTeamIds: [],
    openRectifications: [],
    substantiatedComplaintsAt: [],
    nextDueAt: new Date(Date.now() + durationMs(policy.intervals.unrated)).toISOString(),
    demonstration: 'none',
    sanctions: [],
    version: 0,
  };
  let events: CaseEvent[] = [];
  let notedStatus = state.status;
  let changed = false;

  setHandler(programmeState, () => state);
  setHandler(programmeEvent, (event) => {
    apply(event);
    changed = true;
  });
  setHandler(
    registerSession,
    async ({ actor, sessionId, session }) => {
      await store.recordSession({ ...session, id: sessionId, stationId: state.station.id, registeredBy: actor.id, at: now() });
      note('session_registered', actor, { sessionId, occupationCode: session.occupationCode, level: session.level, date: session.date });
      changed = true;
      return { sessionId };
    },
    {
      validator: ({ actor, session, facts }) =>
        refuseAsFailure(() => {
          if (actor.id !== state.station.adminId) throw forbidden("only the station's administrator may register its sessions");
          const refusal = sessionRefusal(state, session, facts, policy, now().slice(0, 10));
          if (refusal) throw refusal;
        }),
    },
  );
  setHandler(
    decideDemonstration,
    async ({ actor, confirm, reasons }) => {
      state = { ...state, demonstration: confirm ? 'confirmed' : 'declined' };
      note(confirm ? 'demonstration_confirmed' : 'demonstration_declined', actor, { reasons });
      changed = true;
      return state;
    },
    {
      validator: ({ actor }) =>
        refuseAsFailure(() => {
          if (!hasRole(actor, 'supervisor')) throw forbidden('only a supervisor decides on demonstration stations');
          if (state.demonstration !== 'candidate') throw notAllowed(`the station is not a demonstration candidate (${state.demonstration})`);
        }),
    },
  );
  setHandler(
    dispatchQualitySupervisor,
    async ({ actor, sessionId, qualitySupervisorId }) => {
      await store.assignQualitySupervisor(state.station.id, sessionId, qualitySupervisorId);
      note('quality_supervisor_dispatched', actor, { sessionId, qualitySupervisorId });
      changed = true;
      return { sessionId, qualitySupervisorId };
    },
    {
      validator: ({ actor }) =>
        refuseAsFailure(() => {
          if (!hasRole(actor, 'supervisor')) throw forbidden('only a supervisor dispatches quality supervisors (督导员)');
        }),
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
      await condition(allHandlersFinished);
      await continueAsNew<typeof stationProgramme>({ ...input, state });
    }
    // Suspended: no routine inspection until a passing re-inspection reinstates the station.
    const wait = state.status === 'suspended' ? durationMs(policy.intervals.unrated) : Math.max(0, Date.parse(state.nextDueAt) - Date.now());
    if (await condition(() => changed, wait)) continue;
    if (state.status === 'active' && !state.openRoutineInspectionId) await startRoutineInspection();
  }
  await persist();
  await condition(allHandlersFinished);
  return state;

  /** The next routine cycle: a child inspection that outlives this run (it reports back by signal). */
  async function startRoutineInspection(): Promise<void> {
    const cycle = state.cycle + 1;
    const id = routineInspectionId(state.station.id, cycle);
    const template = await store.latestChecklistTemplate(ROUTINE_TEMPLATE, state.station.cityCode);
    const { scope: _scope, ...station } = state.station;
    await startChild(inspection, {
      workflowId: inspectionWorkflowId(id),
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ id, kind: 'routine', station, template, previousTeamIds: state.lastRoutineTeamIds, policy: input.inspectionPolicy, startedBy: { id: 'system', roles: [] } }],
    });
    state = { ...state, cycle, openRoutineInspectionId: id, nextDueAt: new Date(Date.now() + durationMs(policy.intervals.unrated)).toISOString() };
    note('routine_inspection_started', { id: 'system', roles: [] }, { inspectionId: id, cycle });
  }

  function apply(event: ProgrammeEvent): void {
    const at = event.at;
    switch (event.type) {
      case 'inspection_concluded': {
        const routine = event.kind === 'routine';
        state = {
          ...state,
          ratings: [...state.ratings, event.rating].slice(-10),
          lastRoutineTeamIds: routine ? event.teamIds : state.lastRoutineTeamIds,
          openRoutineInspectionId: state.openRoutineInspectionId === event.inspectionId ? undefined : state.openRoutineInspectionId,
        };
        state = { ...state, nextDueAt: nextInspectionDue(state, at, policy) };
        if (state.demonstration === 'none' && isDemonstrationCandidate(state, at, policy)) state = { ...state, demonstration: 'candidate' };
        break;
      }
      case 'rectification_opened':
        state = { ...state, openRectifications: [...new Set([...state.openRectifications, event.inspectionId])] };
        state = { ...state, nextDueAt: earlier(state.nextDueAt, nextInspectionDue(state, at, policy)) };
        break;
      case 'rectification_closed':
        state = { ...state, openRectifications: state.openRectifications.filter((id) => id !== event.inspectionId) };
        // A passing re-inspection lifts the suspension the same inspection imposed.
        if (state.status === 'suspended' && state.sanctions.some((s) => s.level === 'suspension' && s.inspectionId === event.inspectionId)) {
          state = { ...state, status: 'active' };
          state = { ...state, nextDueAt: nextInspectionDue(state, at, policy) };
        }
        break;
      case 'sanction': {
        const status = event.level === 'revocation' ? 'revoked' : event.level === 'suspension' ? 'suspended' : state.status;
        state = { ...state, status, sanctions: [...state.sanctions, { level: event.level, inspectionId: event.inspectionId, at }] };
        if (status !== 'active' && state.demonstration !== 'none') state = { ...state, demonstration: 'declined' };
        break;
      }
      case 'complaint_substantiated':
        state = { ...state, substantiatedComplaintsAt: [...state.substantiatedComplaintsAt, at] };
        state = { ...state, nextDueAt: earlier(state.nextDueAt, nextInspectionDue(state, at, policy)) };
        if (state.demonstration === 'candidate') state = { ...state, demonstration: 'none' };
        break;
    }
    note(event.type, { id: 'system', roles: [] }, { ...event });
  }

  function note(action: string, actor: Actor, data: Record<string, unknown>): void {
    state = { ...state, version: state.version + 1 };
    events.push({ seq: state.version, at: now(), action, actorId: actor.id, actorRole: actor.roles[0] ?? 'system', statusBefore: notedStatus, statusAfter: state.status, data });
    notedStatus = state.status;
  }

  async function persist(): Promise<void> {
    upsertSearchAttributes([
      { key: CaseStatus, value: state.status },
      { key: DueTime, value: state.status === 'active' ? new Date(state.nextDueAt) : null },
    ]);
    const batch = events;
    events = [];
    const { station, status, ratings, nextDueAt, demonstration, lastRoutineTeamIds, version } = state;
    await store.saveProgramme({ stationId: station.id, status, rating: ratings[ratings.length - 1] ?? null, nextDueAt, demonstration, lastTeamIds: lastRoutineTeamIds, version }, batch);
    if (status === 'revoked') log.info('station programme ends: licence revoked', { stationId: station.id });
  }
}

function earlier(a: string, b: string): string {
  return Date.parse(a) <= Date.parse(b) ? a : b;
}
