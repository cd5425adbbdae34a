import type { Db } from '../connect';
import { NATIONAL, coversJurisdiction } from '../../domain/jurisdiction';
import { containing, type RegisterFilter, type RegisterPage } from './registers';
import { parseJson } from './users';

export async function saveCampaign(
  db: Db,
  c: { id: string; name: string; filter: unknown; status: string; matched: number; started: number; createdBy: string; at: string },
): Promise<void> {
  await db('campaigns')
    .insert({
      id: c.id,
      name: c.name,
      filter: JSON.stringify(c.filter),
      status: c.status,
      matched: c.matched,
      started: c.started,
      created_by: c.createdBy,
      created_at: new Date(c.at),
      updated_at: new Date(c.at),
    })
    .onConflict('id')
    // Progress only grows: a retried or late write never moves it back.
    .merge({ status: c.status, matched: c.matched, started: db.raw('GREATEST(started, VALUES(started))'), updated_at: new Date(c.at) });
}

/**
 * Whether a campaign reached only inside `within` (an official's jurisdictions): they cover every jurisdiction its
 * launcher reached. One launched without jurisdictions (before there were any) reached every station: national.
 */
function launchedWithin(filter: { within?: string[] } | null, within: readonly string[]): boolean {
  const reach = filter?.within?.length ? filter.within : [NATIONAL];
  return reach.every((code) => coversJurisdiction(within, code));
}

const toRecord = (r: Record<string, any>) => ({
  id: r.id as string,
  name: r.name as string,
  filter: parseJson<{ within?: string[]; provinceCode?: string; cityCode?: string; occupationCode?: string; rating?: string }>(r.filter),
  status: r.status as string,
  matched: r.matched as number,
  started: r.started as number,
  createdBy: r.created_by as string,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

/** A campaign, if it was launched inside `within`. */
export async function findCampaign(db: Db, id: string, within: readonly string[]) {
  const r = await db('campaigns').where({ id }).first();
  const record = r && toRecord(r);
  return record && launchedWithin(record.filter, within) ? record : undefined;
}

export interface CampaignFilter extends RegisterFilter {
  status?: string;
  provinceCode?: string;
  cityCode?: string;
  occupationCode?: string;
}

/**
 * The campaigns launched inside `within`, newest first: by status, the filter's place and occupation, the launch
 * window; searched by id or name. Whose reach is judged per campaign as `findCampaign` does, over every campaign
 * the other filters leave: campaigns are launched by hand, a few a month, never so many that this is long.
 */
export async function listCampaigns(db: Db, within: readonly string[], f: CampaignFilter): Promise<RegisterPage<ReturnType<typeof toRecord>>> {
  const q = db('campaigns').orderBy('id', 'desc');
  if (f.status) q.where('status', f.status);
  for (const key of ['provinceCode', 'cityCode', 'occupationCode'] as const)
    if (f[key]) q.whereRaw(`JSON_UNQUOTE(JSON_EXTRACT(filter, ?)) = ?`, [`$.${key}`, f[key]]);
  if (f.createdFrom) q.where('created_at', '>=', new Date(f.createdFrom));
  if (f.createdBefore) q.where('created_at', '<', new Date(f.createdBefore));
  if (f.q) {
    const search = f.q;
    q.where((w) => w.where('id', search).orWhere('name', 'like', containing(search)));
  }
  const visible = (await q).map(toRecord).filter((c) => launchedWithin(c.filter, within));
  const after = f.cursor ? visible.filter((c) => c.id < f.cursor!) : visible;
  const items = after.slice(0, f.limit);
  return { items, total: visible.length, nextCursor: after.length > f.limit ? items[items.length - 1].id : null };
}
