import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/connect';
import { latestTemplate } from '../db/queries/checklistTemplates';
import type { importedQualificationsPage } from '../db/queries/qualifications';
import { stationForInspection } from '../db/queries/stations';
import type { ActionReport } from '../domain/case';
import type { ComplaintPolicy, InspectionPolicy, QualificationPolicy } from '../domain/policy';
import type { FraudSignal } from '../domain/session';
import { hashSecret, type Sealer } from '../platform/sealing';
import { complaintWorkflow, complaintWorkflowId, type ComplaintInput } from '../workflows/complaint.messages';
import type { Actor } from '../domain/roles';
import { campaignInspectionId, inspectionWorkflow, inspectionWorkflowId } from '../workflows/inspection.messages';
import { qualificationWorkflow, qualificationWorkflowId } from '../workflows/qualification.messages';
import { actOnStation, suspendExaminer, type ExaminerSuspension, type StationEffect } from './crossProcess';
import { derivedUlid, startOnce } from './startOnce';
import { decodeTime } from 'ulid';

/**
 * Effects on other workflows (starting cases a page at a time, acting on another process), run under the
 * starter policy (workflows/support.ts). Workflow ids derive from business keys, so a retry starts nothing twice;
 * workflows are named by type, never imported as values (the worker's main thread runs no workflow code).
 */
export function createStarterActivities({ db, temporal, sealer }: { db: Db; temporal: Client; sealer: Sealer }) {
  const taskQueue = () => Context.current().info.taskQueue;
  return {
    /** Starts the renewal cycle of imported qualifications. */
    async startQualificationCycles(req: {
      items: Awaited<ReturnType<typeof importedQualificationsPage>>;
      policy: QualificationPolicy;
      startedBy: Actor;
    }): Promise<number> {
      await Promise.all(
        req.items.map((item) =>
          startOnce(temporal, qualificationWorkflow, {
            workflowId: qualificationWorkflowId(item.id),
            taskQueue: taskQueue(),
            args: [{ ...item, policy: req.policy, startedBy: req.startedBy }],
          }),
        ),
      );
      return req.items.length;
    },

    /** Starts one inspection per station of a campaign page, each with its place's checklist; returns how many stations were covered. */
    async startCampaignInspections(req: {
      campaignId: string;
      stationIds: number[];
      policy: InspectionPolicy;
      startedBy: Actor;
      templateId: string;
      reason: string;
    }): Promise<number> {
      const started = await Promise.all(
        req.stationIds.map(async (stationId) => {
          const station = await stationForInspection(db, stationId);
          if (!station) return 0;
          const template = await latestTemplate(db, req.templateId, station.snapshot.cityCode);
          if (!template) throw ApplicationFailure.nonRetryable(`no checklist template ${req.templateId}`, 'MissingTemplate');
          const id = campaignInspectionId(req.campaignId, stationId);
          await startOnce(temporal, inspectionWorkflow, {
            workflowId: inspectionWorkflowId(id),
            taskQueue: taskQueue(),
            args: [
              {
                id,
                kind: 'campaign',
                station: station.snapshot,
                template,
                previousTeamIds: station.lastTeamIds,
                policy: req.policy,
                startedBy: req.startedBy,
                campaignId: req.campaignId,
                reason: req.reason,
              },
            ],
          });
          return 1;
        }),
      );
      return started.reduce<number>((a, b) => a + b, 0);
    },

    /** A finding's ad-hoc inspection, started in the inspection process; its id derives from the complaint, so never twice. */
    async startComplaintInspection(req: { complaintId: string; stationId: number; policy: InspectionPolicy; reason: string }): Promise<ActionReport> {
      return startAdHocInspection(db, temporal, {
        id: `K${req.complaintId}-S${req.stationId}`,
        stationId: req.stationId,
        policy: req.policy,
        startedBy: { id: `complaint:${req.complaintId}`, roles: [] },
        reason: req.reason,
        taskQueue: taskQueue(),
      });
    },

    /**
     * A serious fraud signal's complaint (source: system, no complainant; category fraudulent appraisal; the signals
     * as its description): its id derives from the session, so a retried activity finds the case it started. The
     * station's next inspection is brought forward through its programme, as a substantiated complaint does.
     */
    async openSessionComplaint(req: {
      sessionId: string;
      stationId: number;
      signals: FraudSignal[];
      policy: ComplaintPolicy;
      inspectionPolicy: InspectionPolicy;
    }): Promise<ActionReport> {
      const id = derivedUlid(req.sessionId, 'fraud-signal');
      const described = req.signals.map((x) => `${x.rule} ${JSON.stringify(x.facts)}`).join('; ');
      const { trackingNumber, handle } = await startSystemComplaint(temporal, sealer, {
        id,
        intake: {
          kind: 'complaint',
          category: 'fraudulent_appraisal',
          stationId: req.stationId,
          sessionId: req.sessionId,
          happenedOn: new Date(decodeTime(req.sessionId)).toISOString().slice(0, 10),
          description: `系统发现鉴定场次 ${req.sessionId} 的虚假鉴定线索（自动立案）：${described}`,
          evidence: '',
        },
        policy: req.policy,
        inspectionPolicy: req.inspectionPolicy,
        taskQueue: taskQueue(),
      });
      const { status } = await handle.describe();
      const effect = { type: 'complaint_substantiated' as const, complaintId: id, at: new Date(decodeTime(id)).toISOString() };
      const station = await actOnStation(temporal, req.stationId, effect);
      return {
        applied: true,
        result: { complaintId: id, trackingNumber, workflow: status.name, station: station.applied ? station.result : { reason: station.reason } },
      };
    },

    /** Suspends an examiner on the register and in every live qualification cycle. */
    async sanctionExaminer(req: { examinerId: string; sanction: ExaminerSuspension }): Promise<ActionReport> {
      return suspendExaminer(db, temporal, req.examinerId, req.sanction);
    },

    /** An inspection's sanction or a complaint's finding on a station, through its programme, as read back. */
    async actOnStation(req: { stationId: number; effect: StationEffect }): Promise<ActionReport> {
      return actOnStation(temporal, req.stationId, req.effect);
    },
  };
}

export type StarterActivities = ReturnType<typeof createStarterActivities>;

/** An ad-hoc inspection of a station in the inspection process, under an id its cause derives: never started twice. */
export async function startAdHocInspection(
  db: Db,
  temporal: Client,
  req: { id: string; stationId: number; policy: InspectionPolicy; startedBy: Actor; reason: string; taskQueue: string },
): Promise<ActionReport> {
  const station = await stationForInspection(db, req.stationId);
  if (!station) return { applied: false, reason: `station ${req.stationId} is not in the register` };
  if (station.status === 'revoked') return { applied: false, reason: `station ${req.stationId} is revoked` };
  const template = await latestTemplate(db, 'station-routine', station.snapshot.cityCode);
  if (!template) return { applied: false, reason: 'no checklist template applies to the station' };
  const handle = await startOnce(temporal, inspectionWorkflow, {
    workflowId: inspectionWorkflowId(req.id),
    taskQueue: req.taskQueue,
    args: [
      {
        id: req.id,
        kind: 'ad_hoc',
        station: station.snapshot,
        template,
        previousTeamIds: station.lastTeamIds,
        policy: req.policy,
        startedBy: req.startedBy,
        reason: req.reason,
      },
    ],
  });
  const described = await handle.describe();
  return { applied: true, result: { inspectionId: req.id, workflow: described.status.name } };
}

/** A complaint the system files (no complainant, credentials sealed from its id): its id derives from its cause, so never twice. */
export async function startSystemComplaint(
  temporal: Client,
  sealer: Sealer,
  req: { id: string; intake: ComplaintInput['intake']; policy: ComplaintPolicy; inspectionPolicy: InspectionPolicy; taskQueue: string },
) {
  const { trackingNumber, secret } = sealer.complaintCredentials(req.id);
  const handle = await startOnce(temporal, complaintWorkflow, {
    workflowId: complaintWorkflowId(req.id),
    taskQueue: req.taskQueue,
    args: [
      {
        id: req.id,
        trackingNumber,
        secretHash: hashSecret(secret),
        sealedContact: null,
        intake: req.intake,
        policy: req.policy,
        inspectionPolicy: req.inspectionPolicy,
      },
    ],
  });
  return { trackingNumber, handle };
}
