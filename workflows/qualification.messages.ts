import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { QualificationPolicy } from '../domain/policy';
import type { ExaminerRef, QualificationAction, QualificationActionType, QualificationPending, QualificationState } from '../domain/qualification';
import type { Actor } from '../domain/roles';

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

export type QualificationPayload<T extends QualificationActionType> = Omit<Extract<QualificationAction, { type: T }>, 'type'>;

export interface QualificationRequest<T extends QualificationActionType> {
  actor: Actor;
  requestId?: string;
  payload: QualificationPayload<T>;
}

export interface QualificationView extends QualificationState {
  pending: QualificationPending | null;
}

const update = <T extends QualificationActionType>(type: T) => defineUpdate<QualificationView, [QualificationRequest<T>]>(type);

export const qualificationUpdates: { [T in QualificationActionType]: UpdateDefinition<QualificationView, [QualificationRequest<T>]> } = {
  decideAdmission: update('decideAdmission'),
  submitRenewal: update('submitRenewal'),
  decideRenewal: update('decideRenewal'),
  suspend: update('suspend'),
  revoke: update('revoke'),
};

/** Another process (a substantiated complaint finding) suspends or revokes without a person's update. */
export const qualificationSanction = defineSignal<[{ kind: 'suspend'; until: string; reasons: string[]; source: string } | { kind: 'revoke'; reasons: string[]; source: string }]>('qualificationSanction');

export const qualificationState = defineQuery<QualificationView>('state');
export const qualificationRecorded = defineUpdate<QualificationView>('qualificationRecorded');
