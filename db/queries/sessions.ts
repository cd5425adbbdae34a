import type { Db } from '../connect';
import { examinerStatus } from './examiners';
import type { AppraisalSession, SessionExaminer } from '../../domain/programme';

/** The appraisal session register (鉴定场次): written by the station's programme once registration is allowed. */
export async function insertSession(db: Db, s: AppraisalSession & { id: string; stationId: number; registeredBy: string; at: string }): Promise<void> {
  await db.transaction(async (trx) => {
    const inserted = await trx('appraisal_sessions')
      .insert({
        id: s.id,
        station_id: s.stationId,
        occupation_code: s.occupationCode,
        level: s.level,
        session_date: s.date,
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
  const rows = await db('appraisal_sessions').where({ station_id: stationId }).orderBy('session_date');
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
