import type { Db } from '../connect';
import type { ChecklistItem, ChecklistTemplate } from '../../domain/checklist';
import { NATIONAL, jurisdictionChain } from '../../domain/jurisdiction';
import { parseJson } from './users';
import { appendAuditEvent, type AuditActor } from './events';

export const ROUTINE_TEMPLATE_ID = 'station-routine';
export const CHECKLIST_TEMPLATE_CASE = 'checklist_template';

/** A template version and the jurisdiction that published it (CN: the national one). */
export type PlacedTemplate = ChecklistTemplate & { jurisdiction: string };

/**
 * The version of a template that applies in a jurisdiction (a station's city): the latest of the nearest
 * level that published one, the city's own, else its province's, else the national one.
 */
export async function latestTemplate(db: Db, id: string, at: string = NATIONAL): Promise<PlacedTemplate | undefined> {
  const chain = jurisdictionChain(at);
  const row = await db('checklist_templates')
    .where({ id })
    .whereIn('jurisdiction_code', chain)
    .orderByRaw(`FIELD(jurisdiction_code, ${chain.map(() => '?').join(', ')})`, chain)
    .orderBy('version', 'desc')
    .first();
  return row ? toTemplate(row) : undefined;
}

const toTemplate = (row: { id: string; version: number; items: unknown; jurisdiction_code: string }): PlacedTemplate => ({
  id: row.id,
  version: row.version,
  items: parseJson<ChecklistItem[]>(row.items) ?? [],
  jurisdiction: row.jurisdiction_code,
});

/**
 * Publishes the next version of a template for a jurisdiction; running inspections keep the version they
 * started with. Versions are numbered across jurisdictions, so a template id and version name one checklist.
 */
export async function publishTemplate(
  db: Db,
  id: string,
  items: ChecklistItem[],
  by: AuditActor,
  { jurisdiction = NATIONAL, operationId }: { jurisdiction?: string; operationId?: string } = {},
): Promise<PlacedTemplate> {
  return db.transaction(async (trx) => {
    // A retried request (its Idempotency-Key's operation id) gets the version it published.
    const published = operationId ? await trx('checklist_templates').where({ operation_id: operationId }).first() : undefined;
    if (published) return toTemplate(published);
    const last = await trx('checklist_templates').where({ id }).max({ v: 'version' }).forUpdate().first();
    const version = (last?.v ?? 0) + 1;
    await trx('checklist_templates').insert({
      id,
      version,
      jurisdiction_code: jurisdiction,
      items: JSON.stringify(items),
      created_by: by.actorId,
      operation_id: operationId ?? null,
    });
    await appendAuditEvent(trx, CHECKLIST_TEMPLATE_CASE, id, { ...by, action: 'template_published', data: { version, jurisdiction, items: items.length } });
    return { id, version, items, jurisdiction };
  });
}

/** The version of a template an inspection names (versions are numbered across jurisdictions, so the pair is unique). */
export async function templateVersion(db: Db, id: string, version: number): Promise<PlacedTemplate | undefined> {
  const row = await db('checklist_templates').where({ id, version }).first();
  return row ? toTemplate(row) : undefined;
}
