import type { Db } from '../connect';
import type { Person, Role } from '../../domain/roles';
import { appendAuditEvent, type AuditActor } from './events';
import { withExaminerPlaceMoved } from './statistics';

/** The user register: people, their organisation and affiliations, their roles. */
export interface UserRow extends Person {
  stationId: number | null;
  /** A deactivated person keeps their record (and their history) but may no longer act. */
  active?: boolean;
}

/** The audit trail's case type for changes to a person's access. */
export const USER_CASE = 'user';

export async function findUsers(db: Db, ids: string[]): Promise<UserRow[]> {
  if (ids.length === 0) return [];
  const [rows, roles, jurisdictions] = await Promise.all([
    db('users').whereIn('id', ids),
    db('user_roles').whereIn('user_id', ids),
    db('user_jurisdictions').whereIn('user_id', ids).orderBy('code'),
  ]);
  const of = (rows: Array<Record<string, string>>, id: string, field: string) => rows.filter((r) => r.user_id === id).map((r) => r[field]);
  return rows.map((row) => ({ ...toUser(row, of(roles, row.id, 'role') as Role[]), jurisdictions: of(jurisdictions, row.id, 'code') }));
}

export async function findUser(db: Db, id: string): Promise<UserRow | undefined> {
  return (await findUsers(db, [id]))[0];
}

/** The register as national supervisors manage it, optionally one role or only (in)active people. */
export async function listUsers(db: Db, filter: { role?: Role; active?: boolean }): Promise<UserRow[]> {
  const q = db('users').orderBy('id').select('id').limit(1000);
  if (filter.role) q.whereIn('id', (sub) => sub.select('user_id').from('user_roles').where('role', filter.role!));
  if (filter.active !== undefined) q.where('active', filter.active);
  return findUsers(
    db,
    (await q).map((r) => r.id as string),
  );
}

/** The addresses of everyone holding a role; with `at`, only those registered at those jurisdictions (levels of the tree). */
export async function emailsForRole(db: Db, role: Role, at?: string | string[]): Promise<string[]> {
  const q = db('users').join('user_roles', 'user_roles.user_id', 'users.id').where('user_roles.role', role).orderBy('users.id').select('users.email');
  if (at)
    q.whereIn('users.id', (sub) =>
      sub
        .select('user_id')
        .from('user_jurisdictions')
        .whereIn('code', Array.isArray(at) ? at : [at]),
    );
  return (await q).map((r) => r.email as string);
}

export async function usersWithRole(db: Db, role: Role): Promise<UserRow[]> {
  const ids = (await db('user_roles').where({ role }).orderBy('user_id').select('user_id')).map((r) => r.user_id as string);
  return findUsers(db, ids);
}

/** Inserts or replaces users with their roles, in one transaction (seeds and tests). */
export async function upsertUsers(db: Db, users: Array<Omit<UserRow, 'stationId'> & { stationId?: number | null }>): Promise<void> {
  await db.transaction(async (trx) => {
    for (const u of users) {
      await trx('users')
        .insert({
          id: u.id,
          name: u.name,
          email: u.email,
          organisation: u.organisation,
          affiliations: JSON.stringify(u.affiliations),
          station_id: u.stationId ?? null,
        })
        .onConflict('id')
        .merge();
      await trx('user_roles').where({ user_id: u.id }).delete();
      if (u.roles.length) await trx('user_roles').insert(u.roles.map((role) => ({ user_id: u.id, role })));
      // An examiner's qualifications and conduct records count where their jurisdictions place them.
      await withExaminerPlaceMoved(trx, u.id, async (t) => {
        await t('user_jurisdictions').where({ user_id: u.id }).delete();
        if (u.jurisdictions?.length) await t('user_jurisdictions').insert(u.jurisdictions.map((code) => ({ user_id: u.id, code })));
      });
    }
  });
}

/**
 * Changes what a person may do (active, roles, jurisdictions) and records the change, with its before and
 * after, in the audit trail in the same transaction. Answers undefined for an unknown person. A change
 * already recorded under `operationId` (a request retried after a crash) is not made again.
 */
export async function changeAccess(
  db: Db,
  id: string,
  change: { active?: boolean; roles?: Role[]; jurisdictions?: string[] },
  by: AuditActor,
  reasons: string[],
  operationId?: string,
): Promise<UserRow | undefined> {
  return db.transaction(async (trx) => {
    const before = (await findUsers(trx, [id]))[0];
    if (!before || before.id !== id) return undefined;
    const done =
      operationId &&
      (await trx('events').where({ case_type: USER_CASE, case_id: id }).whereRaw("JSON_VALUE(data, '$.operationId') = ?", [operationId]).first('seq'));
    if (done) return before;
    if (change.active !== undefined) await trx('users').where({ id }).update({ active: change.active });
    if (change.roles) {
      await trx('user_roles').where({ user_id: id }).delete();
      if (change.roles.length) await trx('user_roles').insert(change.roles.map((role) => ({ user_id: id, role })));
    }
    const jurisdictions = change.jurisdictions;
    if (jurisdictions)
      await withExaminerPlaceMoved(trx, id, async (t) => {
        await t('user_jurisdictions').where({ user_id: id }).delete();
        if (jurisdictions.length) await t('user_jurisdictions').insert(jurisdictions.map((code) => ({ user_id: id, code })));
      });
    const after = (await findUsers(trx, [id]))[0];
    const access = (u: UserRow) => ({ active: u.active, roles: u.roles, jurisdictions: u.jurisdictions });
    await appendAuditEvent(trx, USER_CASE, id, {
      ...by,
      action: 'access_changed',
      data: { before: access(before), after: access(after), reasons, ...(operationId ? { operationId } : {}) },
    });
    return after;
  });
}

function toUser(row: Record<string, unknown>, roles: Role[]): UserRow {
  return {
    id: row.id as string,
    name: row.name as string,
    email: row.email as string,
    organisation: row.organisation as string,
    affiliations: parseJson<string[]>(row.affiliations) ?? [],
    roles,
    stationId: (row.station_id as number | null) ?? null,
    active: Boolean(row.active ?? true),
  };
}

/** MariaDB returns JSON columns as text; MySQL 8 as parsed values. */
export function parseJson<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
