import type { Db } from '../connect';
import type { CaseSave } from '../../domain/case';
import type { RenewalRow } from '../../domain/licenceRenewal';
import type { Actor } from '../../domain/roles';
import { saveCaseSnapshot } from './events';
import { stationIdsWithin } from './jurisdictions';
import { pendingOn } from './registers';
import { parseJson } from './users';

export const LICENCE_RENEWAL_CASE = 'licence_renewal';

/** What the renewal's workflow writes: its row (who must act, by when, the decision) and its new events. */
export async function saveLicenceRenewalSnapshot(db: Db, { case: s, pending, deadline, createdAt, updatedAt, events }: CaseSave<RenewalRow>): Promise<void> {
  await saveCaseSnapshot(db, {
    table: 'licence_renewals',
    caseType: LICENCE_RENEWAL_CASE,
    id: s.id,
    version: s.version,
    timeline: events,
    row: {
      station_id: s.station.id,
      station_name: s.station.name,
      licence_number: s.licence.number,
      valid_until: new Date(s.licence.validUntil),
      status: s.status,
      filed_by: s.filedBy,
      pending_action: pending?.action ?? null,
      pending_role: pending?.role ?? null,
      pending_user_ids: pending ? JSON.stringify(pending.userIds) : null,
      due_at: deadline ? new Date(deadline.dueAt) : null,
      escalation_level: deadline?.escalationLevel ?? 0,
      new_valid_until: s.decision?.validUntil ? new Date(s.decision.validUntil) : null,
      decided_by: s.decision?.by ?? null,
      summary: JSON.stringify({ station: s.station, filing: s.filing, record: s.record, decision: s.decision ?? null }),
      created_at: new Date(createdAt),
      updated_at: new Date(updatedAt),
    },
  });
}

export interface LicenceRenewalRecord extends Omit<RenewalRow, 'version'> {
  version: number;
  pending: { action: string; role: string; userIds: string[]; dueAt: string | null; escalationLevel: number } | null;
  createdAt: string;
  updatedAt: string;
}

/** Who sees a renewal: its station's administrator, and supervisors whose jurisdictions hold the station. */
function visibleTo(q: ReturnType<Db>, actor: Actor): void {
  q.where((w) => {
    w.whereRaw('1 = 0');
    if (actor.roles.includes('supervisor')) w.orWhereIn('licence_renewals.station_id', (sub) => stationIdsWithin(sub, actor.jurisdictions));
    if (actor.roles.includes('station_admin'))
      w.orWhereIn('licence_renewals.station_id', (sub) => sub.select('id').from('stations').where('admin_id', actor.id));
  });
}

function toRecord(r: Record<string, unknown>): LicenceRenewalRecord {
  const summary = parseJson<Pick<RenewalRow, 'station' | 'filing' | 'record'> & { decision: RenewalRow['decision'] | null }>(r.summary)!;
  const iso = (v: unknown) => new Date(v as string).toISOString();
  return {
    id: r.id as string,
    version: r.version as number,
    status: r.status as RenewalRow['status'],
    station: summary.station,
    licence: { number: r.licence_number as string, validUntil: iso(r.valid_until) },
    filedBy: r.filed_by as string,
    filing: summary.filing,
    record: summary.record,
    ...(summary.decision ? { decision: summary.decision } : {}),
    pending: r.pending_action
      ? {
          action: r.pending_action as string,
          role: r.pending_role as string,
          userIds: parseJson<string[]>(r.pending_user_ids) ?? [],
          dueAt: r.due_at ? iso(r.due_at) : null,
          escalationLevel: r.escalation_level as number,
        }
      : null,
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** A renewal, if the actor may see it. */
export async function findLicenceRenewal(db: Db, actor: Actor, id: string): Promise<LicenceRenewalRecord | undefined> {
  const q = db('licence_renewals').where('licence_renewals.id', id);
  visibleTo(q, actor);
  const row = await q.first();
  return row ? toRecord(row) : undefined;
}

/** The renewals the actor may see, newest first: by station, status, or waiting on the actor (the inbox). */
export async function listLicenceRenewals(
  db: Db,
  actor: Actor,
  f: { stationId?: number; status?: string; pendingOnMe?: boolean; limit: number },
): Promise<LicenceRenewalRecord[]> {
  const q = db('licence_renewals');
  visibleTo(q, actor);
  if (f.stationId) q.where('station_id', f.stationId);
  if (f.status) q.where('status', f.status);
  if (f.pendingOnMe) pendingOn(q, actor);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit);
  return rows.map(toRecord);
}
