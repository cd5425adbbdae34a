import { api, hasRole, type Me } from './api';
import type { Field } from './forms';
import { label } from './messages';

/** Who and what a case waits on, as the API reports it (record.pending or live.pending). */
export interface Pending {
  action: string;
  role: string;
  userIds: string[];
  dueAt?: string | null;
  escalationLevel?: number;
}

export interface CaseData {
  record: Record<string, any>;
  live: Record<string, any> | null;
}

export interface ActionSpec {
  /** The process's action name (labels `action.<name>`). */
  action: string;
  /** The POST path under the case. */
  path: string;
  fields: (data: CaseData) => Field[];
  /** When the action is not the pending one: whether this user may take it now. */
  offered?: (data: CaseData, me: Me) => boolean;
  /** The pending action this one is an alternative to (merge instead of triage…). */
  alongside?: string;
}

export type ProcessKey = 'station-application' | 'station' | 'inspection' | 'qualification' | 'examiner' | 'complaint';

export interface CaseKind {
  base: string;
  /** Normalises the GET answer to record + live state. */
  load: (id: string) => Promise<CaseData>;
  facts: string[];
  actions: ActionSpec[];
}

const reasons: Field = { name: 'reasons', kind: 'lines', optional: true };
const ON_SITE_ITEMS = ['organisation_management', 'post_setup', 'staffing', 'appraisal_process_control', 'site_and_equipment'];
const FINAL_APPLICATION = ['approved', 'rejected', 'withdrawn'];
const FINAL_QUALIFICATION = ['lapsed', 'revoked', 'rejected'];

const recordAndLive = (base: string) => async (id: string) => api<CaseData>('GET', `${base}/${encodeURIComponent(id)}`);

/** Checklist items to score: the whole checklist the inspection started with, or only those under rectification. */
function checklistFields(data: CaseData, onlyRectified: boolean): Field[] {
  const items: Array<{ id: string; text: string; maxScore: number }> = data.live?.template?.items ?? [];
  const orders: Array<{ items: string[] }> = data.live?.rectifications ?? [];
  const rectified = new Set(orders[orders.length - 1]?.items ?? []);
  const shown = onlyRectified ? items.filter((i) => rectified.has(i.id)) : items;
  return [
    { name: 'scores', kind: 'scores', items: shown.map((i) => ({ id: i.id, label: `${i.id} ${i.text}`, max: i.maxScore })) },
    { name: 'notes', kind: 'textarea', optional: true },
  ];
}

export const CASE_KINDS: Record<ProcessKey, CaseKind> = {
  'station-application': {
    base: '/v1/station-applications',
    load: recordAndLive('/v1/station-applications'),
    facts: ['stationName', 'organisation', 'provinceCode', 'cityCode', 'applicantId', 'reviewerId', 'assessorIds', 'onSiteTotal', 'licenceNumber', 'stationId', 'submittedAt'],
    actions: [
      { action: 'assignReviewer', path: 'reviewer', fields: () => [{ name: 'reviewerId', kind: 'text' }] },
      { action: 'review', path: 'review', fields: () => [{ name: 'outcome', kind: 'select', options: ['pass', 'return', 'reject'], labelPrefix: 'outcome' }, reasons] },
      { action: 'assignAssessors', path: 'assessors', fields: () => [{ name: 'assessorIds', kind: 'ids' }] },
      {
        action: 'submitAssessment',
        path: 'assessments',
        fields: () => [{ name: 'scores', kind: 'scores', items: ON_SITE_ITEMS.map((id) => ({ id, label: label('onSite', id), max: 100 })) }, { name: 'notes', kind: 'textarea', optional: true }],
      },
      // A reduced scope is chosen from the licence scope, which this console does not edit: approve or reject here.
      { action: 'decide', path: 'decision', fields: () => [{ name: 'outcome', kind: 'select', options: ['approve', 'reject'], labelPrefix: 'outcome' }, reasons] },
      {
        action: 'withdraw',
        path: 'withdraw',
        fields: () => [{ name: 'reason', kind: 'textarea' }],
        offered: ({ record }, me) => record.applicantId === me.id && !FINAL_APPLICATION.includes(record.status),
      },
    ],
  },
  station: {
    base: '/v1/stations',
    load: async (id) => {
      const station = await api<Record<string, any>>('GET', `/v1/stations/${encodeURIComponent(id)}`);
      return { record: station, live: station.programme };
    },
    facts: ['name', 'licenceNumber', 'organisation', 'provinceCode', 'cityCode', 'address', 'adminId', 'rating', 'nextInspectionDueAt', 'demonstration', 'validUntil'],
    actions: [],
  },
  inspection: {
    base: '/v1/inspections',
    load: recordAndLive('/v1/inspections'),
    facts: ['stationId', 'kind', 'teamIds', 'leadId', 'total', 'rating', 'outcome', 'createdAt'],
    actions: [
      { action: 'assignTeam', path: 'team', fields: () => [{ name: 'inspectorIds', kind: 'ids' }, { name: 'leadId', kind: 'text' }] },
      { action: 'acknowledge', path: 'acknowledge', fields: () => [] },
      { action: 'submitScores', path: 'scores', fields: (data) => checklistFields(data, false) },
      { action: 'submitReport', path: 'report', fields: () => [{ name: 'summary', kind: 'textarea' }] },
      { action: 'review', path: 'review', fields: () => [{ name: 'outcome', kind: 'select', options: ['pass', 'rectify'], labelPrefix: 'outcome' }, reasons, { name: 'items', kind: 'ids', optional: true }] },
      { action: 'submitRectification', path: 'rectification', fields: () => [{ name: 'report', kind: 'textarea' }] },
      { action: 'verify', path: 'verification', fields: (data) => checklistFields(data, true) },
      { action: 'decideSanction', path: 'sanction', fields: () => [reasons] },
    ],
  },
  qualification: {
    base: '/v1/qualifications',
    load: recordAndLive('/v1/qualifications'),
    facts: ['examinerId', 'occupationCode', 'level', 'cardNumber', 'issuedAt', 'expiresAt', 'cycle'],
    actions: [
      { action: 'decideAdmission', path: 'admission-decision', fields: () => [{ name: 'outcome', kind: 'select', options: ['approve', 'reject'], labelPrefix: 'outcome' }, reasons] },
      { action: 'submitRenewal', path: 'renewal', fields: () => [{ name: 'trainingHours', kind: 'number' }, { name: 'notes', kind: 'textarea', optional: true }] },
      { action: 'decideRenewal', path: 'renewal-decision', fields: () => [{ name: 'outcome', kind: 'select', options: ['approve', 'return', 'reject'], labelPrefix: 'outcome' }, reasons] },
      { action: 'suspend', path: 'suspension', fields: () => [{ name: 'until', kind: 'datetime' }, reasons], offered: ({ record }, me) => hasRole(me, 'supervisor') && record.status === 'active' },
      { action: 'revoke', path: 'revocation', fields: () => [reasons], offered: ({ record }, me) => hasRole(me, 'supervisor') && !FINAL_QUALIFICATION.includes(record.status) },
    ],
  },
  examiner: {
    base: '/v1/examiners',
    load: async (id) => ({ record: await api<Record<string, any>>('GET', `/v1/examiners/${encodeURIComponent(id)}`), live: null }),
    facts: ['name', 'organisation', 'nationalId'],
    actions: [],
  },
  complaint: {
    base: '/v1/complaints',
    load: recordAndLive('/v1/complaints'),
    facts: ['trackingNumber', 'category', 'severity', 'provinceCode', 'stationId', 'examinerId', 'investigatorId', 'finding', 'anonymous', 'createdAt'],
    actions: [
      { action: 'answer', path: 'answer', fields: () => [{ name: 'answer', kind: 'textarea' }] },
      { action: 'convert', path: 'convert', fields: () => [], alongside: 'answer' },
      {
        action: 'triage',
        path: 'triage',
        fields: ({ record }) => [
          { name: 'category', kind: 'select', options: ['fraudulent_appraisal', 'cross_region_appraisal', 'out_of_scope_appraisal', 'examiner_misconduct', 'certificate_problem', 'other'], labelPrefix: 'category' },
          { name: 'severity', kind: 'select', options: ['normal', 'serious', 'critical'], labelPrefix: 'severity' },
          { name: 'stationId', kind: 'number', optional: true, value: record.stationId ? String(record.stationId) : undefined },
          { name: 'examinerId', kind: 'text', optional: true },
          { name: 'sessionId', kind: 'text', optional: true },
        ],
      },
      { action: 'merge', path: 'merge', fields: () => [{ name: 'intoId', kind: 'text' }], alongside: 'triage' },
      { action: 'assignInvestigator', path: 'investigator', fields: () => [{ name: 'investigatorId', kind: 'text' }] },
      {
        action: 'submitFinding',
        path: 'finding',
        fields: () => [
          { name: 'finding', kind: 'select', options: ['substantiated', 'partly_substantiated', 'unsubstantiated'], labelPrefix: 'finding' },
          reasons,
          { name: 'actions', kind: 'flags', options: ['adhoc_inspection', 'propose_revocation', 'propose_station_sanction', 'invalidate_certificate'], labelPrefix: 'findingAction' },
        ],
      },
      { action: 'extendDeadline', path: 'extension', fields: () => [reasons], offered: ({ record }, me) => hasRole(me, 'supervisor') && record.status === 'investigating' },
    ],
  },
};

/** What the case waits on: the live state's answer while the case runs, else the stored record's. */
export const pendingOf = (data: CaseData): Pending | null => (data.live ? (data.live.pending ?? null) : (data.record.pending ?? null));

/** Whether the pending step is this user's: their role, and (when named) them in person. */
export const holds = (pending: Pending | null, me: Me): pending is Pending =>
  !!pending && me.roles.includes(pending.role) && (pending.userIds.length === 0 || pending.userIds.includes(me.id));

/** The actions to offer: the pending step's (and its alternatives) when it is this user's, plus those open to them now. */
export function offeredActions(kind: CaseKind, data: CaseData, me: Me): ActionSpec[] {
  const pending = pendingOf(data);
  const mine = holds(pending, me);
  return kind.actions.filter((a) => (a.offered ? a.offered(data, me) : mine && (a.action === pending.action || a.alongside === pending.action)));
}

export const processLabel = (process: ProcessKey) => label('process', process);
export const factLabel = (key: string) => label('fact', key);
