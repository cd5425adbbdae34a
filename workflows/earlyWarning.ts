import { proxyActivities } from '@temporalio/workflow';
import type { WarningActivities } from '../activities';
import type { ActionReport } from '../domain/case';
import type { EarlyWarningInput } from './earlyWarning.messages';

/**
 * Counting and recording are bounded queries, opening a case a start by a derived id: retried a few times, and what a
 * run leaves without its case the next run takes up again.
 */
const act = proxyActivities<WarningActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '5s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
});

/** Early warning (预警): evaluates the rules once, records each firing once and opens its case (an inspection or a complaint). */
export async function earlyWarning(input: EarlyWarningInput): Promise<{ raised: string[]; cases: Record<string, ActionReport> }> {
  // Workflow time: one instant for the whole run, the same on replay.
  const { raised, withoutCase } = await act.evaluateWarnings(input.warning, new Date(Date.now()).toISOString());
  const cases: Record<string, ActionReport> = {};
  for (const warningId of withoutCase) cases[warningId] = await act.openWarningCase({ warningId, inspection: input.inspection, complaint: input.complaint });
  return { raised, cases };
}
