import type { TimelineEntry } from './case';
import { durationMs } from './duration';
import type { StationApprovalPolicy } from './policy';
import type { ApplicationState } from './stationApproval';

/** The mails of the station approval process; pure, so the workflow composes them. */
export interface Notice {
  subject: string;
  text: string;
}

export interface Mail {
  /** Unique within the case: the outbox key. */
  key: string;
  to: string[];
  notice: Notice;
}

const ref = (s: ApplicationState) => `application ${s.id} (${s.application.stationName})`;
const lines = (items: string[]) => items.map((i) => `  - ${i}`).join('\n');

export const stationNotices = {
  reminder: (s: ApplicationState, action: string, dueAt: string): Notice => ({
    subject: `Reminder: ${action} overdue on station application ${s.id}`,
    text: `The step "${action}" on ${ref(s)} was due at ${dueAt} and has not been taken. Please act now.`,
  }),
  escalation: (s: ApplicationState, action: string, level: number, holders: string): Notice => ({
    subject: `Escalation (level ${level}): station application ${s.id} is overdue`,
    text: `The step "${action}" on ${ref(s)}, held by ${holders}, missed its deadline. It is escalated to you (level ${level}).`,
  }),
};

/**
 * The mails a timeline entry calls for. Derived from what happened rather than from where the
 * process stands, so no step's mail is skipped however quickly people act.
 */
export function stationMailsFor(entry: TimelineEntry, s: ApplicationState, policy: StationApprovalPolicy): Mail[] {
  const applicant = [s.application.contactEmail];
  const reasons = (entry.data?.reasons as string[] | undefined) ?? [];
  const resubmitBy = () => new Date(Date.parse(entry.at) + durationMs(policy.deadlines.resubmission)).toISOString();
  const mail = (to: string[], subject: string, text: string): Mail[] => [{ key: `${entry.seq}-${entry.action}`, to, notice: { subject: `Station application ${s.id}: ${subject}`, text } }];
  switch (entry.action) {
    case 'completeness_failed':
      return mail(applicant, 'documents incomplete', `Your ${ref(s)} is incomplete. Please resubmit it by ${resubmitBy()} with:\n${lines((entry.data?.gaps as string[]) ?? [])}\n\nWithout a resubmission by then the application is withdrawn.`);
    case 'reviewer_assigned':
      return mail([s.reviewer!.email], 'review the documents', `You have been assigned to review the documents of ${ref(s)} by ${s.application.organisation.name}.`);
    case 'review_return':
      return mail(applicant, 'returned for changes', `The reviewer returned your ${ref(s)} for these reasons:\n${lines(reasons)}\n\nPlease resubmit by ${resubmitBy()}.`);
    case 'assessors_assigned':
      return mail(s.assessors.map((a) => a.email), 'assess the station on site', `You have been assigned to assess ${ref(s)} by ${s.application.organisation.name} on site.`);
    case 'review_reject':
    case 'decision_reject':
      return mail(applicant, 'rejected', `Your ${ref(s)} is rejected for these reasons:\n${lines(reasons)}`);
    case 'withdrawn':
    case 'withdrawn_by_deadline':
      return mail(applicant, 'withdrawn', `Your ${ref(s)} is withdrawn: ${s.withdrawnReason ?? ''}`);
    case 'licence_issued': {
      const licence = s.licence!;
      const scope = lines(licence.scope.map((e) => `${e.occupationCode} up to level ${e.highestLevel}`));
      const notes = s.decision?.reasons.length ? `\n\nNotes:\n${lines(s.decision.reasons)}` : '';
      return mail(applicant, `approved, licence ${licence.licenceNumber}`, `Your ${ref(s)} is approved. Licence ${licence.licenceNumber}, valid until ${licence.validUntil}, covers:\n${scope}${notes}`);
    }
    default:
      return [];
  }
}
