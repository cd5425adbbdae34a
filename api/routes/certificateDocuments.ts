import { findCertificateFor, findNamedCertificate, type Certificate } from '../../db/queries/certificates';
import { certificateNumberParams } from '../../domain/certificate';
import { certificatePdf } from '../documents/certificate';
import { pdfResponse } from '../documents/pdf';
import { HttpError } from '../errors';
import { route, type RouteSpec } from '../routeSpec';
import { parse } from '../validate';

/** The electronic certificate for staff, from the certificate's page: the same document the holder downloads. */
export const certificateDocumentRoutes: RouteSpec[] = [
  route({
    method: 'get',
    path: '/v1/certificates/{number}/pdf',
    summary: "The electronic certificate (PDF with a signed QR code) of a certificate in the caller's jurisdiction",
    roles: ['supervisor', 'reviewer', 'station_admin'],
    authorize: async ({ deps, actor, params }): Promise<Certificate> => {
      const { number } = parse(certificateNumberParams, params);
      const found = await findCertificateFor(deps.db, actor, number);
      if (!found) throw new HttpError(404, 'not_found', 'no such certificate');
      return found;
    },
    handler: async ({ deps, target }) => {
      const c = (await findNamedCertificate(deps.db, target.number))!;
      return pdfResponse(await certificatePdf(c, deps.signer, deps.config.publicBaseUrl), `certificate-${c.number}.pdf`);
    },
  }),
];
