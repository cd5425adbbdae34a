import { z } from 'zod';
import { NATIONAL_SCOPE, calendarInForce, calendarYear, publishCalendarYear } from '../../db/queries/calendars';
import { NATIONAL, coversJurisdiction, onJurisdictionLine } from '../../domain/jurisdiction';
import { singleLine } from '../../domain/text';
import { isIsoDay, workingDaysBetween } from '../../domain/workingDays';
import { ROLES, type Actor } from '../../domain/roles';
import { HttpError } from '../errors';
import { route } from '../routeSpec';

/**
 * The working-day calendar (工作日历) that working-day deadlines (`P<n>WD`) count in: the national calendar of a year
 * (holidays and make-up working days, 调休) and a province's own extra days off. A publication replaces a whole year as a
 * new version; due times already computed keep the version they were computed with.
 */
const provinceCode = z.string().regex(/^\d{2}0000$/, 'must be a province code such as 440000');
const day = z.string().refine(isIsoDay, 'must be a date YYYY-MM-DD');

function yearOf(params: Record<string, string>): number {
  const year = Number(params.year);
  if (!/^\d{4}$/.test(params.year ?? '') || year < 2000 || year > 2099) throw new HttpError(404, 'not_found', `no calendar year ${params.year}`);
  return year;
}

const dayProblems = (field: 'holidays' | 'workdays', days: string[], year: number) =>
  days.filter((d) => !d.startsWith(`${year}-`)).map((d) => ({ field, code: 'outside_year', message: `${d} is not in ${year}` }));

export const calendarRoutes = [
  route({
    method: 'get',
    path: '/v1/working-days',
    summary:
      'Working days after the day of `from` up to and including the day of `to` (negative when `to` is earlier), in the calendar in force for `province` (else the national one): the working days left until a due time',
    roles: [...ROLES],
    query: z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }), province: provinceCode.optional() }),
    handler: async ({ deps, query }) => {
      const calendar = await calendarInForce(deps.db, query.province ?? '');
      return { days: workingDaysBetween(calendar, query.from, query.to), calendarVersion: calendar.version };
    },
  }),
  route({
    method: 'get',
    path: '/v1/working-days/calendar',
    summary:
      'The calendar in force for `province` (else the national one), every year published: days off and make-up working days, for a client counting the working days left to many due times at once (a year nobody published counts weekends only)',
    roles: [...ROLES],
    query: z.object({ province: provinceCode.optional() }),
    handler: async ({ deps, query }) => {
      const calendar = await calendarInForce(deps.db, query.province ?? '');
      return { version: calendar.version, holidays: [...calendar.holidays].sort(), workdays: [...calendar.workdays].sort() };
    },
  }),
  route({
    method: 'get',
    path: '/v1/calendars/{year}',
    summary:
      'The working-day calendar of a year: the national publication in force and its history; with `province`, that province’s own days off too and the days in force there (a province off the caller’s line: 404)',
    roles: ['supervisor'],
    query: z.object({ province: provinceCode.optional() }),
    handler: async ({ deps, actor, params, query }) => {
      const year = yearOf(params);
      if (query.province && !onJurisdictionLine(actor.jurisdictions, query.province)) throw new HttpError(404, 'not_found', `no province ${query.province}`);
      const national = await calendarYear(deps.db, NATIONAL_SCOPE, year);
      const province = query.province ? { code: query.province, ...(await calendarYear(deps.db, query.province, year)) } : null;
      const holidays = new Set([...(national.current?.holidays ?? []), ...(province?.current?.holidays ?? [])]);
      return {
        year,
        national,
        province,
        inForce: {
          version: Math.max(national.current?.version ?? 0, province?.current?.version ?? 0),
          holidays: [...holidays].sort(),
          workdays: national.current?.workdays ?? [],
        },
        canPublish: { national: canPublish(actor, NATIONAL), province: query.province ? canPublish(actor, query.province) : false },
      };
    },
  }),
  route({
    method: 'post',
    path: '/v1/calendars/{year}',
    summary:
      'Publishes (or corrects) a whole year as a new version: the national calendar (`scope: national`, national supervisors: holidays and make-up working days on weekends) or a province’s own extra days off (`scope`: its code, its supervisors); with the reason, audited',
    roles: ['supervisor'],
    status: 201,
    body: z
      .strictObject({
        scope: z.union([z.literal(NATIONAL_SCOPE), provinceCode]),
        holidays: z.array(day).max(366),
        workdays: z.array(day).max(120).default([]),
        reason: singleLine(2, 500),
      })
      .superRefine((b, ctx) => {
        const holidays = new Set(b.holidays);
        for (const d of b.workdays) {
          if (holidays.has(d))
            ctx.addIssue({ code: 'custom', path: ['workdays'], message: `${d} is both a holiday and a working day`, params: { code: 'both' } });
          const weekday = new Date(`${d}T00:00:00Z`).getUTCDay();
          if (weekday !== 0 && weekday !== 6)
            ctx.addIssue({
              code: 'custom',
              path: ['workdays'],
              message: `${d} is a weekday: a make-up working day falls on a weekend`,
              params: { code: 'not_weekend' },
            });
        }
        if (b.scope !== NATIONAL_SCOPE && b.workdays.length)
          ctx.addIssue({ code: 'custom', path: ['workdays'], message: 'a province publishes only its own days off', params: { code: 'province_workdays' } });
      }),
    authorize: async ({ actor, params, body }) => {
      yearOf(params);
      if (body.scope === NATIONAL_SCOPE) {
        if (!canPublish(actor, NATIONAL)) throw new HttpError(403, 'forbidden', 'only national supervisors publish the national calendar');
      } else if (!canPublish(actor, body.scope)) throw new HttpError(404, 'not_found', `no province ${body.scope}`);
    },
    handler: async ({ deps, params, body, audit }) => {
      const year = yearOf(params);
      const problems = [...dayProblems('holidays', body.holidays, year), ...dayProblems('workdays', body.workdays, year)];
      if (problems.length) throw new HttpError(400, 'invalid', problems.map((p) => p.message).join('; '), problems);
      return publishCalendarYear(deps.db, {
        scope: body.scope,
        year,
        holidays: [...new Set(body.holidays)],
        workdays: [...new Set(body.workdays)],
        reason: body.reason,
        actor: audit,
      });
    },
  }),
];

/** National supervisors publish the national calendar and any province's; a province's supervisors, their province's. */
function canPublish(actor: Actor, code: string): boolean {
  return coversJurisdiction(actor.jurisdictions, code);
}
