import { createHash } from 'node:crypto';
import { ApplicationFailure, log } from '@temporalio/activity';
import type { Db } from '../db/connect';
import { claimOutboxMessage, markOutbox } from '../db/queries/outbox';
import { saveApplicationSnapshot, type ApplicationSnapshot } from '../db/queries/stationApplications';
import { issueLicence, type LicenceRequest } from '../db/queries/stations';
import { emailsForRole } from '../db/queries/users';
import type { Role } from '../domain/roles';
import { isPermanentMailError, type Mailer } from './mailer';

export interface ActivityDeps {
  db: Db;
  mailer: Mailer;
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
export function createActivities({ db, mailer }: ActivityDeps) {
  return {
    async saveStationApplication(workflowId: string, snapshot: ApplicationSnapshot): Promise<void> {
      await saveApplicationSnapshot(db, workflowId, snapshot);
    },

    async issueStationLicence(req: LicenceRequest) {
      return issueLicence(db, req);
    },

    async emailsForRole(role: Role): Promise<string[]> {
      return emailsForRole(db, role);
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
      await markOutbox(db, row.id, 'sent');
      return 'sent';
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
