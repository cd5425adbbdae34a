import { z } from 'zod';
import { LICENCE_RENEWAL_CASE, findLicenceRenewal, listLicenceRenewals, type LicenceRenewalRecord } from '../../db/queries/licenceRenewals';
import { stationForInspection } from '../../db/queries/stations';
import { RENEWAL_STATUSES, renewalFilingSchema, renewalId } from '../../domain/licenceRenewal';
import {
  licenceRenewalRecorded,
  licenceRenewalState,
  licenceRenewalUpdates,
  licenceRenewalWorkflow,
  licenceRenewalWorkflowId,
} from '../../workflows/licenceRenewal.messages';
import { programmeState, stationWorkflowId } from '../../workflows/stationProgramme.messages';
import { HttpError } from '../errors';
import { queryFlag } from '../registers';
import { caseActionRoutes, caseReadRoutes, startCase, visibleCase, type CaseKind } from '../cases';
import { route } from '../routeSpec';
import { visibleStation } from './stations';

/** Station licence renewals (续期申请): filing by the station's administrator, the supervisor's decision, reads and the list. */

const RENEWAL_ID = /^\d{1,10}-\d{4}-\d{2}-\d{2}$/;

const renewals: CaseKind<LicenceRenewalRecord> = {
  basePath: '/v1/licence-renewals',
  caseType: LICENCE_RENEWAL_CASE,
  find: visibleCase(z.string().regex(RENEWAL_ID), findLicenceRenewal, 'licence renewal'),
  workflowId: licenceRenewalWorkflowId,
  ended: (r) => (r.status === 'awaiting_decision' ? null : `the renewal is ${r.status}`),
};

const reasons = z.array(z.string().trim().min(1).max(2000)).max(50).default([]);

export const licenceRenewalRoutes = [
  route({
    method: 'post',
    path: '/v1/stations/{id}/licence-renewals',
    summary:
      "File the renewal of the station's licence (续期申请), before expiry (it keeps the station active while decided) or after a lapse (an approval revives it from the decision date): documents; the last inspections' ratings and open rectification orders are taken from the record. One renewal per licence validity: a retry answers the one filed",
    roles: ['station_admin'],
    body: renewalFilingSchema,
    status: 201,
    authorize: async ({ deps, actor, params }) => visibleStation(deps, actor, params.id),
    handler: async ({ deps, actor, body, requestId, target: station }) => {
      if (station.status === 'revoked') throw new HttpError(409, 'not_allowed', 'the station is revoked: its licence cannot be renewed');
      const id = renewalId(station.id, station.validUntil);
      const filed = await findLicenceRenewal(deps.db, actor, id);
      if (filed && filed.status !== 'awaiting_decision')
        throw new HttpError(409, 'renewal_decided', `the renewal ${id} of this licence is ${filed.status} already`);
      const [{ snapshot }, live] = await Promise.all([
        stationForInspection(deps.db, station.id).then((s) => s!),
        deps.temporal.workflow.getHandle(stationWorkflowId(station.id)).query(programmeState),
      ]);
      const { policy } = deps.config;
      return startCase(
        deps,
        licenceRenewalWorkflow,
        {
          workflowId: licenceRenewalWorkflowId(id),
          args: [
            {
              station: snapshot,
              licence: { number: station.licenceNumber, validUntil: station.validUntil },
              filedBy: actor,
              filing: body,
              record: { ratings: live.ratings.slice(-3), openRectifications: live.openRectifications, stationStatus: live.status },
              policy: { ...policy.licence, validity: policy.stationApproval.licenceValidity },
              requestId,
            },
          ],
        },
        { recorded: licenceRenewalRecorded, state: licenceRenewalState },
      );
    },
  }),
  route({
    method: 'get',
    path: '/v1/licence-renewals',
    summary: "Licence renewals the caller may see, newest first: a station's, by status, or waiting on the caller (the inbox)",
    roles: ['station_admin', 'supervisor'],
    query: z.object({
      stationId: z.coerce.number().int().positive().optional(),
      status: z.enum(RENEWAL_STATUSES).optional(),
      pendingOnMe: queryFlag,
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
    handler: async ({ deps, actor, query }) => ({
      items: await listLicenceRenewals(deps.db, actor, { ...query, pendingOnMe: query.pendingOnMe === 'true' }),
    }),
  }),
  ...caseReadRoutes(renewals, {
    roles: ['station_admin', 'supervisor'],
    state: licenceRenewalState,
    summary: 'One licence renewal: the filing, the record taken at filing, the decision, and while it runs its live case',
    timeline: "The renewal's timeline",
  }),
  ...caseActionRoutes(renewals, {
    bodies: { decide: z.strictObject({ outcome: z.enum(['approve', 'reject']), reasons }) },
    updates: licenceRenewalUpdates,
    toPayload: { decide: async (_deps, body) => body },
    routes: [
      {
        type: 'decide',
        path: 'decision',
        summary: 'Approve (validUntil moves on by the licence validity from the later of the old validUntil and today) or reject with reasons',
        roles: ['supervisor'],
      },
    ],
  }),
];
