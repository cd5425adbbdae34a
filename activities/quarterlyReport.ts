import { isDeepStrictEqual } from 'node:util';
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleHandle, type ScheduleSpec } from '@temporalio/client';
import { quarterlyReportXlsx } from '../api/routes/statistics';
import type { Db } from '../db/connect';
import { emailsForRole } from '../db/queries/users';
import { placeNames } from '../db/queries/figures';
import { jurisdictionNames } from '../db/queries/jurisdictions';
import { quarterPeriod } from '../domain/statistics';
import type { Sealer } from '../platform/sealing';
import { quarterlyReportMailKey, quarterlyReportScheduleId } from '../workflows/quarterlyReport.messages';
import { createMailActivities, type MailOutcome } from './mail';
import type { Mailer } from './mailer';

/** The quarterly report's activities: which provinces report, and one province's report built and mailed. */
export function createQuarterlyReportActivities(deps: { db: Db; mailer: Mailer; sealer: Sealer }) {
  const { sendMail } = createMailActivities(deps);
  return {
    /** Every province of the jurisdictions register, in code order. */
    async reportProvinces(): Promise<string[]> {
      return (await jurisdictionNames(deps.db)).filter((j) => j.kind === 'province').map((j) => j.code);
    },

    /**
     * Builds the province's report and mails it to the supervisors registered at the province, once per province and
     * quarter (the outbox key); a province without supervisors has no one to mail.
     */
    async mailQuarterlyReport(quarter: string, province: string): Promise<MailOutcome> {
      const to = await emailsForRole(deps.db, 'supervisor', province);
      if (to.length === 0) return 'no_recipients';
      const name = (await placeNames(deps.db, [province])).get(province) ?? province;
      const { from, to: until } = quarterPeriod(quarter);
      const title = `${name}${quarter.slice(0, 4)}年第${quarter.slice(5)}季度统计报表`;
      return sendMail({
        workflowId: quarterlyReportMailKey(quarter),
        stepKey: province,
        to,
        subject: `${title} / Quarterly statistics ${quarter}, ${province}`,
        text: [
          `附件为${title}（${from} 至 ${until}）：鉴定场次、职业资格证书、空白证书各一页，按城市列出并合计。`,
          '',
          `Attached: the quarterly statistics report of ${province} for ${quarter} (${from} to ${until}), one sheet per subject, a line per city and the total.`,
        ].join('\n'),
        attachments: [
          {
            filename: `quarterly-report-${province}-${quarter}.xlsx`,
            content: await quarterlyReportXlsx(deps.db, province, quarter),
            contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          },
        ],
      });
    },
  };
}

export type QuarterlyReportActivities = ReturnType<typeof createQuarterlyReportActivities>;

/** The first day of each quarter, 06:00 in China: the quarter just ended is complete by then. */
const QUARTER_START: ScheduleSpec = {
  calendars: [{ month: ['JANUARY', 'APRIL', 'JULY', 'OCTOBER'], dayOfMonth: 1, hour: 6, minute: 0, second: 0 }],
  timezone: 'Asia/Shanghai',
};

/**
 * Creates the quarterly report's schedule for the task queue, or brings an existing one to this code's calendar:
 * every worker calls this at start, so several workers (or a restart) leave one schedule.
 */
export async function ensureQuarterlyReportSchedule(temporal: Client, options: { taskQueue: string }): Promise<ScheduleHandle> {
  const scheduleId = quarterlyReportScheduleId(options.taskQueue);
  // The calendar as written rides on the action's memo (a described calendar comes back in another form), so a worker
  // of code with another calendar brings the schedule to it.
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'quarterlyReport',
    workflowId: scheduleId,
    taskQueue: options.taskQueue,
    args: [],
    memo: { calendar: JSON.stringify(QUARTER_START) },
  };
  try {
    return await temporal.schedule.create({ scheduleId, spec: QUARTER_START, action, policies: { overlap: ScheduleOverlapPolicy.SKIP } });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  const handle = temporal.schedule.getHandle(scheduleId);
  const current = await handle.describe();
  if (!isDeepStrictEqual(current.action.memo, action.memo) || current.action.taskQueue !== options.taskQueue)
    await handle.update((previous) => ({ ...previous, spec: QUARTER_START, action }));
  return handle;
}
