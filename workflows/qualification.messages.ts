import type { qualification } from './qualification';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { QualificationPolicy } from '../domain/policy';
import type { ExaminerRef, QualificationAction, QualificationActionType, QualificationPending, QualificationState } from '../domain/qualification';
import type { Actor } from '../domain/roles';
import { defineActionUpdates, workflowName, type CaseRequest, type CaseView, type PayloadOf } from './caseMessages';

/** Messages of an examiner's qualification cycle (`qualification:<id>`), for the workflow and the API. */

export const qualificationWorkflowId = (qualificationId: string) => `qualification:${qualificationId}`;

export interface QualificationInput {
  id: string;
  examiner: ExaminerRef;
  nationalId?: string;
  occupationCode: string;
  level: number;
  admission?: { trainingHours: number; examScore: number };
  issued?: { cardNumber: string; issuedAt: string; expiresAt: string };
  policy: QualificationPolicy;
  startedBy: Actor;
  /** Carried over continue-as-new at each renewal. */
  state?: QualificationState;
}

export type QualificationPayload<T extends QualificationActionType> = PayloadOf<QualificationAction, T>;
export type QualificationRequest<T extends QualificationActionType> = CaseRequest<QualificationAction, T>;
export type QualificationView = CaseView<QualificationState, QualificationPending>;

export const qualificationUpdates = defineActionUpdates<QualificationAction, QualificationView>([
  'decideAdmission',
  'submitRenewal',
  'decideRenewal',
  'suspend',
  'revoke',
]);

/** Another process (a substantiated complaint finding) suspends or revokes without a person's update. */
export const qualificationSanction =
  defineSignal<[{ kind: 'suspend'; until: string; reasons: string[]; source: string } | { kind: 'revoke'; reasons: string[]; source: string }]>(
    'qualificationSanction',
  );

export const qualificationState = defineQuery<QualificationView>('state');
export const qualificationRecorded = defineUpdate<QualificationView>('qualificationRecorded');

/** The workflow's type name, for starters (see caseMessages.ts). */
export const qualificationWorkflow = workflowName<typeof qualification>('qualification');
