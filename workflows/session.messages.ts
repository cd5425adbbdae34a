import type { session } from './session';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { StationSnapshot } from '../domain/inspection';
import type { ComplaintPolicy, InspectionPolicy, SessionPolicy } from '../domain/policy';
import type { AppraisalSession } from '../domain/programme';
import type { Actor, Person, Role } from '../domain/roles';
import { SESSION_ACTION_ROLE, type SessionAction, type SessionActionType, type SessionState } from '../domain/session';
import { defineActionUpdates, workflowName, type CaseRequest, type CaseView, type PayloadOf } from './caseMessages';

/** Messages of an appraisal session (`session:<id>`), for the workflow, the programme that starts it and the API. */

export const sessionWorkflowId = (sessionId: string) => `session:${sessionId}`;

export interface SessionInput {
  id: string;
  station: StationSnapshot;
  session: AppraisalSession;
  examiners: Person[];
  registeredBy: Actor;
  /** What decides whether a quality supervisor is required: the station's last rating and open rectification orders. */
  stationRisk: { rating: string | null; openRectifications: number };
  policy: SessionPolicy;
  /** For the complaint a serious fraud signal opens. */
  complaintPolicy: ComplaintPolicy;
  inspectionPolicy: InspectionPolicy;
}

export type SessionPayload<T extends SessionActionType> = PayloadOf<SessionAction, T>;
export type SessionRequest<T extends SessionActionType> = CaseRequest<SessionAction, T>;
export type SessionView = CaseView<SessionState>;

export const sessionUpdates = defineActionUpdates<SessionAction, SessionView>(Object.keys(SESSION_ACTION_ROLE) as SessionActionType[]);
export const sessionState = defineQuery<SessionView>('state');
export const sessionRecorded = defineUpdate<SessionView>('sessionRecorded');
/**
 * A supervisor's reveal of a candidate's identity number (`name`: the candidate's name and masked number), recorded on the
 * session's trail and saved before the API shows the number; the number itself never enters the workflow.
 */
export const candidateIdentityReveal = defineUpdate<void, [{ by: string; role: Role; requestId?: string; candidateId: string; name: string }]>(
  'candidateIdentityReveal',
);

/** The workflow's type name, for starters (see caseMessages.ts). */
export const sessionWorkflow = workflowName<typeof session>('session');
