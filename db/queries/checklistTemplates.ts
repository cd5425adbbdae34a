import type { Db } from '../connect';
import type { ChecklistItem, ChecklistTemplate } from '../../domain/checklist';
import { parseJson } from './users';
import { appendAuditEvent, type AuditActor } from './events';

export const ROUTINE_TEMPLATE_ID = 'station-routine';
export const CHECKLIST_TEMPLATE_CASE = 'checklist_template';

export async function latestTemplate(db: Db, id: string): Promise<ChecklistTemplate | undefined> {
  const row = await db('checklist_templates').where({ id }).orderBy('version', 'desc').first();
  return row ? toTemplate(row) : undefined;
}

const toTemplate = (row: { id: string; version: number; items: unknown }): ChecklistTemplate => ({ id: row.id, version: row.version, items: parseJson<ChecklistItem[]>(row.items) ?? [] });

/** Publishes the next version of a template; running inspections keep the version they started with. */
export async function publishTemplate(db: Db, id: string, items: ChecklistItem[], by: AuditActor, operationId?: string): Promise<ChecklistTemplate> {
  return db.transaction(async (trx) => {
    // A retried request (its Idempotency-Key's operation id) gets the version it published.
    const published = operationId ? await trx('checklist_templates').where({ operation_id: operationId }).first() : undefined;
    if (published) return toTemplate(published);
    const last = await trx('checklist_templates').where({ id }).max({ v: 'version' }).forUpdate().first();
    const version = (last?.v ?? 0) + 1;
    await trx('checklist_templates').insert({ id, version, items: JSON.stringify(items), created_by: by.actorId, operation_id: operationId ?? null });
    await appendAuditEvent(trx, CHECKLIST_TEMPLATE_CASE, id, { ...by, action: 'template_published', data: { version, items: items.length } });
    return { id, version, items };
  });
}
