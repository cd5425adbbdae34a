import type { Db } from '../connect';
import { NATIONAL, coversJurisdiction } from '../../domain/jurisdiction';
import { parseJson } from './users';

export async function saveCampaign(db: Db, c: { id: string; name: string; filter: unknown; status: string; matched: number; started: number; createdBy: string; at: string }): Promise<void> {
  await db('campaigns')
    .insert({ id: c.id, name: c.name, filter: JSON.stringify(c.filter), status: c.status, matched: c.matched, started: c.started, created_by: c.createdBy, created_at: new Date(c.at), updated_at: new Date(c.at) })
    .onConflict('id')
    // Progress only grows: a retried or late write never moves it back.
    .merge({ status: c.status, matched: c.matched, started: db.raw('GREATEST(started, VALUES(started))'), updated_at: new Date(c.at) });
}

/**
 * A campaign, if it was launched inside `within` (an official's jurisdictions): they cover every jurisdiction
 * its launcher reached. One launched without jurisdictions (before there were any) reached every station: national.
 */
export async function findCampaign(db: Db, id: string, within: readonly string[]) {
  const r = await db('campaigns').where({ id }).first();
  const filter = r ? parseJson<{ within?: string[] }>(r.filter) : null;
  const reach = filter?.within?.length ? filter.within : [NATIONAL];
  if (!r || !reach.every((code) => coversJurisdiction(within, code))) return undefined;
  return { id: r.id, name: r.name, filter, status: r.status, matched: r.matched, started: r.started, createdBy: r.created_by, createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString() };
}
