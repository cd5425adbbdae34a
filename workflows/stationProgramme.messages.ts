import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { InspectionPolicy, ProgrammePolicy } from '../domain/policy';
import type { AppraisalSession, ProgrammeEvent, ProgrammeState, SessionFacts } from '../domain/programme';
import type { Actor } from '../domain/roles';

/** Messages of a station's supervision programme (`station:<id>`), for workflows and the API. */

export const stationWorkflowId = (stationId: number) => `station:${stationId}`;

export interface ProgrammeInput {
  station: ProgrammeState['station'];
  policy: ProgrammePolicy;
  inspectionPolicy: InspectionPolicy;
  /** Carried over continue-as-new. */
  state?: ProgrammeState;
}

export type { ProgrammeEvent };

export const programmeEvent = defineSignal<[ProgrammeEvent]>('programmeEvent');

export interface SessionRequest {
  actor: Actor;
  sessionId: string;
  session: AppraisalSession;
  /** The licence and the examiners' register entries and qualifications, read by the API for the rules. */
  facts: SessionFacts;
}
export const registerSession = defineUpdate<{ sessionId: string }, [SessionRequest]>('registerSession');

export interface DemonstrationRequest {
  actor: Actor;
  confirm: boolean;
  reasons: string[];
}
export const decideDemonstration = defineUpdate<ProgrammeState, [DemonstrationRequest]>('decideDemonstration');

export const programmeState = defineQuery<ProgrammeState>('programme');

export interface DispatchRequest {
  actor: Actor;
  sessionId: string;
  qualitySupervisorId: string;
}
export const dispatchQualitySupervisor = defineUpdate<{ sessionId: string; qualitySupervisorId: string }, [DispatchRequest]>('dispatchQualitySupervisor');
