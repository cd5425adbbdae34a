import { api, ApiError, currentUser, hasRole, type Me } from './api';
import { badge, facts, nameOf, reasonList, section, table, type Names } from './caseDetails';
import type { ActionSpec, CaseData, CaseKind } from './cases';
import { h, type Child } from './dom';
import { candidates, levelLabel, type Field, type GridRow } from './forms';
import { formatTime, label, t } from './messages';
import { occupationName } from './occupations';
import { placeName } from './places';
import { errorNotice } from './view';

/**
 * An appraisal session (鉴定场次) as a case page: the real-name roster with its results, the quality supervisor's
 * visit report, the fraud signals (虚假鉴定线索) and the re-check, and each role's form: the station keeps the
 * roster and submits, the supervising authority dispatches a quality supervisor and releases a hold, the quality
 * supervisor reports (on a phone), the examiners score in a grid and confirm each other's practical scores, the
 * reviewer re-checks the sample and decides.
 */

export const SESSION_STATUSES = ['roster_open', 'roster_locked', 'scoring', 'under_review', 'approved', 'cancelled'] as const;

/** A rostered candidate as the API keeps them (GET …/candidates): masked identity, and results once entered. */
interface Candidate {
  id: string;
  name: string;
  maskedId: string;
  organisation?: string | null;
  absent: boolean | null;
  theory: number | null;
  practical: number | null;
  /** Who entered the scores and who confirmed the practical one, as stored (none for results entered before it was). */
  enteredBy?: string | null;
  confirmedBy?: string | null;
  passed: boolean;
}
interface Score {
  absent: boolean;
  theory: number | null;
  practical: number | null;
  by: string;
  confirmedBy?: string;
}
interface Person {
  id: string;
  name?: string;
  organisation?: string;
  affiliations?: string[];
}
interface Signal {
  rule: string;
  serious: boolean;
  facts: Record<string, any>;
}

interface SessionCertificate {
  number: string;
  candidateId: string;
  holderName: string;
  status: string;
}

/** The session as this page reads it: the live state while it runs; once ended, what the stored record keeps. */
interface Session {
  status: string;
  station: { id: number; name: string; adminId: string | null };
  session: {
    occupationCode: string;
    level: number;
    date: string;
    site: { provinceCode: string; cityCode: string; address: string };
    expectedCandidates: number;
    startsAt?: string;
    endsAt?: string;
  };
  rosterLocksAt?: string;
  examiners: Person[];
  qualitySupervisor?: Person | null;
  supervisionRequired?: boolean;
  visitReport?: {
    by: string;
    at: string;
    candidatesPresent: number;
    identityChecked: boolean;
    examinersPresent: string[];
    irregularities: Array<{ kind: string; severity: string; note: string }>;
  };
  scores: Record<string, Score>;
  signals: Signal[];
  complaintId?: string | null;
  holdReleased?: { by: string; reasons: string[]; at: string };
  recheck: { sample: string[]; entries: Record<string, { theory: number | null; practical: number | null; by: string }> };
  review?: { outcome: string; by: string; reasons: string[] };
}

function sessionOf(data: CaseData): Session {
  if (data.live) return data.live as unknown as Session;
  const r = data.record;
  // Ended, the workflow (and later its history) is gone: the record keeps the report, re-check and review, the roster the scores.
  const scores = rosterOf(data).flatMap((c): Array<[string, Score]> =>
    c.absent === null || !c.enteredBy
      ? []
      : [[c.id, { absent: c.absent, theory: c.theory, practical: c.practical, by: c.enteredBy, ...(c.confirmedBy ? { confirmedBy: c.confirmedBy } : {}) }]],
  );
  return {
    status: r.status,
    station: { id: r.stationId, name: r.stationName, adminId: null },
    session: { occupationCode: r.occupationCode, level: r.level, date: r.date, site: r.site, expectedCandidates: r.expectedCandidates },
    examiners: (r.examinerIds ?? []).map((id: string) => ({ id })),
    qualitySupervisor: r.qualitySupervisorId ? { id: r.qualitySupervisorId } : null,
    supervisionRequired: r.supervisionRequired,
    visitReport: r.visitReport ?? undefined,
    scores: Object.fromEntries(scores),
    signals: r.signals ?? [],
    complaintId: r.complaintId,
    holdReleased: r.holdReleased ?? undefined,
    recheck: r.recheck ?? { sample: [], entries: {} },
    review: r.review ?? undefined,
  };
}
const rosterOf = (data: CaseData): Candidate[] => data.extra?.candidates ?? [];
const path = (id: string, rest: string) => `/v1/sessions/${encodeURIComponent(id)}/${rest}`;
const isAdmin = (data: CaseData, me: Me) => hasRole(me, 'station_admin') && sessionOf(data).station.adminId === me.id;
const isExaminer = (data: CaseData, me: Me) => hasRole(me, 'examiner') && sessionOf(data).examiners.some((e) => e.id === me.id);
const statusIn = (data: CaseData, ...statuses: string[]) => statuses.includes(sessionOf(data).status);
const candidateLabel = (c: Candidate) => `${c.name}（${c.maskedId}）`;
const score = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(v));

/** Whether a serious signal holds the review: under review, until a supervisor releases it. */
const held = (s: Session) => s.status === 'under_review' && s.signals.some((x) => x.serious) && !s.holdReleased;

/**
 * Whether an examiner must step aside from a candidate (回避): the candidate works at the examiner's organisation
 * or one it is affiliated with. Only a hint beside the row; the API refuses such a score whatever the page shows.
 */
function recusedFrom(examiner: Person | undefined, candidate: Candidate): boolean {
  const same = (a: string | undefined | null, b: string | undefined | null) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
  return !!examiner && !!candidate.organisation && [examiner.organisation, ...(examiner.affiliations ?? [])].some((o) => same(o, candidate.organisation));
}

/** The grid an examiner scores in: every rostered candidate, what is entered already, and those they may not score. */
function scoreRows(data: CaseData, me: Me): GridRow[] {
  const s = sessionOf(data);
  const examiner = s.examiners.find((e) => e.id === me.id);
  return rosterOf(data).map((c) => ({
    id: c.id,
    label: candidateLabel(c),
    absent: s.scores[c.id]?.absent,
    theory: s.scores[c.id]?.theory,
    practical: s.scores[c.id]?.practical,
    recused: recusedFrom(examiner, c) ? t('sessions.recused') : undefined,
  }));
}

/** Practical scores this examiner may confirm: entered by another examiner, for someone present, not confirmed yet. */
const toConfirm = (data: CaseData, me: Me) =>
  rosterOf(data).filter((c) => {
    const entered = sessionOf(data).scores[c.id];
    return entered && !entered.absent && !entered.confirmedBy && entered.by !== me.id;
  });

/** Refusals the grid can tell before asking: a score outside 0–100, or only one part for someone present. */
function gridCheck(body: Record<string, unknown>, both: boolean) {
  const entries = body.entries as Array<{ candidateId: string; absent?: boolean; theory: number | null; practical: number | null }>;
  return entries.flatMap((e) =>
    (['theory', 'practical'] as const).flatMap((part) => {
      const v = e[part];
      const field = `entries.${e.candidateId}.${part}`;
      if (v !== null && !(Number.isFinite(v) && v >= 0 && v <= 100)) return [{ field, message: t('sessions.error.scoreRange') }];
      if (v === null && !e.absent && (both || e[part === 'theory' ? 'practical' : 'theory'] !== null))
        return [{ field, message: t('sessions.error.scoreMissing') }];
      return [];
    }),
  );
}

const reasons: Field = { name: 'reasons', kind: 'lines' };

const rosterReason = (code: string | undefined) => label('rosterReason', code ?? '');
const detailsOf = (error: ApiError) => error.details as Array<{ field: string; code?: string; message: string }>;

/** A refused file: nobody was added; each rejected line with all its reasons, listed under the form's summary. */
function fileRefused(error: ApiError): ApiError {
  const lines = new Map<number, string[]>();
  for (const d of detailsOf(error)) {
    const line = /^csv\.(\d+)$/.exec(d.field)?.[1];
    if (line) lines.set(Number(line), [...(lines.get(Number(line)) ?? []), rosterReason(d.code)]);
  }
  if (!lines.size) return error;
  return new ApiError(error.status, error.code, error.message, [
    { field: '', message: t('sessions.rosterRejected', { n: lines.size }) },
    ...[...lines].map(([line, why]) => ({ field: '', message: t('sessions.rejectedLine', { line, reasons: why.join(t('cases.reasonSeparator')) }) })),
  ]);
}

/** A refused candidate: each reason next to the name or the identity number it is about. */
function candidateRefused(error: ApiError): ApiError {
  const details = detailsOf(error);
  if (!details.some((d) => d.field.startsWith('candidates.'))) return error;
  return new ApiError(
    error.status,
    error.code,
    error.message,
    details.map((d) => ({
      field: d.code?.startsWith('identity_') ? 'identityNumber' : d.code?.startsWith('name_') ? 'name' : '',
      message: rosterReason(d.code),
    })),
  );
}

const actions: ActionSpec[] = [
  {
    action: 'addCandidate',
    path: 'candidates',
    alongside: 'addCandidates',
    fields: () => [
      { name: 'name', kind: 'text', label: t('sessions.field.candidateName') },
      { name: 'identityNumber', kind: 'text', label: t('sessions.field.identityNumber'), hint: t('sessions.hint.identityNumber') },
      { name: 'organisation', kind: 'text', optional: true, label: t('sessions.field.candidateOrganisation'), hint: t('sessions.hint.organisation') },
    ],
    // One candidate, for the session's own occupation and level.
    request: (body, { id, data }) => {
      const { occupationCode, level } = sessionOf(data).session;
      return { path: path(id, 'candidates'), body: { candidates: [{ ...body, occupationCode, level }] } };
    },
    refused: candidateRefused,
  },
  {
    action: 'uploadRoster',
    path: 'candidates',
    alongside: 'addCandidates',
    fields: ({ data }) => [
      {
        name: 'csv',
        kind: 'textfile',
        accept: '.csv,text/csv',
        label: t('sessions.field.csv'),
        hint: t('sessions.hint.csv', { occupation: sessionOf(data).session.occupationCode, level: sessionOf(data).session.level }),
      },
    ],
    refused: fileRefused,
  },
  {
    action: 'removeCandidate',
    path: 'candidates/removal',
    fields: ({ data }) => [
      {
        name: 'candidateId',
        kind: 'select',
        label: t('sessions.field.candidate'),
        options: rosterOf(data).map((c) => c.id),
        labelPrefix: 'candidate',
        optionLabel: (id) => candidateLabel(rosterOf(data).find((c) => c.id === id)!),
        choose: true,
      },
      { name: 'reason', kind: 'textarea' },
    ],
    offered: (data, me) => isAdmin(data, me) && statusIn(data, 'roster_open') && rosterOf(data).length > 0,
    confirm: () => t('sessions.confirm.remove'),
  },
  {
    action: 'dispatchQualitySupervisor',
    path: 'quality-supervisor',
    fields: async ({ data }) => [
      {
        name: 'qualitySupervisorId',
        kind: 'person',
        label: t('cases.field.qualitySupervisor'),
        candidates: await candidates(`/v1/stations/${sessionOf(data).station.id}/eligible-quality-supervisors`),
        value: sessionOf(data).qualitySupervisor ? [sessionOf(data).qualitySupervisor!.id] : [],
        hint: sessionOf(data).supervisionRequired ? t('sessions.hint.supervisionRequired') : undefined,
      },
    ],
    offered: (data, me) => hasRole(me, 'supervisor') && statusIn(data, 'roster_open', 'roster_locked'),
    request: (body, { id }) => ({ path: path(id, 'quality-supervisor'), body }),
  },
  {
    action: 'fileVisitReport',
    path: 'visit-report',
    fields: ({ data }) => {
      const s = sessionOf(data);
      return [
        { name: 'candidatesPresent', kind: 'number' },
        { name: 'identityChecked', kind: 'select', options: ['true', 'false'], labelPrefix: 'yesNo', choose: true },
        {
          name: 'examinersPresent',
          kind: 'flags',
          plain: true,
          options: s.examiners.map((e) => e.id),
          labelPrefix: 'person',
          optionLabel: (id) => s.examiners.find((e) => e.id === id)!.name ?? id,
        },
        {
          name: 'irregularities',
          kind: 'rows',
          columns: [
            { name: 'kind', kind: 'text' },
            { name: 'severity', kind: 'select', options: ['minor', 'serious'], labelPrefix: 'irregularity' },
            { name: 'note', kind: 'text' },
          ],
          value: [],
          optional: true,
          hint: t('sessions.hint.irregularities'),
        },
      ];
    },
    // Filed after the session and before the station submits, so the submission's signals read it.
    offered: (data, me) =>
      hasRole(me, 'quality_supervisor') && sessionOf(data).qualitySupervisor?.id === me.id && statusIn(data, 'scoring') && !sessionOf(data).visitReport,
    request: ({ identityChecked, ...body }, { id }) => ({ path: path(id, 'visit-report'), body: { ...body, identityChecked: identityChecked === 'true' } }),
  },
  {
    action: 'enterScores',
    path: 'scores',
    fields: ({ data, me }) => [
      { name: 'entries', kind: 'grid', absent: true, rows: scoreRows(data, me), label: t('sessions.field.scores'), hint: t('sessions.hint.scores') },
    ],
    offered: (data, me) => isExaminer(data, me) && statusIn(data, 'scoring') && rosterOf(data).length > 0,
    check: (body) => [...gridCheck(body, true), ...((body.entries as unknown[]).length ? [] : [{ field: 'entries', message: t('sessions.error.noEntries') }])],
  },
  {
    action: 'confirmPractical',
    path: 'practical-confirmations',
    fields: ({ data, me }) => [
      {
        name: 'candidateIds',
        kind: 'flags',
        plain: true,
        label: t('sessions.field.confirm'),
        options: toConfirm(data, me).map((c) => c.id),
        labelPrefix: 'candidate',
        optionLabel: (candidateId) => {
          const c = rosterOf(data).find((x) => x.id === candidateId)!;
          const entered = sessionOf(data).scores[candidateId];
          const by = sessionOf(data).examiners.find((e) => e.id === entered.by);
          return t('sessions.confirmOption', { candidate: candidateLabel(c), practical: score(entered.practical), examiner: by?.name ?? entered.by });
        },
      },
    ],
    offered: (data, me) => isExaminer(data, me) && statusIn(data, 'scoring') && toConfirm(data, me).length > 0,
    check: (body) => ((body.candidateIds as string[]).length ? [] : [{ field: 'candidateIds', message: t('cases.error.choose') }]),
  },
  {
    action: 'submitResults',
    path: 'submission',
    fields: () => [],
    check: (_body, { data }) => {
      const s = sessionOf(data);
      const unscored = rosterOf(data).filter((c) => !s.scores[c.id]);
      return [
        ...(s.qualitySupervisor && !s.visitReport ? [{ field: '', message: t('sessions.error.noVisitReport') }] : []),
        ...(unscored.length
          ? [{ field: '', message: t('sessions.error.unscored', { names: unscored.map((c) => c.name).join(t('cases.listSeparator')) }) }]
          : []),
      ];
    },
    confirm: () => t('sessions.confirm.submit'),
  },
  {
    action: 'recheck',
    path: 'rechecks',
    fields: ({ data }) => {
      const s = sessionOf(data);
      const roster = rosterOf(data);
      return [
        {
          name: 'entries',
          kind: 'grid',
          absent: false,
          label: t('sessions.field.recheck'),
          hint: t('sessions.hint.recheck'),
          rows: s.recheck.sample.map((candidateId) => {
            const c = roster.find((x) => x.id === candidateId);
            const again = s.recheck.entries[candidateId];
            return { id: candidateId, label: c ? candidateLabel(c) : candidateId, theory: again?.theory, practical: again?.practical };
          }),
        },
      ];
    },
    offered: (data, me) => hasRole(me, 'reviewer') && statusIn(data, 'under_review') && sessionOf(data).recheck.sample.length > 0,
    check: (body) => [...gridCheck(body, true), ...((body.entries as unknown[]).length ? [] : [{ field: 'entries', message: t('sessions.error.noEntries') }])],
  },
  { action: 'releaseHold', path: 'hold-release', fields: () => [reasons], confirm: () => t('sessions.confirm.releaseHold') },
  {
    action: 'decide',
    path: 'decision',
    fields: () => [
      { name: 'outcome', kind: 'select', options: ['approve', 'return'], labelPrefix: 'outcome', choose: true },
      { ...reasons, optional: true },
    ],
    // Returning needs no re-check and no release of a hold; approving needs both.
    offered: (data, me) => hasRole(me, 'reviewer') && statusIn(data, 'under_review'),
    check: (body, { data }) => {
      const s = sessionOf(data);
      if (body.outcome !== 'approve') return [];
      const left = s.recheck.sample.filter((id) => !s.recheck.entries[id]).length;
      return [
        ...(held(s) ? [{ field: 'outcome', message: t('sessions.error.held') }] : []),
        ...(left ? [{ field: '', message: t('sessions.error.recheckLeft', { n: left }) }] : []),
      ];
    },
    confirm: (body) => t(body.outcome === 'approve' ? 'sessions.confirm.approve' : 'sessions.confirm.return'),
  },
  {
    action: 'cancel',
    path: 'cancellation',
    fields: () => [{ name: 'reason', kind: 'textarea' }],
    offered: (data, me) => isAdmin(data, me) && statusIn(data, 'roster_open', 'roster_locked'),
    confirm: () => t('sessions.confirm.cancel'),
  },
];

export const sessionKind: CaseKind = {
  base: '/v1/sessions',
  load: async (id) => {
    const [data, roster] = await Promise.all([
      api<CaseData>('GET', `/v1/sessions/${encodeURIComponent(id)}`),
      api<{ items: Candidate[] }>('GET', path(id, 'candidates')).then((r) => r.items),
    ]);
    return { ...data, extra: { candidates: roster } };
  },
  facts: ['id', 'registeredAt'],
  actions,
  people: sessionPeople,
};

/** People a session names: its examiners, its quality supervisor, who entered and confirmed scores, reported, reviewed. */
function sessionPeople(data: CaseData): string[] {
  const s = sessionOf(data);
  return [
    ...s.examiners.map((e) => e.id),
    s.qualitySupervisor?.id,
    s.station.adminId,
    ...Object.values(s.scores).flatMap((x) => [x.by, x.confirmedBy]),
    s.visitReport?.by,
    s.holdReleased?.by,
    s.review?.by,
    ...Object.values(s.recheck.entries).map((x) => x.by),
  ].filter((id): id is string => !!id);
}

/** A signal's facts in words: how many, which rate against which, what the visit report said. */
function signalDetail(signal: Signal): string {
  const f = signal.facts;
  switch (signal.rule) {
    case 'scored_before_end':
      return t('signalDetail.scored_before_end', { n: f.candidates, endsAt: formatTime(f.endsAt) });
    case 'not_on_roster':
      return t('signalDetail.not_on_roster', { n: f.entries });
    case 'more_passes_than_present':
      return t('signalDetail.more_passes_than_present', { passed: f.passed, present: f.presentReported });
    case 'perfect_pass_rate':
      return t('signalDetail.perfect_pass_rate', { present: f.present, passed: f.passed });
    case 'above_station_rate':
      return t('signalDetail.above_station_rate', {
        rate: Math.round(f.rate * 100),
        stationRate: Math.round(f.stationRate * 100),
        margin: Math.round(f.margin * 100),
      });
    case 'repeat_pass':
      return t('signalDetail.repeat_pass', { candidates: (f.candidates as string[]).join(t('cases.listSeparator')) });
    case 'own_organisation':
      return t('signalDetail.own_organisation', { n: f.candidates });
    case 'serious_irregularity':
      return t('signalDetail.serious_irregularity', { kinds: (f.irregularities as string[]).join(t('cases.listSeparator')) });
    default:
      return '—';
  }
}

/**
 * Numbers revealed on this page, each shown by the one render that follows its reveal (which reads the timeline with the
 * reveal on it) and then forgotten: coming back to the page shows the masked number again.
 */
const revealed = new Map<string, string>();

/**
 * A candidate's identity number: masked, with a button for a supervisor (the API answers only those covering the
 * station) that asks first, since every reveal is recorded on the session's timeline.
 */
function identityCell(sessionId: string, c: Candidate): Child {
  const number = revealed.get(c.id);
  revealed.delete(c.id);
  if (number) return h('span', { translate: 'no', 'data-identity': c.id }, number);
  const masked = h('span', { translate: 'no' }, c.maskedId);
  if (!hasRole(currentUser(), 'supervisor')) return masked;
  const button: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'link',
      'data-reveal': c.id,
      onclick: async () => {
        if (!window.confirm(t('sessions.confirm.revealIdentity', { candidate: candidateLabel(c) }))) return;
        button.disabled = true;
        try {
          const answer = await api<{ identityNumber: string }>('GET', path(sessionId, `candidates/${encodeURIComponent(c.id)}/identity`));
          revealed.set(c.id, answer.identityNumber);
          // The page again: the number in its row, the reveal on the timeline.
          window.dispatchEvent(new HashChangeEvent('hashchange'));
        } catch (error) {
          button.replaceWith(errorNotice(error));
        }
      },
    },
    t('sessions.revealIdentity'),
  );
  return [masked, ' ', button];
}

const time = (iso: string | null | undefined) => (iso ? h('time', { datetime: iso }, formatTime(iso)) : '—');

/** What the session holds, for whoever looks at it: the session itself, roster and results, report, signals, re-check, review. */
export function sessionDetails(data: CaseData, names: Names): HTMLElement[] {
  const s = sessionOf(data);
  const roster = rosterOf(data);
  const scored = roster.some((c) => c.absent !== null);
  // Who entered and confirmed each score: the live state, or the roster as stored since it keeps them.
  const by = scored && Object.keys(s.scores).length > 0;
  const decided = s.status === 'approved';
  // Issued once the results are approved (GET /v1/sessions/{id} names them), each linking to its certificate's page.
  const certificates: SessionCertificate[] = (data as CaseData & { certificates?: SessionCertificate[] }).certificates ?? [];
  const person = (p: Person | null | undefined) => (p ? (p.name ?? nameOf(names, p.id)) : '—');
  const result = (c: Candidate): Child =>
    c.absent === null ? '—' : c.absent ? t('sessions.absent') : decided ? (c.passed ? t('cases.passed') : badge('cases.failed', 'danger')) : '—';
  return [
    section(
      'sessions.section.session',
      facts([
        ['fact.stationId', h('a', { href: `#/cases/station/${s.station.id}` }, s.station.name)],
        ['fact.occupationCode', occupationName(s.session.occupationCode)],
        ['fact.level', levelLabel(s.session.level)],
        ['sessions.when', s.session.startsAt ? [time(s.session.startsAt), ' – ', time(s.session.endsAt)] : s.session.date],
        ['cases.col.site', `${placeName(s.session.site.provinceCode)} ${placeName(s.session.site.cityCode)} ${s.session.site.address}`],
        ['cases.staff.examiners', s.examiners.map(person).join(t('cases.listSeparator')) || '—'],
        ['field.expectedCandidates', String(s.session.expectedCandidates)],
        s.rosterLocksAt ? ['sessions.rosterLocksAt', time(s.rosterLocksAt)] : null,
        [
          'cases.staff.qualitySupervisor',
          [
            s.qualitySupervisor ? person(s.qualitySupervisor) : t('sessions.noQualitySupervisor'),
            s.supervisionRequired ? [' ', badge('sessions.supervisionRequired', 'warn')] : null,
          ],
        ],
      ]),
    ),
    section(
      'sessions.section.roster',
      roster.length
        ? table(
            t('sessions.rosterCaption', { n: roster.length }),
            [
              t('sessions.col.name'),
              t('sessions.col.identityNumber'),
              t('sessions.col.organisation'),
              ...(scored ? [t('forms.grid.theory'), t('forms.grid.practical')] : []),
              ...(by ? [t('sessions.col.enteredBy'), t('sessions.col.confirmedBy')] : []),
              ...(scored ? [t('cases.col.result')] : []),
            ],
            roster.map((c) => {
              const entered = s.scores[c.id];
              return [
                c.name,
                identityCell(data.record.id, c),
                c.organisation || '—',
                ...(scored ? [c.absent ? t('sessions.absent') : score(c.theory), c.absent ? '—' : score(c.practical)] : []),
                ...(by ? [entered ? nameOf(names, entered.by) : '—', entered?.confirmedBy ? nameOf(names, entered.confirmedBy) : '—'] : []),
                ...(scored ? [result(c)] : []),
              ];
            }),
            roster.map((c) => ({ 'data-candidate': c.id })),
          )
        : h('p', {}, t('sessions.rosterEmpty')),
      decided ? facts([['sessions.passedCount', t('sessions.passedOf', { passed: roster.filter((c) => c.passed).length, n: roster.length })]]) : null,
    ),
    certificates.length
      ? section(
          'sessions.section.certificates',
          table(
            t('sessions.section.certificates'),
            [t('certificates.col.number'), t('certificates.col.holder'), t('certificates.col.status')],
            certificates.map((c) => [
              h('a', { href: `#/certificates/${encodeURIComponent(c.number)}`, translate: 'no' }, c.number),
              c.holderName,
              h('strong', { class: `badge cert-${c.status}`, 'data-status': c.status }, label('certStatus', c.status)),
            ]),
            certificates.map((c) => ({ 'data-certificate': c.number, 'data-candidate': c.candidateId })),
          ),
        )
      : null,
    s.visitReport
      ? section(
          'sessions.section.visitReport',
          facts([
            ['sessions.reportedBy', `${nameOf(names, s.visitReport.by)}（${formatTime(s.visitReport.at)}）`],
            ['field.candidatesPresent', String(s.visitReport.candidatesPresent)],
            ['field.identityChecked', s.visitReport.identityChecked ? t('common.yes') : badge('common.no', 'danger')],
            ['field.examinersPresent', s.visitReport.examinersPresent.map((id) => nameOf(names, id)).join(t('cases.listSeparator')) || '—'],
          ]),
          s.visitReport.irregularities.length
            ? table(
                t('field.irregularities'),
                [t('field.irregularities.kind'), t('field.irregularities.severity'), t('field.irregularities.note')],
                s.visitReport.irregularities.map((i) => [
                  i.kind,
                  i.severity === 'serious' ? badge('irregularity.serious', 'danger') : label('irregularity', i.severity),
                  i.note || '—',
                ]),
              )
            : h('p', {}, t('sessions.noIrregularities')),
        )
      : null,
    s.status === 'under_review' || decided || s.signals.length
      ? section(
          'sessions.section.signals',
          s.signals.length
            ? table(
                t('sessions.section.signals'),
                [t('sessions.col.signal'), t('sessions.col.seriousness'), t('cases.col.detail')],
                s.signals.map((x) => [label('signal', x.rule), x.serious ? badge('sessions.serious', 'danger') : t('sessions.minor'), signalDetail(x)]),
                s.signals.map((x) => ({ 'data-signal': x.rule, class: x.serious ? 'failed' : null })),
              )
            : h('p', {}, t('sessions.noSignals')),
          held(s) ? h('p', { class: 'notice error', 'data-hold': 'true' }, t('sessions.held')) : null,
          s.complaintId
            ? h('p', {}, t('sessions.complaintOpened'), ' ', h('a', { href: `#/cases/complaint/${encodeURIComponent(s.complaintId)}` }, s.complaintId))
            : null,
          s.holdReleased
            ? facts([
                ['sessions.holdReleasedBy', `${nameOf(names, s.holdReleased.by)}（${formatTime(s.holdReleased.at)}）`],
                ['field.reasons', reasonList(s.holdReleased.reasons)],
              ])
            : null,
        )
      : null,
    s.recheck.sample.length
      ? section(
          'sessions.section.recheck',
          table(
            t('sessions.section.recheck'),
            [t('sessions.col.name'), t('sessions.col.entered'), t('sessions.col.rechecked')],
            s.recheck.sample.map((id) => {
              const c = roster.find((x) => x.id === id);
              const again = s.recheck.entries[id];
              return [
                c ? candidateLabel(c) : id,
                c && c.absent !== null ? `${score(c.theory)} / ${score(c.practical)}` : '—',
                again ? `${score(again.theory)} / ${score(again.practical)}` : t('sessions.notRechecked'),
              ];
            }),
            s.recheck.sample.map((id) => ({ 'data-sample': id })),
          ),
        )
      : null,
    s.review
      ? section(
          'sessions.section.review',
          facts([
            ['fact.outcome', label('outcome', s.review.outcome)],
            ['cases.decidedBy', nameOf(names, s.review.by)],
            ['field.reasons', reasonList(s.review.reasons)],
          ]),
        )
      : null,
  ].filter((x): x is HTMLElement => x !== null);
}
