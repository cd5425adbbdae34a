import type { Db } from '../connect';
import { workingCalendar, type WorkingCalendar } from '../../domain/workingDays';
import { appendAuditEvent, type AuditActor } from './events';
import { parseJson } from './users';

/**
 * The working-day calendar: one row per publication of a year (scope 'national' or a province code); the row in force for
 * a scope and year is its latest. The calendar a province's cases count in is the national one with the province's own
 * extra days off added, and its version is the highest publication among the rows in force.
 */
export const NATIONAL_SCOPE = 'national';
export const CALENDAR_CASE = 'calendar';

const isProvince = (code: string) => /^\d{2}0000$/.test(code);
const scopesOf = (provinceCode: string) => (isProvince(provinceCode) ? [NATIONAL_SCOPE, provinceCode] : [NATIONAL_SCOPE]);

export interface CalendarPublication {
  version: number;
  scope: string;
  year: number;
  holidays: string[];
  workdays: string[];
  publishedBy: string;
  reason: string;
  publishedAt: string;
}

function publication(r: Record<string, unknown>): CalendarPublication {
  return {
    version: Number(r.id),
    scope: String(r.scope),
    year: Number(r.year),
    holidays: parseJson<string[]>(r.holidays) ?? [],
    workdays: parseJson<string[]>(r.workdays) ?? [],
    publishedBy: String(r.published_by),
    reason: String(r.reason),
    publishedAt: new Date(r.published_at as string).toISOString(),
  };
}

/** The publications in force (the latest per scope and year) of the given scopes, optionally of one year. */
async function inForce(db: Db, scopes: string[], year?: number): Promise<CalendarPublication[]> {
  const latest = db('calendar_versions')
    .whereIn('scope', scopes)
    .modify((q) => (year === undefined ? q : q.where({ year })))
    .groupBy('scope', 'year')
    .select(db.raw('MAX(id) AS id'));
  const rows = await db('calendar_versions').whereIn('id', latest).orderBy(['year', 'scope']);
  return rows.map(publication);
}

/** The version of the calendar in force for a province (or the nation): cheap, to tell whether a cached calendar is stale. */
export async function calendarVersionInForce(db: Db, provinceCode: string): Promise<number> {
  const row = await db('calendar_versions').whereIn('scope', scopesOf(provinceCode)).max({ id: 'id' }).first();
  return Number(row?.id ?? 0);
}

/** The calendar a province's (or the nation's) cases count working days in, every year published. */
export async function calendarInForce(db: Db, provinceCode: string): Promise<WorkingCalendar> {
  const rows = await inForce(db, scopesOf(provinceCode));
  return workingCalendar(
    rows.reduce((v, r) => Math.max(v, r.version), 0),
    rows.flatMap((r) => r.holidays),
    rows.filter((r) => r.scope === NATIONAL_SCOPE).flatMap((r) => r.workdays),
  );
}

/** One year of a scope: the publication in force (null if none) and every publication of that year, newest first. */
export async function calendarYear(db: Db, scope: string, year: number): Promise<{ current: CalendarPublication | null; history: CalendarPublication[] }> {
  const rows = await db('calendar_versions').where({ scope, year }).orderBy('id', 'desc');
  const history = rows.map(publication);
  return { current: history[0] ?? null, history };
}

/** Publishes (or corrects) a whole year of a scope as a new version, audited with who and why. */
export async function publishCalendarYear(
  db: Db,
  p: { scope: string; year: number; holidays: string[]; workdays: string[]; reason: string; actor: AuditActor },
): Promise<CalendarPublication> {
  return db.transaction(async (trx) => {
    const at = new Date();
    const [id] = await trx('calendar_versions').insert({
      scope: p.scope,
      year: p.year,
      holidays: JSON.stringify([...p.holidays].sort()),
      workdays: JSON.stringify([...p.workdays].sort()),
      published_by: p.actor.actorId,
      reason: p.reason,
      published_at: at,
    });
    await appendAuditEvent(trx, CALENDAR_CASE, `${p.scope}:${p.year}`, {
      ...p.actor,
      action: 'calendar_published',
      data: { version: id, holidays: p.holidays.length, workdays: p.workdays.length, reason: p.reason },
    });
    const row = await trx('calendar_versions').where({ id }).first();
    return publication(row);
  });
}
