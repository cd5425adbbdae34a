import type { Knex } from 'knex';
import type { Db } from '../connect';
import { appendAuditEvent } from './events';

export type ExaminerStatus = 'active' | 'suspended' | 'lapsed' | 'revoked';

/** The examiner register's own audit entries (conduct, training, suspensions), apart from each qualification's. */
export const EXAMINER_CASE = 'examiner';

const STATUS_NOW = `CASE WHEN ??.suspended_until > ? AND ??.status = 'active' THEN 'suspended' ELSE ??.status END`;

/**
 * The register's status as of now, as `status`: the qualifications' status, except that an active examiner is
 * suspended while a suspension recorded on the register runs (it lifts itself when `suspended_until` passes).
 * Every eligibility check (teams, sessions, complaint checks) reads this.
 */
export function examinerStatus(db: Db, table = 'examiners'): Knex.Raw {
  return db.raw(`${STATUS_NOW} AS status`, [table, new Date(), table, table]);
}

/** Keeps to the examiners whose status (as `examinerStatus` reads it now) is `status`. */
export function whereExaminerStatus(q: Knex.QueryBuilder, status: string, table = 'examiners'): void {
  q.whereRaw(`${STATUS_NOW} = ?`, [table, new Date(), table, table, status]);
}

/** Of the given people, those registered as examiners whose qualification is not active right now. */
export async function inactiveExaminers(db: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db('examiners').whereIn('id', ids).select('id', examinerStatus(db));
  const active = new Set(rows.filter((r) => r.status === 'active').map((r) => r.id as string));
  const registered = new Set(rows.map((r) => r.id as string));
  return ids.filter((id) => registered.has(id) && !active.has(id));
}

/** An examiner's register entry as the checks read it now, or undefined when they are not in the register. */
export async function examinerStanding(db: Db, id: string): Promise<{ status: ExaminerStatus; suspendedUntil: string | null } | undefined> {
  const row = await db('examiners').where({ id }).first(examinerStatus(db), 'suspended_until');
  return row && { status: row.status, suspendedUntil: row.suspended_until ? new Date(row.suspended_until).toISOString() : null };
}

/**
 * Records a suspension on the register, whether or not the examiner has a qualification cycle: until `until`,
 * unless a longer one already runs. A lapsed or revoked examiner has nothing to suspend. Written once, so a retry
 * adds no second entry to the examiner's trail.
 */
export async function suspendInRegister(db: Db, s: { examinerId: string; until: string; reasons: string[]; source: string }): Promise<void> {
  await db.transaction(async (trx) => {
    const until = new Date(s.until);
    const before = await trx('examiners').where({ id: s.examinerId }).forUpdate().first(examinerStatus(trx), 'suspended_until');
    if (!before || !['active', 'suspended'].includes(before.status) || (before.suspended_until && new Date(before.suspended_until) >= until)) return;
    await trx('examiners').where({ id: s.examinerId }).update({ suspended_until: until, updated_at: new Date() });
    await appendAuditEvent(trx, EXAMINER_CASE, s.examinerId, {
      actorId: s.source,
      actorRole: 'system',
      action: 'examiner_suspended',
      statusBefore: before.status,
      statusAfter: 'suspended',
      data: { until: s.until, reasons: s.reasons, source: s.source },
    });
  });
}
