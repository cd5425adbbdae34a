import type { Db } from '../connect';

export type ExaminerStatus = 'active' | 'suspended' | 'lapsed' | 'revoked';

/** Of the given people, those registered as examiners whose qualification is not active right now. */
export async function inactiveExaminers(db: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db('examiners').whereIn('id', ids).select('id', 'status');
  const active = new Set(rows.filter((r) => r.status === 'active').map((r) => r.id as string));
  const registered = new Set(rows.map((r) => r.id as string));
  return ids.filter((id) => registered.has(id) && !active.has(id));
}

/** Of the given ids, those that are not active examiners (unknown ones included): session examiners must be. */
export async function notActiveExaminers(db: Db, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const active = new Set((await db('examiners').whereIn('id', ids).where({ status: 'active' }).select('id')).map((r) => r.id as string));
  return ids.filter((id) => !active.has(id));
}

export async function upsertExaminers(db: Db, rows: Array<{ id: string; name: string; organisation: string; status: ExaminerStatus; email?: string }>): Promise<void> {
  if (rows.length) await db('examiners').insert(rows.map((r) => ({ ...r, updated_at: new Date() }))).onConflict('id').merge();
}
