import { z } from 'zod';
import { SYSTEM, record, withoutTimeline, type ActionContext, type CaseRecord, type CaseRules, type Pending as CasePending } from './case';
import { qualificationMailsFor } from './notices';
import { durationMs } from './duration';
import { forbidden, invalid, notAllowed } from './errors';
import type { QualificationPolicy } from './policy';
import { hasRole, type Actor, type Role } from './roles';

/** Examiner qualification (考评员资格): admission, renewal cycles, lapse, suspension, revocation. */

export const QUALIFICATION_STATUSES = ['applied', 'active', 'renewal_submitted', 'awaiting_supervisor', 'suspended', 'lapsed', 'revoked', 'rejected'] as const;
export type QualificationStatus = (typeof QUALIFICATION_STATUSES)[number];
export const FINAL_QUALIFICATION_STATUSES: readonly QualificationStatus[] = ['lapsed', 'revoked', 'rejected'];
/** Statuses in which the examiner may be assigned (inspection teams, sessions). */
export const ELIGIBLE_STATUSES: readonly QualificationStatus[] = ['active', 'renewal_submitted', 'awaiting_supervisor'];

export interface ExaminerRef {
  id: string;
  name: string;
  email: string;
  organisation: string;
}

export interface Renewal {
  trainingHours: number;
  sessionsConducted: number;
  /** Violations on the conduct record in the period, looked up when the renewal was submitted. */
  violations: number;
  notes: string;
  submittedAt: string;
  reviewerApprovedBy?: string;
  returns: string[][];
}

export interface QualificationState extends CaseRecord {
  id: string;
  examiner: ExaminerRef;
  occupationCode: string;
  level: number;
  status: QualificationStatus;
  cardNumber?: string;
  issuedAt?: string;
  expiresAt?: string;
  cycle: number;
  /** When the current cycle began: the renewal period runs from here to expiry. */
  cycleStartedAt?: string;
  admission?: { trainingHours: number; examScore: number };
  renewal?: Renewal;
  renewalRejected?: string[];
  suspension?: { until: string; reasons: string[]; by: string; resumeStatus: QualificationStatus };
  remindersSent: string[];
  endReason?: string;
}

export type QualificationAction =
  | { type: 'decideAdmission'; outcome: 'approve' | 'reject'; reasons: string[] }
  | { type: 'submitRenewal'; trainingHours: number; sessionsConducted: number; violations: number; notes: string }
  | { type: 'decideRenewal'; outcome: 'approve' | 'return' | 'reject'; reasons: string[] }
  | { type: 'suspend'; until: string; reasons: string[] }
  | { type: 'revoke'; reasons: string[] };
export type QualificationActionType = QualificationAction['type'];
export type QualificationPending = CasePending<QualificationActionType>;

export const admissionSchema = z.object({
  occupationCode: z.string().regex(/^\d-\d{2}-\d{2}-\d{2}$/, 'must be an occupation code such as 4-04-05-01'),
  level: z.number().int().min(1).max(5),
  trainingHours: z.number().min(0).max(10_000),
  examScore: z.number().min(0).max(100),
});

export function initialQualification(input: {
  id: string;
  examiner: ExaminerRef;
  occupationCode: string;
  level: number;
  admission?: { trainingHours: number; examScore: number };
  /** An imported qualification starts issued. */
  issued?: { cardNumber: string; issuedAt: string; expiresAt: string };
  at: string;
  actor: Actor;
}): QualificationState {
  const base: QualificationState = {
    id: input.id,
    examiner: input.examiner,
    occupationCode: input.occupationCode,
    level: input.level,
    status: input.issued ? 'active' : 'applied',
    cycle: 1,
    remindersSent: [],
    version: 0,
    timeline: [],
    ...(input.admission ? { admission: input.admission } : {}),
    ...(input.issued ? { ...input.issued, cycleStartedAt: input.issued.issuedAt } : {}),
  };
  return record(
    base,
    input.issued ? 'imported' : 'admission_applied',
    { actor: input.actor, role: input.actor.roles[0], at: input.at },
    {
      occupationCode: input.occupationCode,
      level: input.level,
      ...(input.admission ?? {}),
    },
  );
}

export function isQualificationFinal(status: QualificationStatus): boolean {
  return FINAL_QUALIFICATION_STATUSES.includes(status);
}

/** The admission minimums (准入): a reason the applicant falls short, or null. */
export function admissionShortfall(admission: { trainingHours: number; examScore: number }, policy: QualificationPolicy): string | null {
  if (admission.examScore < policy.admission.minExamScore) return `exam score ${admission.examScore} is below ${policy.admission.minExamScore}`;
  if (admission.trainingHours < policy.admission.minTrainingHours)
    return `training ${admission.trainingHours} h is below ${policy.admission.minTrainingHours} h`;
  return null;
}

/** The renewal minimums: training hours and sessions conducted in the period. */
export function renewalShortfall(renewal: { trainingHours: number; sessionsConducted: number }, policy: QualificationPolicy): string | null {
  if (renewal.trainingHours < policy.renewal.minTrainingHours)
    return `training ${renewal.trainingHours} h in the period is below ${policy.renewal.minTrainingHours} h`;
  if (renewal.sessionsConducted < policy.renewal.minSessions)
    return `${renewal.sessionsConducted} sessions conducted in the period, below ${policy.renewal.minSessions}`;
  return null;
}

export function qualificationPendingOn(s: QualificationState): QualificationPending | null {
  switch (s.status) {
    case 'applied':
      return { action: 'decideAdmission', role: 'reviewer', userIds: [] };
    case 'active':
      return s.renewalRejected ? null : { action: 'submitRenewal', role: 'examiner', userIds: [s.examiner.id] };
    case 'renewal_submitted':
      return { action: 'decideRenewal', role: 'reviewer', userIds: [] };
    case 'awaiting_supervisor':
      return { action: 'decideRenewal', role: 'supervisor', userIds: [] };
    default:
      return null;
  }
}

export function checkQualificationAction(s: QualificationState, action: QualificationAction, actor: Actor, policy: QualificationPolicy, at: string): void {
  if (isQualificationFinal(s.status)) throw notAllowed(`the qualification is ${s.status}`);
  const expectStatus = (...allowed: QualificationStatus[]) => {
    if (!allowed.includes(s.status)) throw notAllowed(`${action.type} is not allowed while the qualification is ${s.status}`);
  };
  const expectRole = (role: Role) => {
    if (!hasRole(actor, role)) throw forbidden(`${action.type} needs the ${role} role`);
  };
  switch (action.type) {
    case 'decideAdmission': {
      expectRole('reviewer');
      expectStatus('applied');
      if (actor.id === s.examiner.id) throw forbidden('nobody decides their own admission');
      if (action.outcome === 'reject' && action.reasons.length === 0) throw invalid('reasons', 'a rejection needs reasons');
      const shortfall = admissionShortfall(s.admission!, policy);
      if (action.outcome === 'approve' && shortfall) throw notAllowed(`admission minimums not met: ${shortfall}`);
      return;
    }
    case 'submitRenewal': {
      if (actor.id !== s.examiner.id) throw forbidden('only the examiner may submit the renewal');
      expectStatus('active');
      if (s.renewalRejected) throw notAllowed('the renewal was rejected; the qualification lapses at expiry');
      const shortfall = renewalShortfall(action, policy);
      if (shortfall) throw invalid(shortfall.startsWith('training') ? 'trainingHours' : 'sessionsConducted', `renewal minimums not met: ${shortfall}`);
      return;
    }
    case 'decideRenewal':
      if (action.outcome !== 'approve' && action.reasons.length === 0) throw invalid('reasons', `a ${action.outcome} needs reasons`);
      if (actor.id === s.examiner.id) throw forbidden('nobody decides their own renewal');
      if (s.status === 'awaiting_supervisor') {
        expectRole('supervisor');
        if (action.outcome === 'return') throw notAllowed('the supervisor approves or rejects');
        return;
      }
      expectRole('reviewer');
      expectStatus('renewal_submitted');
      return;
    case 'suspend':
      expectRole('supervisor');
      expectStatus('active', 'renewal_submitted', 'awaiting_supervisor', 'suspended');
      if (Date.parse(action.until) <= Date.parse(at)) throw invalid('until', 'the suspension must end in the future');
      if (action.reasons.length === 0) throw invalid('reasons', 'a suspension needs reasons');
      return;
    case 'revoke':
      expectRole('supervisor');
      if (s.status === 'applied') throw notAllowed('an application is rejected, not revoked');
      if (action.reasons.length === 0) throw invalid('reasons', 'a revocation needs reasons');
      return;
  }
}

export function applyQualificationAction(
  s: QualificationState,
  action: QualificationAction,
  ctx: ActionContext,
  policy: QualificationPolicy,
): QualificationState {
  const role: Role =
    action.type === 'submitRenewal'
      ? 'examiner'
      : action.type === 'decideAdmission'
        ? 'reviewer'
        : action.type === 'decideRenewal' && s.status === 'renewal_submitted'
          ? 'reviewer'
          : 'supervisor';
  const c = { ...ctx, role };
  switch (action.type) {
    case 'decideAdmission': {
      if (action.outcome === 'reject')
        return record({ ...s, status: 'rejected', endReason: action.reasons.join('; ') }, 'admission_rejected', c, { reasons: action.reasons });
      const issuedAt = c.at;
      const expiresAt = new Date(Date.parse(issuedAt) + durationMs(policy.validity)).toISOString();
      return record({ ...s, status: 'active', cardNumber: cardNumber(s), issuedAt, expiresAt, cycleStartedAt: issuedAt }, 'admitted', c, {
        cardNumber: cardNumber(s),
        expiresAt,
      });
    }
    case 'submitRenewal': {
      const renewal: Renewal = {
        trainingHours: action.trainingHours,
        sessionsConducted: action.sessionsConducted,
        violations: action.violations,
        notes: action.notes,
        submittedAt: c.at,
        returns: s.renewal?.returns ?? [],
      };
      return record({ ...s, status: 'renewal_submitted', renewal }, 'renewal_submitted', c, {
        trainingHours: action.trainingHours,
        sessionsConducted: action.sessionsConducted,
        violations: action.violations,
      });
    }
    case 'decideRenewal': {
      const renewal = s.renewal!;
      if (action.outcome === 'return') {
        return record({ ...s, status: 'active', renewal: { ...renewal, returns: [...renewal.returns, action.reasons] } }, 'renewal_returned', c, {
          reasons: action.reasons,
        });
      }
      if (action.outcome === 'reject')
        return record({ ...s, status: 'active', renewalRejected: action.reasons }, 'renewal_rejected', c, { reasons: action.reasons });
      // With two or more violations in the period, the reviewer's approval needs a supervisor's too.
      if (s.status === 'renewal_submitted' && renewal.violations >= policy.renewal.violationsNeedingSupervisor) {
        return record({ ...s, status: 'awaiting_supervisor', renewal: { ...renewal, reviewerApprovedBy: c.actor.id } }, 'renewal_approved_by_reviewer', c, {
          violations: renewal.violations,
        });
      }
      // The next cycle starts where this one ends; the workflow continues as new from here.
      const expiresAt = new Date(Date.parse(s.expiresAt!) + durationMs(policy.validity)).toISOString();
      const next = {
        ...s,
        status: 'active' as const,
        expiresAt,
        cycle: s.cycle + 1,
        cycleStartedAt: s.expiresAt,
        remindersSent: [],
        renewal: undefined,
        renewalRejected: undefined,
      };
      return record(next, 'renewed', c, { expiresAt, cycle: s.cycle + 1 });
    }
    case 'suspend': {
      const resumeStatus = s.status === 'suspended' ? s.suspension!.resumeStatus : s.status;
      return record({ ...s, status: 'suspended', suspension: { until: action.until, reasons: action.reasons, by: c.actor.id, resumeStatus } }, 'suspended', c, {
        until: action.until,
        reasons: action.reasons,
      });
    }
    case 'revoke':
      return record({ ...s, status: 'revoked', endReason: action.reasons.join('; ') }, 'revoked', c, { reasons: action.reasons });
  }
}

/** The suspension ends by itself; the paused renewal clock moves expiry on by the time suspended. */
export function reinstate(s: QualificationState, at: string): QualificationState {
  const suspension = s.suspension!;
  const paused = Date.parse(suspension.until) - Date.parse(s.timeline.filter((e) => e.action === 'suspended').at(-1)!.at);
  const expiresAt = new Date(Date.parse(s.expiresAt!) + paused).toISOString();
  return record({ ...s, status: suspension.resumeStatus, suspension: undefined, expiresAt }, 'reinstated', { actor: SYSTEM, at }, { expiresAt });
}

export function lapse(s: QualificationState, at: string): QualificationState {
  return record({ ...s, status: 'lapsed', endReason: 'expired without an approved renewal' }, 'lapsed', { actor: SYSTEM, at }, { expiresAt: s.expiresAt });
}

export function reminded(s: QualificationState, offset: string, at: string): QualificationState {
  return record({ ...s, remindersSent: [...s.remindersSent, offset] }, 'renewal_reminder', { actor: SYSTEM, at }, { offset, expiresAt: s.expiresAt });
}

/** The next renewal reminder due, if any: offsets before expiry not yet sent this cycle. */
export function nextReminder(s: QualificationState, policy: QualificationPolicy): { offset: string; at: number } | null {
  if (s.status !== 'active' || !s.expiresAt || s.renewalRejected) return null;
  const due = policy.reminderOffsets
    .filter((o) => !s.remindersSent.includes(o))
    .map((offset) => ({ offset, at: Date.parse(s.expiresAt!) - durationMs(offset) }))
    .sort((a, b) => a.at - b.at);
  return due[0] ?? null;
}

function cardNumber(s: QualificationState): string {
  return `KP-${s.occupationCode.replace(/-/g, '')}-${s.level}-${s.id.slice(-8)}`;
}

export const qualificationRules: CaseRules<QualificationState, QualificationAction, QualificationPolicy> = {
  statuses: QUALIFICATION_STATUSES,
  check: checkQualificationAction,
  apply: applyQualificationAction,
  pendingOn: qualificationPendingOn,
  mailsFor: (entry, s) => qualificationMailsFor(entry, s),
  isFinal: (s) => isQualificationFinal(s.status),
  // The cycle's own clock (reminders, expiry, a suspension's end) drives it; no step waits under a deadline.
  deadline: () => undefined,
  project: withoutTimeline,
};
