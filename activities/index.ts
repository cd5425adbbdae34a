import { createHash } from 'node:crypto';
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from '../db/connect';
import { claimOutboxMessage, markOutbox } from '../db/queries/outbox';
import { saveApplicationSnapshot, type ApplicationSnapshot } from '../db/queries/stationApplications';
import { issueLicence, type LicenceRequest } from '../db/queries/stations';
import { saveCampaign } from '../db/queries/campaigns';
import { latestTemplate } from '../db/queries/checklistTemplates';
import type { CaseEvent } from '../db/queries/events';
import { saveInspectionSnapshot } from '../db/queries/inspections';
import { insertSession, setQualitySupervisor } from '../db/queries/sessions';
import { countStations, saveProgrammeSnapshot, stationForInspection, stationIdsPage, type StationFilter } from '../db/queries/stations';
import { importedQualificationsPage, saveQualificationSnapshot } from '../db/queries/qualifications';
import { emailsForRole } from '../db/queries/users';
import type { QualificationPending, QualificationState } from '../domain/qualification';
import type { Deadline } from '../domain/case';
import type { InspectionPending, InspectionState } from '../domain/inspection';
import type { InspectionPolicy, QualificationPolicy } from '../domain/policy';
import type { AppraisalSession, SessionRegion } from '../domain/programme';
import type { Actor } from '../domain/roles';
import { inspection } from '../workflows/inspection';
import { campaignInspectionId, inspectionWorkflowId } from '../workflows/inspection.messages';
import { qualification } from '../workflows/qualification';
import { qualificationWorkflowId } from '../workflows/qualification.messages';
import { complaintFacts } from '../db/queries/complaintChecks';
import { certificateInvalidation, invalidateCertificate, saveComplaintSnapshot, sealedContact } from '../db/queries/complaints';
import type { CheckFact, ComplaintState, Targets } from '../domain/complaint';
import { unseal } from './sealing';
import type { Role } from '../domain/roles';
import { isPermanentMailError, type Mailer } from './mailer';
import { createHousekeepingActivities } from './housekeeping';
import { actOnStation, suspendExaminer, type ActionReport, type ExaminerSuspension, type StationEffect } from './crossProcess';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
  /** For effects that start other workflows (a campaign's inspections). */
  temporal: Client;
}

export interface MailRequest {
  workflowId: string;
  /** Unique within the workflow: the outbox key that keeps a retried step from mailing twice. */
  stepKey: string;
  to: string[];
  subject: string;
  text: string;
}

export type MailOutcome = 'sent' | 'failed' | 'no_recipients';

/** All I/O the workflows do, built over their dependencies (as in Temporal's dependency-injection sample). */
export function createActivities({ db, mailer, temporal }: ActivityDeps) {
  const activities = {
    ...createHousekeepingActivities(db),

    async saveInspection(state: InspectionState, pending: InspectionPending | null, deadline: Deadline | null): Promise<void> {
      await saveInspectionSnapshot(db, state, pending, deadline);
    },

    async saveProgramme(snapshot: Parameters<typeof saveProgrammeSnapshot>[1], events: CaseEvent[]): Promise<void> {
      await saveProgrammeSnapshot(db, snapshot, events);
    },

    async saveQualification(state: QualificationState, pending: QualificationPending | null, nationalId?: string): Promise<void> {
      await saveQualificationSnapshot(db, state, pending, nationalId);
    },

    async importedQualificationsPage(importId: string, afterId: string, limit: number) {
      return importedQualificationsPage(db, importId, afterId, limit);
    },

    /** Starts the renewal cycle of imported qualifications; ids derive from the qualification, so a retry starts none twice. */
    async startQualificationCycles(req: { items: Awaited<ReturnType<typeof importedQualificationsPage>>; policy: QualificationPolicy; startedBy: Actor }): Promise<number> {
      const { taskQueue } = Context.current().info;
      await Promise.all(
        req.items.map(async (item) => {
          try {
            await temporal.workflow.start(qualification, {
              workflowId: qualificationWorkflowId(item.id),
              taskQueue,
              workflowIdConflictPolicy: 'USE_EXISTING',
              workflowIdReusePolicy: 'REJECT_DUPLICATE',
              args: [{ ...item, policy: req.policy, startedBy: req.startedBy }],
            });
          } catch (error) {
            if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          }
        }),
      );
      return req.items.length;
    },

    /** The version that applies where the station is (`at`, its city): the place's own, else its province's, else the national one. */
    async latestChecklistTemplate(id: string, at?: string) {
      const template = await latestTemplate(db, id, at);
      if (!template) throw ApplicationFailure.nonRetryable(`no checklist template ${id}`, 'MissingTemplate');
      return template;
    },

    async recordSession(session: AppraisalSession & { id: string; stationId: number; registeredBy: string; at: string }): Promise<void> {
      await insertSession(db, session);
    },

    async assignQualitySupervisor(stationId: number, sessionId: string, userId: string): Promise<void> {
      if (!(await setQualitySupervisor(db, stationId, sessionId, userId))) {
        throw ApplicationFailure.nonRetryable(`no session ${sessionId} at station ${stationId}`, 'NotFound');
      }
    },

    async countCampaignStations(filter: StationFilter): Promise<number> {
      return countStations(db, filter);
    },

    async campaignStationsPage(filter: StationFilter, afterId: number, limit: number): Promise<number[]> {
      return stationIdsPage(db, filter, afterId, limit);
    },

    async saveCampaign(campaign: Parameters<typeof saveCampaign>[1]): Promise<void> {
      await saveCampaign(db, campaign);
    },

    /**
     * Starts one inspection per station of a campaign page. Workflow ids derive from campaign and
     * station, so a retried batch starts nothing twice; returns how many stations were covered.
     */
    async startCampaignInspections(req: { campaignId: string; stationIds: number[]; policy: InspectionPolicy; startedBy: Actor; templateId: string; reason: string }): Promise<number> {
      const { taskQueue } = Context.current().info;
      const started = await Promise.all(
        req.stationIds.map(async (stationId) => {
          const station = await stationForInspection(db, stationId);
          if (!station) return 0;
          // Each station's inspection uses its place's checklist.
          const template = await latestTemplate(db, req.templateId, station.snapshot.cityCode);
          if (!template) throw ApplicationFailure.nonRetryable(`no checklist template ${req.templateId}`, 'MissingTemplate');
          const id = campaignInspectionId(req.campaignId, stationId);
          try {
            await temporal.workflow.start(inspection, {
              workflowId: inspectionWorkflowId(id),
              taskQueue,
              workflowIdConflictPolicy: 'USE_EXISTING',
              workflowIdReusePolicy: 'REJECT_DUPLICATE',
              args: [{ id, kind: 'campaign', station: station.snapshot, template, previousTeamIds: station.lastTeamIds, policy: req.policy, startedBy: req.startedBy, campaignId: req.campaignId, reason: req.reason }],
            });
          } catch (error) {
            // Already started and already finished: the station was covered by an earlier attempt.
            if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          }
          return 1;
        }),
      );
      return started.reduce<number>((a, b) => a + b, 0);
    },

    async saveStationApplication(workflowId: string, snapshot: ApplicationSnapshot): Promise<void> {
      await saveApplicationSnapshot(db, workflowId, snapshot);
    },

    async issueStationLicence(req: LicenceRequest) {
      return issueLicence(db, req);
    },

    async emailsForRole(role: Role, at?: string | string[]): Promise<string[]> {
      return emailsForRole(db, role, at);
    },

    /**
     * Sends one step's mail at most once: the outbox row is claimed first, and a step already sent or
     * permanently refused is not sent again. A 5xx reply marks the message failed instead of retrying
     * forever; other errors are retried by Temporal with backoff.
     */
    async sendMail(req: MailRequest): Promise<MailOutcome> {
      const to = [...new Set(req.to)];
      if (to.length === 0) return 'no_recipients';
      const digest = createHash('sha256').update(`${req.workflowId}/${req.stepKey}`).digest('hex').slice(0, 32);
      const messageId = `<${digest}@appraisal-supervision>`;
      const row = await claimOutboxMessage(db, { ...req, recipients: to, body: req.text, messageId });
      if (row.status !== 'pending') return row.status;
      // An attempt that sent the message but could not record it (MySQL away) left that in its heartbeat,
      // which Temporal hands to the retry: record it now rather than send it again.
      const sentBefore = (Context.current().info.heartbeatDetails as { sent?: boolean } | undefined)?.sent === true;
      if (!sentBefore) {
        try {
          await mailer.send({ messageId, to, subject: req.subject, text: req.text });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (isPermanentMailError(error)) {
            await markOutbox(db, row.id, 'failed', message);
            log.warn('mail refused permanently', { workflowId: req.workflowId, stepKey: req.stepKey, error: message });
            return 'failed';
          }
          await markOutbox(db, row.id, 'pending', message);
          throw ApplicationFailure.retryable(`mail not sent yet: ${message}`, 'MailDeferred');
        }
        Context.current().heartbeat({ sent: true });
      }
      await markOutbox(db, row.id, 'sent');
      return 'sent';
    },

    async saveComplaint(state: ComplaintState, extra: Parameters<typeof saveComplaintSnapshot>[2]): Promise<void> {
      await saveComplaintSnapshot(db, state, extra);
    },

    /** The automatic checks (自动核查) where a complaint names a session, station or examiner: facts for the investigator. */
    async complaintChecks(targets: Targets, sessionRegion: SessionRegion): Promise<{ facts: CheckFact[]; provinceCode: string | null }> {
      return complaintFacts(db, targets, sessionRegion);
    },

    /** Mails the complainant at the contact sealed apart from the case; an anonymous complaint has none. */
    async mailComplainant(req: { complaintId: string; workflowId: string; stepKey: string; subject: string; text: string }): Promise<MailOutcome> {
      const sealed = await sealedContact(db, req.complaintId);
      if (!sealed) return 'no_recipients';
      const contact = unseal<{ email: string }>(sealed);
      return activities.sendMail({ workflowId: req.workflowId, stepKey: req.stepKey, to: [contact.email], subject: req.subject, text: req.text });
    },

    // The finding's actions follow the rule in ./crossProcess: each reports what it changed, read back, or why it could not.

    /** A finding's ad-hoc inspection, started in the inspection process; its id derives from the complaint, so never twice. */
    async startComplaintInspection(req: { complaintId: string; stationId: number; policy: InspectionPolicy; reason: string }): Promise<ActionReport> {
      const station = await stationForInspection(db, req.stationId);
      if (!station) return { applied: false, reason: `station ${req.stationId} is not in the register` };
      if (station.status === 'revoked') return { applied: false, reason: `station ${req.stationId} is revoked` };
      const template = await latestTemplate(db, 'station-routine', station.snapshot.cityCode);
      if (!template) return { applied: false, reason: 'no checklist template applies to the station' };
      const id = `K${req.complaintId}-S${req.stationId}`;
      const handle = await temporal.workflow
        .start(inspection, {
          workflowId: inspectionWorkflowId(id),
          taskQueue: Context.current().info.taskQueue,
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          args: [{ id, kind: 'ad_hoc', station: station.snapshot, template, previousTeamIds: station.lastTeamIds, policy: req.policy, startedBy: { id: `complaint:${req.complaintId}`, roles: [] }, reason: req.reason }],
        })
        .catch((error: unknown) => {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          return temporal.workflow.getHandle(inspectionWorkflowId(id));
        });
      const described = await handle.describe();
      return { applied: true, result: { inspectionId: id, workflow: described.status.name } };
    },

    async invalidateCertificate(req: { certificateNumber: string; complaintId: string; reasons: string[] }): Promise<ActionReport> {
      await invalidateCertificate(db, req);
      const read = await certificateInvalidation(db, req.certificateNumber);
      return read.invalid ? { applied: true, result: { certificateNumber: req.certificateNumber, invalidatedAt: read.invalidatedAt } } : { applied: false, reason: `certificate ${req.certificateNumber} is not recorded invalid` };
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
  return activities;
}

export type Activities = ReturnType<typeof createActivities>;
