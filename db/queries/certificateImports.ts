import type { Db } from '../connect';
import { certificateRow, type NewCertificate } from './certificates';
import { appendAuditEvent, type AuditActor } from './events';
import { stationIdsWithin } from './jurisdictions';
import { parseJson } from './users';

/** Legacy certificate imports (已发证书数据入网): the record of each import and its rejected rows. */
export const CERTIFICATE_IMPORT_CASE = 'certificate_import';

export interface CertificateImportRecord {
  id: string;
  importedBy: string;
  jurisdictions: string[];
  finished: boolean;
  total: number;
  imported: number;
  rejected: number;
  byReason: Record<string, number>;
}

export interface ImportRejection {
  line: number;
  number: string;
  reasons: string[];
}

export async function findCertificateImport(db: Db, id: string): Promise<CertificateImportRecord | undefined> {
  const r = await db('certificate_imports').where({ id }).first();
  return (
    r && {
      id: r.id,
      importedBy: r.imported_by,
      jurisdictions: parseJson<string[]>(r.jurisdictions) ?? [],
      finished: r.finished_at !== null,
      total: Number(r.total),
      imported: Number(r.imported),
      rejected: Number(r.rejected),
      byReason: parseJson<Record<string, number>>(r.by_reason) ?? {},
    }
  );
}

/** The import's record, open until `finishCertificateImport`; `startedAt` is also every certificate's created_at. */
export async function startCertificateImport(db: Db, imp: { id: string; by: AuditActor; jurisdictions: readonly string[]; startedAt: Date }): Promise<void> {
  await db('certificate_imports').insert({
    id: imp.id,
    imported_by: imp.by.actorId,
    jurisdictions: JSON.stringify(imp.jurisdictions),
    started_at: imp.startedAt,
    by_reason: JSON.stringify({}),
  });
}

/**
 * Which of the numbers the register holds, and whether this import wrote them: an import writes all its
 * certificates with its start as created_at, so a later line repeating an earlier one finds it written so.
 */
export async function registeredNumbers(db: Db, numbers: string[], importStartedAt: Date): Promise<Map<string, 'this_import' | 'register'>> {
  if (!numbers.length) return new Map();
  const rows = await db('certificates').whereIn('number', numbers).select('number', 'source', 'created_at');
  return new Map(
    rows.map((r) => [r.number as string, r.source === 'legacy' && new Date(r.created_at).getTime() === importStartedAt.getTime() ? 'this_import' : 'register']),
  );
}

/** Which of the station ids name a station inside the jurisdictions. */
export async function stationsWithin(db: Db, ids: number[], jurisdictions: readonly string[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const found = await db('stations')
    .whereIn('stations.id', ids)
    .whereIn('stations.id', (sub) => stationIdsWithin(sub, jurisdictions))
    .pluck('stations.id');
  return new Set(found.map(Number));
}

/**
 * One batch of an import in one transaction: the holders' sealed identities (once per person), the certificates in
 * one multi-row INSERT IGNORE, and the batch's rejected rows. Answers how many certificates went in: fewer than
 * given only when another import wrote the same numbers since they were looked up.
 */
export async function writeImportBatch(
  db: Db,
  batch: {
    importId: string;
    startedAt: Date;
    certificates: NewCertificate[];
    identities: Array<{ idHash: string; sealed: string }>;
    rejections: ImportRejection[];
  },
): Promise<number> {
  return db.transaction(async (trx) => {
    if (batch.identities.length)
      await trx('candidate_identities')
        .insert(batch.identities.map((i) => ({ id_hash: i.idHash, sealed: i.sealed })))
        .onConflict('id_hash')
        .ignore();
    let inserted = 0;
    if (batch.certificates.length) {
      // Written as one statement by hand: the query builder's insert answers no count of the rows ignored.
      const rows = batch.certificates.map((c) => certificateRow(c, batch.startedAt));
      const columns = Object.keys(rows[0]);
      const tuple = `(${columns.map(() => '?').join(',')})`;
      const sql = `INSERT IGNORE INTO certificates (${columns.map((c) => `\`${c}\``).join(',')}) VALUES ${rows.map(() => tuple).join(',')}`;
      const [result] = await trx.raw(
        sql,
        rows.flatMap((r) => columns.map((c) => r[c] as never)),
      );
      inserted = Number(result.affectedRows);
    }
    if (batch.rejections.length)
      await trx('certificate_import_rejections').insert(
        batch.rejections.map((r) => ({ import_id: batch.importId, line: r.line, number: r.number, reasons: JSON.stringify(r.reasons) })),
      );
    return inserted;
  });
}

/** Closes an import with its counts and records it in the audit trail. */
export async function finishCertificateImport(
  db: Db,
  imp: { id: string; by: AuditActor; total: number; imported: number; rejected: number; byReason: Record<string, number> },
): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('certificate_imports')
      .where({ id: imp.id })
      .update({ finished_at: new Date(), total: imp.total, imported: imp.imported, rejected: imp.rejected, by_reason: JSON.stringify(imp.byReason) });
    await appendAuditEvent(trx, CERTIFICATE_IMPORT_CASE, imp.id, {
      ...imp.by,
      action: 'certificates_imported',
      data: { total: imp.total, imported: imp.imported, rejected: imp.rejected, byReason: imp.byReason },
    });
  });
}

/** The kept rejected rows of an import, in line order. */
export async function certificateImportRejections(db: Db, importId: string): Promise<ImportRejection[]> {
  const rows = await db('certificate_import_rejections').where({ import_id: importId }).orderBy('line').select('line', 'number', 'reasons');
  return rows.map((r) => ({ line: Number(r.line), number: r.number, reasons: parseJson<string[]>(r.reasons) ?? [] }));
}
