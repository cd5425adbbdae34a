import type { Db } from '../db/connect';
import { issueSessionCertificates } from '../db/queries/certificates';
import type { ActionReport } from '../domain/case';

/** The certificate register's writes a process makes (see db/queries/certificates.ts). */
export function createCertificateActivities({ db }: { db: Db }) {
  return {
    /**
     * An approved session's certificates, one per passing candidate, issued once however often this runs (a retry,
     * a worker restarted mid-call): reported with all the session's numbers, or refused with the reason.
     */
    async issueSessionCertificates(req: { sessionId: string }): Promise<ActionReport> {
      const issue = await issueSessionCertificates(db, req.sessionId);
      return issue.issued ? { applied: true, result: { count: issue.numbers.length, numbers: issue.numbers } } : { applied: false, reason: issue.reason };
    },
  };
}

export type CertificateActivities = ReturnType<typeof createCertificateActivities>;
