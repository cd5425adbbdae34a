import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { StatisticsActivities } from '../activities';
import type { SummaryDrift } from '../db/queries/statistics';
import type { StatisticsPolicy } from '../domain/policy';
import type { ReconciliationResult } from './statisticsReconciliation.messages';
import { mail } from './support';

/**
 * One reading over every base table at national scale: time for a long query, a few retries for an outage; a night
 * that still fails leaves the check to the next night, whose result says the same.
 */
const statistics = proxyActivities<StatisticsActivities>({
  startToCloseTimeout: '1h',
  retry: { initialInterval: '1m', backoffCoefficient: 2, maximumInterval: '10m', maximumAttempts: 4 },
});

/**
 * The nightly reconciliation: the summaries recomputed from the base tables. Any drift is the run's result (on the
 * schedule workflow's timeline) and mailed to the duty mailbox, once per run (the run's id keys the outbox).
 */
export async function statisticsReconciliation(policy: StatisticsPolicy): Promise<ReconciliationResult> {
  const { drift, more } = await statistics.statisticsDrift(policy.driftRowsReported);
  if (drift.length === 0) return { drift, more, mail: null };
  const sent = await mail.sendMail({
    workflowId: workflowInfo().workflowId,
    stepKey: 'statistics-drift',
    to: [policy.driftMailbox],
    subject: '统计汇总与台账不一致 / Statistics summaries drifted from the registers',
    text: driftText(drift, more),
  });
  return { drift, more, mail: sent };
}

function driftText(drift: SummaryDrift[], more: boolean): string {
  const lines = drift.map((d) => `${d.metric} ${Object.values(d.key).join(' / ')}: ${d.summary} ≠ ${d.recomputed}`);
  const tail = more ? ['……', `（仅列出前 ${drift.length} 项 / only the first ${drift.length} shown）`] : [];
  return [
    '夜间核对发现统计汇总与基础数据不一致（汇总值 ≠ 重新计算值）：',
    'The nightly reconciliation found summaries that differ from the base tables (summary ≠ recomputed):',
    '',
    ...lines,
    ...tail,
    '',
    '请核查后重建相应汇总。/ Please investigate and rebuild the summaries concerned.',
  ].join('\n');
}
