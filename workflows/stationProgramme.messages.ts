import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { InspectionPolicy, ProgrammePolicy } from '../domain/policy';
import type { AppraisalSession, InspectionConclusion, ProgrammeState, SessionFacts } from '../domain/programme';
import type { Sanction } from '../domain/inspection';
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

/** What other processes tell the programme: inspections, rectifications, sanctions, complaint findings. */
export type ProgrammeEvent =
  | ({ type: 'inspection_concluded' } & InspectionConclusion)
  | { type: 'rectification_opened'; inspectionId: string; at: string }
  | { type: 'rectification_closed'; inspectionId: string; at: string }
  | { type: 'sanction'; level: Sanction; inspectionId: string; at: string }
  | { type: 'complaint_substantiated'; complaintId: string; at: string };

export const programmeEvent = defineSignal<[ProgrammeEvent]>('programmeEvent');

export interface SessionRequest {
  actor: Actor;
  sessionId: string;
  session: AppraisalSession;
  /** The licence and the examiners' register entries and qualifications, read by the API for the rules. */
  facts: SessionFacts;
}
export const registerSession = defineUpdate<{ sessionId: string }, [SessionRequest]>('registerSession');

export const decideDemonstration = defineUpdate<ProgrammeState, [{ actor: Actor; confirm: boolean; reasons: string[] }]>('decideDemonstration');

export const programmeState = defineQuery<ProgrammeState>('programme');

export const dispatchQualitySupervisor = defineUpdate<{ sessionId: string; qualitySupervisorId: string }, [{ actor: Actor; sessionId: string; qualitySupervisorId: string }]>('dispatchQualitySupervisor');
