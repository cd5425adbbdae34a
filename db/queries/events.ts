import type { Db } from '../connect';
import { parseJson } from './users';

/**
 * The append-only audit trail (the timeline of every case): inserted once per (case, seq), never
 * updated or deleted; the application's database user holds only SELECT and INSERT on it.
 */
export interface CaseEvent {
  seq: number;
  at: string;
  action: string;
  actorId: string;
  actorRole: string;
  requestId?: string;
  statusBefore?: string;
  statusAfter?: string;
  data?: Record<string, unknown>;
}

/** Who made a change outside a workflow, for its audit entry. */
export type AuditActor = Pick<CaseEvent, 'actorId' | 'actorRole' | 'requestId'>;

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
        status_before: e.statusBefore ?? null,
        status_after: e.statusAfter ?? null,
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
    ...(r.status_before ? { statusBefore: r.status_before } : {}),
    ...(r.status_after ? { statusAfter: r.status_after } : {}),
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
      const updated = await trx(c.table)
        .where({ id: c.id })
        .where('version', '<', c.version)
        .update({ version: c.version, ...c.row });
      if (updated === 0)
        await trx(c.table)
          .insert({ id: c.id, version: c.version, ...c.row })
          .onConflict('id')
          .ignore();
      await appendEvents(trx, c.caseType, c.id, c.timeline);
      await alongside?.(trx);
    },
    { isolationLevel: 'read committed' },
  );
}

/**
 * Records a change made outside any workflow (a register entry, a template) in the audit trail, inside
 * the caller's transaction. Its sequence follows the case's last, read with a lock so concurrent
 * writers of one case queue (or one gets a deadlock error and retries the whole request).
 */
export async function appendAuditEvent(trx: Db, caseType: string, caseId: string, event: Omit<CaseEvent, 'seq' | 'at'>): Promise<void> {
  const last = await trx('events').where({ case_type: caseType, case_id: caseId }).max({ seq: 'seq' }).forUpdate().first();
  await appendEvents(trx, caseType, caseId, [{ ...event, seq: Number(last?.seq ?? 0) + 1, at: new Date().toISOString() }]);
}

/**
 * An entry on the trail of a case whose workflow has ended (its history perhaps gone after retention), such as a reveal
 * of what the case keeps sealed: after the trail's last entry, the case's status unchanged. While the workflow runs it
 * is the trail's single writer and records the entry itself.
 */
export async function recordOnEndedCase(
  db: Db,
  caseType: string,
  c: { id: string; status: string },
  event: AuditActor & Pick<CaseEvent, 'action' | 'data'>,
): Promise<void> {
  await db.transaction((trx) => appendAuditEvent(trx, caseType, c.id, { ...event, statusBefore: c.status, statusAfter: c.status }));
}
