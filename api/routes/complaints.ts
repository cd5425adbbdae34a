import { timingSafeEqual } from 'node:crypto';
import { ulid } from 'ulid';
import { z } from 'zod';
import { complaintCredentials, hashSecret, seal, unseal } from '../../activities/sealing';
import { certificateInvalidation, complaintByTracking, complaintStatistics, COMPLAINT_CASE, findComplaint, listComplaints, sealedContact, type ComplaintRecord } from '../../db/queries/complaints';
import { caseTimeline } from '../../db/queries/events';
import { stationForInspection } from '../../db/queries/stations';
import { findUsers } from '../../db/queries/users';
import { CATEGORIES, COMPLAINT_STATUSES, FINDINGS, SEVERITIES, intakeSchema, publicView, type ComplaintActionType } from '../../domain/complaint';
import type { Actor } from '../../domain/roles';
import { complaint } from '../../workflows/complaint';
import { complaintAppeal, complaintRecorded, complaintState, complaintUpdates, complaintWorkflowId, identityRevealed, type ComplaintPayload } from '../../workflows/complaint.messages';
import { HttpError } from '../errors';
import { caseActionRoutes, route, startCase, type ApiDeps } from '../routeSpec';

/** Complaints: public intake and tracking, staff triage, investigation, findings, identity reveal. */

const reasons = z.array(z.string().trim().min(1).max(2000)).max(50).default([]);
const complaintId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a complaint id');

/** The same answer for an unknown number and a wrong secret, so neither can be probed. */
async function tracked(deps: ApiDeps, trackingNumber: string, secret: string | undefined) {
  const found = await complaintByTracking(deps.db, trackingNumber);
  const given = Buffer.from(hashSecret(secret ?? ''), 'hex');
  if (!found || !timingSafeEqual(given, Buffer.from(found.secretHash, 'hex'))) throw new HttpError(404, 'not_found', 'no complaint with this tracking number and secret');
  return found;
}

export const complaintBodies = {
  answer: z.strictObject({ answer: z.string().trim().min(1).max(10_000) }),
  convert: z.strictObject({}),
  triage: z.strictObject({
    category: z.enum(CATEGORIES),
    severity: z.enum(SEVERITIES),
    stationId: z.number().int().positive().optional(),
    examinerId: z.string().min(1).max(64).optional(),
    sessionId: z.string().min(1).max(40).optional(),
  }),
  merge: z.strictObject({ intoId: complaintId }),
  assignInvestigator: z.strictObject({ investigatorId: z.string().min(1).max(64) }),
  extendDeadline: z.strictObject({ reasons }),
  submitFinding: z.strictObject({
    finding: z.enum(FINDINGS),
    reasons,
    actions: z
      .array(
        z.discriminatedUnion('type', [
          z.strictObject({ type: z.literal('adhoc_inspection') }),
          z.strictObject({ type: z.literal('suspend_examiner'), until: z.iso.datetime() }),
          z.strictObject({ type: z.literal('propose_revocation') }),
          z.strictObject({ type: z.literal('propose_station_sanction') }),
          z.strictObject({ type: z.literal('invalidate_certificate') }),
        ]),
      )
      .max(5)
      .default([]),
  }),
};

async function visible(deps: ApiDeps, actor: Actor, id: string): Promise<ComplaintRecord> {
  const parsed = complaintId.safeParse(id);
  const record = parsed.success ? await findComplaint(deps.db, actor, parsed.data) : undefined;
  if (!record) throw new HttpError(404, 'not_found', `no complaint ${id}`);
  return record;
}

const toPayload: { [T in ComplaintActionType]: (deps: ApiDeps, body: z.infer<(typeof complaintBodies)[T]>) => Promise<ComplaintPayload<T>> } = {
  answer: async (_d, body) => body,
  convert: async () => ({}),
  triage: async (deps, { category, severity, ...targets }) => {
    const station = targets.stationId ? await stationForInspection(deps.db, targets.stationId) : undefined;
    if (targets.stationId && !station) throw new HttpError(400, 'invalid', 'no such station', [{ field: 'stationId', message: 'no such station' }]);
    // The investigator recuses against the station's organisation and its declared affiliations.
    const targetOrganisations = station ? [station.snapshot.organisation, ...station.snapshot.affiliations] : [];
    return { category, severity, targets, targetOrganisations, ...(station ? { region: { provinceCode: station.snapshot.provinceCode, cityCode: station.snapshot.cityCode } } : {}) };
  },
  merge: async (deps, body) => {
    const into = await deps.db('complaints').where({ id: body.intoId }).first('status');
    if (!into || ['final', 'merged'].includes(into.status)) throw new HttpError(409, 'not_allowed', 'merge only into an open complaint');
    return body;
  },
  assignInvestigator: async (deps, body) => {
    const [person] = await findUsers(deps.db, [body.investigatorId]);
    if (!person) throw new HttpError(400, 'invalid', 'unknown user', [{ field: 'investigatorId', message: 'unknown user' }]);
    const { stationId: _s, ...investigator } = person;
    return { investigator };
  },
  extendDeadline: async (_d, body) => body,
  submitFinding: async (_d, body) => body,
};

export const publicComplaintRoutes = [
  route({
    method: 'get',
    path: '/v1/public/certificates/{number}',
    summary: 'Whether a certificate number was found invalid by a complaint finding',
    roles: [],
    handler: async ({ deps, params }) => ({ certificateNumber: params.number, ...(await certificateInvalidation(deps.db, params.number)) }),
  }),
  route({
    method: 'post',
    path: '/v1/public/complaints',
    summary: 'File a complaint (no login); contact details may be withheld. Returns a tracking number and a secret.',
    roles: [],
    status: 201,
    body: intakeSchema.strict(),
    handler: async ({ deps, body, resourceId }) => {
      const id = resourceId ?? ulid();
      const { trackingNumber, secret } = complaintCredentials(id);
      const { contact, ...intake } = body;
      await startCase(
        deps,
        complaint,
        {
          workflowId: complaintWorkflowId(id),
          args: [{ id, trackingNumber, secretHash: hashSecret(secret), sealedContact: contact ? seal(contact) : null, intake, policy: deps.config.policy.complaint, inspectionPolicy: deps.config.policy.inspection }],
        },
        { recorded: complaintRecorded, state: complaintState },
      );
      return { trackingNumber, secret };
    },
  }),
  route({
    method: 'get',
    path: '/v1/public/complaints/{trackingNumber}',
    summary: 'Status and outcome of a complaint, with its secret in X-Complaint-Secret (nothing else)',
    roles: [],
    handler: async ({ deps, params, headers }) => {
      const found = await tracked(deps, params.trackingNumber, headers['x-complaint-secret']);
      const live = await deps.temporal.workflow.getHandle(complaintWorkflowId(found.id)).query(complaintState);
      return publicView(live, live.appealUntil !== null);
    },
  }),
  route({
    method: 'post',
    path: '/v1/public/complaints/{trackingNumber}/appeal',
    summary: 'Appeal the finding once, within the appeal window',
    roles: [],
    body: z.strictObject({ secret: z.string().min(1).max(100), reason: z.string().trim().min(5).max(5000) }),
    handler: async ({ deps, params, body, operationId }) => {
      const found = await tracked(deps, params.trackingNumber, body.secret);
      const view = await deps.temporal.workflow.getHandle(complaintWorkflowId(found.id)).executeUpdate(complaintAppeal, { args: [{ reason: body.reason }], updateId: `appeal:${found.id}:${operationId}` });
      return publicView(view, false);
    },
  }),
];

export const complaintRoutes = [
  route({
    method: 'get',
    path: '/v1/complaints/statistics',
    summary: 'Open cases by category, severity, region and level; SLA compliance per month; overdue; substantiated rate per station',
    roles: ['supervisor'],
    handler: async ({ deps, actor }) => complaintStatistics(deps.db, actor),
  }),
  route({
    method: 'get',
    path: '/v1/complaints',
    summary: 'Complaints (an investigator sees those assigned), filtered by status, category, severity, region, overdue, waiting on me',
    roles: ['complaint_handler', 'supervisor', 'inspector'],
    query: z.object({
      status: z.enum(COMPLAINT_STATUSES).optional(),
      category: z.enum(CATEGORIES).optional(),
      severity: z.enum(SEVERITIES).optional(),
      provinceCode: z.string().regex(/^\d{6}$/).optional(),
      overdue: z.enum(['true', 'false']).optional(),
      pendingOnMe: z.enum(['true', 'false']).optional(),
      cursor: complaintId.optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
    handler: async ({ deps, actor, query }) => listComplaints(deps.db, actor, { ...query, overdue: query.overdue === 'true', pendingOnMe: query.pendingOnMe === 'true' }),
  }),
  route({
    method: 'get',
    path: '/v1/complaints/{id}',
    summary: 'One complaint with its live state (never the complainant identity)',
    roles: ['complaint_handler', 'supervisor', 'inspector'],
    handler: async ({ deps, actor, params }) => {
      const record = await visible(deps, actor, params.id);
      return { record, live: await deps.temporal.workflow.getHandle(complaintWorkflowId(record.id)).query(complaintState) };
    },
  }),
  route({
    method: 'get',
    path: '/v1/complaints/{id}/timeline',
    summary: "The complaint's timeline, including every identity reveal",
    roles: ['complaint_handler', 'supervisor', 'inspector'],
    handler: async ({ deps, actor, params }) => ({ items: await caseTimeline(deps.db, COMPLAINT_CASE, (await visible(deps, actor, params.id)).id) }),
  }),
  route({
    method: 'get',
    path: '/v1/complaints/{id}/identity',
    summary: "The complainant's identity and contact (handlers and supervisors); every reveal is recorded on the case",
    roles: ['complaint_handler', 'supervisor'],
    handler: async ({ deps, actor, params }) => {
      const record = await visible(deps, actor, params.id);
      const sealed = await sealedContact(deps.db, record.id);
      if (!sealed) return { anonymous: true, contact: null };
      await deps.temporal.workflow.getHandle(complaintWorkflowId(record.id)).signal(identityRevealed, { by: actor.id, role: actor.roles.join(',') });
      return { anonymous: false, contact: unseal(sealed) };
    },
  }),
  ...caseActionRoutes<ComplaintActionType, ComplaintRecord>({
    basePath: '/v1/complaints',
    bodies: complaintBodies,
    find: visible,
    // The workflow refuses actions on an ended complaint with its own reason.
    ended: () => null,
    workflowId: complaintWorkflowId,
    updates: complaintUpdates,
    toPayload: (type, deps, body) => toPayload[type](deps, body as never),
    routes: [
      { type: 'answer', path: 'answer', summary: 'Answer a consultation (closes it)', roles: ['complaint_handler', 'supervisor'] },
      { type: 'convert', path: 'convert', summary: 'Convert a consultation into a complaint', roles: ['complaint_handler', 'supervisor'] },
      { type: 'triage', path: 'triage', summary: 'Triage: category, severity, targets', roles: ['complaint_handler', 'supervisor'] },
      { type: 'merge', path: 'merge', summary: 'Merge into an open complaint as a duplicate', roles: ['complaint_handler', 'supervisor'] },
      { type: 'assignInvestigator', path: 'investigator', summary: 'Assign a recusal-checked investigator', roles: ['complaint_handler', 'supervisor'] },
      { type: 'extendDeadline', path: 'extension', summary: "Extend the investigation's due date (a supervisor)", roles: ['supervisor'] },
      { type: 'submitFinding', path: 'finding', summary: 'The investigator records the finding and its actions', roles: ['inspector'] },
    ],
  }),
];
