import { createInterface } from 'node:readline';
import { ulid } from 'ulid';
import {
  certificateImportRejections,
  findCertificateImport,
  finishCertificateImport,
  registeredNumbers,
  startCertificateImport,
  stationsWithin,
  writeImportBatch,
  type ImportRejection,
} from '../../db/queries/certificateImports';
import type { NewCertificate } from '../../db/queries/certificates';
import { quarterOf } from '../../domain/certificate';
import {
  IMPORT_HEADER_ERROR,
  importHeaderColumns,
  judgeLegacyCertificate,
  rejectionText,
  type CertificateImportRejection,
  type LegacyCertificateRow,
} from '../../domain/certificateImport';
import { chinaDate } from '../../domain/chinaTime';
import { csvFile, splitCsvLine } from '../../domain/csv';
import { coversImport } from '../../domain/examinerImport';
import { maskIdentityNumber } from '../../domain/identity';
import { scopeOf } from '../../domain/jurisdiction';
import type { Actor } from '../../domain/roles';
import { HttpError } from '../errors';
import { route, type ApiDeps, type RouteSpec } from '../routeSpec';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** A rejected row's number is kept as sent, up to the column's length. */
const KEPT_NUMBER_LENGTH = 40;

interface PendingLine {
  line: number;
  numberAsSent: string;
  reasons: CertificateImportRejection[];
  row?: LegacyCertificateRow;
  /** Well-formed, so looked up whatever else is wrong with the row: the report gives every reason. */
  number: string | null;
  stationId: number | null;
}

/**
 * One import as the file arrives: rows are judged one by one and written a batch at a time, so the memory held is
 * one batch whatever the file's length.
 */
function legacyImport(deps: ApiDeps, actor: Actor, imp: { id: string; startedAt: Date }) {
  const policy = deps.config.policy.certificate;
  const jurisdictions = actor.jurisdictions ?? [];
  const counts = { total: 0, imported: 0, rejected: 0, byReason: {} as Record<string, number> };
  let pending: PendingLine[] = [];
  let kept = 0;

  async function flush(): Promise<void> {
    const lines = pending;
    pending = [];
    const [stations, registered] = await Promise.all([
      stationsWithin(deps.db, [...new Set(lines.flatMap((l) => (l.stationId === null ? [] : [l.stationId])))], jurisdictions),
      registeredNumbers(
        deps.db,
        lines.flatMap((l) => (l.number === null ? [] : [l.number])),
        imp.startedAt,
      ),
    ]);
    // A repeat is of an earlier line that went in: in this batch, or in an earlier one (then found in the register).
    const seen = new Set<string>();
    const certificates: NewCertificate[] = [];
    const identities = new Map<string, string>();
    const rejections: ImportRejection[] = [];
    for (const l of lines) {
      if (l.stationId !== null && !stations.has(l.stationId)) l.reasons.push('unknown_station');
      if (l.number !== null) {
        const earlier = registered.get(l.number);
        if (earlier) l.reasons.push(earlier === 'this_import' ? 'duplicate_in_file' : 'duplicate_in_register');
        else if (seen.has(l.number)) l.reasons.push('duplicate_in_file');
      }
      const row = l.row;
      if (row && !l.reasons.length) {
        seen.add(row.number);
        const idHash = deps.sealer.keyedHash('identity', row.identityNumber);
        if (!identities.has(idHash)) identities.set(idHash, deps.sealer.seal(row.identityNumber));
        certificates.push({
          number: row.number,
          holderName: row.holderName,
          holderMaskedId: maskIdentityNumber(row.identityNumber),
          holderIdHash: idHash,
          occupationCode: row.occupationCode,
          level: row.level,
          sessionId: null,
          candidateId: null,
          stationId: row.stationId,
          issuerCode: row.issuerCode,
          issuedOn: row.issuedOn,
          quarter: quarterOf(row.issuedOn),
          source: 'legacy',
          replaces: null,
        });
        continue;
      }
      counts.rejected++;
      for (const reason of l.reasons) counts.byReason[reason] = (counts.byReason[reason] ?? 0) + 1;
      if (kept < policy.importRejectionsKept) {
        kept++;
        rejections.push({ line: l.line, number: [...l.numberAsSent].slice(0, KEPT_NUMBER_LENGTH).join(''), reasons: l.reasons });
      }
    }
    const inserted = await writeImportBatch(deps.db, {
      importId: imp.id,
      startedAt: imp.startedAt,
      certificates,
      identities: [...identities].map(([idHash, sealed]) => ({ idHash, sealed })),
      rejections,
    });
    counts.imported += inserted;
    // Numbers another import wrote between the look-up and the insert: counted, though their lines are not reported.
    const raced = certificates.length - inserted;
    if (raced) {
      counts.rejected += raced;
      counts.byReason.duplicate_in_register = (counts.byReason.duplicate_in_register ?? 0) + raced;
    }
  }

  return {
    counts,
    async add(line: number, text: string, ctx: { today: string; columns: number }): Promise<void> {
      const cells = splitCsvLine(text);
      counts.total++;
      pending.push({ line, numberAsSent: cells[0] ?? '', ...judgeLegacyCertificate(cells, { ...ctx, jurisdictions }) });
      if (pending.length >= policy.importBatchRows) await flush();
    },
    flush,
  };
}

/** Legacy certificates (已发证书数据入网): a CSV of certificates issued before the register, streamed into it. */
export const certificateImportRoutes: RouteSpec[] = [
  route({
    method: 'post',
    path: '/v1/certificates/imports',
    summary:
      'Import legacy certificates from CSV (text/csv, read as it arrives): number,holder_name,identity_number,occupation_code,level,issued_on[,station_id]; each row validated, good rows written in batches; answers the counts by reason (the rejected rows are a CSV download)',
    roles: ['supervisor'],
    status: 201,
    streamed: true,
    handler: async ({ deps, actor, audit, headers, bodyStream, resourceId }) => {
      const scope = scopeOf(actor.jurisdictions);
      if (!scope.national && !scope.provinces.length) throw new HttpError(403, 'forbidden', 'legacy certificates are imported by a supervisor of a province');
      if (!/^text\/csv\b/i.test(headers['content-type'] ?? '') || !['', 'identity'].includes(headers['content-encoding'] ?? ''))
        throw new HttpError(415, 'unsupported_media_type', 'send the file as text/csv, uncompressed', [
          { field: 'Content-Type', message: headers['content-type'] || 'missing' },
        ]);
      const importId = resourceId ?? ulid();
      // A retry of a finished import (the same Idempotency-Key) answers as it did; the file is not read again.
      const earlier = await findCertificateImport(deps.db, importId);
      if (earlier?.finished) return { importId, total: earlier.total, imported: earlier.imported, rejected: earlier.rejected, byReason: earlier.byReason };
      if (earlier)
        throw new HttpError(
          409,
          'import_interrupted',
          'this import was interrupted: send the file again without this Idempotency-Key (rows it wrote count as in the register)',
        );

      const today = chinaDate(Date.now());
      const startedAt = new Date();
      const run = legacyImport(deps, actor, { id: importId, startedAt });
      let columns: number | null = null;
      let line = 0;
      for await (const text of createInterface({ input: bodyStream!, crlfDelay: Infinity })) {
        line++;
        if (columns === null) {
          columns = importHeaderColumns(text);
          // Nothing is written before the header is right.
          if (columns === null)
            throw new HttpError(400, 'invalid', IMPORT_HEADER_ERROR, [{ field: '(body)', code: 'invalid_csv', message: IMPORT_HEADER_ERROR }]);
          await startCertificateImport(deps.db, { id: importId, by: audit, jurisdictions: actor.jurisdictions ?? [], startedAt });
          continue;
        }
        if (text.trim()) await run.add(line, text, { today, columns });
      }
      if (columns === null) throw new HttpError(400, 'invalid', IMPORT_HEADER_ERROR, [{ field: '(body)', code: 'invalid_csv', message: IMPORT_HEADER_ERROR }]);
      await run.flush();
      await finishCertificateImport(deps.db, { id: importId, by: audit, ...run.counts });
      return { importId, ...run.counts };
    },
  }),
  route({
    method: 'get',
    path: '/v1/certificates/imports/{id}/rejections.csv',
    summary: "A legacy certificate import's rejected rows (CSV): line, number as sent, and the reasons in Chinese",
    roles: ['supervisor'],
    handler: async ({ deps, actor, params }) => {
      const record = ULID.test(params.id) ? await findCertificateImport(deps.db, params.id) : undefined;
      if (!record || (record.importedBy !== actor.id && !coversImport(actor.jurisdictions, record.jurisdictions)))
        throw new HttpError(404, 'not_found', `no import ${params.id}`);
      const rows = await certificateImportRejections(deps.db, record.id);
      const csv = csvFile([['line', 'number', 'reasons'], ...rows.map((r) => [String(r.line), r.number, rejectionText(r.reasons)])]);
      // A fetch Response carries its own headers through Koa: the route answers a download, not JSON.
      return new Response(csv, {
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="certificate-import-${record.id}-rejections.csv"` },
      });
    },
  }),
];
