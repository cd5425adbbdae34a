import type { TimelineEntry } from './case';
import { durationMs, isIsoDuration } from './duration';
import type { StationApprovalPolicy } from './policy';
import type { InspectionState } from './inspection';
import type { QualificationState } from './qualification';
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

/**
 * The due time an entry states for the period it began: the one the case holds, recorded on the entry when the period was
 * resolved (CaseRules.statesDue). Entries recorded before due times were stated count an ISO period from the entry, as the
 * case did; null where neither is known (a working-day period the case replaced before it was resolved).
 */
export function statedDue(entry: Pick<TimelineEntry, 'at' | 'data'>, period: string): string | null {
  const dueAt = entry.data?.dueAt;
  if (typeof dueAt === 'string') return dueAt;
  return isIsoDuration(period) ? new Date(Date.parse(entry.at) + durationMs(period)).toISOString() : null;
}

/** Reminder and escalation mails for any case, named by a label such as "station application 01H…". */
export const deadlineNotices = {
  reminder: (label: string, action: string, dueAt: string): Notice => ({
    subject: `Reminder: ${action} overdue on ${label}`,
    text: `The step "${action}" on ${label} was due at ${dueAt} and has not been taken. Please act now.`,
  }),
  escalation: (label: string, action: string, level: number, holders: string): Notice => ({
    subject: `Escalation (level ${level}): ${label} is overdue`,
    text: `The step "${action}" on ${label}, held by ${holders}, missed its deadline. It is escalated to you (level ${level}).`,
  }),
};

/**
 * The mails a timeline entry calls for. Derived from what happened rather than from where the
 * process stands, so no step's mail is skipped however quickly people act.
 */
export function stationMailsFor(entry: TimelineEntry, s: ApplicationState, policy: StationApprovalPolicy): Mail[] {
  const applicant = [s.application.contactEmail];
  const reasons = (entry.data?.reasons as string[] | undefined) ?? [];
  const resubmitBy = () => statedDue(entry, policy.deadlines.resubmission) ?? 'the due date shown on the application';
  const mail = (to: string[], subject: string, text: string): Mail[] => [
    { key: `${entry.seq}-${entry.action}`, to, notice: { subject: `Station application ${s.id}: ${subject}`, text } },
  ];
  switch (entry.action) {
    case 'completeness_failed':
      return mail(
        applicant,
        'documents incomplete',
        `Your ${ref(s)} is incomplete. Please resubmit it by ${resubmitBy()} with:\n${lines((entry.data?.gaps as string[]) ?? [])}\n\nWithout a resubmission by then the application is withdrawn.`,
      );
    case 'reviewer_assigned':
      return mail(
        [s.reviewer!.email],
        'review the documents',
        `You have been assigned to review the documents of ${ref(s)} by ${s.application.organisation.name}.`,
      );
    case 'review_return':
      return mail(
        applicant,
        'returned for changes',
        `The reviewer returned your ${ref(s)} for these reasons:\n${lines(reasons)}\n\nPlease resubmit by ${resubmitBy()}.`,
      );
    case 'assessors_assigned':
      return mail(
        s.assessors.map((a) => a.email),
        'assess the station on site',
        `You have been assigned to assess ${ref(s)} by ${s.application.organisation.name} on site.`,
      );
    case 'review_reject':
    case 'decision_reject':
      return mail(applicant, 'rejected', `Your ${ref(s)} is rejected for these reasons:\n${lines(reasons)}`);
    case 'withdrawn':
    case 'withdrawn_by_deadline':
      return mail(applicant, 'withdrawn', `Your ${ref(s)} is withdrawn: ${s.withdrawnReason ?? ''}`);
    case 'statutory_limit_extended': {
      const amount = statutoryAmount(entry.data?.unit, Number(entry.data?.amount));
      const dueAt = entry.data?.dueAt as string | null | undefined;
      const due = dueAt ? `，现应于 ${dueAt} 前作出决定` : '';
      const dueEn = dueAt ? `; the decision is now due by ${dueAt}` : '';
      return mail(
        applicant,
        '审批期限延长 / decision period extended',
        `您的${ref(s)}的法定审批期限经批准延长 ${amount.zh}${due}。理由：\n${lines(reasons)}\n\n` +
          `The statutory period for deciding your ${ref(s)} is extended by ${amount.en}${dueEn}. Reasons:\n${lines(reasons)}`,
      );
    }
    case 'licence_issued': {
      const licence = s.licence!;
      const scope = lines(licence.scope.map((e) => `${e.occupationCode} up to level ${e.highestLevel}`));
      const notes = s.decision?.reasons.length ? `\n\nNotes:\n${lines(s.decision.reasons)}` : '';
      return mail(
        applicant,
        `approved, licence ${licence.licenceNumber}`,
        `Your ${ref(s)} is approved. Licence ${licence.licenceNumber}, valid until ${licence.validUntil}, covers:\n${scope}${notes}`,
      );
    }
    default:
      return [];
  }
}

/** A statutory period in its unit: working days, or (seconds-scale tests) elapsed time. */
function statutoryAmount(unit: unknown, amount: number): { zh: string; en: string } {
  if (unit === 'workingDays') return { zh: `${amount} 个工作日`, en: `${amount} working days` };
  return { zh: `${amount / 1000} 秒`, en: `${amount / 1000} s` };
}

/** The statutory limit of a licensing decision ran out (法定办理时限): the holder is reminded, the top of the ladder told. */
export const statutoryNotices = {
  reminder: (label: string, action: string, dueAt: string): Notice => ({
    subject: `法定办理时限已过 / Statutory limit passed: ${label}`,
    text:
      `${label}的法定办理时限已于 ${dueAt} 届满，待办事项"${action}"仍未完成。请立即办理。\n\n` +
      `The statutory limit for deciding ${label} ran out at ${dueAt}; the step "${action}" is still open. Please act now.`,
  }),
  escalation: (label: string, dueAt: string): Notice => ({
    subject: `法定办理时限超期 / Statutory limit missed: ${label}`,
    text:
      `${label}未在法定办理时限（${dueAt} 届满）内作出许可决定，已上报至您。\n\n` +
      `No licensing decision on ${label} was taken within its statutory limit (ran out at ${dueAt}); it is escalated to you.`,
  }),
};

/** The mails an inspection's timeline entry calls for: the team on assignment, the station on orders, sanctions and outcome. */
export function inspectionMailsFor(entry: TimelineEntry, s: InspectionState, rectificationPeriod: string): Mail[] {
  const label = `inspection ${s.id} of ${s.station.name}`;
  const station = [s.station.adminEmail];
  const mail = (to: string[], subject: string, text: string): Mail[] => [
    { key: `${entry.seq}-${entry.action}`, to, notice: { subject: `Inspection ${s.id}: ${subject}`, text } },
  ];
  const items = (entry.data?.items as string[] | undefined) ?? [];
  switch (entry.action) {
    case 'team_assigned':
      return mail(
        s.team.map((p) => p.email),
        'you are on the team',
        `You are on the team for ${label} (lead: ${s.leadId}). Please acknowledge.`,
      );
    case 'rectification_ordered': {
      const by = statedDue(entry, rectificationPeriod) ?? 'the due date shown on the inspection';
      const texts = items.map((id) => s.template.items.find((i) => i.id === id)?.text ?? id);
      return mail(station, 'rectification order (整改通知)', `${label} found these items failing:\n${lines(texts)}\n\nRectify them and report by ${by}.`);
    }
    case 'sanction_warning':
    case 'sanction_suspension':
    case 'sanction_revocation':
      return mail(
        station,
        entry.action.replace('sanction_', 'sanction: '),
        `After ${label}, the authority decided: ${entry.action.replace('sanction_', '')}.\n${lines((entry.data?.reasons as string[]) ?? [])}`,
      );
    case 'review_pass':
    case 'rectification_verified':
      return mail(
        station,
        'closed',
        `${label} is closed (${entry.action === 'review_pass' ? 'passed' : 'rectification verified'}), rating ${s.result?.rating ?? 'n/a'}.`,
      );
    default:
      return [];
  }
}

/** The examiner hears of every change to their qualification. */
export function qualificationMailsFor(entry: TimelineEntry, s: QualificationState): Mail[] {
  const what = `${s.occupationCode} level ${s.level}${s.cardNumber ? ` (card ${s.cardNumber})` : ''}`;
  const reasons = lines((entry.data?.reasons as string[] | undefined) ?? []);
  const texts: Record<string, [string, string]> = {
    admitted: ['admitted', `Your examiner qualification ${what} is issued, valid until ${s.expiresAt}.`],
    admission_rejected: ['admission rejected', `Your application for ${what} is rejected:\n${reasons}`],
    renewal_reminder: [
      'renewal due',
      `Your qualification ${what} expires at ${s.expiresAt}. Submit your renewal (training hours and sessions conducted) before then.`,
    ],
    renewal_returned: ['renewal returned', `Your renewal of ${what} needs more evidence:\n${reasons}`],
    renewed: ['renewed', `Your qualification ${what} is renewed until ${s.expiresAt}.`],
    renewal_rejected: ['renewal rejected', `Your renewal of ${what} is rejected; the qualification lapses at ${s.expiresAt}:\n${reasons}`],
    lapsed: ['lapsed (退出)', `Your qualification ${what} has lapsed without an approved renewal. You are no longer assigned; re-entry is through admission.`],
    suspended: ['suspended', `Your qualification ${what} is suspended until ${String(entry.data?.until)}:\n${reasons}`],
    reinstated: ['reinstated', `Your suspension has ended; ${what} is valid until ${s.expiresAt}.`],
    revoked: ['revoked', `Your qualification ${what} is revoked:\n${reasons}`],
  };
  const text = texts[entry.action];
  if (!text) return [];
  const key = entry.action === 'renewal_reminder' ? `c${s.cycle}-reminder-${String(entry.data?.offset)}` : `${entry.seq}-${entry.action}`;
  return [{ key, to: [s.examiner.email], notice: { subject: `Examiner qualification ${s.id}: ${text[0]}`, text: text[1] } }];
}

/** The mails of a station licence's life (Chinese first, English after): reminders before expiry, lapse, the renewal's outcome. */
export const licenceNotices = {
  reminder: (station: string, licence: string, validUntil: string): Notice => ({
    subject: `许可证即将到期 / Licence expiring: ${licence}`,
    text:
      `${station}的许可证 ${licence} 有效期至 ${validUntil}。请在到期前提交续期申请，否则许可证到期失效，鉴定站将不能登记鉴定场次。\n\n` +
      `The licence ${licence} of ${station} is valid until ${validUntil}. File a renewal before then; without one it lapses and the station may not register sessions.`,
  }),
  lapsed: (station: string, licence: string, validUntil: string): Notice => ({
    subject: `许可证已失效 / Licence lapsed: ${licence}`,
    text:
      `${station}的许可证 ${licence} 已于 ${validUntil} 到期失效：不得登记鉴定场次，例行检查暂停，公开名录不再列出。续期获批后自批准之日起恢复。\n\n` +
      `The licence ${licence} of ${station} lapsed at ${validUntil}: no sessions may be registered, routine inspections pause and public lists drop the station. An approved renewal revives it from its decision date.`,
  }),
  renewed: (station: string, licence: string, validUntil: string): Notice => ({
    subject: `续期已批准 / Renewal approved: ${licence}`,
    text: `${station}的许可证 ${licence} 续期已批准，有效期至 ${validUntil}。\n\nThe renewal of licence ${licence} of ${station} is approved: valid until ${validUntil}.`,
  }),
  rejected: (station: string, licence: string, validUntil: string, reasons: string[]): Notice => ({
    subject: `续期未获批准 / Renewal rejected: ${licence}`,
    text:
      `${station}的许可证 ${licence} 续期未获批准，许可证有效期至 ${validUntil}。理由：\n${lines(reasons)}\n\n` +
      `The renewal of licence ${licence} of ${station} is rejected; the licence is valid until ${validUntil}. Reasons:\n${lines(reasons)}`,
  }),
};
