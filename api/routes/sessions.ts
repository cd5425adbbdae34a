import { monotonicFactory } from 'ulid';
import { z } from 'zod';
import {
  SESSION_CASE,
  findSession,
  keepSealedIdentities,
  listSessionRegister,
  recentPassHashes,
  recentSupervisorIds,
  rosteredElsewhere,
  sealedCandidateIdentity,
  sessionRoster,
  stationPassRate,
  type SessionRecord,
} from '../../db/queries/sessions';
import { withNamedLocks } from '../../db/queries/locks';
import { sessionCertificates } from '../../db/queries/certificates';
import { sessionWithin } from '../../db/queries/complaintChecks';
import { stationForInspection } from '../../db/queries/stations';
import { findUser } from '../../db/queries/users';
import { durationMs } from '../../domain/duration';
import { maskIdentityNumber, normaliseIdentityNumber } from '../../domain/identity';
import type { Person, Role } from '../../domain/roles';
import {
  ROSTER_REJECTIONS,
  parseRoster,
  rosterCandidateRejections,
  rosterCandidateSchema,
  type RejectedRosterRow,
  type RosterRejection,
} from '../../domain/roster';
import { IRREGULARITY_SEVERITIES, SESSION_ACTION_ROLE, SESSION_STATUSES, type SessionActionType } from '../../domain/session';
import { singleLine } from '../../domain/text';
import { candidateIdentityReveal, sessionState, sessionUpdates, sessionWorkflowId, type SessionPayload } from '../../workflows/session.messages';
import { caseActionRoutes, caseReadRoutes, visibleCase, type CaseKind } from '../cases';
import { HttpError } from '../errors';
import { zhLabel, zhPlace } from '../registerLabels';
import { chinaTime, queryFlag, registerFilters, registerQuery, registerRoutes } from '../registers';
import { route, type ApiDeps, type RouteSpec } from '../routeSpec';
import { chinaDate } from '../../domain/chinaTime';
import { revealRecorded } from './complaints';
import { busyRetry, qualitySupervisorRefusal } from './stations';

/**
 * Appraisal sessions (鉴定场次) as cases, registered through their station (POST /v1/stations/{id}/sessions): the
 * register, one session and its roster, and one POST per action. Identity numbers arrive in clear only here: they
 * are sealed apart from the case, and the case, its workflow and every answer carry them masked and as a keyed hash.
 */

/** Candidate ids in the order they are entered, however many within one millisecond (the roster reads in that order). */
const candidateUlid = monotonicFactory();

const sessionId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a session id');
const candidateId = z.string().min(1).max(40);
const reasons = z.array(z.string().trim().min(1).max(2000)).max(20);
const score = z.number().min(0).max(100).nullable();

/** Who reads a session (each only the sessions that are theirs to see; see db/queries/sessions.ts). */
const READERS: Role[] = ['station_admin', 'supervisor', 'reviewer', 'examiner', 'quality_supervisor'];

/** One candidate as the station enters them; each is judged by the roster's rules, so every bad one is reported at once. */
const candidateEntry = z.strictObject({
  name: z.string().max(200),
  identityNumber: z.string().max(40),
  occupationCode: z.string().max(20),
  level: z.number().int(),
  organisation: singleLine(1, 200).optional(),
});

export const sessionBodies = {
  addCandidates: z
    .strictObject({ candidates: z.array(candidateEntry).min(1).max(1000).optional(), csv: z.string().min(1).max(200_000).optional() })
    .refine((b) => (b.candidates === undefined) !== (b.csv === undefined), { message: 'send `candidates` or `csv`', params: { code: 'one_of' } }),
  removeCandidate: z.strictObject({ candidateId, reason: z.string().trim().min(1).max(2000) }),
  cancel: z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
  dispatchQualitySupervisor: z.strictObject({ qualitySupervisorId: z.string().min(1).max(64) }),
  fileVisitReport: z.strictObject({
    candidatesPresent: z.number().int().min(0).max(10_000),
    identityChecked: z.boolean(),
    examinersPresent: z.array(z.string().min(1).max(64)).max(50),
    irregularities: z
      .array(z.strictObject({ kind: singleLine(1, 100), severity: z.enum(IRREGULARITY_SEVERITIES), note: z.string().trim().max(2000).default('') }))
      .max(50)
      .default([]),
  }),
  enterScores: z.strictObject({
    entries: z
      .array(z.strictObject({ candidateId, absent: z.boolean().default(false), theory: score.default(null), practical: score.default(null) }))
      .min(1)
      .max(1000),
  }),
  confirmPractical: z.strictObject({ candidateIds: z.array(candidateId).min(1).max(1000) }),
  submitResults: z.strictObject({}),
  recheck: z.strictObject({
    entries: z
      .array(z.strictObject({ candidateId, theory: score, practical: score }))
      .min(1)
      .max(1000),
  }),
  releaseHold: z.strictObject({ reasons: reasons.min(1) }),
  decide: z.strictObject({ outcome: z.enum(['approve', 'return']), reasons: reasons.default([]) }),
};

const sessions: CaseKind<SessionRecord> = {
  basePath: '/v1/sessions',
  caseType: SESSION_CASE,
  find: visibleCase(sessionId, findSession, 'session'),
  workflowId: sessionWorkflowId,
  ended: (r) =>
    r.status === 'registered'
      ? 'the session was registered before sessions were cases: it takes no actions'
      : r.status === 'approved' || r.status === 'cancelled'
        ? `the session is already ${r.status}`
        : null,
};

/** A roster's refused rows as one 400: every reason of every row, each with the row's cells (its identity number masked). */
function rosterRefused(rows: RejectedRosterRow[], from: 'csv' | 'candidates'): HttpError {
  const details = rows.flatMap((row) => {
    const where = from === 'csv' ? `第${row.line}行` : `第${row.line}位考生`;
    const cells = Object.values(row.cells).join('，');
    return row.reasons.map((reason) => ({
      field: from === 'csv' ? `csv.${row.line}` : `candidates.${row.line - 1}`,
      code: reason,
      message: `${where}（${cells}）：${ROSTER_REJECTIONS[reason].zh}（${ROSTER_REJECTIONS[reason].en}）`,
    }));
  });
  return new HttpError(
    400,
    'invalid',
    `花名册有 ${rows.length} 行未通过校验，未登记任何考生（${rows.length} roster rows were rejected; nobody was added）`,
    details,
  );
}

interface Entered {
  name: string;
  identityNumber: string;
  occupationCode: string;
  level: number;
  organisation?: string;
}

/** The entered candidates, each judged by the roster's rules (a repeated number is a repeat as in a file), or the 400 of every rejected one. */
function judgeEntries(entries: Array<z.infer<typeof candidateEntry>>, session: { occupationCode: string; level: number; today: string }): Entered[] {
  const seen = new Set<string>();
  const rejected: RejectedRosterRow[] = [];
  const valid: Entered[] = [];
  entries.forEach((entry, i) => {
    const reasons: RosterRejection[] = rosterCandidateRejections(entry, session);
    const number = normaliseIdentityNumber(entry.identityNumber);
    if (!reasons.includes('identity_format')) {
      if (seen.has(number)) reasons.push('duplicate_in_file');
      seen.add(number);
    }
    if (reasons.length) {
      const cells = {
        name: entry.name,
        identity_number: maskIdentityNumber(entry.identityNumber),
        occupation_code: entry.occupationCode,
        level: String(entry.level),
      };
      rejected.push({ line: i + 1, reasons, cells });
    } else valid.push({ ...rosterCandidateSchema.parse(entry), ...(entry.organisation ? { organisation: entry.organisation } : {}) });
  });
  if (rejected.length) throw rosterRefused(rejected, 'candidates');
  return valid;
}

/**
 * The candidates as the case takes them: each identity number sealed apart (once per person), its keyed hash and
 * its masked form. Which of them are on another session's roster at an overlapping time is read as the update is
 * sent, under their locks (oneRosterAtATime).
 */
async function rosterPayload(
  deps: ApiDeps,
  body: z.infer<typeof sessionBodies.addCandidates>,
  record: SessionRecord,
): Promise<SessionPayload<'addCandidates'>> {
  const session = { occupationCode: record.occupationCode, level: record.level, today: chinaDate(Date.now()) };
  let entered: Entered[];
  if (body.csv !== undefined) {
    const parsed = parseRoster(body.csv, { ...session, maxRows: deps.config.policy.session.maxCandidates });
    if (parsed.error) throw new HttpError(400, 'invalid', parsed.error, [{ field: 'csv', code: 'roster_file', message: parsed.error }]);
    if (parsed.rejected.length) throw rosterRefused(parsed.rejected, 'csv');
    entered = parsed.valid;
  } else entered = judgeEntries(body.candidates!, session);
  const people = entered.map((c) => ({ ...c, idHash: deps.sealer.keyedHash('identity', c.identityNumber) }));
  await keepSealedIdentities(
    deps.db,
    people.map((p) => ({ idHash: p.idHash, sealed: deps.sealer.seal(p.identityNumber) })),
  );
  return {
    candidates: people.map((p) => ({
      id: candidateUlid(),
      name: p.name,
      maskedId: maskIdentityNumber(p.identityNumber),
      idHash: p.idHash,
      occupationCode: p.occupationCode,
      level: p.level,
      ...(p.organisation ? { organisation: p.organisation } : {}),
    })),
    alreadyRostered: [],
  };
}

/**
 * Two rosters adding one person at overlapping times would both pass the check: the check and the update, which
 * answers once the roster is saved (workflows/caseRuntime.ts persists before it answers), hold a lock per identity.
 */
function oneRosterAtATime(spec: RouteSpec): RouteSpec {
  return {
    ...spec,
    handler: async (input) => {
      const target = input.target as { record: SessionRecord; payload: SessionPayload<'addCandidates'> | null };
      if (!target.payload) return spec.handler(input);
      const { record, payload } = target;
      const hashes = payload.candidates.map((c) => c.idHash);
      return withNamedLocks(input.deps.db, 'identity', hashes, busyRetry('candidates'), async () => {
        const alreadyRostered = await rosteredElsewhere(input.deps.db, hashes, record, record.id);
        return spec.handler({ ...input, target: { ...target, payload: { ...payload, alreadyRostered } } });
      });
    },
  };
}

/**
 * The quality supervisor as the case takes them: a person of the register holding the role where the station is and
 * not of its organisation (400/409 here, as the station's eligible list says), with who supervised its last sessions.
 */
async function dispatchPayload(
  deps: ApiDeps,
  body: z.infer<typeof sessionBodies.dispatchQualitySupervisor>,
  record: SessionRecord,
): Promise<SessionPayload<'dispatchQualitySupervisor'>> {
  const person = await findUser(deps.db, body.qualitySupervisorId);
  if (!person) throw new HttpError(400, 'invalid', 'unknown user', [{ field: 'qualitySupervisorId', code: 'unknown_user', message: 'unknown user' }]);
  const refusal = qualitySupervisorRefusal(person, (await stationForInspection(deps.db, record.stationId))!.snapshot);
  if (refusal)
    throw new HttpError(refusal.status, refusal.status === 409 ? 'not_allowed' : 'invalid', refusal.reason, [
      { field: 'qualitySupervisorId', code: refusal.code, message: refusal.reason },
    ]);
  const supervisor: Person = {
    id: person.id,
    name: person.name,
    email: person.email,
    roles: person.roles,
    organisation: person.organisation,
    affiliations: person.affiliations,
    jurisdictions: person.jurisdictions ?? [],
  };
  const recent = await recentSupervisorIds(
    deps.db,
    { stationId: record.stationId, sessionId: record.id, date: record.date },
    deps.config.policy.session.supervisorRotation,
  );
  return { supervisor, recentSupervisorIds: recent };
}

/** What a submission's fraud signals compare against: the station's own pass rate and recent passes of the same people. */
async function submissionPayload(deps: ApiDeps, record: SessionRecord): Promise<SessionPayload<'submitResults'>> {
  const window = durationMs(deps.config.policy.session.fraud.repeatPassWindow);
  const since = new Date(Date.parse(record.date) - window).toISOString().slice(0, 10);
  const [stationRate, recent] = await Promise.all([
    stationPassRate(deps.db, record.stationId, record.id),
    recentPassHashes(deps.db, { sessionId: record.id, occupationCode: record.occupationCode, level: record.level, since }),
  ]);
  return { facts: { stationPassRate: stationRate, recentPassHashes: recent } };
}

const toPayload: {
  [T in SessionActionType]: (deps: ApiDeps, body: z.infer<(typeof sessionBodies)[T]>, record: SessionRecord) => Promise<SessionPayload<T>>;
} = {
  addCandidates: rosterPayload,
  removeCandidate: async (_d, body) => body,
  cancel: async (_d, body) => body,
  dispatchQualitySupervisor: dispatchPayload,
  fileVisitReport: async (_d, body) => ({ report: body }),
  enterScores: async (_d, body) => body,
  confirmPractical: async (_d, body) => body,
  submitResults: async (deps, _body, record) => submissionPayload(deps, record),
  recheck: async (_d, body) => body,
  releaseHold: async (_d, body) => body,
  decide: async (_d, body) => body,
};

const action = (type: SessionActionType, path: string, summary: string) => ({ type, path, summary, roles: [SESSION_ACTION_ROLE[type]] });

export const sessionRoutes = [
  ...registerRoutes({
    path: '/v1/sessions',
    file: 'sessions',
    title: '鉴定场次台账',
    summary:
      "Appraisal sessions the caller may see (newest first, or by due date): status, station, the site's place, occupation, level, session dates, fraud signals, held (held=true: scoring, under review or approved), registered and due windows, overdue, waiting on me; search by id or station name; a total, cursor pagination",
    roles: READERS,
    query: registerQuery.extend({
      status: z.enum([...SESSION_STATUSES, 'registered']).optional(),
      stationId: z.coerce.number().int().positive().optional(),
      ...registerFilters,
      level: z.coerce.number().int().min(1).max(5).optional(),
      dateFrom: z.iso.date().optional(),
      dateTo: z.iso.date().optional(),
      signals: z.enum(['any', 'serious', 'none']).optional(),
      // Held (开考): scoring, under review or approved, as the statistics count sessions held.
      held: queryFlag,
      pendingOnMe: queryFlag,
    }),
    list: (deps, actor, filter) => listSessionRegister(deps.db, actor, { ...filter, held: filter.held === 'true' }),
    columns: [
      { header: '场次编号', value: (r) => r.id, width: 30 },
      { header: '鉴定所/站', value: (r) => r.stationName, width: 30 },
      { header: '职业代码', value: (r) => r.occupationCode },
      { header: '等级', value: (r) => r.level, width: 8 },
      { header: '鉴定日期', value: (r) => r.date },
      { header: '省份', value: (r) => zhPlace(r.site.provinceCode) },
      { header: '城市', value: (r) => zhPlace(r.site.cityCode) },
      { header: '状态', value: (r) => zhLabel('status', r.status) },
      { header: '待办事项', value: (r) => zhLabel('action', r.pending?.action) },
      { header: '截止时间', value: (r) => chinaTime(r.pending?.dueAt) },
      { header: '考生人数', value: (r) => r.candidates, width: 10 },
      { header: '合格人数', value: (r) => r.passed, width: 10 },
      { header: '虚假鉴定线索', value: (r) => r.signals.length, width: 12 },
      { header: '严重线索', value: (r) => r.seriousSignals, width: 10 },
      { header: '质量督导员', value: (r) => r.qualitySupervisorId },
      { header: '登记时间', value: (r) => chinaTime(r.registeredAt) },
    ],
  }),
  ...caseReadRoutes(sessions, {
    roles: READERS,
    state: sessionState,
    summary:
      'One appraisal session: the stored record (with the visit report, the re-check, the hold release and the review, kept once the workflow has ended) and, while it runs, its live state (identity numbers masked); the certificates issued once approved',
    timeline: 'The session timeline',
    more: async (deps, record) => ({ certificates: await sessionCertificates(deps.db, record.id) }),
  }),
  route({
    method: 'get',
    path: '/v1/sessions/{id}/candidates',
    summary: "The session's real-name roster (实名制花名册) as stored, with results where entered; identity numbers masked for every caller",
    roles: READERS,
    handler: async ({ deps, actor, params }) => ({ items: await sessionRoster(deps.db, (await sessions.find(deps, actor, params.id)).id) }),
  }),
  route({
    method: 'get',
    path: '/v1/sessions/{id}/candidates/{candidateId}/identity',
    summary:
      "A rostered candidate's resident identity number in clear, for supervisors whose jurisdiction covers the station; every reveal is recorded on the session's timeline before the number is shown",
    roles: ['supervisor'],
    handler: async ({ deps, actor, audit, params }) => {
      const record = await sessions.find(deps, actor, params.id);
      // Entitled by jurisdiction over the station, not by another part in the session (a supervisor also its examiner).
      if (!(await sessionWithin(deps.db, record.id, actor.jurisdictions ?? []))) throw new HttpError(404, 'not_found', `no session ${params.id}`);
      const found = await sealedCandidateIdentity(deps.db, record.id, params.candidateId);
      if (!found) throw new HttpError(404, 'not_found', `no candidate ${params.candidateId} on this roster`);
      const name = `${found.name} ${found.maskedId}`;
      await revealRecorded(deps, {
        caseType: SESSION_CASE,
        record,
        event: { action: 'candidate_identity_revealed', ...audit, data: { candidateId: params.candidateId, name } },
        workflowId: sessionWorkflowId(record.id),
        send: (handle) =>
          handle.executeUpdate(candidateIdentityReveal, {
            args: [{ by: audit.actorId, role: audit.actorRole as Role, requestId: audit.requestId, candidateId: params.candidateId, name }],
          }),
      });
      return { candidateId: params.candidateId, name: found.name, identityNumber: deps.sealer.unseal<string>(found.sealed) };
    },
  }),
  ...caseActionRoutes(sessions, {
    bodies: sessionBodies,
    updates: sessionUpdates,
    toPayload,
    routes: [
      action(
        'addCandidates',
        'candidates',
        "Add candidates to the real-name roster until it locks: `candidates` (name, resident identity number, occupation, level, employer) or `csv`; every row judged, any rejected row refuses the whole request with each reason; one on another session's roster at an overlapping time is refused",
      ),
    ],
  }).map(oneRosterAtATime),
  ...caseActionRoutes(sessions, {
    bodies: sessionBodies,
    updates: sessionUpdates,
    toPayload,
    routes: [
      action('removeCandidate', 'candidates/removal', 'Take a candidate off the roster before it locks, with the reason'),
      action('cancel', 'cancellation', 'Cancel the session before it is held'),
      action(
        'dispatchQualitySupervisor',
        'quality-supervisor',
        "Dispatch a quality supervisor (质量督导员): holding the role where the station is, not of its organisation or affiliations (回避), not one of its last sessions' (rotation)",
      ),
      action(
        'fileVisitReport',
        'visit-report',
        "The dispatched quality supervisor's visit report: candidates present, identity checks, examiners present, irregularities",
      ),
      action('enterScores', 'scores', "A session examiner's theory and practical scores (or absence) for rostered candidates, after the session ended"),
      action('confirmPractical', 'practical-confirmations', 'A second examiner confirms practical scores entered by another (two-person rule)'),
      action('submitResults', 'submission', 'The station submits the results; fraud signals (虚假鉴定线索) are computed and recorded'),
      action('recheck', 'rechecks', "The reviewer re-enters the sampled candidates' scores"),
      action('releaseHold', 'hold-release', 'A supervisor releases the hold a serious fraud signal put on approval, with reasons'),
      action('decide', 'decision', 'The reviewer approves the results (re-check complete and matching) or returns them'),
    ],
  }),
];
