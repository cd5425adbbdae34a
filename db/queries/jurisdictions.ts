import type { Knex } from 'knex';
import type { Db } from '../connect';
import { scopeOf } from '../../domain/jurisdiction';

type Query = Knex.QueryBuilder;

export async function upsertJurisdictions(
  db: Db,
  items: Array<{ code: string; kind: string; parentCode: string | null; name: string; occupationPrefixes?: string[] }>,
): Promise<void> {
  await db.transaction(async (trx) => {
    // Parents first: the tree's order in the list.
    for (const j of items)
      await trx('jurisdictions').insert({ code: j.code, kind: j.kind, parent_code: j.parentCode, name: j.name }).onConflict('code').merge();
    for (const j of items.filter((i) => i.occupationPrefixes)) {
      await trx('industry_occupations').where({ jurisdiction_code: j.code }).delete();
      await trx('industry_occupations').insert(j.occupationPrefixes!.map((occupation_prefix) => ({ jurisdiction_code: j.code, occupation_prefix })));
    }
  });
}

/** Which of the codes name a jurisdiction of the tree. */
export async function knownJurisdictions(db: Db, codes: string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  return (await db('jurisdictions').whereIn('code', codes).select('code')).map((r) => r.code as string);
}

/** How a table says where its rows are: region columns, and a test for "holds an occupation of these industries". */
export interface Place {
  province?: string | Knex.Raw;
  city?: string;
  industry?: (q: Query, industries: string[]) => void;
}

/**
 * Keeps to the rows inside the given jurisdictions (an official's): the nation sees all; a province its own rows and
 * its cities'; a city its own; an industry authority the rows holding its occupations.
 */
export function withinJurisdiction(q: Query, jurisdictions: readonly string[] | undefined, place: Place): void {
  const scope = scopeOf(jurisdictions);
  // Said explicitly, so the condition also works inside an OR with the actor's other grounds.
  if (scope.national) {
    q.whereRaw('1 = 1');
    return;
  }
  q.where((w) => {
    w.whereRaw('1 = 0');
    if (place.province && scope.provinces.length) w.orWhereIn(place.province as string, scope.provinces); // knex takes a Raw column too
    if (place.city && scope.cities.length) w.orWhereIn(place.city, scope.cities);
    if (place.industry && scope.industries.length) w.orWhere((i) => place.industry!(i, scope.industries));
  });
}

/** A row whose occupation code (in `column`) falls under one of the industries. */
export const occupationInIndustries = (column: string) => (q: Query, industries: string[]) =>
  q.whereExists((sub) =>
    sub
      .select(1)
      .from('industry_occupations as io')
      .whereIn('io.jurisdiction_code', industries)
      .whereRaw(`?? LIKE CONCAT(io.occupation_prefix, '%')`, [column]),
  );

/** Stations: their region, and their licensed scope's occupations. */
export const STATION_PLACE: Place = {
  province: 'stations.province_code',
  city: 'stations.city_code',
  industry: (q, industries) =>
    q.whereExists((sub) => {
      sub.select(1).from('station_scopes as ss').whereRaw('ss.station_id = stations.id');
      occupationInIndustries('ss.occupation_code')(sub, industries);
    }),
};

/** Makes `sub` the ids of the stations inside the jurisdictions, for tables that hang off a station. */
export function stationIdsWithin(sub: Query, jurisdictions: readonly string[] | undefined): void {
  sub.select('stations.id').from('stations');
  withinJurisdiction(sub, jurisdictions, STATION_PLACE);
}

/** Makes `sub` the ids of the people registered at a place inside the regions (a province covers its cities). */
export function examinersRegisteredWithin(sub: Query, jurisdictions: readonly string[] | undefined): void {
  sub.select('user_jurisdictions.user_id').from('user_jurisdictions');
  withinJurisdiction(sub, jurisdictions, { city: 'user_jurisdictions.code', province: sub.client.raw("CONCAT(LEFT(user_jurisdictions.code, 2), '0000')") });
}

/** Which industry authority holds which occupations (by code prefix). */
export async function industryOccupations(db: Db): Promise<Array<{ jurisdiction: string; prefix: string }>> {
  const rows = await db('industry_occupations').select('jurisdiction_code', 'occupation_prefix');
  return rows.map((r) => ({ jurisdiction: r.jurisdiction_code as string, prefix: r.occupation_prefix as string }));
}

/** Every jurisdiction's code, kind and name (names are public knowledge: 广东省, 机械行业). */
export async function jurisdictionNames(db: Db): Promise<Array<{ code: string; kind: string; name: string }>> {
  return db('jurisdictions').select('code', 'kind', 'name').orderBy('code');
}
