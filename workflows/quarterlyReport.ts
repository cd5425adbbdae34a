import { proxyActivities } from '@temporalio/workflow';
import type { MailOutcome, QuarterlyReportActivities } from '../activities';
import { chinaDate } from '../domain/chinaTime';
import { previousQuarter } from '../domain/statistics';

/** Building a province's workbook and mailing it: an SMTP server may be away for a while, as for any mail. */
const reports = proxyActivities<QuarterlyReportActivities>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '5m' },
});

/**
 * The quarterly statistics report (季度统计报表): each province's report for the quarter (by default the one just ended,
 * in China) mailed to its supervisors. The result, each province's outcome, is on the schedule run's history.
 */
export async function quarterlyReport(quarter?: string): Promise<{ quarter: string; provinces: Record<string, MailOutcome> }> {
  // Workflow time: the same quarter on replay.
  const reported = quarter ?? previousQuarter(chinaDate(Date.now()));
  const provinces: Record<string, MailOutcome> = {};
  for (const province of await reports.reportProvinces()) provinces[province] = await reports.mailQuarterlyReport(reported, province);
  return { quarter: reported, provinces };
}
