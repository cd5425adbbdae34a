import { z } from 'zod';
import { CERTIFICATE_CASE, findCertificateViewFor, listCertificates, replaceCertificate, revokeCertificate } from '../../db/queries/certificates';
import { caseTimeline } from '../../db/queries/events';
import { CERTIFICATE_STATUSES, REPLACEMENT_REASONS, certificateNumberParams, certificateNumberSchema } from '../../domain/certificate';
import type { Actor, Role } from '../../domain/roles';
import type { ApiDeps } from '../routeSpec';
import { HttpError } from '../errors';
import { route } from '../routeSpec';
import { parse } from '../validate';

/**
 * The certificate register (证书台账) for staff: the list, one certificate with its audit trail, and a supervisor's
 * revocation or replacement (补发/换发). Outside the caller's jurisdiction a certificate does not exist (404).
 */

/** Who reads the register: as db/queries/certificates.ts certificatesVisibleTo scopes each. */
const READERS: Role[] = ['supervisor', 'reviewer', 'station_admin'];

/** The certificate the caller may see, by the number in the path (a malformed one is 400 before any lookup). */
async function visible({ deps, actor, params }: { deps: ApiDeps; actor: Actor; params: Record<string, string> }) {
  const { number } = parse(certificateNumberParams, { number: params.number });
  const found = await findCertificateViewFor(deps.db, actor, number);
  if (!found) throw new HttpError(404, 'not_found', 'no such certificate');
  return found;
}

export const certificateRoutes = [
  route({
    method: 'get',
    path: '/v1/certificates',
    summary:
      'Certificates the caller may see, newest issue first: by number, holder name (contains), session, station, status, occupation, level, issue dates; a total, page and page size',
    roles: READERS,
    query: z.object({
      number: certificateNumberSchema.optional(),
      holderName: z.string().trim().min(1).max(100).optional(),
      sessionId: z.string().min(1).max(40).optional(),
      stationId: z.coerce.number().int().positive().optional(),
      status: z.enum(CERTIFICATE_STATUSES).optional(),
      occupationCode: z.string().min(1).max(16).optional(),
      level: z.coerce.number().int().min(1).max(5).optional(),
      issuedFrom: z.iso.date().optional(),
      issuedTo: z.iso.date().optional(),
      page: z.coerce.number().int().min(1).max(100_000).default(1),
      pageSize: z.coerce.number().int().min(1).max(100).default(20),
    }),
    handler: async ({ deps, actor, query }) => listCertificates(deps.db, actor, query),
  }),
  route({
    method: 'get',
    path: '/v1/certificates/{number}',
    summary: 'One certificate of the register with its audit trail (issued, revoked, replaced)',
    roles: READERS,
    handler: async (input) => {
      const certificate = await visible(input);
      return { ...certificate, timeline: await caseTimeline(input.deps.db, CERTIFICATE_CASE, certificate.number) };
    },
  }),
  route({
    method: 'post',
    path: '/v1/certificates/{number}/revocation',
    summary: 'A supervisor revokes a valid certificate (撤销), with the reason; 409 unless it is valid',
    roles: ['supervisor'],
    body: z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
    authorize: visible,
    handler: async ({ deps, actor, audit, body, target }) => {
      await revokeCertificate(deps.db, target.number, { reason: body.reason, audit });
      return (await findCertificateViewFor(deps.db, actor, target.number))!;
    },
  }),
  route({
    method: 'post',
    path: '/v1/certificates/{number}/replacement',
    summary: 'A supervisor replaces a valid certificate that was lost or damaged (补发/换发): a new number for the same holder, the old one marked replaced',
    roles: ['supervisor'],
    body: z.strictObject({ reason: z.enum(REPLACEMENT_REASONS), note: z.string().trim().min(1).max(2000).optional() }),
    authorize: visible,
    handler: async ({ deps, actor, audit, body, target }) => {
      const replaced = (await replaceCertificate(deps.db, target.number, { ...body, audit }))!;
      const [old, replacement] = await Promise.all([
        findCertificateViewFor(deps.db, actor, replaced.old.number),
        findCertificateViewFor(deps.db, actor, replaced.replacement.number),
      ]);
      return { old, replacement };
    },
  }),
];
