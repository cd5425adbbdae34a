import { z } from 'zod';
import { singleLine } from './text';
import {
  SYSTEM,
  periodFrom,
  record,
  withoutTimeline,
  type ActionContext,
  type CaseRecord,
  type CaseRules,
  type Deadline,
  type Pending as CasePending,
} from './case';
import { durationMs } from './duration';
import type { ComplaintPolicy } from './policy';
import { forbidden, invalid, notAllowed } from './errors';
import { recusalReason } from './recusal';
import { hasRole, type Actor, type Person, type Role } from './roles';

/** Quality complaints (质量投诉): public intake, triage, automatic checks, investigation, findings, appeal. */

export const CATEGORIES = [
  'fraudulent_appraisal',
  'cross_region_appraisal',
  'out_of_scope_appraisal',
  'examiner_misconduct',
  'certificate_problem',
  'other',
] as const;
export const SEVERITIES = ['normal', 'serious', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const FINDINGS = ['substantiated', 'partly_substantiated', 'unsubstantiated'] as const;
export type Finding = (typeof FINDINGS)[number];

export const intakeSchema = z.object({
  /** A consultation is answered by a handler, or converted into a complaint. */
  kind: z.enum(['complaint', 'consultation']).default('complaint'),
  category: z.enum(CATEGORIES),
  stationId: z.number().int().positive().optional(),
  examinerId: z.string().min(1).max(64).optional(),
  sessionId: z.string().min(1).max(40).optional(),
  certificateNumber: z.string().min(1).max(64).optional(),
  happenedOn: z.iso.date(),
  description: z.string().trim().min(10).max(10_000),
  evidence: z.string().max(20_000).default(''),
  /** Withheld for an anonymous complaint. */
  contact: z.object({ name: singleLine(1, 100), email: z.string().email(), phone: singleLine(0, 30).optional() }).optional(),
});
export type Intake = z.infer<typeof intakeSchema>;

export interface Targets {
  stationId?: number;
  examinerId?: string;
  sessionId?: string;
}

/** Facts the automatic checks established, for the investigator. */
export interface CheckFact {
  check: 'out_of_scope' | 'cross_region' | 'station_not_active' | 'examiner_not_active' | 'fraud_signals';
  result: boolean;
  detail: string;
}

export type FindingAction =
  | { type: 'adhoc_inspection' }
  | { type: 'suspend_examiner'; until: string }
  | { type: 'propose_revocation' }
  | { type: 'propose_station_sanction' }
  /** The certificate to revoke in the register: the intake's number where none is named (findings before the register named none). */
  | { type: 'invalidate_certificate'; certificateNumber?: string };

export const COMPLAINT_STATUSES = ['consultation', 'answered', 'received', 'triaged', 'investigating', 'closed', 'appealed', 'merged', 'final'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

export interface ComplaintState extends CaseRecord {
  id: string;
  trackingNumber: string;
  anonymous: boolean;
  intake: Omit<Intake, 'contact'>;
  status: ComplaintStatus;
  category: Intake['category'];
  severity?: Severity;
  targets: Targets;
  /** The station's organisation and affiliations, for the investigator's recusal. */
  targetOrganisations: string[];
  /** Where the named station is: escalation climbs the jurisdiction tree from there. */
  region?: { provinceCode: string; cityCode: string };
  facts: CheckFact[];
  investigator?: Person;
  previousInvestigators: string[];
  finding?: { finding: Finding; reasons: string[]; actions: FindingAction[]; by: string; at: string };
  mergedInto?: string;
  mergedComplaints: string[];
  appealedAt?: string;
  extensions: number;
  /** Whether the last investigation closed within its SLA (as extended). */
  slaMet?: boolean;
}

export type ComplaintAction =
  | { type: 'answer'; answer: string }
  | { type: 'convert' }
  | {
      type: 'triage';
      category: Intake['category'];
      severity: Severity;
      targets: Targets;
      targetOrganisations: string[];
      region?: { provinceCode: string; cityCode: string };
    }
  | { type: 'merge'; intoId: string }
  | { type: 'assignInvestigator'; investigator: Person }
  | { type: 'extendDeadline'; reasons: string[] }
  | { type: 'submitFinding'; finding: Finding; reasons: string[]; actions: FindingAction[] };
export type ComplaintActionType = ComplaintAction['type'];
export type ComplaintPending = CasePending<ComplaintActionType>;

/** `anonymous`: whether the complainant withheld a contact (the intake never carries it: it is sealed apart). */
export function initialComplaint(input: {
  id: string;
  trackingNumber: string;
  intake: Omit<Intake, 'contact'>;
  anonymous: boolean;
  at: string;
}): ComplaintState {
  const { intake, anonymous } = input;
  const state: ComplaintState = {
    id: input.id,
    trackingNumber: input.trackingNumber,
    anonymous,
    intake,
    status: intake.kind === 'consultation' ? 'consultation' : 'received',
    category: intake.category,
    targets: {
      ...(intake.stationId ? { stationId: intake.stationId } : {}),
      ...(intake.examinerId ? { examinerId: intake.examinerId } : {}),
      ...(intake.sessionId ? { sessionId: intake.sessionId } : {}),
    },
    targetOrganisations: [],
    facts: [],
    previousInvestigators: [],
    mergedComplaints: [],
    extensions: 0,
    version: 0,
    timeline: [],
  };
  return record(state, 'received', { actor: { id: 'public', roles: [] }, at: input.at }, { category: intake.category, anonymous });
}

export const isComplaintFinal = (s: ComplaintStatus) => s === 'final' || s === 'merged' || s === 'answered';

/** Who must act next; reads only the status and the investigator, so a list row derives it as the case does. */
export function complaintPendingOn(s: Pick<ComplaintState, 'status'> & { investigator?: Pick<Person, 'id'> }): ComplaintPending | null {
  switch (s.status) {
    case 'consultation':
      return { action: 'answer', role: 'complaint_handler', userIds: [] };
    case 'received':
      return { action: 'triage', role: 'complaint_handler', userIds: [] };
    case 'triaged':
      return { action: 'assignInvestigator', role: 'complaint_handler', userIds: [] };
    case 'investigating':
    case 'appealed':
      return s.investigator
        ? { action: 'submitFinding', role: 'inspector', userIds: [s.investigator.id] }
        : { action: 'assignInvestigator', role: 'complaint_handler', userIds: [] };
    default:
      return null;
  }
}

export function checkComplaintAction(s: ComplaintState, action: ComplaintAction, actor: Actor): void {
  if (isComplaintFinal(s.status) || s.status === 'closed') throw notAllowed(`the complaint is ${s.status}`);
  const expectRole = (role: Role) => {
    if (!hasRole(actor, role) && !hasRole(actor, 'supervisor')) throw forbidden(`${action.type} needs the ${role} role`);
  };
  const expectStatus = (...allowed: ComplaintStatus[]) => {
    if (!allowed.includes(s.status)) throw notAllowed(`${action.type} is not allowed while the complaint is ${s.status}`);
  };
  switch (action.type) {
    case 'answer':
    case 'convert':
      expectRole('complaint_handler');
      expectStatus('consultation');
      return;
    case 'triage':
      expectRole('complaint_handler');
      expectStatus('received');
      return;
    case 'merge':
      expectRole('complaint_handler');
      expectStatus('received');
      if (action.intoId === s.id) throw invalid('intoId', 'a complaint cannot be merged into itself');
      return;
    case 'assignInvestigator': {
      expectRole('complaint_handler');
      if (!(s.status === 'triaged' || (s.status === 'appealed' && !s.investigator)))
        throw notAllowed(`assignInvestigator is not allowed while the complaint is ${s.status}`);
      if (!action.investigator.roles.includes('inspector')) throw invalid('investigatorId', `${action.investigator.id} is not an inspector`);
      const reason = recusalReason(action.investigator, s.targetOrganisations);
      if (reason) throw notAllowed(`recusal (回避): ${reason}`);
      if (s.previousInvestigators.includes(action.investigator.id)) throw notAllowed('an appeal needs a different investigator from the first');
      return;
    }
    case 'extendDeadline':
      if (!hasRole(actor, 'supervisor')) throw forbidden('an extension needs a supervisor');
      expectStatus('investigating', 'appealed');
      if (action.reasons.length === 0) throw invalid('reasons', 'an extension needs reasons');
      return;
    case 'submitFinding':
      expectStatus('investigating', 'appealed');
      if (actor.id !== s.investigator?.id) throw forbidden('only the assigned investigator records the finding');
      if (action.reasons.length === 0) throw invalid('reasons', 'a finding needs reasons');
      if (action.finding === 'unsubstantiated' && action.actions.length) throw invalid('actions', 'an unsubstantiated finding takes no actions');
      if (action.actions.some((a) => a.type === 'adhoc_inspection' || a.type === 'propose_revocation') && !s.targets.stationId && !s.targets.examinerId) {
        throw invalid('actions', 'the complaint names no station or examiner to act on');
      }
      if (action.actions.some((a) => a.type === 'suspend_examiner') && !s.targets.examinerId) throw invalid('actions', 'the complaint names no examiner');
      if (action.actions.some((a) => a.type === 'adhoc_inspection' || a.type === 'propose_station_sanction') && !s.targets.stationId)
        throw invalid('actions', 'the complaint names no station');
      if (action.actions.some((a) => a.type === 'invalidate_certificate' && !(a.certificateNumber ?? s.intake.certificateNumber)))
        throw invalid('actions', 'the complaint names no certificate');
      return;
  }
}

export function applyComplaintAction(s: ComplaintState, action: ComplaintAction, ctx: ActionContext): ComplaintState {
  const c = { ...ctx, role: (action.type === 'submitFinding' ? 'inspector' : action.type === 'extendDeadline' ? 'supervisor' : 'complaint_handler') as Role };
  switch (action.type) {
    case 'answer':
      return record({ ...s, status: 'answered' }, 'consultation_answered', c, { answer: action.answer });
    case 'convert':
      return record({ ...s, status: 'received' }, 'converted_to_complaint', c);
    case 'triage':
      return record(
        {
          ...s,
          status: 'triaged',
          category: action.category,
          severity: action.severity,
          targets: action.targets,
          targetOrganisations: action.targetOrganisations,
          region: action.region,
        },
        'triaged',
        c,
        {
          category: action.category,
          severity: action.severity,
          targets: action.targets,
        },
      );
    case 'merge':
      return record({ ...s, status: 'merged', mergedInto: action.intoId }, 'merged', c, { intoId: action.intoId });
    case 'assignInvestigator':
      return record({ ...s, status: s.status === 'triaged' ? 'investigating' : s.status, investigator: action.investigator }, 'investigator_assigned', c, {
        investigatorId: action.investigator.id,
      });
    case 'extendDeadline':
      return record({ ...s, extensions: s.extensions + 1 }, 'deadline_extended', c, { reasons: action.reasons });
    case 'submitFinding': {
      const finding = { finding: action.finding, reasons: action.reasons, actions: action.actions, by: c.actor.id, at: c.at };
      return record({ ...s, status: s.status === 'appealed' ? 'final' : 'closed', finding }, `finding_${action.finding}`, c, {
        reasons: action.reasons,
        actions: action.actions,
      });
    }
  }
}

export function appeal(s: ComplaintState, reason: string, at: string): ComplaintState {
  return record(
    {
      ...s,
      status: 'appealed',
      appealedAt: at,
      previousInvestigators: [...s.previousInvestigators, ...(s.investigator ? [s.investigator.id] : [])],
      investigator: undefined,
    },
    'appealed',
    { actor: { id: 'complainant', roles: [] }, at },
    { reason },
  );
}

export function recordFacts(s: ComplaintState, facts: CheckFact[], at: string): ComplaintState {
  return record({ ...s, facts }, 'checks_completed', { actor: SYSTEM, at }, { facts });
}

/** The handler's answer to a consultation, once given. */
export function consultationAnswer(s: ComplaintState): string | null {
  return ([...s.timeline].reverse().find((e) => e.action === 'consultation_answered')?.data?.answer as string | undefined) ?? null;
}

/** What the complainant may read: status, outcome and the answer to a question, nothing about people. */
export function publicView(s: ComplaintState, appealOpen: boolean) {
  return {
    trackingNumber: s.trackingNumber,
    status: s.status === 'merged' ? 'merged' : s.status,
    category: s.category,
    outcome: s.finding ? { finding: s.finding.finding, reasons: s.finding.reasons } : null,
    answer: consultationAnswer(s),
    appealOpen,
  };
}

/** The policy period of the step a complaint waits on; critical investigations start at the top of the ladder. */
function stepDeadline(s: ComplaintState, policy: ComplaintPolicy, at: number): Deadline | undefined {
  const pending = complaintPendingOn(s);
  if (!pending) return undefined;
  if (pending.action === 'submitFinding') return periodFrom(at, policy.sla[s.severity ?? 'normal'], s.severity === 'critical' ? 3 : 0);
  return periodFrom(at, pending.action === 'assignInvestigator' ? policy.assignInvestigator : policy.triage, 0);
}

export const complaintRules: CaseRules<ComplaintState, ComplaintAction, ComplaintPolicy> = {
  statuses: COMPLAINT_STATUSES,
  check: (s, action, actor) => checkComplaintAction(s, action, actor),
  apply: (s, action, ctx) => applyComplaintAction(s, action, ctx),
  pendingOn: complaintPendingOn,
  // The complainant is mailed by the process's steps at the sealed contact, not from the timeline.
  mailsFor: () => [],
  isFinal: (s) => isComplaintFinal(s.status),
  // A new step starts its period; an extension moves the SLA of the investigation under way.
  deadline: (before, after, current, policy, at) => {
    const step = complaintPendingOn(after)?.action;
    if (!before || step !== complaintPendingOn(before)?.action) return stepDeadline(after, policy, at);
    if (after.extensions !== before.extensions && current && step === 'submitFinding') {
      return { ...current, dueAt: new Date(Date.parse(current.dueAt) + durationMs(policy.extension)).toISOString() };
    }
    return current;
  },
  project: withoutTimeline,
};
