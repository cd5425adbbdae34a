import { z } from 'zod';
import { findStation, stationForInspection } from '../../db/queries/stations';
import { findUsers, usersWithRole, type UserRow } from '../../db/queries/users';
import { onJurisdictionLine, outsideJurisdiction } from '../../domain/jurisdiction';
import { recusalReason } from '../../domain/recusal';
import { ROLES } from '../../domain/roles';
import { stationApplicationSchema } from '../../domain/stationApproval';
import { complaintState, complaintWorkflowId } from '../../workflows/complaint.messages';
import { HttpError } from '../errors';
import { route } from '../routeSpec';
import { complaints } from './complaints';
import { applications } from './stationApplications';
import { qualitySupervisorRefusal } from './stations';

/**
 * People as the console needs them to name and choose them: names for the ids a case shows, and the people who
 * may take a step, with the reason (回避, outside the jurisdiction, a previous investigator) for those who may not.
 */

const userId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a user id');

/** Why a person may not take a step: a stable code for the console's label, and the rule's own words. */
export interface Ineligibility {
  code: 'recusal' | 'outside_jurisdiction' | 'previous_investigator';
  message: string;
}

const candidate = (p: UserRow, reasons: Ineligibility[]) => ({ id: p.id, name: p.name, organisation: p.organisation, reasons });
type Candidate = ReturnType<typeof candidate>;
const split = (rows: Candidate[]) => ({ eligible: rows.filter((r) => r.reasons.length === 0), ineligible: rows.filter((r) => r.reasons.length > 0) });
const recusal = (p: UserRow, organisations: string[]): Ineligibility[] => {
  const reason = recusalReason(p, organisations);
  return reason ? [{ code: 'recusal', message: reason }] : [];
};
const active = (people: UserRow[]) => people.filter((p) => p.active !== false);

export const peopleRoutes = [
  route({
    method: 'get',
    path: '/v1/people',
    summary: 'Names and roles (never contact details) of the people with the given ids, or of those holding a role where the caller acts',
    roles: [...ROLES],
    query: z
      .object({
        ids: z
          .string()
          .transform((s) => [...new Set(s.split(',').filter(Boolean))])
          .pipe(z.array(userId).min(1).max(100))
          .optional(),
        role: z.enum(ROLES).optional(),
      })
      .refine((q) => q.ids !== undefined || q.role !== undefined, { message: 'give ids or a role', path: ['ids'] }),
    handler: async ({ deps, actor, query }) => {
      let people = query.ids ? await findUsers(deps.db, query.ids) : await usersWithRole(deps.db, query.role!);
      // By role: active people acting where the caller acts (a place the caller covers, or above it).
      if (query.role) {
        const codes = actor.jurisdictions ?? [];
        people = active(people).filter(
          (p) =>
            p.roles.includes(query.role!) &&
            (!query.ids || query.ids.includes(p.id)) &&
            (p.jurisdictions ?? []).some((code) => onJurisdictionLine(codes, code)),
        );
      }
      return { items: people.map((p) => ({ id: p.id, name: p.name, roles: p.roles })) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/station-applications/{id}/eligible-reviewers',
    summary: 'Reviewers who may review this application, and why the others may not (回避, outside the application’s region)',
    roles: ['supervisor'],
    handler: async ({ deps, actor, params }) => {
      const record = await applications.find(deps, actor, params.id);
      const application = stationApplicationSchema.parse(record.application);
      const organisations = [application.organisation.name, ...application.declaredAffiliations];
      const rows = active(await usersWithRole(deps.db, 'reviewer')).map((p) => {
        const outside = outsideJurisdiction([p], application.region);
        return candidate(p, [...(outside ? [{ code: 'outside_jurisdiction' as const, message: outside }] : []), ...recusal(p, organisations)]);
      });
      return split(rows);
    },
  }),
  route({
    method: 'get',
    path: '/v1/complaints/{id}/eligible-investigators',
    summary: 'Inspectors who may investigate this complaint, and why the others may not (回避, the investigator before an appeal)',
    roles: ['complaint_handler', 'supervisor'],
    handler: async ({ deps, actor, params }) => {
      const record = await complaints.find(deps, actor, params.id);
      const live = await deps.temporal.workflow.getHandle(complaintWorkflowId(record.id)).query(complaintState);
      const rows = active(await usersWithRole(deps.db, 'inspector')).map((p) =>
        candidate(p, [
          ...recusal(p, live.targetOrganisations),
          ...(live.previousInvestigators.includes(p.id)
            ? [{ code: 'previous_investigator' as const, message: 'an appeal needs a different investigator from the first' }]
            : []),
        ]),
      );
      return split(rows);
    },
  }),
  route({
    method: 'get',
    path: '/v1/stations/{id}/eligible-quality-supervisors',
    summary: 'Quality supervisors (质量督导员) who may be dispatched to this station’s sessions, and why the others may not',
    roles: ['supervisor'],
    handler: async ({ deps, actor, params }) => {
      const stationId = z.coerce.number().int().positive().safeParse(params.id);
      const station = stationId.success ? await findStation(deps.db, stationId.data, actor.jurisdictions ?? []) : undefined;
      const snapshot = station && (await stationForInspection(deps.db, station.id))?.snapshot;
      if (!snapshot) throw new HttpError(404, 'not_found', `no station ${params.id}`);
      const rows = active(await usersWithRole(deps.db, 'quality_supervisor')).map((p) => {
        const refusal = qualitySupervisorRefusal(p, snapshot);
        return candidate(p, refusal ? [{ code: /^recusal/.test(refusal.reason) ? 'recusal' : 'outside_jurisdiction', message: refusal.reason }] : []);
      });
      return split(rows);
    },
  }),
];
