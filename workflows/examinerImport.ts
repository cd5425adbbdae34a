import { continueAsNew, sleep, workflowInfo } from '@temporalio/workflow';
import { durationMs } from '../domain/duration';
import type { ExaminerImportInput } from './examinerImport.messages';
import { starter, store } from './support';

/** Starts one renewal cycle per imported qualification, a batch per policy pace: a bounded rate, never the whole list in one history. */
export async function examinerImport(input: ExaminerImportInput): Promise<{ started: number }> {
  let afterId = input.afterId ?? '';
  let started = input.started ?? 0;
  for (;;) {
    const items = await store.importedQualificationsPage(input.importId, afterId, input.policy.importBatch);
    if (items.length === 0) return { started };
    started += await starter.startQualificationCycles({ items, policy: input.policy, startedBy: input.startedBy });
    afterId = items[items.length - 1].id;
    if (workflowInfo().continueAsNewSuggested) return continueAsNew<typeof examinerImport>({ ...input, afterId, started });
    await sleep(durationMs(input.policy.importPace));
  }
}
