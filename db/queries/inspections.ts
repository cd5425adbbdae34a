import type { Knex } from 'knex';
import type { Db } from '../connect';
import type { Actor } from '../../domain/roles';
import type { CaseSave } from '../../domain/case';
import type { InspectionProjection } from '../../domain/inspection';
import { saveCaseSnapshot } from './events';
import { stationIdsWithin } from './jurisdictions';
import { containing, overdueAt, pendingOn, registerPage, type RegisterFilter, type RegisterPage } from './registers';
import { parseJson } from './users';

export const INSPECTION_CASE = 'inspection';

/** Writes the inspection row and its new events. */
export async function saveInspectionSnapshot(
  db: Db,
  { case: s, pending, deadline, createdAt, updatedAt, events }: CaseSave<InspectionProjection>,
): Promise<void> {
  const row = {
    station_id: s.station.id,
    kind: s.kind,
    campaign_id: s.campaignId ?? null,
    template_id: s.template.id,
    template_version: s.template.version,
    province_code: s.station.provinceCode,
    status: s.status,
    pending_action: pending?.action ?? null,
    pending_role: pending?.role ?? null,
    pending_user_ids: pending ? JSON.stringify(pending.userIds) : null,
    due_at: deadline ? new Date(deadline.dueAt) : null,
    escalation_level: deadline?.escalationLevel ?? 0,
    team_ids: JSON.stringify(s.team.map((p) => p.id)),
    lead_id: s.leadId ?? null,
    total: s.result?.total ?? null,
    rating: s.result?.rating ?? null,
    outcome: s.outcome ?? null,
    summary: JSON.stringify({
      result: s.result ?? null,
      rectifications: s.rectifications,
      sanctions: s.sanctions,
      proposedSanction: s.proposedSanction ?? null,
      reason: s.reason ?? null,
    }),
    created_at: new Date(createdAt),
    updated_at: new Date(updatedAt),
  };
  await saveCaseSnapshot(db, { table: 'inspections', caseType: INSPECTION_CASE, id: s.id, version: s.version, row, timeline: events });
}

export interface InspectionFilter extends RegisterFilter {
  status?: string;
  stationId?: number;
  provinceCode?: string;
  cityCode?: string;
  occupationCode?: string;
  campaignId?: string;
  pendingOnMe?: boolean;
}

/** Supervisors see the inspections of stations in their jurisdictions; inspectors those they are on; station administrators their station's. */
function visibleTo(query: ReturnType<Db>, actor: Actor): void {
  query.where((q) => {
    q.whereRaw('1 = 0');
    if (actor.roles.includes('supervisor')) q.orWhereIn('inspections.station_id', (sub) => stationIdsWithin(sub, actor.jurisdictions));
    if (actor.roles.includes('inspector')) q.orWhereRaw('JSON_CONTAINS(team_ids, JSON_QUOTE(?))', [actor.id]);
    if (actor.roles.includes('station_admin')) q.orWhereIn('station_id', (sub) => sub.select('id').from('stations').where('admin_id', actor.id));
  });
}

/** Keeps to the inspections of the stations a condition picks (their place, scope, name or licence number). */
const ofStations = (query: ReturnType<Db>, pick: (stations: Knex.QueryBuilder) => void) =>
  query.whereIn('inspections.station_id', (sub) => pick(sub.select('stations.id').from('stations')));

/**
 * The register of inspections the actor may see: by status, station, place, an occupation of the station's scope,
 * campaign, created and due windows, overdue, waiting on them; searched by inspection id, station name or licence number.
 */
export async function listInspections(db: Db, actor: Actor, f: InspectionFilter): Promise<RegisterPage<InspectionRecord>> {
  const query = db('inspections');
  visibleTo(query, actor);
  if (f.status) query.where('status', f.status);
  if (f.stationId) query.where('station_id', f.stationId);
  if (f.provinceCode) query.where('province_code', f.provinceCode);
  if (f.cityCode) ofStations(query, (s) => s.where('stations.city_code', f.cityCode!));
  if (f.occupationCode)
    query.whereIn('inspections.station_id', (scope) => scope.select('station_id').from('station_scopes').where('occupation_code', f.occupationCode!));
  if (f.campaignId) query.where('campaign_id', f.campaignId);
  if (f.overdue) overdueAt(query, { due: 'due_at', escalation: 'escalation_level' });
  if (f.pendingOnMe) pendingOn(query, actor);
  if (f.q) {
    const q = f.q;
    query.where((w) =>
      w
        .where('id', q)
        .orWhere((s) => ofStations(s, (st) => st.where('stations.name', 'like', containing(q)).orWhere('stations.licence_number', 'like', containing(q)))),
    );
  }
  return registerPage(query, { id: 'id', idOrder: 'desc', created: 'created_at', due: 'due_at' }, f, toRecord);
}

export async function findInspection(db: Db, actor: Actor, id: string) {
  const query = db('inspections').where({ id });
  visibleTo(query, actor);
  const row = await query.first();
  return row ? toRecord(row) : undefined;
}

export type InspectionRecord = ReturnType<typeof toRecord>;

function toRecord(r: Record<string, any>) {
  return {
    id: r.id as string,
    stationId: r.station_id as number,
    kind: r.kind as string,
    provinceCode: r.province_code as string,
    campaignId: r.campaign_id as string | null,
    template: { id: r.template_id as string, version: r.template_version as number },
    status: r.status as string,
    pending: r.pending_action
      ? {
          action: r.pending_action,
          role: r.pending_role,
          userIds: parseJson<string[]>(r.pending_user_ids) ?? [],
          dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
          escalationLevel: r.escalation_level,
        }
      : null,
    teamIds: parseJson<string[]>(r.team_ids) ?? [],
    leadId: r.lead_id as string | null,
    total: r.total === null ? null : Number(r.total),
    rating: r.rating as string | null,
    outcome: r.outcome as string | null,
    summary: parseJson<Record<string, unknown>>(r.summary),
    version: r.version as number,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
