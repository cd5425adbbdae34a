import { escalationChain, outsideJurisdiction } from './jurisdiction';
import { SYSTEM, deadlineByStatus, record, withoutTimeline, type ActionContext, type CaseRecord, type CaseRules, type Pending as CasePending } from './case';
import { inspectionMailsFor } from './notices';
import { scoreInspection, sheetProblem, type ChecklistTemplate, type InspectionResult, type ItemScoreSheet, type Rating } from './checklist';
import { forbidden, invalid, notAllowed } from './errors';
import type { InspectionPolicy } from './policy';
import { recusalReason } from './recusal';
import { hasRole, type Actor, type Person, type Role } from './roles';

/** Inspections (监督检查) of licensed stations: team, fieldwork, review, rectification (整改), sanctions. */

export const INSPECTION_KINDS = ['routine', 'campaign', 'ad_hoc', 'follow_up'] as const;
export type InspectionKind = (typeof INSPECTION_KINDS)[number];

/** The sanctions ladder, one rung per missed or failed rectification. */
export const SANCTIONS = ['warning', 'suspension', 'revocation'] as const;
export type Sanction = (typeof SANCTIONS)[number];

export interface StationSnapshot {
  id: number;
  name: string;
  organisation: string;
  provinceCode: string;
  cityCode: string;
  adminId: string;
  adminEmail: string;
  /** Organisations the station declared itself affiliated with: their people recuse too. */
  affiliations: string[];
}

export const INSPECTION_STATUSES = [
  'awaiting_team',
  'awaiting_acknowledgement',
  'fieldwork',
  'awaiting_report',
  'awaiting_review',
  'rectification',
  'verification',
  'awaiting_sanction',
  'closed',
  'revoked',
] as const;
export type InspectionStatus = (typeof INSPECTION_STATUSES)[number];
export const FINAL_INSPECTION_STATUSES: readonly InspectionStatus[] = ['closed', 'revoked'];

export interface ScoreSheet {
  inspectorId: string;
  scores: ItemScoreSheet;
  notes: string;
  at: string;
}

/** 整改通知: the failed items the station must fix by a deadline, then the team's verification. */
export interface RectificationOrder {
  round: number;
  items: string[];
  report?: string;
  reportedAt?: string;
  verification?: { scores: ItemScoreSheet; notes: string; failedItems: string[]; passed: boolean; at: string };
}

export interface InspectionState extends CaseRecord {
  id: string;
  kind: InspectionKind;
  station: StationSnapshot;
  template: ChecklistTemplate;
  /** Who inspected this station in its previous cycle: they rotate out. */
  previousTeamIds: string[];
  campaignId?: string;
  reason?: string;
  status: InspectionStatus;
  team: Person[];
  leadId?: string;
  acknowledged: string[];
  sheets: ScoreSheet[];
  report?: { summary: string; at: string };
  result?: InspectionResult;
  review?: { outcome: 'pass' | 'rectify'; by: string; reasons: string[] };
  rectifications: RectificationOrder[];
  sanctions: Array<{ level: Sanction; by: string; reasons: string[]; at: string }>;
  /** The next rung, once a rectification was missed or failed. */
  proposedSanction?: Sanction;
  outcome?: 'passed' | 'rectified' | 'revoked';
}

export type InspectionAction =
  | { type: 'assignTeam'; team: Person[]; leadId: string; inactiveIds: string[] }
  | { type: 'acknowledge' }
  | { type: 'submitScores'; scores: ItemScoreSheet; notes: string }
  | { type: 'submitReport'; summary: string }
  | { type: 'review'; outcome: 'pass' | 'rectify'; reasons: string[]; items?: string[] }
  | { type: 'submitRectification'; report: string }
  | { type: 'verify'; scores: ItemScoreSheet; notes: string }
  | { type: 'decideSanction'; reasons: string[] };
export type InspectionActionType = InspectionAction['type'];
export type InspectionPending = CasePending<InspectionActionType>;

export const INSPECTION_ACTION_ROLE: Record<InspectionActionType, Role> = {
  assignTeam: 'supervisor',
  acknowledge: 'inspector',
  submitScores: 'inspector',
  submitReport: 'inspector',
  review: 'supervisor',
  submitRectification: 'station_admin',
  verify: 'inspector',
  decideSanction: 'supervisor',
};

export function initialInspection(
  input: Pick<InspectionState, 'id' | 'kind' | 'station' | 'template' | 'previousTeamIds' | 'campaignId' | 'reason'> & { startedBy: Actor; at: string },
): InspectionState {
  const state: InspectionState = {
    id: input.id,
    kind: input.kind,
    station: input.station,
    template: input.template,
    previousTeamIds: input.previousTeamIds,
    ...(input.campaignId ? { campaignId: input.campaignId } : {}),
    ...(input.reason ? { reason: input.reason } : {}),
    status: 'awaiting_team',
    team: [],
    acknowledged: [],
    sheets: [],
    rectifications: [],
    sanctions: [],
    version: 0,
    timeline: [],
  };
  return record(
    state,
    'created',
    { actor: input.startedBy, role: input.startedBy.roles[0], at: input.at },
    {
      kind: input.kind,
      template: `${input.template.id}@${input.template.version}`,
      ...(input.reason ? { reason: input.reason } : {}),
    },
  );
}

export function isInspectionFinal(status: InspectionStatus): boolean {
  return FINAL_INSPECTION_STATUSES.includes(status);
}

export function nextSanction(state: InspectionState): Sanction {
  return SANCTIONS[Math.min(state.sanctions.length, SANCTIONS.length - 1)];
}

export const currentOrder = (state: InspectionState): RectificationOrder | undefined => state.rectifications[state.rectifications.length - 1];

export function inspectionPendingOn(state: InspectionState): InspectionPending | null {
  const members = state.team.map((p) => p.id);
  const submitted = new Set(state.sheets.map((s) => s.inspectorId));
  switch (state.status) {
    case 'awaiting_team':
      return { action: 'assignTeam', role: 'supervisor', userIds: [] };
    case 'awaiting_acknowledgement':
      return { action: 'acknowledge', role: 'inspector', userIds: members.filter((id) => !state.acknowledged.includes(id)) };
    case 'fieldwork':
      return { action: 'submitScores', role: 'inspector', userIds: members.filter((id) => !submitted.has(id)) };
    case 'awaiting_report':
      return { action: 'submitReport', role: 'inspector', userIds: [state.leadId!] };
    case 'awaiting_review':
      return { action: 'review', role: 'supervisor', userIds: [] };
    case 'rectification':
      return { action: 'submitRectification', role: 'station_admin', userIds: [state.station.adminId] };
    case 'verification':
      return { action: 'verify', role: 'inspector', userIds: [state.leadId!] };
    case 'awaiting_sanction':
      return { action: 'decideSanction', role: 'supervisor', userIds: [] };
    default:
      return null;
  }
}

/** Refuses what the inspection's state, or the actor's role and identity, does not allow. */
export function checkInspectionAction(state: InspectionState, action: InspectionAction, actor: Actor, policy: InspectionPolicy): void {
  if (isInspectionFinal(state.status)) throw notAllowed(`the inspection is already ${state.status}`);
  const expectStatus = (...allowed: InspectionStatus[]) => {
    if (!allowed.includes(state.status)) throw notAllowed(`${action.type} is not allowed while the inspection is ${state.status}`);
  };
  const expectRole = (role: Role) => {
    if (!hasRole(actor, role)) throw forbidden(`${action.type} needs the ${role} role`);
  };
  const onTeam = () => {
    if (!state.team.some((p) => p.id === actor.id)) throw forbidden('only a member of the inspection team may do this');
  };
  const isLead = () => {
    if (actor.id !== state.leadId) throw forbidden('only the team lead may do this');
  };

  switch (action.type) {
    case 'assignTeam': {
      expectRole('supervisor');
      expectStatus('awaiting_team');
      const ids = action.team.map((p) => p.id);
      if (new Set(ids).size !== ids.length) throw invalid('inspectorIds', 'inspectors must not repeat');
      if (ids.length < policy.minTeamSize) throw invalid('inspectorIds', `a team needs at least ${policy.minTeamSize} inspectors`);
      if (!ids.includes(action.leadId)) throw invalid('leadId', 'the lead must be one of the team');
      const notInspector = action.team.find((p) => !p.roles.includes('inspector'));
      if (notInspector) throw invalid('inspectorIds', `${notInspector.id} is not an inspector`);
      const outside = outsideJurisdiction(action.team, state.station);
      if (outside) throw notAllowed(outside);
      const refusals = teamRefusals(state, action.team, action.inactiveIds);
      if (refusals.length) throw notAllowed(refusals.join('; '));
      return;
    }
    case 'acknowledge':
      expectStatus('awaiting_acknowledgement');
      onTeam();
      if (state.acknowledged.includes(actor.id)) throw notAllowed('already acknowledged');
      return;
    case 'submitScores': {
      expectStatus('fieldwork');
      onTeam();
      if (state.sheets.some((s) => s.inspectorId === actor.id)) throw notAllowed('scores were already submitted by this inspector');
      const problem = sheetProblem(state.template.items, action.scores);
      if (problem) throw invalid('scores', problem);
      return;
    }
    case 'submitReport':
      expectStatus('awaiting_report');
      isLead();
      return;
    case 'review': {
      expectRole('supervisor');
      expectStatus('awaiting_review');
      if (state.team.some((p) => p.id === actor.id)) throw forbidden('a member of the team may not review its own inspection');
      if (action.outcome === 'pass' && !state.result?.passed)
        throw notAllowed(`the inspection failed (rating ${state.result?.rating}); it needs a rectification order`);
      if (action.outcome === 'rectify') {
        const items = action.items ?? state.result?.failedItems ?? [];
        if (items.length === 0) throw invalid('items', 'a rectification order needs at least one item');
        const unknown = items.find((id) => !state.template.items.some((i) => i.id === id));
        if (unknown) throw invalid('items', `${unknown} is not an item of this checklist`);
        if (action.reasons.length === 0) throw invalid('reasons', 'a rectification order needs reasons');
      }
      return;
    }
    case 'submitRectification':
      expectStatus('rectification');
      if (actor.id !== state.station.adminId) throw forbidden("only the station's administrator may report the rectification");
      return;
    case 'verify': {
      expectStatus('verification');
      isLead();
      const order = currentOrder(state)!;
      const problem = sheetProblem(
        state.template.items.filter((i) => order.items.includes(i.id)),
        action.scores,
      );
      if (problem) throw invalid('scores', problem);
      return;
    }
    case 'decideSanction':
      expectRole('supervisor');
      expectStatus('awaiting_sanction');
      if (action.reasons.length === 0) throw invalid('reasons', 'a sanction needs reasons');
      return;
  }
}

/** Recusal (回避), rotation and qualification: why each proposed member may not serve. */
export function teamRefusals(state: Pick<InspectionState, 'station' | 'previousTeamIds'>, team: Person[], inactiveIds: string[]): string[] {
  const reasons: string[] = [];
  for (const person of team) {
    const recusal = recusalReason(person, [state.station.organisation, ...state.station.affiliations]);
    if (recusal) reasons.push(`recusal (回避): ${recusal}`);
    if (state.previousTeamIds.includes(person.id)) reasons.push(`rotation: ${person.name} (${person.id}) inspected this station in its previous cycle`);
    if (inactiveIds.includes(person.id)) reasons.push(`qualification: ${person.name} (${person.id}) has no active examiner qualification`);
  }
  return reasons;
}

export function applyInspectionAction(state: InspectionState, action: InspectionAction, actionCtx: ActionContext, policy: InspectionPolicy): InspectionState {
  const ctx = { ...actionCtx, role: INSPECTION_ACTION_ROLE[action.type] };
  const system = { ...ctx, actor: SYSTEM, role: undefined };
  switch (action.type) {
    case 'assignTeam':
      return record({ ...state, team: action.team, leadId: action.leadId, acknowledged: [], status: 'awaiting_acknowledgement' }, 'team_assigned', ctx, {
        inspectorIds: action.team.map((p) => p.id),
        leadId: action.leadId,
      });
    case 'acknowledge': {
      const acknowledged = [...state.acknowledged, ctx.actor.id];
      const next = record({ ...state, acknowledged }, 'acknowledged', ctx);
      return acknowledged.length === state.team.length ? record({ ...next, status: 'fieldwork' }, 'fieldwork_started', system) : next;
    }
    case 'submitScores': {
      const sheets = [...state.sheets, { inspectorId: ctx.actor.id, scores: action.scores, notes: action.notes, at: ctx.at }];
      const next = record({ ...state, sheets }, 'scores_submitted', ctx, { scores: action.scores });
      if (sheets.length < state.team.length) return next;
      const result = scoreInspection(
        state.template,
        sheets.map((s) => s.scores),
        policy.scoring,
      );
      return record({ ...next, result, status: 'awaiting_report' }, 'scored', system, { ...result });
    }
    case 'submitReport':
      return record({ ...state, report: { summary: action.summary, at: ctx.at }, status: 'awaiting_review' }, 'report_submitted', ctx, {
        summary: action.summary,
      });
    case 'review': {
      const review = { outcome: action.outcome, by: ctx.actor.id, reasons: action.reasons };
      if (action.outcome === 'pass') return record({ ...state, review, status: 'closed', outcome: 'passed' }, 'review_pass', ctx, { reasons: action.reasons });
      const items = action.items ?? state.result!.failedItems;
      return record({ ...state, review, status: 'rectification', rectifications: [{ round: 1, items }] }, 'rectification_ordered', ctx, {
        items,
        reasons: action.reasons,
      });
    }
    case 'submitRectification':
      return record(
        { ...state, status: 'verification', rectifications: replaceOrder(state, { ...currentOrder(state)!, report: action.report, reportedAt: ctx.at }) },
        'rectification_reported',
        ctx,
        { report: action.report },
      );
    case 'verify': {
      const order = currentOrder(state)!;
      const items = state.template.items.filter((i) => order.items.includes(i.id));
      const failedItems = items.filter((i) => action.scores[i.id] < i.maxScore * policy.scoring.itemPassRatio).map((i) => i.id);
      const verification = { scores: action.scores, notes: action.notes, failedItems, passed: failedItems.length === 0, at: ctx.at };
      const rectifications = replaceOrder(state, { ...order, verification });
      if (verification.passed) {
        return record({ ...state, rectifications, status: 'closed', outcome: 'rectified' }, 'rectification_verified', ctx, { scores: action.scores });
      }
      return record({ ...state, rectifications, status: 'awaiting_sanction', proposedSanction: nextSanction(state) }, 'rectification_failed', ctx, {
        failedItems,
        proposedSanction: nextSanction(state),
      });
    }
    case 'decideSanction': {
      const level = state.proposedSanction!;
      const sanctions = [...state.sanctions, { level, by: ctx.actor.id, reasons: action.reasons, at: ctx.at }];
      // The revocation ends the inspection in the same entry that records it, so the trail shows the case revoked.
      const ends = level === 'revocation' ? { status: 'revoked' as const, outcome: 'revoked' as const } : {};
      const decided = record({ ...state, sanctions, proposedSanction: undefined, ...ends }, `sanction_${level}`, ctx, { reasons: action.reasons });
      if (level === 'revocation') return decided;
      // After a warning or a suspension the station gets another round for what is still failing.
      const previous = currentOrder(state)!;
      const items = previous.verification?.failedItems.length ? previous.verification.failedItems : previous.items;
      return record(
        { ...decided, status: 'rectification', rectifications: [...state.rectifications, { round: previous.round + 1, items }] },
        'rectification_ordered',
        system,
        {
          items,
          round: previous.round + 1,
        },
      );
    }
  }
}

/** The station missed the rectification deadline: the next rung is proposed to a supervisor. */
export function rectificationMissed(state: InspectionState, at: string, dueAt: string): InspectionState {
  return record(
    { ...state, status: 'awaiting_sanction', proposedSanction: nextSanction(state) },
    'rectification_missed',
    { actor: SYSTEM, at },
    {
      dueAt,
      proposedSanction: nextSanction(state),
    },
  );
}

function replaceOrder(state: InspectionState, order: RectificationOrder): RectificationOrder[] {
  return [...state.rectifications.slice(0, -1), order];
}

export type { Rating };

/** The policy deadline of each status an inspection waits in. */
const STEP_DEADLINES: Partial<Record<InspectionStatus, keyof InspectionPolicy['deadlines']>> = {
  awaiting_team: 'assignTeam',
  awaiting_acknowledgement: 'acknowledge',
  fieldwork: 'fieldwork',
  awaiting_report: 'report',
  awaiting_review: 'review',
  rectification: 'rectification',
  verification: 'verification',
  awaiting_sanction: 'sanctionDecision',
};

/** An inspection's row: the case without its timeline, and its checklist named by id and version (the items stay in the history once). */
export type InspectionProjection = Omit<InspectionState, 'timeline' | 'template'> & { template: Pick<ChecklistTemplate, 'id' | 'version'> };

export const inspectionRules: CaseRules<InspectionState, InspectionAction, InspectionPolicy, InspectionProjection> = {
  statuses: INSPECTION_STATUSES,
  check: (s, action, actor, policy) => checkInspectionAction(s, action, actor, policy),
  apply: applyInspectionAction,
  pendingOn: inspectionPendingOn,
  mailsFor: (entry, s, policy) => inspectionMailsFor(entry, s, policy.deadlines.rectification),
  // The order's mail and its printed notice (整改通知书) state the date the rectification is due.
  statesDue: ['rectification_ordered'],
  isFinal: (s) => isInspectionFinal(s.status),
  deadline: deadlineByStatus<InspectionState>(STEP_DEADLINES),
  project: (s) => ({ ...withoutTimeline(s), template: { id: s.template.id, version: s.template.version } }),
  hold: {
    deadlines: STEP_DEADLINES,
    label: (s) => `inspection ${s.id} of ${s.station.name}`,
    region: (s) => s.station,
    holders: (s, pending) =>
      pending.userIds.length
        ? { emails: s.team.filter((p) => pending.userIds.includes(p.id)).map((p) => p.email) }
        : { role: pending.role, at: escalationChain(s.station) },
    // A missed rectification climbs the sanctions ladder.
    missed: (s, pending, dueAt, at) => (pending.action === 'submitRectification' ? rectificationMissed(s, at, dueAt) : null),
  },
};
