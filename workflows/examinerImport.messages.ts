import type { examinerImport } from './examinerImport';
import { workflowName } from './caseMessages';
import type { QualificationPolicy } from '../domain/policy';
import type { Actor } from '../domain/roles';

/** Messages of the examiner-import workflow (`examiner-import:<id>`), for the workflow and its starters. */

export const examinerImportWorkflowId = (importId: string) => `examiner-import:${importId}`;

export interface ExaminerImportInput {
  importId: string;
  policy: QualificationPolicy;
  startedBy: Actor;
  afterId?: string;
  started?: number;
}

/** The workflow's type name, for starters (see caseMessages.ts). */
export const examinerImportWorkflow = workflowName<typeof examinerImport>('examinerImport');
