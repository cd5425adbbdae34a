import type { Db } from '../connect';
import { parseJson } from './users';

/** The append-only case event log (the timeline): inserted once per (case, seq), never updated. */
export interface CaseEvent {
  seq: number;
  at: string;
  action: string;
  actorId: string;
  actorRole: string;
  requestId?: string;
  data?: Record<string, unknown>;
}

export async function appendEvents(db: Db, caseType: string, caseId: string, events: CaseEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db('events')
    .insert(
      events.map((e) => ({
        case_type: caseType,
        case_id: caseId,
        seq: e.seq,
        action: e.action,
        actor_id: e.actorId,
        actor_role: e.actorRole,
        at: new Date(e.at),
        data: e.data ? JSON.stringify(e.data) : null,
        request_id: e.requestId ?? null,
      })),
    )
    .onConflict(['case_type', 'case_id', 'seq'])
    .ignore();
}

export async function caseTimeline(db: Db, caseType: string, caseId: string): Promise<CaseEvent[]> {
  const rows = await db('events').where({ case_type: caseType, case_id: caseId }).orderBy('seq');
  return rows.map((r) => ({
    seq: r.seq,
    at: new Date(r.at).toISOString(),
    action: r.action,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    ...(r.request_id ? { requestId: r.request_id } : {}),
    ...(r.data ? { data: parseJson<Record<string, unknown>>(r.data) ?? undefined } : {}),
  }));
}

/**
 * Writes a workflow-owned case row and its new events in one transaction. The row keeps the highest
 * version it has seen, so a retried or late activity never moves a case backwards; events are unique
 * per (case, seq), so none is recorded twice.
 */
export async function saveCaseSnapshot(
  db: Db,
  c: { table: string; caseType: string; id: string; version: number; row: Record<string, unknown>; timeline: CaseEvent[] },
  /** Writes that must commit with the case row (e.g. a status derived from it). */
  alongside?: (trx: Db) => Promise<void>,
): Promise<void> {
  // READ COMMITTED takes no gap locks, and the update goes first so concurrent writers of one case queue
  // on its row lock: neither two new cases nor two writes of the same case can deadlock.
  await db.transaction(
    async (trx) => {
      const updated = await trx(c.table).where({ id: c.id }).where('version', '<', c.version).update({ version: c.version, ...c.row });
      if (updated === 0) await trx(c.table).insert({ id: c.id, version: c.version, ...c.row }).onConflict('id').ignore();
      await appendEvents(trx, c.caseType, c.id, c.timeline);
      await alongside?.(trx);
    },
    { isolationLevel: 'read committed' },
  );
}
