import type { Db } from '../connect';
import type { ScopeEntry, StationApplication } from '../../domain/stationApproval';

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
      status: 'active',
      admin_id: req.adminId,
      licensed_at: new Date(req.licensedAt),
      valid_until: new Date(req.validUntil),
    });
    const number = licenceNumber(a.region.provinceCode, req.licensedAt, stationId);
    await trx('stations').where({ id: stationId }).update({ licence_number: number });
    await trx('station_scopes').insert(
      req.scope.map((e) => ({ station_id: stationId, occupation_code: e.occupationCode, highest_level: e.highestLevel })),
    );
    await trx('users').where({ id: req.adminId }).update({ station_id: stationId });
    return { stationId, licenceNumber: number };
  });
}

export interface StationRecord {
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

export async function findStation(db: Db, id: number): Promise<StationRecord | undefined> {
  const row = await db('stations').where({ id }).first();
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
  };
}
