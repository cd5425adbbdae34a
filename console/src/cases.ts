import { api, hasRole, type ApiError, type Me } from './api';
import { candidates, levelLabel, type Candidate, type Field } from './forms';
import { label, t } from './messages';
import { occupationName } from './occupations';
import { sessionKind } from './session';

/** Who and what a case waits on, as the API reports it (record.pending or live.pending). */
export interface Pending {
  action: string;
  role: string;
  userIds: string[];
  dueAt?: string | null;
  escalationLevel?: number;
  /** A period in working days: how many, and the calendar version its due time was computed with. */
  workingDays?: number;
  calendarVersion?: number;
}

export interface CaseData {
  record: Record<string, any>;
  live: Record<string, any> | null;
  /** What else the page reads for the case (a station's sessions). */
  extra?: Record<string, any>;
}

/** Where an action's form is shown: the case, its id and who looks at it. */
export interface ActionContext {
  id: string;
  data: CaseData;
  me: Me;
}

type Body = Record<string, unknown>;

export interface ActionSpec {
  /** The action's name (labels `action.<name>`). */
  action: string;
  /** The POST path under the case. */
  path: string;
  /** The form's fields; pickers read whom the API proposes. */
  fields: (ctx: ActionContext) => Field[] | Promise<Field[]>;
  /** When the action is not the pending one: whether this user may take it now. */
  offered?: (data: CaseData, me: Me) => boolean;
  /** The pending action this one is an alternative to (merge instead of triage…). */
  alongside?: string;
  /** Another request than a POST of the form's body to the case's path (an inspection started from its station…). */
  request?: (body: Body, ctx: ActionContext) => { method?: 'GET' | 'POST'; path: string; body?: unknown };
  /** The question a decision asks before it is sent, naming its consequence. */
  confirm?: (body: Body, ctx: ActionContext) => string | null;
  /** Refusals the console can tell before asking (a chosen action's missing date, a step the case is not ready for). */
  check?: (body: Body, ctx: ActionContext) => Array<{ field: string; message: string }>;
  /** Where to go after a success that created another case. */
  next?: (result: any) => string;
  /** The API's refusal in this form's own words (a roster's rejected rows, each with its reasons). */
  refused?: (error: ApiError) => ApiError;
}

export type ProcessKey = 'station-application' | 'station' | 'inspection' | 'qualification' | 'examiner' | 'complaint' | 'session';

export interface CaseKind {
  base: string;
  /** Normalises the GET answer to record + live state. */
  load: (id: string) => Promise<CaseData>;
  facts: string[];
  actions: ActionSpec[];
  /** The people the case's content names beyond those every case has (a session's examiners, who scored). */
  people?: (data: CaseData) => string[];
}

const reasons: Field = { name: 'reasons', kind: 'lines', optional: true };
const requiredReasons: Field = { name: 'reasons', kind: 'lines' };
const ON_SITE_ITEMS = ['organisation_management', 'post_setup', 'staffing', 'appraisal_process_control', 'site_and_equipment'];
const FINAL_APPLICATION = ['approved', 'rejected', 'withdrawn'];
const FINAL_QUALIFICATION = ['lapsed', 'revoked', 'rejected'];
export const DOCUMENT_KINDS = ['business_licence', 'site_certificate', 'equipment_list', 'management_rules', 'other'];
const CATEGORIES = ['fraudulent_appraisal', 'cross_region_appraisal', 'out_of_scope_appraisal', 'examiner_misconduct', 'certificate_problem', 'other'];
const FINDING_ACTIONS = ['adhoc_inspection', 'suspend_examiner', 'propose_revocation', 'propose_station_sanction', 'invalidate_certificate'];

const recordAndLive = (base: string) => async (id: string) => api<CaseData>('GET', `${base}/${encodeURIComponent(id)}`);
const path = (base: string, id: string, rest: string) => `${base}/${encodeURIComponent(id)}/${rest}`;
/** The case as it stands: the live state while it runs, else the stored record. */
export const current = (data: CaseData): Record<string, any> => data.live ?? data.record;

/** The fields of a station application, optionally under a prefix (`application.` when resubmitting), filled with `value`. */
export function applicationFields(prefix: string, value: Record<string, any> = {}): Field[] {
  const field = (name: string): { name: string; label: string } => ({ name: `${prefix}${name}`, label: label('field', name) });
  return [
    { ...field('organisation.name'), kind: 'text', value: value.organisation?.name },
    { ...field('organisation.creditCode'), kind: 'text', value: value.organisation?.creditCode, hint: t('cases.hint.creditCode') },
    { ...field('stationName'), kind: 'text', value: value.stationName },
    { ...field('region.provinceCode'), kind: 'text', value: value.region?.provinceCode, hint: t('cases.hint.regionCode') },
    { ...field('region.cityCode'), kind: 'text', value: value.region?.cityCode },
    { ...field('address'), kind: 'text', value: value.address },
    {
      ...field('scope'),
      kind: 'rows',
      columns: [
        { name: 'occupationCode', kind: 'text' },
        { name: 'highestLevel', kind: 'level' },
      ],
      value: value.scope ?? [{}],
      hint: t('cases.hint.scope'),
    },
    { ...field('staff.examinerIds'), kind: 'ids', value: value.staff?.examinerIds },
    { ...field('staff.qualitySupervisor.name'), kind: 'text', optional: true, value: value.staff?.qualitySupervisor?.name },
    { ...field('staff.qualitySupervisor.phone'), kind: 'text', optional: true, value: value.staff?.qualitySupervisor?.phone },
    {
      ...field('documents'),
      kind: 'rows',
      columns: [
        { name: 'kind', kind: 'select', options: DOCUMENT_KINDS, labelPrefix: 'document' },
        { name: 'reference', kind: 'text' },
      ],
      value: value.documents ?? DOCUMENT_KINDS.slice(0, 4).map((kind) => ({ kind })),
    },
    { ...field('contactEmail'), kind: 'email', value: value.contactEmail },
    { ...field('declaredAffiliations'), kind: 'lines', optional: true, value: value.declaredAffiliations, hint: t('cases.hint.affiliations') },
  ];
}

/** Checklist items to score: the whole checklist the inspection started with, or only those under rectification. */
function checklistFields(data: CaseData, onlyRectified: boolean): Field[] {
  const items: Array<{ id: string; text: string; maxScore: number }> = data.live?.template?.items ?? [];
  const orders: Array<{ items: string[] }> = data.live?.rectifications ?? [];
  const rectified = new Set(orders[orders.length - 1]?.items ?? []);
  const shown = onlyRectified ? items.filter((i) => rectified.has(i.id)) : items;
  return [
    { name: 'scores', kind: 'scores', items: shown.map((i) => ({ id: i.id, label: checklistItemLabel(i), max: i.maxScore })) },
    { name: 'notes', kind: 'textarea', optional: true },
  ];
}

/** A checklist item by its Chinese label where the console has one, else the template's own text. */
export const checklistItemLabel = (item: { id: string; text: string }) => {
  const own = label('checklist', item.id);
  return own === item.id ? item.text : own;
};

/** A decision's question: the outcome's consequence for this kind of case (`cases.confirm.<kind>.<outcome>`). */
const confirmOutcome =
  (kind: string, key = 'outcome') =>
  (body: Body) =>
    t(`cases.confirm.${kind}.${String(body[key])}` as 'cases.confirm.review.pass');

const isApplicant = ({ record }: CaseData, me: Me) => record.applicantId === me.id;

/** A station's sessions a quality supervisor may still be dispatched to: before the session is held. */
const dispatchable = (data: CaseData) =>
  ((data.extra?.sessions ?? []) as Array<{ id: string; date: string; occupationCode: string; level: number; status: string }>).filter((s) =>
    ['roster_open', 'roster_locked'].includes(s.status),
  );

/**
 * The examiners a station may choose for a session: those its licensed application names, by name. Whether each is
 * qualified for the occupation and level, and free at the session's times, the API judges at registration.
 */
async function stationExaminers({ record }: CaseData): Promise<Candidate[]> {
  const application = await api<CaseData>('GET', `/v1/station-applications/${encodeURIComponent(record.applicationId)}`);
  const ids: string[] = current(application).application?.staff?.examinerIds ?? [];
  if (!ids.length) return [];
  const people = await api<{ items: Array<{ id: string; name: string }> }>('GET', `/v1/people?ids=${ids.map(encodeURIComponent).join(',')}`);
  return ids.map((id) => ({ id, name: people.items.find((p) => p.id === id)?.name ?? id, reasons: [] }));
}

/** The industry authority whose concurrence the application waits for, if this supervisor acts for it. */
const concurringFor = (data: CaseData, me: Me) => {
  const concurrence = data.live?.concurrence as { required: string[]; given: Array<{ jurisdiction: string }> } | undefined;
  const given = new Set(concurrence?.given.map((g) => g.jurisdiction));
  return concurrence?.required.find((j) => !given.has(j) && me.jurisdictions.includes(j));
};

export const CASE_KINDS: Record<ProcessKey, CaseKind> = {
  'station-application': {
    base: '/v1/station-applications',
    load: recordAndLive('/v1/station-applications'),
    facts: [
      'stationName',
      'organisation',
      'provinceCode',
      'cityCode',
      'applicantId',
      'reviewerId',
      'assessorIds',
      'onSiteTotal',
      'licenceNumber',
      'stationId',
      'submittedAt',
    ],
    actions: [
      {
        action: 'resubmit',
        path: 'resubmit',
        // Pre-filled with the application as it stands, so the applicant corrects what was returned and nothing else.
        fields: ({ data }) => applicationFields('application.', current(data).application),
      },
      {
        action: 'assignReviewer',
        path: 'reviewer',
        fields: async ({ id }) => [
          {
            name: 'reviewerId',
            kind: 'person',
            label: t('cases.field.reviewer'),
            candidates: await candidates(path('/v1/station-applications', id, 'eligible-reviewers')),
          },
        ],
      },
      {
        action: 'review',
        path: 'review',
        fields: () => [{ name: 'outcome', kind: 'select', options: ['pass', 'return', 'reject'], labelPrefix: 'outcome', choose: true }, reasons],
        confirm: confirmOutcome('review'),
      },
      {
        action: 'assignAssessors',
        path: 'assessors',
        fields: async ({ id }) => [
          {
            name: 'assessorIds',
            kind: 'people',
            label: t('cases.field.assessors'),
            candidates: await candidates(path('/v1/station-applications', id, 'eligible-assessors')),
          },
        ],
      },
      {
        action: 'submitAssessment',
        path: 'assessments',
        fields: () => [
          { name: 'scores', kind: 'scores', items: ON_SITE_ITEMS.map((id) => ({ id, label: label('onSite', id), max: 100 })) },
          { name: 'notes', kind: 'textarea', optional: true },
        ],
      },
      {
        action: 'concur',
        path: 'concurrence',
        fields: () => [{ name: 'outcome', kind: 'select', options: ['concur', 'object'], labelPrefix: 'outcome', choose: true }, reasons],
        // Only the industry authority the case waits for (any supervisor holds the step's role).
        offered: (data, me) => data.record.status === 'awaiting_concurrence' && !!concurringFor(data, me),
        confirm: confirmOutcome('concur'),
      },
      {
        action: 'decide',
        path: 'decision',
        fields: ({ data }) => [
          { name: 'outcome', kind: 'select', options: ['approve', 'approve_reduced', 'reject'], labelPrefix: 'outcome', choose: true },
          reasons,
          // The applied scope to narrow: rows removed or levels lowered; sent only with a reduced approval.
          {
            name: 'scope',
            kind: 'rows',
            columns: [
              { name: 'occupationCode', kind: 'text' },
              { name: 'highestLevel', kind: 'level' },
            ],
            value: current(data).application?.scope ?? [],
            hint: t('cases.hint.reducedScope'),
          },
        ],
        request: ({ scope, ...body }, { id }) => ({
          path: path('/v1/station-applications', id, 'decision'),
          body: body.outcome === 'approve_reduced' ? { ...body, scope } : body,
        }),
        confirm: confirmOutcome('decide'),
      },
      {
        action: 'withdraw',
        path: 'withdraw',
        fields: () => [{ name: 'reason', kind: 'textarea' }],
        offered: (data, me) => isApplicant(data, me) && !FINAL_APPLICATION.includes(data.record.status),
        confirm: () => t('cases.confirm.withdraw'),
      },
    ],
  },
  station: {
    base: '/v1/stations',
    load: async (id) => {
      const station = await api<Record<string, any>>('GET', `/v1/stations/${encodeURIComponent(id)}`);
      // Sessions are for the station's administrator and supervisors; others see the station without them.
      const sessions = await api<{ items: unknown[] }>('GET', `/v1/stations/${encodeURIComponent(id)}/sessions`).then(
        (r) => r.items,
        () => null,
      );
      return { record: station, live: station.programme, extra: { sessions } };
    },
    facts: [
      'name',
      'licenceNumber',
      'organisation',
      'provinceCode',
      'cityCode',
      'address',
      'adminId',
      'rating',
      'nextInspectionDueAt',
      'demonstration',
      'validUntil',
    ],
    actions: [
      {
        action: 'registerSession',
        path: 'sessions',
        fields: async ({ data }) => [
          {
            name: 'occupationCode',
            kind: 'select',
            options: (data.record.scope ?? []).map((e: { occupationCode: string }) => e.occupationCode),
            labelPrefix: 'occupation',
            optionLabel: occupationName,
            choose: true,
          },
          { name: 'level', kind: 'level', choose: true },
          { name: 'date', kind: 'date' },
          { name: 'startsAt', kind: 'datetime', optional: true, hint: t('cases.hint.sessionTimes') },
          { name: 'endsAt', kind: 'datetime', optional: true },
          { name: 'site.provinceCode', kind: 'text', value: data.record.provinceCode },
          { name: 'site.cityCode', kind: 'text', value: data.record.cityCode },
          { name: 'site.address', kind: 'text' },
          { name: 'examinerIds', kind: 'people', label: t('cases.field.sessionExaminers'), candidates: await stationExaminers(data) },
          { name: 'expectedCandidates', kind: 'number' },
        ],
        offered: ({ record }, me) => hasRole(me, 'station_admin') && record.adminId === me.id && record.status === 'active',
        next: (registered) => `#/cases/session/${encodeURIComponent(registered.sessionId)}`,
      },
      {
        action: 'startInspection',
        path: '',
        fields: () => [
          { name: 'kind', kind: 'select', options: ['ad_hoc', 'follow_up'], labelPrefix: 'kind', value: 'ad_hoc' },
          { name: 'reason', kind: 'textarea' },
        ],
        offered: ({ record }, me) => hasRole(me, 'supervisor') && record.status !== 'revoked',
        request: (body, { id }) => ({ path: '/v1/inspections', body: { ...body, stationId: Number(id) } }),
        next: (inspection) => `#/cases/inspection/${encodeURIComponent(inspection.id)}`,
      },
      {
        action: 'decideDemonstration',
        path: 'demonstration',
        fields: () => [{ name: 'decision', kind: 'select', options: ['confirm', 'decline'], labelPrefix: 'demonstrationDecision', choose: true }, reasons],
        offered: ({ record }, me) => hasRole(me, 'supervisor') && record.demonstration === 'candidate',
        request: ({ decision, ...body }, { id }) => ({ path: path('/v1/stations', id, 'demonstration'), body: { ...body, confirm: decision === 'confirm' } }),
        confirm: confirmOutcome('demonstration', 'decision'),
      },
      {
        // The same dispatch as on the session's own page, from the list of the station's sessions still before the day.
        action: 'dispatchQualitySupervisor',
        path: '',
        fields: async ({ id, data }) => [
          {
            name: 'sessionId',
            kind: 'select',
            options: dispatchable(data).map((s) => s.id),
            labelPrefix: 'session',
            optionLabel: (sessionId) => {
              const s = dispatchable(data).find((x) => x.id === sessionId)!;
              return t('cases.session.option', { date: s.date, occupation: occupationName(s.occupationCode), level: levelLabel(s.level) });
            },
            choose: true,
          },
          {
            name: 'qualitySupervisorId',
            kind: 'person',
            label: t('cases.field.qualitySupervisor'),
            candidates: await candidates(path('/v1/stations', id, 'eligible-quality-supervisors')),
          },
        ],
        offered: (data, me) => hasRole(me, 'supervisor') && data.record.status !== 'revoked' && dispatchable(data).length > 0,
        request: ({ sessionId, ...body }) => ({ path: path('/v1/sessions', String(sessionId), 'quality-supervisor'), body }),
      },
    ],
  },
  inspection: {
    base: '/v1/inspections',
    load: recordAndLive('/v1/inspections'),
    facts: ['stationId', 'kind', 'teamIds', 'leadId', 'total', 'rating', 'outcome', 'createdAt'],
    actions: [
      {
        action: 'assignTeam',
        path: 'team',
        fields: async ({ id }) => {
          const people = await candidates(path('/v1/inspections', id, 'eligible-inspectors'));
          return [
            { name: 'inspectorIds', kind: 'people', label: t('cases.field.team'), candidates: people },
            { name: 'leadId', kind: 'person', label: t('cases.field.lead'), candidates: people },
          ];
        },
      },
      { action: 'acknowledge', path: 'acknowledge', fields: () => [] },
      { action: 'submitScores', path: 'scores', fields: ({ data }) => checklistFields(data, false) },
      { action: 'submitReport', path: 'report', fields: () => [{ name: 'summary', kind: 'textarea' }] },
      {
        action: 'review',
        path: 'review',
        fields: ({ data }) => {
          const items: Array<{ id: string; text: string }> = data.live?.template?.items ?? [];
          return [
            { name: 'outcome', kind: 'select', options: ['pass', 'rectify'], labelPrefix: 'outcome', choose: true },
            reasons,
            // The failed items are proposed for the order; the supervisor may add or drop items.
            {
              name: 'items',
              kind: 'flags',
              plain: true,
              label: t('cases.field.items'),
              options: items.map((i) => i.id),
              labelPrefix: 'checklist',
              optionLabel: (itemId) => checklistItemLabel(items.find((i) => i.id === itemId)!),
              value: data.live?.result?.failedItems ?? [],
            },
          ];
        },
        request: ({ items, ...body }, { id }) => ({
          path: path('/v1/inspections', id, 'review'),
          body: body.outcome === 'rectify' ? { ...body, items } : body,
        }),
        confirm: confirmOutcome('inspectionReview'),
      },
      { action: 'submitRectification', path: 'rectification', fields: () => [{ name: 'report', kind: 'textarea' }] },
      { action: 'verify', path: 'verification', fields: ({ data }) => checklistFields(data, true) },
      {
        action: 'decideSanction',
        path: 'sanction',
        fields: () => [requiredReasons],
        confirm: (_body, { data }) => t('cases.confirm.sanction', { sanction: label('sanction', data.live?.proposedSanction ?? '') }),
      },
    ],
  },
  qualification: {
    base: '/v1/qualifications',
    load: recordAndLive('/v1/qualifications'),
    facts: ['examinerId', 'occupationCode', 'level', 'cardNumber', 'issuedAt', 'expiresAt', 'cycle'],
    actions: [
      {
        action: 'decideAdmission',
        path: 'admission-decision',
        fields: () => [{ name: 'outcome', kind: 'select', options: ['approve', 'reject'], labelPrefix: 'outcome', choose: true }, reasons],
        confirm: confirmOutcome('admission'),
      },
      {
        action: 'submitRenewal',
        path: 'renewal',
        fields: () => [
          { name: 'trainingHours', kind: 'number' },
          { name: 'notes', kind: 'textarea', optional: true },
        ],
      },
      {
        action: 'decideRenewal',
        path: 'renewal-decision',
        fields: () => [{ name: 'outcome', kind: 'select', options: ['approve', 'return', 'reject'], labelPrefix: 'outcome', choose: true }, reasons],
        confirm: confirmOutcome('renewal'),
      },
      {
        action: 'suspend',
        path: 'suspension',
        fields: () => [{ name: 'until', kind: 'datetime' }, requiredReasons],
        offered: ({ record }, me) => hasRole(me, 'supervisor') && record.status === 'active',
        confirm: () => t('cases.confirm.suspend'),
      },
      {
        action: 'revoke',
        path: 'revocation',
        fields: () => [requiredReasons],
        offered: ({ record }, me) => hasRole(me, 'supervisor') && !FINAL_QUALIFICATION.includes(record.status),
        confirm: () => t('cases.confirm.revoke'),
      },
    ],
  },
  examiner: {
    base: '/v1/examiners',
    load: async (id) => ({ record: await api<Record<string, any>>('GET', `/v1/examiners/${encodeURIComponent(id)}`), live: null }),
    facts: ['name', 'organisation', 'nationalId', 'status', 'suspendedUntil', 'sessionsConducted'],
    actions: [
      {
        action: 'recordTraining',
        path: 'training',
        fields: () => [
          { name: 'hours', kind: 'number' },
          { name: 'course', kind: 'text' },
          { name: 'completedOn', kind: 'date' },
        ],
        // The examiner themself, or a supervisor covering them.
        offered: ({ record }, me) => (hasRole(me, 'examiner') && record.id === me.id) || hasRole(me, 'supervisor'),
      },
      {
        action: 'recordConduct',
        path: 'conduct',
        fields: () => [
          { name: 'kind', kind: 'select', options: ['commendation', 'violation'], labelPrefix: 'conduct', choose: true },
          { name: 'description', kind: 'textarea', label: t('cases.field.conductDescription') },
          { name: 'source', kind: 'text' },
        ],
        offered: (_data, me) => hasRole(me, 'supervisor'),
        confirm: confirmOutcome('conduct', 'kind'),
      },
    ],
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
        // Pre-filled with what the complainant named; the severity is the handler's own judgement.
        fields: ({ data }) => {
          const c = current(data);
          const targets = { ...c.intake, ...c.targets };
          return [
            { name: 'category', kind: 'select', options: CATEGORIES, labelPrefix: 'category', value: c.category },
            { name: 'severity', kind: 'select', options: ['normal', 'serious', 'critical'], labelPrefix: 'severity', choose: true },
            { name: 'stationId', kind: 'number', optional: true, value: targets.stationId === undefined ? undefined : String(targets.stationId) },
            { name: 'examinerId', kind: 'text', optional: true, value: targets.examinerId },
            { name: 'sessionId', kind: 'text', optional: true, value: targets.sessionId },
          ];
        },
      },
      { action: 'merge', path: 'merge', fields: () => [{ name: 'intoId', kind: 'text' }], alongside: 'triage', confirm: () => t('cases.confirm.merge') },
      {
        action: 'assignInvestigator',
        path: 'investigator',
        fields: async ({ id }) => [
          {
            name: 'investigatorId',
            kind: 'person',
            label: t('cases.field.investigator'),
            candidates: await candidates(path('/v1/complaints', id, 'eligible-investigators')),
          },
        ],
      },
      {
        action: 'submitFinding',
        path: 'finding',
        fields: () => [
          { name: 'finding', kind: 'select', options: ['substantiated', 'partly_substantiated', 'unsubstantiated'], labelPrefix: 'finding', choose: true },
          requiredReasons,
          { name: 'actions', kind: 'flags', options: FINDING_ACTIONS, labelPrefix: 'findingAction', plain: true },
          { name: 'suspendUntil', kind: 'date', optional: true, hint: t('cases.hint.suspendUntil') },
          { name: 'certificateNumber', kind: 'text', optional: true, hint: t('cases.hint.certificateNumber') },
        ],
        check: (body) =>
          (body.actions as string[]).includes('suspend_examiner') && !body.suspendUntil
            ? [{ field: 'suspendUntil', message: t('cases.error.suspendUntil') }]
            : [],
        request: ({ actions, suspendUntil, certificateNumber, ...body }, { id }) => ({
          path: path('/v1/complaints', id, 'finding'),
          // A suspension lasts until the start of the chosen day, where the user is; a revocation names the
          // certificate typed here, else the one the complaint names.
          body: {
            ...body,
            actions: (actions as string[]).map((type) =>
              type === 'suspend_examiner'
                ? { type, until: new Date(`${String(suspendUntil)}T00:00:00`).toISOString() }
                : type === 'invalidate_certificate' && certificateNumber
                  ? { type, certificateNumber }
                  : { type },
            ),
          },
        }),
        confirm: (body) => t(`cases.confirm.finding.${String(body.finding)}` as 'cases.confirm.finding.substantiated'),
      },
      {
        action: 'extendDeadline',
        path: 'extension',
        fields: () => [requiredReasons],
        offered: ({ record }, me) => hasRole(me, 'supervisor') && ['investigating', 'appealed'].includes(record.status),
      },
      {
        action: 'revealIdentity',
        path: 'identity',
        fields: () => [],
        // Handlers and supervisors, on a complaint that left a contact; each reveal is recorded on the case.
        offered: (data, me) => hasRole(me, 'complaint_handler', 'supervisor') && !current(data).anonymous,
        request: (_body, { id }) => ({ method: 'GET', path: path('/v1/complaints', id, 'identity') }),
        confirm: () => t('cases.confirm.reveal'),
      },
    ],
  },
  session: sessionKind,
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
