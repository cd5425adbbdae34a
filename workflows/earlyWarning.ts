import { ActivityFailure, patched, proxyActivities } from '@temporalio/workflow';
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
/**
 * Opening one warning's case: a few quick attempts only, since a case the run could not open stays without one and the
 * next evaluation opens it (under the same derived id, so once); a run does not wait minutes on one case.
 */
const opening = proxyActivities<WarningActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
});

/** Early warning (预警): evaluates the rules once, records each firing once and opens its case (an inspection or a complaint). */
export async function earlyWarning(input: EarlyWarningInput): Promise<{ raised: string[]; cases: Record<string, ActionReport> }> {
  // Workflow time: one instant for the whole run, the same on replay.
  const { raised, withoutCase } = await act.evaluateWarnings(input.warning, new Date(Date.now()).toISOString());
  const cases: Record<string, ActionReport> = {};
  for (const warningId of withoutCase) {
    const request = { warningId, inspection: input.inspection, complaint: input.complaint };
    // One case that cannot be opened neither fails the run nor keeps the warnings after it from their cases.
    if (patched('warning-case-failure-isolated')) {
      try {
        cases[warningId] = await opening.openWarningCase(request);
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        cases[warningId] = {
          applied: false,
          reason: `its case could not be opened (${error.cause?.message ?? error.message}); the next evaluation tries again`,
        };
      }
    } else cases[warningId] = await act.openWarningCase(request);
  }
  return { raised, cases };
}
