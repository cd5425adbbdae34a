import { Context } from '@temporalio/activity';
import type { Client, ScheduleHandle } from '@temporalio/client';
import type { Db } from '../db/connect';
import { stationForInspection } from '../db/queries/stations';
import { countWarningFacts, recordWarning, setWarningCase, warningById, warningsWithoutCase } from '../db/queries/warnings';
import type { ActionReport } from '../domain/case';
import { chinaDate } from '../domain/chinaTime';
import type { ComplaintPolicy, InspectionPolicy, WarningPolicy } from '../domain/policy';
import { activeWindows, caseKindOf, evaluateWarnings } from '../domain/warnings';
import type { Sealer } from '../platform/sealing';
import { complaintState, complaintUpdates } from '../workflows/complaint.messages';
import { warningScheduleId, type EarlyWarningInput } from '../workflows/earlyWarning.messages';
import { ensureIntervalSchedule } from './housekeeping';
import { derivedUlid } from './startOnce';
import { startAdHocInspection, startSystemComplaint } from './starter';

/** Who the system acts as when a warning opens a case. */
const SYSTEM_ACTOR = { id: 'system:early-warning', roles: [] };
/** Warnings without their case taken up again by one evaluation, at most. */
const CASES_PER_RUN = 500;

const RULE_TEXT: Record<string, string> = {
  complaints_per_station: '同一鉴定所站投诉集中',
  pass_rate_above_history: '鉴定所站通过率显著高于其历史水平或本省水平',
  serious_irregularity: '质量督导报告严重违规',
  examiner_violations: '考评员违规记录累计',
  blank_stock_mismatch: '空白证书盘点账实不符',
  mass_incident: '同一鉴定场次投诉集中（群体性事件风险）',
};

/**
 * The early-warning workflow's I/O: counting the rules' facts and recording each firing once, then opening each
 * warning's case in its own process under an id derived from the warning, so a retry or an overlapping evaluation
 * finds the case it started.
 */
export function createWarningActivities({ db, temporal, sealer }: { db: Db; temporal: Client; sealer: Sealer }) {
  return {
    /** Evaluates the rules at an instant; returns the warnings raised now and any earlier one still without its case. */
    async evaluateWarnings(policy: WarningPolicy, at: string): Promise<{ raised: string[]; withoutCase: string[] }> {
      const now = Date.parse(at);
      const windows = Object.fromEntries(activeWindows(policy.rules, now).map((w) => [w.rule, w.window]));
      const facts = await countWarningFacts(db, policy.rules, windows);
      const raised: string[] = [];
      for (const firing of evaluateWarnings(policy.rules, facts, now)) {
        const { id, created } = await recordWarning(db, firing);
        if (created) raised.push(id);
      }
      return { raised, withoutCase: await warningsWithoutCase(db, CASES_PER_RUN) };
    },

    /** Opens the warning's case (once) and records it on the warning. */
    async openWarningCase(req: { warningId: string; inspection: InspectionPolicy; complaint: ComplaintPolicy }): Promise<ActionReport> {
      const warning = await warningById(db, req.warningId);
      if (!warning) return { applied: false, reason: `no warning ${req.warningId}` };
      if (warning.case) return { applied: true, result: warning.case };
      const taskQueue = Context.current().info.taskQueue;
      const figures = warning.figures;
      const reason = `系统预警（自动立案）：${RULE_TEXT[warning.rule]}，${JSON.stringify(figures)}`;
      const kind = caseKindOf(warning.rule);

      if (kind === 'inspection') {
        const stationId = Number(warning.subjectId);
        const id = `W${warning.id}-S${stationId}`;
        const report = await startAdHocInspection(db, temporal, {
          id,
          stationId,
          policy: req.inspection,
          startedBy: { id: `warning:${warning.id}`, roles: [] },
          reason,
          taskQueue,
        });
        if (report.applied) await setWarningCase(db, warning.id, { type: 'inspection', id });
        return report;
      }

      const id = derivedUlid(warning.id, 'early-warning');
      const stationId = typeof figures.stationId === 'number' ? figures.stationId : undefined;
      const { trackingNumber, handle } = await startSystemComplaint(temporal, sealer, {
        id,
        intake: {
          kind: 'complaint',
          category: kind === 'examiner_complaint' ? 'examiner_misconduct' : 'other',
          ...(stationId ? { stationId } : {}),
          ...(kind === 'examiner_complaint' ? { examinerId: warning.subjectId } : { sessionId: warning.subjectId }),
          happenedOn: chinaDate(warning.createdAt),
          description: reason,
          evidence: '',
        },
        policy: req.complaint,
        inspectionPolicy: req.inspection,
        taskQueue,
      });
      if (kind === 'emergency_complaint' && (await handle.query(complaintState)).status === 'received') {
        // The emergency path (应急机制) starts at triage: the system triages the case as critical itself, as a handler would.
        const station = stationId ? await stationForInspection(db, stationId) : undefined;
        await handle.executeUpdate(complaintUpdates.triage, {
          args: [
            {
              actor: { ...SYSTEM_ACTOR, roles: ['complaint_handler'] },
              requestId: `warning:${warning.id}`,
              payload: {
                category: 'other',
                severity: 'critical',
                targets: { sessionId: warning.subjectId, ...(stationId ? { stationId } : {}) },
                targetOrganisations: station ? [station.snapshot.organisation, ...station.snapshot.affiliations] : [],
                ...(station ? { region: { provinceCode: station.snapshot.provinceCode, cityCode: station.snapshot.cityCode } } : {}),
              },
            },
          ],
          updateId: `triage:warning:${warning.id}`,
        });
      }
      await setWarningCase(db, warning.id, { type: 'complaint', id });
      return { applied: true, result: { complaintId: id, trackingNumber } };
    },
  };
}

export type WarningActivities = ReturnType<typeof createWarningActivities>;

/** The early-warning schedule of the task queue (every policy `warning.every`), created by every worker at start: one schedule. */
export async function ensureWarningSchedule(temporal: Client, options: { taskQueue: string; input: EarlyWarningInput }): Promise<ScheduleHandle> {
  return ensureIntervalSchedule(temporal, {
    scheduleId: warningScheduleId(options.taskQueue),
    every: options.input.warning.every,
    workflowType: 'earlyWarning',
    taskQueue: options.taskQueue,
    args: [options.input],
  });
}
