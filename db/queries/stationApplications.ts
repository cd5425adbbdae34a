import type { Db } from '../connect';
import { withinJurisdiction, type Place } from './jurisdictions';
import type { Actor } from '../../domain/roles';
import type { CaseSave } from '../../domain/case';
import type { ApplicationState } from '../../domain/stationApproval';
import { saveCaseSnapshot } from './events';
import { containing, overdueAt, pendingOn, registerPage, type RegisterFilter, type RegisterPage } from './registers';
import { parseJson } from './users';

export const CASE_TYPE = 'station_application';

export type ApplicationSave = CaseSave<Omit<ApplicationState, 'timeline'>> & { workflowId: string };

/** Writes the application row and its new events. */
export async function saveApplicationSnapshot(
  db: Db,
  { case: state, pending, deadline, workflowId, createdAt, updatedAt, events }: ApplicationSave,
): Promise<void> {
  const row = {
    workflow_id: workflowId,
    applicant_id: state.applicantId,
    organisation: state.application.organisation.name,
    station_name: state.application.stationName,
    province_code: state.application.region.provinceCode,
    city_code: state.application.region.cityCode,
    status: state.status,
    pending_action: pending?.action ?? null,
    pending_role: pending?.role ?? null,
    pending_user_ids: pending ? JSON.stringify(pending.userIds) : null,
    due_at: deadline ? new Date(deadline.dueAt) : null,
    escalation_level: deadline?.escalationLevel ?? 0,
    reviewer_id: state.reviewer?.id ?? null,
    assessor_ids: JSON.stringify(state.assessors.map((a) => a.id)),
    decided_by: state.decision?.by ?? null,
    on_site_total: state.onSiteResult?.total ?? null,
    licence_number: state.licence?.licenceNumber ?? null,
    station_id: state.licence?.stationId ?? null,
    application: JSON.stringify(state.application),
    outcome: JSON.stringify({
      decision: state.decision ?? null,
      onSiteResult: state.onSiteResult ?? null,
      licence: state.licence ?? null,
      gaps: state.gaps,
      reviewReasons: state.reviewReasons,
      withdrawnReason: state.withdrawnReason ?? null,
      statutory: state.statutory ?? null,
    }),
    statutory_limit_missed: state.statutory?.missedAt !== undefined,
    submitted_at: new Date(createdAt),
    updated_at: new Date(updatedAt),
  };
  await saveCaseSnapshot(db, { table: 'station_applications', caseType: CASE_TYPE, id: state.id, version: state.version, row, timeline: events });
}

export interface ApplicationRecord {
  id: string;
  applicantId: string;
  organisation: string;
  stationName: string;
  provinceCode: string;
  cityCode: string;
  status: string;
  pending: { action: string; role: string; userIds: string[]; dueAt: string | null; escalationLevel: number } | null;
  reviewerId: string | null;
  assessorIds: string[];
  decidedBy: string | null;
  onSiteTotal: number | null;
  licenceNumber: string | null;
  stationId: number | null;
  /** The licensing decision missed its statutory limit (counted by statistics). */
  statutoryLimitMissed: boolean;
  application: unknown;
  outcome: unknown;
  version: number;
  submittedAt: string;
  updatedAt: string;
}

export interface ApplicationFilter extends RegisterFilter {
  status?: string;
  provinceCode?: string;
  cityCode?: string;
  occupationCode?: string;
  pendingOnMe?: boolean;
}

/** An application is where its station will be, and in the industries of the occupations it asks for. */
const APPLICATION_PLACE: Place = {
  province: 'province_code',
  city: 'city_code',
  industry: (q, industries) =>
    q.whereRaw(
      `EXISTS (SELECT 1 FROM JSON_TABLE(station_applications.application, '$.scope[*]' COLUMNS (occupation VARCHAR(20) PATH '$.occupationCode')) AS sc
        JOIN industry_occupations io ON sc.occupation LIKE CONCAT(io.occupation_prefix, '%') WHERE io.jurisdiction_code IN (${industries.map(() => '?').join(', ')}))`,
      industries,
    ),
};

/** Restricts a query to the applications an actor may see: supervisors those in their jurisdictions, others their own part. */
function visibleTo(query: ReturnType<Db>, actor: Actor): void {
  query.where((q) => {
    q.whereRaw('1 = 0');
    if (actor.roles.includes('supervisor')) q.orWhere((w) => withinJurisdiction(w, actor.jurisdictions, APPLICATION_PLACE));
    if (actor.roles.includes('station_admin')) q.orWhere('applicant_id', actor.id);
    if (actor.roles.includes('reviewer')) q.orWhere('reviewer_id', actor.id);
    if (actor.roles.includes('inspector')) q.orWhereRaw('JSON_CONTAINS(assessor_ids, JSON_QUOTE(?))', [actor.id]);
  });
}

/**
 * The register of applications the actor may see: by status, place, an occupation of the scope, created (submitted)
 * and due windows, overdue, waiting on them; searched by application id, station or organisation name, licence number.
 */
export async function listApplications(db: Db, actor: Actor, filter: ApplicationFilter): Promise<RegisterPage<ApplicationRecord>> {
  const query = db('station_applications');
  visibleTo(query, actor);
  if (filter.status) query.where('status', filter.status);
  if (filter.provinceCode) query.where('province_code', filter.provinceCode);
  if (filter.cityCode) query.where('city_code', filter.cityCode);
  if (filter.occupationCode) query.whereRaw(`JSON_CONTAINS(application, JSON_OBJECT('occupationCode', ?), '$.scope')`, [filter.occupationCode]);
  if (filter.overdue) overdueAt(query, { due: 'due_at', escalation: 'escalation_level' });
  if (filter.pendingOnMe) pendingOn(query, actor);
  if (filter.q) {
    const q = filter.q;
    query.where((w) =>
      w
        .where('id', q)
        .orWhere('licence_number', 'like', containing(q))
        .orWhere('station_name', 'like', containing(q))
        .orWhere('organisation', 'like', containing(q)),
    );
  }
  return registerPage(query, { id: 'id', idOrder: 'desc', created: 'submitted_at', due: 'due_at' }, filter, toRecord);
}

export async function findApplication(db: Db, actor: Actor, id: string): Promise<ApplicationRecord | undefined> {
  const query = db('station_applications').where({ id });
  visibleTo(query, actor);
  const row = await query.first();
  return row ? toRecord(row) : undefined;
}

function toRecord(r: Record<string, any>): ApplicationRecord {
  return {
    id: r.id,
    applicantId: r.applicant_id,
    organisation: r.organisation,
    stationName: r.station_name,
    provinceCode: r.province_code,
    cityCode: r.city_code,
    status: r.status,
    pending: r.pending_action
      ? {
          action: r.pending_action,
          role: r.pending_role,
          userIds: parseJson<string[]>(r.pending_user_ids) ?? [],
          dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
          escalationLevel: r.escalation_level,
        }
      : null,
    reviewerId: r.reviewer_id,
    assessorIds: parseJson<string[]>(r.assessor_ids) ?? [],
    decidedBy: r.decided_by,
    onSiteTotal: r.on_site_total === null ? null : Number(r.on_site_total),
    licenceNumber: r.licence_number,
    stationId: r.station_id,
    statutoryLimitMissed: Boolean(r.statutory_limit_missed),
    application: parseJson(r.application),
    outcome: parseJson(r.outcome),
    version: r.version,
    submittedAt: new Date(r.submitted_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
