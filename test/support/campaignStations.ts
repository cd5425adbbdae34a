import type { Db } from '../../db/connect';

/** Fixture stations for campaign tests, inserted straight into the test database (no programme workflows). */

export type FixtureGroup = 'match' | 'noOccupation' | 'otherProvince' | 'suspended';

export interface FixtureSpec {
  group: FixtureGroup;
  count: number;
  provinceCode: string;
  cityCode: string;
  status: 'active' | 'suspended';
  occupations: string[];
}

export type FixtureIds = Record<FixtureGroup, number[]>;

const CHUNK = 100;

/**
 * Inserts the stations with their scopes in one transaction, interleaving the groups so that no
 * group is a contiguous id range (the filter, not the id order, must pick the stations), and
 * returns the ids the database gave each group.
 */
export async function insertFixtureStations(db: Db, specs: FixtureSpec[]): Promise<FixtureIds> {
  const planned = specs.flatMap((spec) => Array.from({ length: spec.count }, (_, i) => ({ spec, i })));
  // A fixed permutation (multiplier coprime with the length) spreads the groups over the id range.
  const n = planned.length;
  let step = 7919;
  while (gcd(step, n) !== 1) step++;
  const order = Array.from({ length: n }, (_, k) => planned[(k * step) % n]);

  const licensedAt = new Date('2026-01-15T00:00:00.000Z');
  const validUntil = new Date('2031-01-14T00:00:00.000Z');
  const rows = order.map(({ spec, i }, k) => {
    const key = `${spec.group}-${String(i).padStart(4, '0')}`;
    return {
      application_id: `fixture-${key}`,
      licence_number: `FX${spec.provinceCode.slice(0, 2)}-2026-${String(k).padStart(6, '0')}`,
      name: `Fixture station ${key}`,
      organisation: `Fixture Organisation ${key}`,
      credit_code: `91${spec.provinceCode}MA${String(k).padStart(8, '0')}`,
      province_code: spec.provinceCode,
      city_code: spec.cityCode,
      address: `No. ${k + 1} Fixture Road`,
      status: spec.status,
      admin_id: 'admin-2',
      licensed_at: licensedAt,
      valid_until: validUntil,
    };
  });
  for (const r of rows) if (r.credit_code.length !== 18) throw new Error(`bad fixture credit code ${r.credit_code}`);

  return db.transaction(async (trx) => {
    for (let k = 0; k < rows.length; k += CHUNK) await trx('stations').insert(rows.slice(k, k + CHUNK));
    const inserted: Array<{ id: number; application_id: string }> = await trx('stations')
      .whereIn(
        'application_id',
        rows.map((r) => r.application_id),
      )
      .select('id', 'application_id');
    if (inserted.length !== rows.length) throw new Error(`inserted ${inserted.length} of ${rows.length} fixture stations`);
    const idOf = new Map(inserted.map((r) => [r.application_id, r.id]));

    const scopes = order.flatMap(({ spec, i }) => {
      const stationId = idOf.get(`fixture-${spec.group}-${String(i).padStart(4, '0')}`)!;
      return spec.occupations.map((occupation_code) => ({ station_id: stationId, occupation_code, highest_level: 3 }));
    });
    for (let k = 0; k < scopes.length; k += CHUNK) await trx('station_scopes').insert(scopes.slice(k, k + CHUNK));

    const ids: FixtureIds = { match: [], noOccupation: [], otherProvince: [], suspended: [] };
    for (const { spec, i } of planned) ids[spec.group].push(idOf.get(`fixture-${spec.group}-${String(i).padStart(4, '0')}`)!);
    for (const group of Object.keys(ids) as FixtureGroup[]) ids[group].sort((a, b) => a - b);
    return ids;
  });
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
