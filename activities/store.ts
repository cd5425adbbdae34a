import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/connect';
import { saveCampaign } from '../db/queries/campaigns';
import { latestTemplate } from '../db/queries/checklistTemplates';
import { complaintFacts } from '../db/queries/complaintChecks';
import { findCertificate, revokeCertificate } from '../db/queries/certificates';
import { saveComplaintSnapshot, type ComplaintSave } from '../db/queries/complaints';
import type { CaseEvent } from '../db/queries/events';
import { saveInspectionSnapshot } from '../db/queries/inspections';
import { importedQualificationsPage, saveQualificationSnapshot, type QualificationSave } from '../db/queries/qualifications';
import { insertSession, saveSessionSnapshot, setQualitySupervisor, type SessionProjection } from '../db/queries/sessions';
import { saveApplicationSnapshot, type ApplicationSave } from '../db/queries/stationApplications';
import { countStations, issueLicence, saveProgrammeSnapshot, stationIdsPage, type LicenceRequest, type StationFilter } from '../db/queries/stations';
import { emailsForRole } from '../db/queries/users';
import type { CaseSave } from '../domain/case';
import type { CheckFact, Targets } from '../domain/complaint';
import type { InspectionProjection } from '../domain/inspection';
import type { AppraisalSession, SessionRegion } from '../domain/programme';
import type { Role } from '../domain/roles';
import type { ActionReport } from '../domain/case';
import { normaliseCertificateNumber } from '../domain/certificate';
import { Refusal } from '../domain/errors';

/** Reads and writes of MySQL: short, run under the store policy (workflows/support.ts). */
export function createStoreActivities({ db }: { db: Db }) {
  return {
    async saveStationApplication(save: ApplicationSave): Promise<void> {
      await saveApplicationSnapshot(db, save);
    },

    async saveInspection(save: CaseSave<InspectionProjection>): Promise<void> {
      await saveInspectionSnapshot(db, save);
    },

    async saveQualification(save: QualificationSave): Promise<void> {
      await saveQualificationSnapshot(db, save);
    },

    async saveComplaint(save: ComplaintSave): Promise<void> {
      await saveComplaintSnapshot(db, save);
    },

    async saveSession(save: CaseSave<SessionProjection>): Promise<void> {
      await saveSessionSnapshot(db, save);
    },

    async saveProgramme(snapshot: Parameters<typeof saveProgrammeSnapshot>[1], events: CaseEvent[]): Promise<void> {
      await saveProgrammeSnapshot(db, snapshot, events);
    },

    async saveCampaign(campaign: Parameters<typeof saveCampaign>[1]): Promise<void> {
      await saveCampaign(db, campaign);
    },

    async importedQualificationsPage(importId: string, afterId: string, limit: number) {
      return importedQualificationsPage(db, importId, afterId, limit);
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

    async issueStationLicence(req: LicenceRequest) {
      return issueLicence(db, req);
    },

    async emailsForRole(role: Role, at?: string | string[]): Promise<string[]> {
      return emailsForRole(db, role, at);
    },

    /** The automatic checks (自动核查) where a complaint names a session, station or examiner: facts for the investigator. */
    async complaintChecks(targets: Targets, sessionRegion: SessionRegion): Promise<{ facts: CheckFact[]; provinceCode: string | null }> {
      return complaintFacts(db, targets, sessionRegion);
    },

    /**
     * A finding's revocation of a certificate in the register, by the complaint (`complaint:<id>`), reported as read
     * back (see ./crossProcess): a retry finds it revoked by the same case and reports it applied. `by`, the
     * investigator, is absent in calls from complaints that ran before the register.
     */
    async invalidateCertificate(req: { certificateNumber: string; complaintId: string; reasons: string[]; by?: string }): Promise<ActionReport> {
      const number = normaliseCertificateNumber(req.certificateNumber);
      const revokedCase = `complaint:${req.complaintId}`;
      const audit = req.by ? { actorId: req.by, actorRole: 'inspector' } : { actorId: 'system', actorRole: 'system' };
      try {
        await revokeCertificate(db, number, { reason: req.reasons.join('; '), revokedCase, audit });
      } catch (error) {
        // Not valid any more: revoked by this case before (a retry) or otherwise, as read back below.
        if (!(error instanceof Refusal)) throw error;
      }
      const read = await findCertificate(db, number);
      if (!read) return { applied: false, reason: `no certificate ${number} in the register` };
      return read.status === 'revoked' && read.revokedCase === revokedCase
        ? { applied: true, result: { certificateNumber: number, revokedAt: read.revokedAt } }
        : { applied: false, reason: `certificate ${number} is ${read.status}${read.revokedCase ? ` (${read.revokedCase})` : ''}` };
    },
  };
}

export type StoreActivities = ReturnType<typeof createStoreActivities>;
