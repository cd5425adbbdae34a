import type { Db } from '../connect';
import type { CaseSave } from '../../domain/case';
import type { AppraisalSession, SessionExaminer } from '../../domain/programme';
import type { Actor } from '../../domain/roles';
import { sessionSpan, type FraudSignal, type SessionState, type VisitReport } from '../../domain/session';
import { HELD_SESSION_STATUSES } from '../../domain/statistics';
import { saveCaseSnapshot } from './events';
import { examinerStatus } from './examiners';
import { stationIdsWithin } from './jurisdictions';
import { containing, overdueAt, pendingOn, registerPage, type RegisterFilter, type RegisterPage } from './registers';
import { parseJson } from './users';

export const SESSION_CASE = 'session';
export type SessionProjection = Omit<SessionState, 'timeline'>;

/** The appraisal session register (鉴定场次): written by the station's programme once registration is allowed. */
export async function insertSession(db: Db, s: AppraisalSession & { id: string; stationId: number; registeredBy: string; at: string }): Promise<void> {
  const span = sessionSpan(s);
  await db.transaction(async (trx) => {
    const inserted = await trx('appraisal_sessions')
      .insert({
        id: s.id,
        station_id: s.stationId,
        occupation_code: s.occupationCode,
        level: s.level,
        session_date: s.date,
        starts_at: new Date(span.startsAt),
        ends_at: new Date(span.endsAt),
        province_code: s.site.provinceCode,
        city_code: s.site.cityCode,
        address: s.site.address,
        expected_candidates: s.expectedCandidates,
        registered_by: s.registeredBy,
        registered_at: new Date(s.at),
      })
      .onConflict('id')
      .ignore();
    if (inserted.length) {
      await trx('appraisal_session_examiners')
        .insert(s.examinerIds.map((examinerId) => ({ session_id: s.id, examiner_id: examinerId })))
        .onConflict(['session_id', 'examiner_id'])
        .ignore();
    }
  });
}

/** A session's examiners as registration judges them: their register status and their qualifications in the occupation. */
export async function sessionExaminers(db: Db, ids: string[], occupationCode: string): Promise<SessionExaminer[]> {
  const [registered, qualifications] = await Promise.all([
    db('examiners').whereIn('id', ids).select('id', examinerStatus(db)),
    db('qualifications').whereIn('examiner_id', ids).where({ occupation_code: occupationCode }).select('examiner_id', 'level', 'status', 'expires_at'),
  ]);
  return ids.map((id) => ({
    id,
    status: registered.find((r) => r.id === id)?.status ?? null,
    qualifications: qualifications
      .filter((q) => q.examiner_id === id)
      .map((q) => ({ level: q.level, status: q.status, expiresAt: q.expires_at ? new Date(q.expires_at).toISOString() : null })),
  }));
}

export async function setQualitySupervisor(db: Db, stationId: number, sessionId: string, userId: string): Promise<boolean> {
  return (await db('appraisal_sessions').where({ id: sessionId, station_id: stationId }).update({ quality_supervisor_id: userId })) === 1;
}

export async function listSessions(db: Db, stationId: number) {
  const rows = await db('appraisal_sessions').where({ station_id: stationId }).orderBy('session_date').orderBy('id');
  const examiners = await db('appraisal_session_examiners').whereIn(
    'session_id',
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({
    id: r.id,
    occupationCode: r.occupation_code,
    level: r.level,
    date: new Date(r.session_date).toISOString().slice(0, 10),
    site: { provinceCode: r.province_code, cityCode: r.city_code, address: r.address },
    examinerIds: examiners.filter((e) => e.session_id === r.id).map((e) => e.examiner_id),
    expectedCandidates: r.expected_candidates,
    qualitySupervisorId: r.quality_supervisor_id,
    status: r.status as string,
  }));
}

/** Sessions an examiner conducted in a period: renewal evidence. */
export async function sessionsConducted(db: Db, examinerId: string, from: string, to: string): Promise<number> {
  const row = await db('appraisal_session_examiners')
    .join('appraisal_sessions', 'appraisal_sessions.id', 'appraisal_session_examiners.session_id')
    .where('examiner_id', examinerId)
    .whereBetween('session_date', [from, to])
    .count({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

/**
 * Writes the session's row and its new events, and in the same transaction its roster with the results (the
 * candidates' table the overlap rule, the station's pass rate and the repeat-pass signal read).
 */
export async function saveSessionSnapshot(db: Db, { case: s, pending, deadline, updatedAt, events }: CaseSave<SessionProjection>): Promise<void> {
  const span = sessionSpan(s.session);
  const row = {
    status: s.status,
    // Rows registered before the register kept times took the whole day: the case's own times replace it.
    starts_at: new Date(span.startsAt),
    ends_at: new Date(span.endsAt),
    pending_action: pending?.action ?? null,
    pending_role: pending?.role ?? null,
    pending_user_ids: pending ? JSON.stringify(pending.userIds) : null,
    due_at: deadline ? new Date(deadline.dueAt) : null,
    escalation_level: deadline?.escalationLevel ?? 0,
    supervision_required: s.supervisionRequired,
    // Kept where a supervisor was dispatched through the station's programme before the session knew of it.
    ...(s.qualitySupervisor ? { quality_supervisor_id: s.qualitySupervisor.id } : {}),
    signals: JSON.stringify(s.signals),
    serious_signals: s.signals.filter((x) => x.serious).length,
    complaint_id: s.complaintId ?? null,
    // What the session's page shows once its workflow, and later its history, is gone (findSession's record).
    visit_report: s.visitReport ? JSON.stringify(s.visitReport) : null,
    recheck: JSON.stringify(s.recheck),
    hold_released: s.holdReleased ? JSON.stringify(s.holdReleased) : null,
    review: s.review ? JSON.stringify(s.review) : null,
    candidates: s.candidates.length,
    passed: s.passed.length,
    updated_at: new Date(updatedAt),
  };
  await saveCaseSnapshot(db, { table: 'appraisal_sessions', caseType: SESSION_CASE, id: s.id, version: s.version, row, timeline: events }, (trx) =>
    writeRoster(trx, s),
  );
}

/** The roster as the case holds it, unless a later save has written it already (the row's version is past this one). */
async function writeRoster(trx: Db, s: SessionProjection): Promise<void> {
  const current = await trx('appraisal_sessions').where({ id: s.id }).first('version');
  if (Number(current?.version) !== s.version) return;
  await trx('session_candidates')
    .where({ session_id: s.id })
    .whereNotIn(
      'candidate_id',
      s.candidates.map((c) => c.id),
    )
    .delete();
  if (!s.candidates.length) return;
  const passed = new Set(s.passed);
  await trx('session_candidates')
    .insert(
      s.candidates.map((c) => {
        const score = s.scores[c.id];
        return {
          session_id: s.id,
          candidate_id: c.id,
          name: c.name,
          masked_id: c.maskedId,
          id_hash: c.idHash,
          occupation_code: c.occupationCode,
          level: c.level,
          organisation: c.organisation ?? null,
          session_date: s.session.date,
          absent: score ? score.absent : null,
          theory: score?.theory ?? null,
          practical: score?.practical ?? null,
          entered_by: score?.by ?? null,
          confirmed_by: score?.confirmedBy ?? null,
          passed: passed.has(c.id),
        };
      }),
    )
    .onConflict(['session_id', 'candidate_id'])
    .merge();
}

/** A session's times as the register keeps them ([startsAt, endsAt), ISO instants: see domain sessionSpan). */
export interface SessionSpan {
  startsAt: string;
  endsAt: string;
}

/** Sessions (not cancelled, not this one) that begin before the span ends and end after it begins. */
function overlapping(query: ReturnType<Db>, span: SessionSpan, sessionId: string): void {
  query
    .where('s.starts_at', '<', new Date(span.endsAt))
    .where('s.ends_at', '>', new Date(span.startsAt))
    .whereNot('s.status', 'cancelled')
    .whereNot('s.id', sessionId);
}

/** Of the examiners, those already at another session at a time overlapping the span. */
export async function busyExaminers(db: Db, examinerIds: string[], span: SessionSpan, sessionId: string): Promise<string[]> {
  if (!examinerIds.length) return [];
  const query = db('appraisal_session_examiners as e').join('appraisal_sessions as s', 's.id', 'e.session_id').whereIn('e.examiner_id', examinerIds);
  overlapping(query, span, sessionId);
  return query.distinct().pluck('e.examiner_id');
}

/** Of the identity hashes, those on the roster of another session at a time overlapping the span. */
export async function rosteredElsewhere(db: Db, idHashes: string[], span: SessionSpan, sessionId: string): Promise<string[]> {
  if (!idHashes.length) return [];
  const query = db('session_candidates as c').join('appraisal_sessions as s', 's.id', 'c.session_id').whereIn('c.id_hash', idHashes);
  overlapping(query, span, sessionId);
  return query.distinct().pluck('c.id_hash');
}

/** Keeps each person's sealed identity number once, by its keyed hash (the same number seals to a new text each time). */
export async function keepSealedIdentities(db: Db, identities: Array<{ idHash: string; sealed: string }>): Promise<void> {
  if (!identities.length) return;
  await db('candidate_identities')
    .insert(identities.map((i) => ({ id_hash: i.idHash, sealed: i.sealed })))
    .onConflict('id_hash')
    .ignore();
}

/** Who supervised the station's last `count` sessions (not cancelled) held up to the date, other than this one. */
export async function recentSupervisorIds(db: Db, s: { stationId: number; sessionId: string; date: string }, count: number): Promise<string[]> {
  if (count === 0) return [];
  const ids: Array<string | null> = await db('appraisal_sessions')
    .where({ station_id: s.stationId })
    .where('session_date', '<=', s.date)
    .whereNot('id', s.sessionId)
    .whereNot('status', 'cancelled')
    .orderBy('session_date', 'desc')
    .orderBy('id', 'desc')
    .limit(count)
    .pluck('quality_supervisor_id');
  return [...new Set(ids.filter((id): id is string => id !== null))];
}

/** The station's pass rate over its other approved sessions (passed of those present), or null while it has none. */
export async function stationPassRate(db: Db, stationId: number, sessionId: string): Promise<number | null> {
  const row = await db('session_candidates as c')
    .join('appraisal_sessions as s', 's.id', 'c.session_id')
    .where({ 's.station_id': stationId, 's.status': 'approved', 'c.absent': false })
    .whereNot('s.id', sessionId)
    .first(db.raw('COUNT(*) AS present'), db.raw('SUM(c.passed) AS passed'));
  const present = Number(row?.present ?? 0);
  return present ? Number(row.passed) / present : null;
}

/** Which of the session's candidates passed the same occupation and level at another approved session held since the date. */
export async function recentPassHashes(db: Db, s: { sessionId: string; occupationCode: string; level: number; since: string }): Promise<string[]> {
  return db('session_candidates as c')
    .join('appraisal_sessions as s', 's.id', 'c.session_id')
    .where({ 's.status': 'approved', 'c.passed': true, 'c.occupation_code': s.occupationCode, 'c.level': s.level })
    .where('c.session_date', '>=', s.since)
    .whereNot('c.session_id', s.sessionId)
    .whereIn('c.id_hash', (sub) => sub.select('id_hash').from('session_candidates').where('session_id', s.sessionId))
    .distinct()
    .pluck('c.id_hash');
}

/** A session's roster as stored: masked identities, results where entered. */
export async function sessionRoster(db: Db, sessionId: string) {
  const rows = await db('session_candidates').where({ session_id: sessionId }).orderBy('candidate_id');
  return rows.map((r) => ({
    id: r.candidate_id as string,
    name: r.name as string,
    maskedId: r.masked_id as string,
    occupationCode: r.occupation_code as string,
    level: r.level as number,
    organisation: r.organisation as string | null,
    absent: r.absent === null ? null : Boolean(r.absent),
    theory: r.theory as number | null,
    practical: r.practical as number | null,
    enteredBy: r.entered_by as string | null,
    confirmedBy: r.confirmed_by as string | null,
    passed: Boolean(r.passed),
  }));
}

/** A rostered candidate of the session with their identity number as sealed, or undefined (not on this roster). */
export async function sealedCandidateIdentity(db: Db, sessionId: string, candidateId: string) {
  const row = await db('session_candidates as c')
    .join('candidate_identities as i', 'i.id_hash', 'c.id_hash')
    .where({ 'c.session_id': sessionId, 'c.candidate_id': candidateId })
    .first('c.name', 'c.masked_id', 'i.sealed');
  return row ? { name: row.name as string, maskedId: row.masked_id as string, sealed: row.sealed as string } : undefined;
}

export interface SessionFilter extends RegisterFilter {
  status?: string;
  stationId?: number;
  provinceCode?: string;
  cityCode?: string;
  occupationCode?: string;
  level?: number;
  dateFrom?: string;
  dateTo?: string;
  signals?: 'any' | 'serious' | 'none';
  /** Only sessions held (scoring, under review, approved), as the statistics count them. */
  held?: boolean;
  pendingOnMe?: boolean;
}

/**
 * Who sees a session: the station's administrator, supervisors and reviewers whose jurisdiction holds the station,
 * its examiners and its dispatched quality supervisor.
 */
function visibleTo(query: ReturnType<Db>, actor: Actor): void {
  query.where((q) => {
    q.whereRaw('1 = 0');
    if (actor.roles.includes('supervisor') || actor.roles.includes('reviewer'))
      q.orWhereIn('appraisal_sessions.station_id', (sub) => stationIdsWithin(sub, actor.jurisdictions));
    if (actor.roles.includes('station_admin'))
      q.orWhereIn('appraisal_sessions.station_id', (sub) => sub.select('id').from('stations').where('admin_id', actor.id));
    if (actor.roles.includes('examiner'))
      q.orWhereIn('appraisal_sessions.id', (sub) => sub.select('session_id').from('appraisal_session_examiners').where('examiner_id', actor.id));
    if (actor.roles.includes('quality_supervisor')) q.orWhere('appraisal_sessions.quality_supervisor_id', actor.id);
  });
}

const sessions = (db: Db) =>
  db('appraisal_sessions').join('stations', 'stations.id', 'appraisal_sessions.station_id').select('appraisal_sessions.*', 'stations.name as station_name');

/**
 * The register of sessions (鉴定场次台账) the actor may see: by status, station, the site's place, occupation, level,
 * session dates, fraud signals, registered and due windows, overdue, waiting on them; searched by id or station name.
 */
export async function listSessionRegister(db: Db, actor: Actor, f: SessionFilter): Promise<RegisterPage<SessionRecord>> {
  const query = sessions(db);
  visibleTo(query, actor);
  if (f.status) query.where('appraisal_sessions.status', f.status);
  if (f.stationId) query.where('appraisal_sessions.station_id', f.stationId);
  if (f.provinceCode) query.where('appraisal_sessions.province_code', f.provinceCode);
  if (f.cityCode) query.where('appraisal_sessions.city_code', f.cityCode);
  if (f.occupationCode) query.where('appraisal_sessions.occupation_code', f.occupationCode);
  if (f.level) query.where('appraisal_sessions.level', f.level);
  if (f.held) query.whereIn('appraisal_sessions.status', HELD_SESSION_STATUSES);
  if (f.dateFrom) query.where('appraisal_sessions.session_date', '>=', f.dateFrom);
  if (f.dateTo) query.where('appraisal_sessions.session_date', '<=', f.dateTo);
  if (f.signals === 'serious') query.where('appraisal_sessions.serious_signals', '>', 0);
  if (f.signals === 'any') query.whereRaw('JSON_LENGTH(appraisal_sessions.signals) > 0');
  if (f.signals === 'none') query.where((w) => w.whereNull('appraisal_sessions.signals').orWhereRaw('JSON_LENGTH(appraisal_sessions.signals) = 0'));
  if (f.overdue) overdueAt(query, { due: 'appraisal_sessions.due_at', escalation: 'appraisal_sessions.escalation_level' });
  if (f.pendingOnMe) pendingOn(query, actor);
  if (f.q) {
    const q = f.q;
    query.where((w) => w.where('appraisal_sessions.id', q).orWhere('stations.name', 'like', containing(q)));
  }
  return registerPage(
    query,
    { id: 'appraisal_sessions.id', idOrder: 'desc', created: 'appraisal_sessions.registered_at', due: 'appraisal_sessions.due_at' },
    f,
    toRecord,
  );
}

/**
 * The session the actor may see, with its examiners and what its page shows once the workflow has ended: the visit
 * report, the re-check, the hold's release and the review (null where the session has none, or was last saved before
 * the register kept them); the scores are its roster's (sessionRoster).
 */
export async function findSession(db: Db, actor: Actor, id: string): Promise<SessionRecord | undefined> {
  const query = sessions(db).where('appraisal_sessions.id', id);
  visibleTo(query, actor);
  const row = await query.first();
  if (!row) return undefined;
  const examinerIds: string[] = await db('appraisal_session_examiners').where({ session_id: id }).orderBy('examiner_id').pluck('examiner_id');
  return {
    ...toRecord(row),
    examinerIds,
    visitReport: parseJson<VisitReport>(row.visit_report),
    recheck: parseJson<SessionState['recheck']>(row.recheck),
    holdReleased: parseJson<NonNullable<SessionState['holdReleased']>>(row.hold_released),
    review: parseJson<NonNullable<SessionState['review']>>(row.review),
  };
}

export type SessionRecord = ReturnType<typeof toRecord> & {
  examinerIds?: string[];
  visitReport?: VisitReport | null;
  recheck?: SessionState['recheck'] | null;
  holdReleased?: SessionState['holdReleased'] | null;
  review?: SessionState['review'] | null;
};

function toRecord(r: Record<string, any>) {
  return {
    id: r.id as string,
    stationId: r.station_id as number,
    stationName: r.station_name as string,
    occupationCode: r.occupation_code as string,
    level: r.level as number,
    date: new Date(r.session_date).toISOString().slice(0, 10),
    startsAt: new Date(r.starts_at).toISOString(),
    endsAt: new Date(r.ends_at).toISOString(),
    site: { provinceCode: r.province_code as string, cityCode: r.city_code as string, address: r.address as string },
    expectedCandidates: r.expected_candidates as number,
    status: r.status as string,
    pending: r.pending_action
      ? {
          action: r.pending_action as string,
          role: r.pending_role as string,
          userIds: parseJson<string[]>(r.pending_user_ids) ?? [],
          dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
          escalationLevel: r.escalation_level as number,
        }
      : null,
    qualitySupervisorId: r.quality_supervisor_id as string | null,
    supervisionRequired: Boolean(r.supervision_required),
    signals: parseJson<FraudSignal[]>(r.signals) ?? [],
    seriousSignals: r.serious_signals as number,
    complaintId: r.complaint_id as string | null,
    candidates: r.candidates as number,
    passed: r.passed as number,
    version: r.version as number,
    registeredBy: r.registered_by as string,
    registeredAt: new Date(r.registered_at).toISOString(),
    updatedAt: r.updated_at ? new Date(r.updated_at).toISOString() : null,
  };
}
