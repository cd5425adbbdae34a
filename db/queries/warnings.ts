import { ulid } from 'ulid';
import type { Db } from '../connect';
import { chinaDate } from '../../domain/chinaTime';
import { durationMs } from '../../domain/duration';
import type { Actor } from '../../domain/roles';
import type { Firing, WarningFacts, WarningRule, WarningStatus, WarningSubject, Window } from '../../domain/warnings';
import type { WarningRules } from '../../domain/policy';
import { appendAuditEvent, caseTimeline, type AuditActor } from './events';
import { withinJurisdiction } from './jurisdictions';
import { SESSION_CASE } from './sessions';
import { parseJson } from './users';

/**
 * Early warnings (预警): the rules' windowed counts over the registers (each over an index on its time column), and the
 * warnings recorded once per rule, subject and window, with the case each opened and a supervisor's dismissal.
 */
export const WARNING_CASE = 'warning';

const SYSTEM: AuditActor = { actorId: 'system:early-warning', actorRole: 'system' };

type Windows = Partial<Record<WarningRule, Window>>;
const ids = (csv: string | null) => (csv ? csv.split(',') : []);

/** Counts the facts of each rule given a window (the rules turned on), keeping only subjects at or above the threshold. */
export async function countWarningFacts(db: Db, rules: WarningRules, windows: Windows): Promise<Partial<WarningFacts>> {
  const facts: Partial<WarningFacts> = {};
  const since = (rule: WarningRule) => new Date(windows[rule]!.since);
  const until = (rule: WarningRule) => new Date(windows[rule]!.until);

  if (windows.complaints_per_station) {
    const rows = await db('complaints')
      .where('created_at', '>=', since('complaints_per_station'))
      .where('created_at', '<=', until('complaints_per_station'))
      .whereNotNull('station_id')
      // A duplicate merged into another case is the same complaint told twice.
      .whereNot('status', 'merged')
      .groupBy('station_id')
      .havingRaw('COUNT(*) >= ?', [rules.complaints_per_station.threshold])
      .select('station_id', db.raw('COUNT(*) AS n'), db.raw('GROUP_CONCAT(id ORDER BY created_at) AS ids'));
    facts.complaints_per_station = rows.map((r) => ({ stationId: Number(r.station_id), complaints: Number(r.n), complaintIds: ids(r.ids) }));
  }

  if (windows.pass_rate_above_history) {
    const rule = rules.pass_rate_above_history;
    const from = chinaDate(windows.pass_rate_above_history.since);
    const to = chinaDate(windows.pass_rate_above_history.until);
    const historyFrom = chinaDate(new Date(since('pass_rate_above_history').getTime() - durationMs(rule.history)).toISOString());
    const approvedInWindow = () => db('appraisal_sessions').whereBetween('session_date', [from, to]).where('status', 'approved');
    const recent = await approvedInWindow()
      .groupBy('station_id', 'province_code')
      .havingRaw('SUM(candidates) >= ?', [rule.minCandidates])
      .select('station_id', 'province_code', db.raw('SUM(candidates) AS candidates'), db.raw('SUM(passed) AS passed'));
    const history = recent.length
      ? await db('appraisal_sessions')
          .whereIn(
            'station_id',
            recent.map((r) => r.station_id),
          )
          .where('session_date', '>=', historyFrom)
          .where('session_date', '<', from)
          .where('status', 'approved')
          .groupBy('station_id')
          .select('station_id', db.raw('SUM(candidates) AS candidates'), db.raw('SUM(passed) AS passed'))
      : [];
    // The provinces' totals over the same window; a station is compared with the others of its province.
    const provinces = recent.length
      ? await approvedInWindow()
          .whereIn('province_code', [...new Set(recent.map((r) => r.province_code as string))])
          .groupBy('province_code')
          .select('province_code', db.raw('SUM(candidates) AS candidates'), db.raw('SUM(passed) AS passed'))
      : [];
    const before = new Map(history.map((h) => [Number(h.station_id), h]));
    const province = new Map(provinces.map((p) => [p.province_code as string, p]));
    facts.pass_rate_above_history = recent.map((r) => ({
      stationId: Number(r.station_id),
      candidates: Number(r.candidates),
      passed: Number(r.passed),
      historyCandidates: Number(before.get(Number(r.station_id))?.candidates ?? 0),
      historyPassed: Number(before.get(Number(r.station_id))?.passed ?? 0),
      provinceCode: r.province_code as string,
      provinceCandidates: Number(province.get(r.province_code)?.candidates ?? 0) - Number(r.candidates),
      provincePassed: Number(province.get(r.province_code)?.passed ?? 0) - Number(r.passed),
    }));
  }

  if (windows.serious_irregularity) {
    // Visit reports are filed on the session's day: the sessions of the window (by date), then their reports on the timeline.
    const rows = await db('appraisal_sessions as s')
      .join('events as e', (j) => j.on('e.case_id', 's.id').andOnVal('e.case_type', SESSION_CASE))
      .whereBetween('s.session_date', [chinaDate(windows.serious_irregularity.since), chinaDate(windows.serious_irregularity.until)])
      .where('e.action', 'visit_report_filed')
      .where('e.at', '>=', since('serious_irregularity'))
      .whereRaw("JSON_EXTRACT(e.data, '$.serious') > 0")
      .groupBy('s.station_id')
      .havingRaw('COUNT(*) >= ?', [rules.serious_irregularity.threshold])
      .select('s.station_id', db.raw('COUNT(*) AS n'), db.raw('GROUP_CONCAT(DISTINCT s.id) AS ids'));
    facts.serious_irregularity = rows.map((r) => ({ stationId: Number(r.station_id), reports: Number(r.n), sessionIds: ids(r.ids) }));
  }

  if (windows.examiner_violations) {
    const rows = await db('conduct_records')
      .where('kind', 'violation')
      .where('recorded_at', '>=', since('examiner_violations'))
      .where('recorded_at', '<=', until('examiner_violations'))
      .groupBy('examiner_id')
      .havingRaw('COUNT(*) >= ?', [rules.examiner_violations.threshold])
      .select('examiner_id', db.raw('COUNT(*) AS n'));
    facts.examiner_violations = rows.map((r) => ({ examinerId: String(r.examiner_id), violations: Number(r.n) }));
  }

  if (windows.blank_stock_mismatch) {
    const rows = await db('blank_form_stocktakes')
      .where('balanced', false)
      .where('at', '>=', since('blank_stock_mismatch'))
      .where('at', '<=', until('blank_stock_mismatch'))
      .groupBy('station_id')
      .havingRaw('COUNT(*) >= ?', [rules.blank_stock_mismatch.threshold])
      .select('station_id', db.raw('COUNT(*) AS n'), db.raw('GROUP_CONCAT(id ORDER BY at) AS ids'));
    facts.blank_stock_mismatch = rows.map((r) => ({ stationId: Number(r.station_id), stocktakes: Number(r.n), stocktakeIds: ids(r.ids) }));
  }

  if (windows.mass_incident) {
    const sessionId = db.raw("JSON_UNQUOTE(JSON_EXTRACT(c.summary, '$.targets.sessionId'))");
    const rows = await db('complaints as c')
      .leftJoin('appraisal_sessions as s', 's.id', sessionId)
      .where('c.created_at', '>=', since('mass_incident'))
      .where('c.created_at', '<=', until('mass_incident'))
      .whereNot('c.status', 'merged')
      .whereRaw("JSON_EXTRACT(c.summary, '$.targets.sessionId') IS NOT NULL")
      .groupBy(sessionId, 's.station_id')
      .havingRaw('COUNT(*) >= ?', [rules.mass_incident.threshold])
      .select({ session_id: sessionId }, 's.station_id', db.raw('COUNT(*) AS n'), db.raw('GROUP_CONCAT(c.id ORDER BY c.created_at) AS ids'));
    facts.mass_incident = rows.map((r) => ({
      sessionId: String(r.session_id),
      stationId: r.station_id === null ? null : Number(r.station_id),
      complaints: Number(r.n),
      complaintIds: ids(r.ids),
    }));
  }
  return facts;
}

/** The place of a warning's subject: its station's (a session's station), or where an examiner is registered. */
async function subjectPlace(db: Db, f: Firing): Promise<{ provinceCode: string | null; cityCode: string | null }> {
  const stationId =
    f.subjectType === 'station' ? Number(f.subjectId) : f.subjectType === 'session' ? (f.figures.stationId as number | null | undefined) : undefined;
  if (stationId) {
    const station = await db('stations').where({ id: stationId }).first('province_code', 'city_code');
    if (station) return { provinceCode: station.province_code, cityCode: station.city_code };
  }
  if (f.subjectType === 'examiner') {
    const examiner = await db('examiners').where({ id: f.subjectId }).first('region_code');
    const code: string | undefined =
      examiner?.region_code ??
      (await db('user_jurisdictions').where({ user_id: f.subjectId }).whereRaw("code REGEXP '^[0-9]{6}$'").min({ code: 'code' }).first())?.code;
    if (code) return { provinceCode: `${code.slice(0, 2)}0000`, cityCode: code.endsWith('0000') ? null : code };
  }
  return { provinceCode: null, cityCode: null };
}

/**
 * Records a firing unless its (rule, subject, window start) is recorded already: concurrent evaluations meet on the
 * unique key, the second finding the first's row. Returns the warning and whether this call recorded it.
 */
export async function recordWarning(db: Db, f: Firing): Promise<{ id: string; created: boolean }> {
  const place = await subjectPlace(db, f);
  return db.transaction(async (trx) => {
    const id = ulid();
    const key = { rule: f.rule, subject_type: f.subjectType, subject_id: f.subjectId, window_start: new Date(f.window.start) };
    await trx('warnings')
      .insert({
        id,
        ...key,
        window_end: new Date(f.window.end),
        province_code: place.provinceCode,
        city_code: place.cityCode,
        figures: JSON.stringify(f.figures),
        status: 'open',
        created_at: new Date(),
      })
      .onConflict(['rule', 'subject_type', 'subject_id', 'window_start'])
      .ignore();
    const row = await trx('warnings').where(key).first('id');
    const created = row.id === id;
    if (created)
      await appendAuditEvent(trx, WARNING_CASE, id, {
        ...SYSTEM,
        action: 'warning_raised',
        data: { rule: f.rule, subject: `${f.subjectType}:${f.subjectId}` },
      });
    return { id: row.id as string, created };
  });
}

/** Open warnings whose case is not recorded yet (an evaluation that stopped between the two), oldest first. */
export async function warningsWithoutCase(db: Db, limit: number): Promise<string[]> {
  return db('warnings').where({ status: 'open' }).whereNull('case_id').orderBy('created_at').limit(limit).pluck('id');
}

/** Records the case a warning opened, once. */
export async function setWarningCase(db: Db, id: string, c: { type: string; id: string }): Promise<void> {
  await db.transaction(async (trx) => {
    const n = await trx('warnings').where({ id }).whereNull('case_id').update({ case_type: c.type, case_id: c.id });
    if (n) await appendAuditEvent(trx, WARNING_CASE, id, { ...SYSTEM, action: 'case_opened', data: { caseType: c.type, caseId: c.id } });
  });
}

export interface WarningRecord {
  id: string;
  rule: WarningRule;
  subjectType: WarningSubject;
  subjectId: string;
  windowStart: string;
  windowEnd: string;
  provinceCode: string | null;
  cityCode: string | null;
  figures: Record<string, unknown>;
  case: { type: string; id: string } | null;
  status: WarningStatus;
  dismissedBy: string | null;
  dismissalReasons: string[] | null;
  createdAt: string;
}

function toRecord(r: Record<string, unknown>): WarningRecord {
  return {
    id: r.id as string,
    rule: r.rule as WarningRule,
    subjectType: r.subject_type as WarningSubject,
    subjectId: r.subject_id as string,
    windowStart: new Date(r.window_start as string).toISOString(),
    windowEnd: new Date(r.window_end as string).toISOString(),
    provinceCode: (r.province_code as string | null) ?? null,
    cityCode: (r.city_code as string | null) ?? null,
    figures: parseJson<Record<string, unknown>>(r.figures) ?? {},
    case: r.case_id ? { type: r.case_type as string, id: r.case_id as string } : null,
    status: r.status as WarningStatus,
    dismissedBy: (r.dismissed_by as string | null) ?? null,
    dismissalReasons: parseJson<string[]>(r.dismissal_reasons),
    createdAt: new Date(r.created_at as string).toISOString(),
  };
}

/** Warnings inside the actor's jurisdiction (by their subject's place); a warning with no place only the nation sees. */
const visibleTo = (db: Db, actor: Actor) => {
  const q = db('warnings');
  withinJurisdiction(q, actor.jurisdictions, { province: 'warnings.province_code', city: 'warnings.city_code' });
  return q;
};

export async function listWarnings(
  db: Db,
  actor: Actor,
  f: { rule?: WarningRule; status?: WarningStatus; place?: string; limit: number },
): Promise<WarningRecord[]> {
  const q = visibleTo(db, actor);
  if (f.rule) q.where('rule', f.rule);
  if (f.status) q.where('status', f.status);
  if (f.place && /^\d{2}0000$/.test(f.place)) q.where('province_code', f.place);
  else if (f.place && f.place !== 'CN') q.where('city_code', f.place);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit);
  return rows.map(toRecord);
}

/** A warning whatever its place, for the system opening its case. */
export async function warningById(db: Db, id: string): Promise<WarningRecord | undefined> {
  const row = await db('warnings').where({ id }).first();
  return row ? toRecord(row) : undefined;
}

export async function findWarning(
  db: Db,
  actor: Actor,
  id: string,
): Promise<(WarningRecord & { timeline: Awaited<ReturnType<typeof caseTimeline>> }) | undefined> {
  const row = await visibleTo(db, actor).where({ id }).first();
  if (!row) return undefined;
  return { ...toRecord(row), timeline: await caseTimeline(db, WARNING_CASE, id) };
}

/** Dismisses an open warning with the supervisor's reasons; false when it is not open (dismissed already). */
export async function dismissWarning(db: Db, id: string, reasons: string[], by: AuditActor): Promise<boolean> {
  return db.transaction(async (trx) => {
    const n = await trx('warnings')
      .where({ id, status: 'open' })
      .update({ status: 'dismissed', dismissed_by: by.actorId, dismissal_reasons: JSON.stringify(reasons) });
    if (n) await appendAuditEvent(trx, WARNING_CASE, id, { ...by, action: 'warning_dismissed', data: { reasons } });
    return n > 0;
  });
}
