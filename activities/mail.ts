import { createHash } from 'node:crypto';
import { ApplicationFailure, Context, log } from '@temporalio/activity';
import type { Db } from '../db/connect';
import { sealedContact } from '../db/queries/complaints';
import { claimOutboxMessage, markOutbox } from '../db/queries/outbox';
import type { Sealer } from '../platform/sealing';
import { isPermanentMailError, type MailAttachment, type Mailer } from './mailer';

export interface MailRequest {
  workflowId: string;
  /** Unique within the workflow: the outbox key that keeps a retried step from mailing twice. */
  stepKey: string;
  to: string[];
  subject: string;
  text: string;
  /** Files sent with the message (made by the activity that sends it; the outbox keeps the text only). */
  attachments?: MailAttachment[];
}

export type MailOutcome = 'sent' | 'failed' | 'no_recipients';

/** Mail through the outbox, run under the mail policy (workflows/support.ts): an SMTP server may be away for a while. */
export function createMailActivities({ db, mailer, sealer }: { db: Db; mailer: Mailer; sealer: Sealer }) {
  /**
   * Sends one step's mail at most once: the outbox row is claimed first, and a step already sent or
   * permanently refused is not sent again. A 5xx reply marks the message failed instead of retrying
   * forever; other errors are retried by Temporal with backoff.
   */
  async function sendMail(req: MailRequest): Promise<MailOutcome> {
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
        await mailer.send({ messageId, to, subject: req.subject, text: req.text, attachments: req.attachments });
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
  }

  return {
    sendMail,

    /** Mails the complainant at the contact sealed apart from the case; an anonymous complaint has none. */
    async mailComplainant(req: { complaintId: string; workflowId: string; stepKey: string; subject: string; text: string }): Promise<MailOutcome> {
      const sealed = await sealedContact(db, req.complaintId);
      if (!sealed) return 'no_recipients';
      const contact = sealer.unseal<{ email: string }>(sealed);
      return sendMail({ workflowId: req.workflowId, stepKey: req.stepKey, to: [contact.email], subject: req.subject, text: req.text });
    },
  };
}

export type MailActivities = ReturnType<typeof createMailActivities>;
