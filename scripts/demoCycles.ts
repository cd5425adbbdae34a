import type { Client } from '@temporalio/client';
import { suspendExaminer } from '../activities/crossProcess';
import { startOnce } from '../activities/startOnce';
import type { Db } from '../db/connect';
import { DEMO_EXAMINERS, SEED_IMPORTER } from '../db/seeds/demo';
import type { QualificationPolicy } from '../domain/policy';
import { examinerImportWorkflow, examinerImportWorkflowId } from '../workflows/examinerImport.messages';

/**
 * Starts the demo register's qualification cycles as an import's are started (the examiner-import workflow), waits
 * until each has recorded itself (an expired card has lapsed by then), then suspends those the demo has suspended,
 * as a complaint finding does. Idempotent: a second call finds the cycles and the suspensions in place.
 */
export async function startDemoCycles(deps: { db: Db; temporal: Client; taskQueue: string; policy: QualificationPolicy }, importId: string): Promise<void> {
  const handle = await startOnce(deps.temporal, examinerImportWorkflow, {
    workflowId: examinerImportWorkflowId(importId),
    taskQueue: deps.taskQueue,
    args: [{ importId, policy: deps.policy, startedBy: { id: SEED_IMPORTER.actorId, roles: [] } }],
  });
  await handle.result();
  const now = new Date();
  for (let settled = false; !settled;) {
    const unsettled = await deps
      .db('qualifications')
      .where({ import_id: importId })
      .where((w) => w.where('version', 0).orWhere((x) => x.where('status', 'active').where('expires_at', '<=', now)))
      .first('id');
    settled = !unsettled;
    if (!settled) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const e of DEMO_EXAMINERS.filter((x) => x.suspendedForDays)) {
    const until = new Date(now.getTime() + e.suspendedForDays! * 86_400_000);
    const already = await deps.db('examiners').where({ id: e.id }).first('suspended_until');
    if (already?.suspended_until) continue;
    const report = await suspendExaminer(deps.db, deps.temporal, e.id, {
      kind: 'suspend',
      until: until.toISOString(),
      reasons: ['演示数据：停考的考评员'],
      source: 'seed',
    });
    if (!report.applied) throw new Error(`demo suspension of ${e.id}: ${report.reason}`);
  }
  // The signalled cycles record their suspension on their own: the world is settled once their rows say so.
  const suspended = DEMO_EXAMINERS.filter((x) => x.suspendedForDays).map((x) => x.id);
  while (
    suspended.length &&
    (await deps.db('qualifications').where({ import_id: importId }).whereIn('examiner_id', suspended).where('status', 'active').first('id'))
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
