import type { Knex } from 'knex';
import { invalid } from '../../domain/errors';
import type { Actor } from '../../domain/roles';

type Query = Knex.QueryBuilder;

/**
 * What every register (台账) takes beside its own filters: a search, created and due windows, overdue, the order
 * (newest first, or by due date with what has none last) and a cursor.
 */
export interface RegisterFilter {
  q?: string;
  createdFrom?: string;
  createdBefore?: string;
  dueFrom?: string;
  dueBefore?: string;
  overdue?: boolean;
  sort?: 'newest' | 'due';
  cursor?: string;
  limit: number;
}

export interface RegisterPage<R> {
  items: R[];
  /** How many match the filters, on every page. */
  total: number;
  nextCursor: string | null;
}

/** A table's columns as a register pages it: the id and its default order, and where it keeps its created and due times. */
export interface RegisterColumns {
  id: string;
  idOrder: 'asc' | 'desc';
  created?: string;
  due?: string;
}

/** `%text%` for LIKE, the search taken literally (a `%` or `_` typed is no wildcard). */
export const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Cases waiting on the actor: named in person, or on their role when nobody is named. */
export function pendingOn(q: Query, actor: Actor): void {
  q.where((w) => {
    w.whereRaw('JSON_CONTAINS(pending_user_ids, JSON_QUOTE(?))', [actor.id]).orWhere((r) =>
      r.whereIn('pending_role', actor.roles).whereRaw('JSON_LENGTH(pending_user_ids) = 0'),
    );
  });
}

/** A step past its due time, or escalated already. */
export function overdueAt(q: Query, columns: { due: string; escalation: string }, now = new Date()): void {
  q.where((w) => w.where(columns.escalation, '>', 0).orWhere(columns.due, '<', now));
}

/** The created and due windows (from inclusive, before exclusive), where the table keeps such times. */
function windows(q: Query, columns: RegisterColumns, f: RegisterFilter): void {
  const range = (column: string | undefined, from?: string, before?: string) => {
    if (column && from) q.where(column, '>=', new Date(from));
    if (column && before) q.where(column, '<', new Date(before));
  };
  range(columns.created, f.createdFrom, f.createdBefore);
  range(columns.due, f.dueFrom, f.dueBefore);
}

/** A due-date cursor: the last row's due time (epoch ms, or `none`) and id. */
const DUE_CURSOR = /^(\d{1,15}|none)\.(.{1,80})$/;

function afterCursor(q: Query, columns: RegisterColumns, f: RegisterFilter): void {
  if (!f.cursor) return;
  const due = DUE_CURSOR.exec(f.cursor);
  if ((f.sort === 'due') !== Boolean(due)) throw invalid('cursor', 'the cursor belongs to another order: start again from the first page');
  if (!due) {
    q.where(columns.id, columns.idOrder === 'desc' ? '<' : '>', f.cursor);
    return;
  }
  const [, at, id] = due;
  if (at === 'none') {
    q.whereNull(columns.due!).where(columns.id, '>', id);
    return;
  }
  const time = new Date(Number(at));
  q.where((w) =>
    w
      .whereNull(columns.due!)
      .orWhere(columns.due!, '>', time)
      .orWhere((same) => same.where(columns.due!, time).where(columns.id, '>', id)),
  );
}

/**
 * One page of a filtered query, with the count of all it matches. By due date: soonest first, ties by id, what has
 * no due time last; the cursor carries the last row's due time and id, so pages neither skip nor repeat a row.
 */
export async function registerPage<R>(
  base: Query,
  columns: RegisterColumns,
  f: RegisterFilter,
  toRecord: (row: Record<string, any>) => R,
): Promise<RegisterPage<R>> {
  windows(base, columns, f);
  const byDue = f.sort === 'due' && columns.due !== undefined;
  const query = base.clone();
  afterCursor(query, columns, { ...f, sort: byDue ? 'due' : 'newest' });
  if (byDue) query.orderByRaw('?? IS NULL', [columns.due!]).orderBy(columns.due!, 'asc').orderBy(columns.id, 'asc');
  else query.orderBy(columns.id, columns.idOrder);
  const [rows, counted] = await Promise.all([query.limit(f.limit + 1), base.clone().clearSelect().count({ n: '*' }).first()]);
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  const cursorOf = (row: Record<string, any>) => {
    const id = String(row[columns.id.split('.').pop()!]);
    if (!byDue) return id;
    const due = row[columns.due!.split('.').pop()!];
    return `${due ? new Date(due).getTime() : 'none'}.${id}`;
  };
  return { items: page.map(toRecord), total: Number(counted?.n ?? 0), nextCursor: rows.length > f.limit && last ? cursorOf(last) : null };
}
