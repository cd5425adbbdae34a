import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db/connect';
import { examinerStanding, suspendInRegister } from '../db/queries/examiners';
import { qualificationSanction, qualificationState, qualificationWorkflowId } from '../workflows/qualification.messages';

/**
 * The rule for every action one process takes on another (a finding suspending an examiner, starting an inspection,
 * invalidating a certificate, proposing a sanction): act, then read the target back and report what actually
 * changed (`applied: true`, with what was read); an action that could not be applied reports why (`applied:
 * false`). The acting case records either on its timeline, the failure as its own entry (`…_failed`), so the person
 * who took the decision reads on the case what happened, never a change that did not happen.
 */
export type ActionReport = { applied: true; result: Record<string, unknown> } | { applied: false; reason: string };

export interface ExaminerSuspension {
  kind: 'suspend';
  until: string;
  reasons: string[];
  source: string;
}

/**
 * Suspends an examiner: always on the register, which the team and session checks read, whether or not they have a
 * qualification cycle; each live cycle is told by its own signal and pauses its renewal clock. Reports the register
 * entry and each cycle's status as read back afterwards.
 */
export async function suspendExaminer(db: Db, temporal: Client, examinerId: string, suspension: ExaminerSuspension): Promise<ActionReport> {
  if (!(await examinerStanding(db, examinerId))) return { applied: false, reason: `${examinerId} is not in the examiner register` };
  await suspendInRegister(db, { examinerId, until: suspension.until, reasons: suspension.reasons, source: suspension.source });
  const ids = (await db('qualifications').where({ examiner_id: examinerId }).whereNotIn('status', ['lapsed', 'revoked', 'rejected']).orderBy('id').pluck('id')) as string[];
  const qualifications = await Promise.all(
    ids.map(async (id) => {
      const handle = temporal.workflow.getHandle(qualificationWorkflowId(id));
      try {
        await handle.signal(qualificationSanction, suspension);
        // A query after the signal sees it applied: Temporal answers a query after the events before it.
        return { id, status: (await handle.query(qualificationState)).status as string };
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return { id, status: 'no running cycle' };
        throw error;
      }
    }),
  );
  const standing = (await examinerStanding(db, examinerId))!;
  const held = standing.status === 'suspended' && standing.suspendedUntil !== null && Date.parse(standing.suspendedUntil) >= Date.parse(suspension.until);
  if (!held) return { applied: false, reason: `${examinerId} is ${standing.status} in the register: nothing to suspend` };
  return { applied: true, result: { examinerId, status: standing.status, suspendedUntil: standing.suspendedUntil, qualifications } };
}
