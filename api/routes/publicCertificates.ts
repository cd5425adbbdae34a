import { z } from 'zod';
import {
  findCertificatesByNumbers,
  findNamedCertificate,
  revokedCertificatesPage,
  type NamedCertificate,
  type RevocationCursor,
} from '../../db/queries/certificates';
import {
  CERTIFICATE_STATUS_LABELS,
  certificateNumberProblem,
  certificateNumberParams,
  maskHolderName,
  normaliseCertificateNumber,
  sameHolderName,
} from '../../domain/certificate';
import { csvFile, readCsv, splitCsvLine } from '../../domain/csv';
import { normaliseIdentityNumber } from '../../domain/identity';
import { certificatePdf, occupationName } from '../documents/certificate';
import { levelName } from '../documents/decision';
import { pdfResponse } from '../documents/pdf';
import { HttpError } from '../errors';
import { route, type ApiDeps, type RouteSpec } from '../routeSpec';
import { parse } from '../validate';

/**
 * Public certificate verification (网上查询), no login, each look-up rate-limited per address in api/app.ts: by number
 * and holder's name, an employer's file of them, the feed of revocations, and the electronic certificate with its
 * signed statement. A number that is not in the register and a name that does not match answer the same 404, so the
 * answer never confirms that a number exists to someone who does not know its holder.
 */

/** The number in the path: a malformed one or a typo caught by its check character is 400 naming `number`, before any lookup. */
const numberParam = (params: Record<string, string>) => parse(certificateNumberParams, params).number;

const notFound = () => new HttpError(404, 'not_found', 'no certificate with this number and holder name');

/** The public view: the holder's name masked, nothing of their identity number. */
function publicView(c: NamedCertificate) {
  return {
    number: c.number,
    holderName: maskHolderName(c.holderName),
    occupationCode: c.occupationCode,
    occupationName: occupationName(c.occupationCode),
    level: c.level,
    stationName: c.stationName,
    issuerCode: c.issuerCode,
    issuerName: c.issuerName,
    issuedOn: c.issuedOn,
    status: c.status,
    revokedAt: c.revokedAt,
    replacedBy: c.replacedBy,
  };
}

const BATCH_HEADER = ['number', 'name', 'result', 'status', 'occupation', 'level', 'issuedOn'];

/** An employer's file: each (number, name) pair found, not found (an unknown number or another name) or malformed. */
async function batchCheck(deps: ApiDeps, csv: string): Promise<string[][]> {
  const max = deps.config.policy.certificate.batchCheckMax;
  // The header is optional: a file whose first line is not `number,name` holds pairs from its first line on.
  const first = splitCsvLine(csv.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]).map((c) => c.toLowerCase());
  const withHeader = first[0] === 'number' && first[1] === 'name' ? csv : `number,name\n${csv}`;
  const { rows, tooMany } = readCsv(withHeader, max);
  if (tooMany)
    throw new HttpError(400, 'invalid', `at most ${max} rows per file`, [{ field: 'csv', code: 'too_many', message: `at most ${max} rows`, limit: max }]);
  const pairs = rows.map(({ cells: [number = '', name = ''] }) => ({ number: normaliseCertificateNumber(number), given: number, name }));
  const wellFormed = pairs.filter((p) => p.name && !certificateNumberProblem(p.number));
  const found = await findCertificatesByNumbers(
    deps.db,
    wellFormed.map((p) => p.number),
  );
  return [
    BATCH_HEADER,
    ...pairs.map(({ number, given, name }) => {
      if (!name || certificateNumberProblem(number)) return [given, name, 'malformed', '', '', '', ''];
      const c = found.get(number);
      if (!c || !sameHolderName(c.holderName, name)) return [number, name, 'not_found', '', '', '', ''];
      return [number, name, 'found', CERTIFICATE_STATUS_LABELS[c.status].zh, occupationName(c.occupationCode), levelName(c.level), c.issuedOn];
    }),
  ];
}

const encodeCursor = (c: RevocationCursor) => Buffer.from(JSON.stringify([c.revokedAt, c.number])).toString('base64url');

function decodeCursor(value: string): RevocationCursor {
  try {
    const [revokedAt, number] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    if (typeof revokedAt === 'string' && !Number.isNaN(Date.parse(revokedAt)) && typeof number === 'string') return { revokedAt, number };
  } catch {
    // Not JSON: the same answer as any other cursor this feed did not hand out.
  }
  throw new HttpError(400, 'invalid', 'invalid after', [{ field: 'after', code: 'invalid_cursor', message: 'pass the `next` of the previous page' }]);
}

/** The holder's download: the identity number as typed (spaces, a lower-case x), matched by its keyed hash only. */
const holderQuery = z.object({ identityNumber: z.string().trim().min(1).max(40) });

export const publicCertificateRoutes: RouteSpec[] = [
  route({
    method: 'get',
    path: '/v1/public/certificates/{number}',
    summary:
      "Verify a certificate by number and holder's name: masked name, occupation, level, station, issue date and status (404 for an unknown number or another name alike)",
    roles: [],
    query: z.object({ name: z.string().trim().min(1).max(100) }),
    handler: async ({ deps, params, query }) => {
      const number = numberParam(params);
      const c = await findNamedCertificate(deps.db, number);
      if (!c || !sameHolderName(c.holderName, query.name)) throw notFound();
      return publicView(c);
    },
  }),
  route({
    method: 'post',
    path: '/v1/public/certificate-checks',
    readOnly: true,
    summary: 'An employer\'s batch check: a CSV of (number, name) pairs ("number,name" header optional) answered by a CSV of results, UTF-8 with a BOM',
    roles: [],
    body: z.strictObject({ csv: z.string().min(1).max(250_000) }),
    handler: async ({ deps, body }) =>
      new Response(csvFile(await batchCheck(deps, body.csv)), {
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="certificate-checks.csv"' },
      }),
  }),
  route({
    method: 'get',
    path: '/v1/public/certificate-revocations',
    summary: 'Revoked certificates in the order they were revoked, since a time, paged by an opaque cursor (`next`)',
    roles: [],
    query: z.object({
      since: z.iso.datetime({ offset: true }).optional(),
      after: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).optional(),
    }),
    handler: async ({ deps, query }) => {
      const max = deps.config.policy.certificate.revocationFeedPageMax;
      if (query.limit !== undefined && query.limit > max)
        throw new HttpError(400, 'invalid', 'invalid limit', [{ field: 'limit', code: 'too_big', message: `at most ${max}`, limit: max }]);
      const limit = query.limit ?? max;
      const items = await revokedCertificatesPage(deps.db, {
        since: query.since ? new Date(query.since) : null,
        after: query.after ? decodeCursor(query.after) : null,
        limit,
      });
      const last = items[items.length - 1];
      return { items, next: items.length === limit ? encodeCursor(last) : null };
    },
  }),
  route({
    method: 'get',
    path: '/v1/public/certificates/{number}/pdf',
    summary: "The holder's electronic certificate (PDF with a signed QR code), given the holder's identity number (404 otherwise)",
    roles: [],
    query: holderQuery,
    handler: async ({ deps, params, query }) => {
      const number = numberParam(params);
      const c = await findNamedCertificate(deps.db, number);
      if (!c || deps.sealer.keyedHash('identity', normaliseIdentityNumber(query.identityNumber)) !== c.holderIdHash) throw notFound();
      return pdfResponse(await certificatePdf(c, deps.signer, deps.config.publicBaseUrl), `certificate-${c.number}.pdf`);
    },
  }),
  route({
    method: 'get',
    path: '/v1/public/certificate-keys',
    summary: "The public keys (JWKS, Ed25519, current and retired) that verify electronic certificates' signed statements offline",
    roles: [],
    handler: async ({ deps }) => deps.signer.jwks(),
  }),
  route({
    method: 'post',
    path: '/v1/public/certificate-statements/verification',
    readOnly: true,
    summary: "Check a certificate's signed statement (from its QR code) against the published keys, with the certificate's status now",
    roles: [],
    body: z.strictObject({ statement: z.string().min(1).max(4000) }),
    handler: async ({ deps, body }) => {
      const verified = await deps.signer.verify(body.statement.trim());
      if (!verified) return { valid: false, kid: null, payload: null, current: null };
      const c = await findNamedCertificate(deps.db, verified.statement.n);
      return {
        valid: true,
        kid: verified.kid,
        payload: verified.statement,
        current: c ? { status: c.status, revokedAt: c.revokedAt, replacedBy: c.replacedBy } : null,
      };
    },
  }),
];
