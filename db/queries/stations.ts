import type { Db } from '../connect';
import { STATION_PLACE, withinJurisdiction } from './jurisdictions';
import type { StationSnapshot } from '../../domain/inspection';
import type { ScopeEntry, StationApplication } from '../../domain/stationApproval';
import { appendEvents, type CaseEvent } from './events';
import { containing, registerPage, type RegisterFilter } from './registers';
import { parseJson } from './users';

export interface LicenceRequest {
  applicationId: string;
  adminId: string;
  application: StationApplication;
  scope: ScopeEntry[];
  licensedAt: string;
  validUntil: string;
}

export interface IssuedLicence {
  stationId: number;
  licenceNumber: string;
}

/** Licence numbers read JD<province>-<year>-<station number>, e.g. JD44-2026-000012. */
export function licenceNumber(provinceCode: string, licensedAt: string, stationId: number): string {
  return `JD${provinceCode.slice(0, 2)}-${licensedAt.slice(0, 4)}-${String(stationId).padStart(6, '0')}`;
}

/**
 * Creates the active station, its licence and scope for an approved application. Keyed by the
 * application, so a retried activity returns the licence already issued instead of a second one.
 */
export async function issueLicence(db: Db, req: LicenceRequest): Promise<IssuedLicence> {
  return db.transaction(async (trx) => {
    const existing = await trx('stations').where({ application_id: req.applicationId }).first('id', 'licence_number');
    if (existing) return { stationId: existing.id, licenceNumber: existing.licence_number };
    const { application: a } = req;
    const [stationId] = await trx('stations').insert({
      application_id: req.applicationId,
      licence_number: `pending:${req.applicationId}`,
      name: a.stationName,
      organisation: a.organisation.name,
      credit_code: a.organisation.creditCode,
      province_code: a.region.provinceCode,
      city_code: a.region.cityCode,
      address: a.address,
      affiliations: JSON.stringify(a.declaredAffiliations),
      status: 'active',
      admin_id: req.adminId,
      licensed_at: new Date(req.licensedAt),
      valid_until: new Date(req.validUntil),
    });
    const number = licenceNumber(a.region.provinceCode, req.licensedAt, stationId);
    await trx('stations').where({ id: stationId }).update({ licence_number: number });
    await trx('station_scopes').insert(req.scope.map((e) => ({ station_id: stationId, occupation_code: e.occupationCode, highest_level: e.highestLevel })));
    await trx('users').where({ id: req.adminId }).update({ station_id: stationId });
    return { stationId, licenceNumber: number };
  });
}

export interface StationRecord {
  rating: string | null;
  nextInspectionDueAt: string | null;
  demonstration: string;
  id: number;
  applicationId: string;
  licenceNumber: string;
  name: string;
  organisation: string;
  provinceCode: string;
  cityCode: string;
  address: string;
  status: string;
  adminId: string;
  licensedAt: string;
  validUntil: string;
  scope: ScopeEntry[];
}

/** A station, if it lies inside `within` (when given). */
export async function findStation(db: Db, id: number, within?: string[]): Promise<StationRecord | undefined> {
  const q = db('stations').where({ id });
  if (within) withinJurisdiction(q, within, STATION_PLACE);
  const row = await q.first();
  if (!row) return undefined;
  const scope = await db('station_scopes').where({ station_id: id }).orderBy('occupation_code');
  return {
    id: row.id,
    applicationId: row.application_id,
    licenceNumber: row.licence_number,
    name: row.name,
    organisation: row.organisation,
    provinceCode: row.province_code,
    cityCode: row.city_code,
    address: row.address,
    status: row.status,
    adminId: row.admin_id,
    licensedAt: new Date(row.licensed_at).toISOString(),
    validUntil: new Date(row.valid_until).toISOString(),
    scope: scope.map((s) => ({ occupationCode: s.occupation_code, highestLevel: s.highest_level })),
    rating: row.rating,
    nextInspectionDueAt: row.next_inspection_due_at ? new Date(row.next_inspection_due_at).toISOString() : null,
    demonstration: row.demonstration,
  };
}

/**
 * What the station's programme writes: status, rating, the next due date, the demonstration flag, the last team.
 * A late write never moves the row back; one at the version already written rewrites the same snapshot (the
 * programme bumps its version with each change), which lets its first save (version 0, the row's start) in.
 */
export async function saveProgrammeSnapshot(
  db: Db,
  s: {
    stationId: number;
    status: string;
    rating: string | null;
    nextDueAt: string;
    demonstration: string;
    lastTeamIds: string[];
    version: number;
    /** The licence's validity as renewals move it (programmes begun before the licence's life send none). */
    validUntil?: string;
  },
  events: CaseEvent[],
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('stations')
      .where({ id: s.stationId })
      .where('programme_version', '<=', s.version)
      .update({
        status: s.status,
        rating: s.rating,
        next_inspection_due_at: new Date(s.nextDueAt),
        demonstration: s.demonstration,
        last_team_ids: JSON.stringify(s.lastTeamIds),
        programme_version: s.version,
        ...(s.validUntil ? { valid_until: new Date(s.validUntil) } : {}),
      });
    await appendEvents(trx, STATION_CASE, String(s.stationId), events);
  });
}

export const STATION_CASE = 'station';

/** The station's licence as issued (or last renewed), and where its mail goes: its administrator's address. */
export async function stationLicence(db: Db, id: number): Promise<{ number: string; validUntil: string; emails: string[] }> {
  const row = await db('stations')
    .leftJoin('users', 'users.id', 'stations.admin_id')
    .where('stations.id', id)
    .first('stations.*', 'users.email as admin_email');
  if (!row) throw new Error(`no station ${id}`);
  return { number: row.licence_number, validUntil: new Date(row.valid_until).toISOString(), emails: row.admin_email ? [row.admin_email] : [] };
}

/** The station as an inspection needs it, with the team that inspected it last (for rotation). */
/** `within`: an official's jurisdictions; a station outside them is not found. */
export async function stationForInspection(
  db: Db,
  id: number,
  within?: string[],
): Promise<{ snapshot: StationSnapshot; lastTeamIds: string[]; status: string } | undefined> {
  const q = db('stations').leftJoin('users', 'users.id', 'stations.admin_id').where('stations.id', id);
  if (within) withinJurisdiction(q, within, STATION_PLACE);
  const row = await q.first('stations.*', 'users.email as admin_email');
  if (!row) return undefined;
  return {
    snapshot: {
      id: row.id,
      name: row.name,
      organisation: row.organisation,
      provinceCode: row.province_code,
      cityCode: row.city_code,
      adminId: row.admin_id,
      adminEmail: row.admin_email ?? '',
      affiliations: parseJson<string[]>(row.affiliations) ?? [],
    },
    lastTeamIds: parseJson<string[]>(row.last_team_ids) ?? [],
    status: row.status,
  };
}

export interface StationFilter {
  provinceCode?: string;
  cityCode?: string;
  occupationCode?: string;
  rating?: string;
  status?: string;
  /** Only stations inside these jurisdictions (the caller's; a campaign keeps its launcher's). */
  within?: string[];
}

function filtered(db: Db, f: StationFilter) {
  const q = db('stations');
  if (f.within) withinJurisdiction(q, f.within, STATION_PLACE);
  if (f.provinceCode) q.where('province_code', f.provinceCode);
  if (f.cityCode) q.where('city_code', f.cityCode);
  if (f.rating) q.where('rating', f.rating);
  if (f.status) q.where('status', f.status);
  if (f.occupationCode) q.whereIn('id', (sub) => sub.select('station_id').from('station_scopes').where('occupation_code', f.occupationCode!));
  return q;
}

/** One page of station ids matching a campaign's filter, in id order after a cursor: a campaign never holds the whole list. */
export async function stationIdsPage(db: Db, f: StationFilter, afterId: number, limit: number): Promise<number[]> {
  const rows = await filtered(db, { ...f, status: 'active' })
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .select('id');
  return rows.map((r) => r.id as number);
}

export async function countStations(db: Db, f: StationFilter): Promise<number> {
  const row = await filtered(db, { ...f, status: 'active' })
    .count({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

/**
 * The register of stations: by the filter, its administrator, licensed (created) and next-inspection (due) windows,
 * overdue (an active station past its inspection's due date); searched by number, name, organisation or licence number.
 */
export async function listStations(db: Db, f: StationFilter & RegisterFilter & { adminId?: string }) {
  const q = filtered(db, f);
  if (f.adminId) q.where('admin_id', f.adminId);
  if (f.overdue) q.where('status', 'active').where('next_inspection_due_at', '<', new Date());
  if (f.q) {
    const search = f.q;
    q.where((w) => {
      if (/^\d{1,10}$/.test(search)) w.where('id', Number(search));
      for (const column of ['name', 'organisation', 'licence_number']) w.orWhere(column, 'like', containing(search));
    });
  }
  return registerPage(q, { id: 'id', idOrder: 'asc', created: 'licensed_at', due: 'next_inspection_due_at' }, f, (r) => ({
    id: r.id as number,
    name: r.name as string,
    licenceNumber: r.licence_number as string,
    organisation: r.organisation as string,
    provinceCode: r.province_code as string,
    cityCode: r.city_code as string,
    status: r.status as string,
    rating: r.rating as string | null,
    licensedAt: new Date(r.licensed_at).toISOString(),
    validUntil: new Date(r.valid_until).toISOString(),
    nextInspectionDueAt: r.next_inspection_due_at ? new Date(r.next_inspection_due_at).toISOString() : null,
    demonstration: r.demonstration as string,
  }));
}

/** The public list of confirmed demonstration stations (示范站): active ones only (not suspended, lapsed or revoked). */
export async function demonstrationStations(db: Db) {
  const rows = await db('stations')
    .where({ demonstration: 'confirmed', status: 'active' })
    .orderBy('id')
    .select('id', 'name', 'licence_number', 'province_code', 'city_code', 'rating');
  return rows.map((r) => ({ id: r.id, name: r.name, licenceNumber: r.licence_number, provinceCode: r.province_code, cityCode: r.city_code, rating: r.rating }));
}
