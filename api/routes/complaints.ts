import { timingSafeEqual } from 'node:crypto';
import { WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { decodeTime, ulid } from 'ulid';
import { z } from 'zod';
import { workingDayDueNow } from '../../activities/calendar';
import type { Db } from '../../db/connect';
import { hashSecret } from '../../platform/sealing';
import { findCertificate } from '../../db/queries/certificates';
import {
  complaintByTracking,
  complaintStatistics,
  COMPLAINT_CASE,
  findComplaint,
  listComplaints,
  insertFirstComplaintSave,
  sealedContact,
  type ComplaintRecord,
  type ComplaintSave,
} from '../../db/queries/complaints';
import { sessionWithin } from '../../db/queries/complaintChecks';
import { recordOnEndedCase, type AuditActor, type CaseEvent } from '../../db/queries/events';
import { stationForInspection } from '../../db/queries/stations';
import { findUsers } from '../../db/queries/users';
import { isUnresolvedDeadline, resolvedPeriod } from '../../domain/case';
import { certificateNumberSchema, normaliseCertificateNumber } from '../../domain/certificate';
import {
  CATEGORIES,
  COMPLAINT_STATUSES,
  FINDINGS,
  SEVERITIES,
  complaintRules,
  initialComplaint,
  intakeSchema,
  isComplaintFinal,
  publicView,
  type ComplaintActionType,
  type ComplaintStatus,
  type Intake,
} from '../../domain/complaint';
import type { Actor, Role } from '../../domain/roles';
import {
  complaintAppeal,
  complaintState,
  complaintUpdates,
  complaintWorkflowId,
  identityReveal,
  type ComplaintInput,
  type ComplaintPayload,
  complaintWorkflow,
} from '../../workflows/complaint.messages';
import type { ComplaintStart } from '../../workflows/complaint';
import { HttpError } from '../errors';
import { chinaTime, queryFlag, registerQuery, registerRoutes, registerFilters } from '../registers';
import { zhLabel, zhPlace } from '../registerLabels';
import { caseActionRoutes, caseReadRoutes, startOnce, visibleCase, type CaseKind } from '../cases';
import { route, type ApiDeps } from '../routeSpec';

/** Complaints: public intake and tracking, staff triage, investigation, findings, identity reveal. */

const reasons = z.array(z.string().trim().min(1).max(2000)).max(50).default([]);
const complaintId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be a complaint id');

/**
 * The complaint a public caller names by tracking number, with its secret in `X-Complaint-Secret` (the one way
 * on every public complaint endpoint). The same answer for an unknown number and a wrong secret, so neither can
 * be probed; as a route's `authorize`, it runs before an idempotent replay too.
 */
async function tracked({ deps, params, headers }: { deps: ApiDeps; params: Record<string, string>; headers: Record<string, string | undefined> }) {
  const found = await complaintByTracking(deps.db, params.trackingNumber);
  const given = Buffer.from(hashSecret(headers['x-complaint-secret'] ?? ''), 'hex');
  if (!found || !timingSafeEqual(given, Buffer.from(found.secretHash, 'hex')))
    throw new HttpError(404, 'not_found', 'no complaint with this tracking number and secret');
  return found;
}

/**
 * A new complaint's workflow input (contact sealed, only the secret's hash kept) and the secret handed to the
 * complainant once; the benchmark starts the same workflow with exactly this input.
 */
export function complaintIntake({ config, sealer }: Pick<ApiDeps, 'config' | 'sealer'>, id: string, body: Intake): { input: ComplaintInput; secret: string } {
  const { trackingNumber, secret } = sealer.complaintCredentials(id);
  const { contact, ...intake } = body;
  return {
    input: {
      id,
      trackingNumber,
      secretHash: hashSecret(secret),
      sealedContact: contact ? sealer.seal(contact) : null,
      intake,
      policy: config.policy.complaint,
      inspectionPolicy: config.policy.inspection,
      sessionRegion: config.policy.programme.sessionRegion,
    },
    secret,
  };
}

/**
 * A public complaint: the workflow's input, received at its id's time, and the case's first save, exactly as the workflow's
 * first save writes it (caseRuntime's persist of the initial state, its due time counted from `receivedAt`; a working-day
 * triage period is resolved by `withFirstDue` before the save is written).
 */
export function publicIntake(deps: Pick<ApiDeps, 'config' | 'sealer'>, id: string, body: Intake) {
  const intake = complaintIntake(deps, id, body);
  const input: ComplaintStart & { receivedAt: string } = { ...intake.input, receivedAt: new Date(decodeTime(id)).toISOString() };
  const state = initialComplaint({ id, trackingNumber: input.trackingNumber, intake: input.intake, anonymous: !input.sealedContact, at: input.receivedAt });
  const firstSave: ComplaintSave = {
    case: complaintRules.project(state),
    pending: complaintRules.pendingOn(state),
    deadline: complaintRules.deadline(undefined, state, undefined, input.policy, Date.parse(input.receivedAt)) ?? null,
    createdAt: input.receivedAt,
    updatedAt: input.receivedAt,
    events: state.timeline,
    secretHash: input.secretHash,
    sealedContact: input.sealedContact,
    provinceCode: null,
    appealUntil: null,
  };
  return { input, secret: intake.secret, firstSave };
}

/**
 * The first save with its due time: a working-day triage period resolved on the calendar in force, by the helper the
 * workflow's calendar activity uses, from the same start (`receivedAt`) and on the same calendar (the national one: the
 * complaint's province is known only after triage), so the workflow's first save writes the same row.
 */
export async function withFirstDue(db: Db, save: ComplaintSave): Promise<ComplaintSave> {
  const period = save.deadline;
  if (!period || !isUnresolvedDeadline(period)) return save;
  const due = await workingDayDueNow(db, { from: period.dueAt, days: period.workingDays!, provinceCode: '' });
  return { ...save, deadline: resolvedPeriod(period, due) };
}

/**
 * Records a reveal (a complainant's identity, a candidate's identity number) on the case's persisted trail before what
 * it reveals is shown, so that if the record fails nothing is shown: sent to the case's workflow, the trail's writer,
 * while it runs; once it has ended (its history perhaps gone), written after the trail's last entry.
 */
export async function revealRecorded(
  deps: Pick<ApiDeps, 'db' | 'temporal'>,
  reveal: {
    caseType: string;
    record: { id: string; status: string };
    event: AuditActor & Pick<CaseEvent, 'action' | 'data'>;
    workflowId: string;
    send: (handle: WorkflowHandle) => Promise<unknown>;
  },
): Promise<void> {
  try {
    await reveal.send(deps.temporal.workflow.getHandle(reveal.workflowId));
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    await recordOnEndedCase(deps.db, reveal.caseType, reveal.record, reveal.event);
  }
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
          z.strictObject({ type: z.literal('invalidate_certificate'), certificateNumber: certificateNumberSchema.optional() }),
        ]),
      )
      .max(5)
      .default([]),
  }),
};

/** The complaint the caller may see, and its workflow (the eligible-investigators list finds it the same way). */
export const complaints: CaseKind<ComplaintRecord> = {
  basePath: '/v1/complaints',
  caseType: COMPLAINT_CASE,
  find: visibleCase(complaintId, findComplaint, 'complaint'),
  workflowId: complaintWorkflowId,
  // The workflow refuses actions on an ended complaint with its own reason, and answers for it while it stands.
  ended: () => null,
};

/** What a body names outside the caller's jurisdictions gets the same answer as what does not exist. */
const noSuch = (field: string, what: string) =>
  new HttpError(400, 'invalid', `no such ${what}`, [{ field, code: `no_such_${what}`, message: `no such ${what}` }]);

const toPayload: {
  [T in ComplaintActionType]: (
    deps: ApiDeps,
    body: z.infer<(typeof complaintBodies)[T]>,
    record: ComplaintRecord,
    actor: Actor,
  ) => Promise<ComplaintPayload<T>>;
} = {
  answer: async (_d, body) => body,
  convert: async () => ({}),
  triage: async (deps, { category, severity, ...targets }, _record, actor) => {
    const within = actor.jurisdictions ?? [];
    const station = targets.stationId ? await stationForInspection(deps.db, targets.stationId, within) : undefined;
    if (targets.stationId && !station) throw noSuch('stationId', 'station');
    // A session elsewhere would move the case (its place) out of the caller's sight, and its facts would tell of it.
    if (targets.sessionId && !(await sessionWithin(deps.db, targets.sessionId, within))) throw noSuch('sessionId', 'session');
    // The investigator recuses against the station's organisation and its declared affiliations.
    const targetOrganisations = station ? [station.snapshot.organisation, ...station.snapshot.affiliations] : [];
    return {
      category,
      severity,
      targets,
      targetOrganisations,
      ...(station ? { region: { provinceCode: station.snapshot.provinceCode, cityCode: station.snapshot.cityCode } } : {}),
    };
  },
  merge: async (deps, body, _record, actor) => {
    const into = await findComplaint(deps.db, actor, body.intoId);
    if (!into) throw noSuch('intoId', 'complaint');
    if (isComplaintFinal(into.status as ComplaintStatus)) throw new HttpError(409, 'not_allowed', 'merge only into an open complaint');
    return body;
  },
  assignInvestigator: async (deps, body) => {
    const [person] = await findUsers(deps.db, [body.investigatorId]);
    if (!person) throw new HttpError(400, 'invalid', 'unknown user', [{ field: 'investigatorId', code: 'unknown_user', message: 'unknown user' }]);
    const { stationId: _s, ...investigator } = person;
    return { investigator };
  },
  extendDeadline: async (_d, body) => body,
  submitFinding: async (deps, body, record) => ({ ...body, actions: await certificatesInRegister(deps, body.actions, record) }),
};

/**
 * A finding's certificate actions, each naming a certificate of the register: its own number, else the intake's
 * (read from the case). One the register does not hold is a 400 naming the action's field; nothing is sent.
 */
async function certificatesInRegister(
  deps: ApiDeps,
  actions: z.infer<typeof complaintBodies.submitFinding>['actions'],
  record: ComplaintRecord,
): Promise<ComplaintPayload<'submitFinding'>['actions']> {
  let intakeNumber: string | undefined;
  const named = async () => {
    intakeNumber ??= (await deps.temporal.workflow.getHandle(complaintWorkflowId(record.id)).query(complaintState)).intake.certificateNumber ?? '';
    return intakeNumber ? normaliseCertificateNumber(intakeNumber) : undefined;
  };
  const resolved: ComplaintPayload<'submitFinding'>['actions'] = [];
  for (const [i, action] of actions.entries()) {
    if (action.type !== 'invalidate_certificate') {
      resolved.push(action);
      continue;
    }
    // None named and none in the intake: the case itself refuses the finding (the complaint names no certificate).
    const certificateNumber = action.certificateNumber ?? (await named());
    if (certificateNumber && !(await findCertificate(deps.db, certificateNumber))) {
      const message = `证书台账中没有编号为 ${certificateNumber} 的证书（no certificate ${certificateNumber} in the register）`;
      throw new HttpError(400, 'invalid', message, [{ field: `actions.${i}.certificateNumber`, code: 'unknown_certificate', message }]);
    }
    resolved.push(certificateNumber ? { type: action.type, certificateNumber } : { type: action.type });
  }
  return resolved;
}

export const publicComplaintRoutes = [
  route({
    method: 'post',
    path: '/v1/public/complaints',
    summary: 'File a complaint (no login); contact details may be withheld. Returns a tracking number and a secret.',
    roles: [],
    status: 201,
    body: intakeSchema.strict(),
    handler: async ({ deps, body, resourceId }) => {
      const { input, secret, firstSave } = publicIntake(deps, resourceId ?? ulid(), body);
      // Once started, nothing can lose the complaint: its workflow writes the case even if what follows fails.
      await startOnce(deps, complaintWorkflow, { workflowId: complaintWorkflowId(input.id), args: [input] });
      // Then its first row and entry, so that a read right after the answer finds it. The workflow's first save writes the
      // same (a no-op after this one, the write itself should this one fail); every later write is the workflow's.
      await insertFirstComplaintSave(deps.db, await withFirstDue(deps.db, firstSave));
      return { trackingNumber: input.trackingNumber, secret };
    },
  }),
  route({
    method: 'get',
    path: '/v1/public/complaints/{trackingNumber}',
    summary: 'Status and outcome of a complaint, or the answer to a consultation, with its secret in X-Complaint-Secret (nothing about people)',
    roles: [],
    authorize: tracked,
    handler: async ({ deps, target: found }) => {
      const live = await deps.temporal.workflow.getHandle(complaintWorkflowId(found.id)).query(complaintState);
      return publicView(live, live.appealUntil !== null);
    },
  }),
  route({
    method: 'post',
    path: '/v1/public/complaints/{trackingNumber}/appeal',
    summary: 'Appeal the finding once, within the appeal window, with the secret in X-Complaint-Secret',
    roles: [],
    body: z.strictObject({ reason: z.string().trim().min(5).max(5000) }),
    authorize: tracked,
    handler: async ({ deps, body, target: found, operationId }) => {
      const handle = deps.temporal.workflow.getHandle(complaintWorkflowId(found.id));
      await handle.executeUpdate(complaintAppeal, { args: [{ reason: body.reason }], updateId: `appeal:${found.id}:${operationId}` });
      // The update answers without the timeline; the answer to the public reads the whole case.
      return publicView(await handle.query(complaintState), false);
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
  ...registerRoutes({
    path: '/v1/complaints',
    file: 'complaints',
    title: '投诉台账',
    summary:
      'Complaints (an investigator sees those assigned), newest first or by due date: status, category, severity, place, occupation, created and due windows, overdue, waiting on me; search by tracking number or id; a total, cursor pagination',
    roles: ['complaint_handler', 'supervisor', 'inspector'],
    query: registerQuery.extend({
      status: z.enum(COMPLAINT_STATUSES).optional(),
      category: z.enum(CATEGORIES).optional(),
      severity: z.enum(SEVERITIES).optional(),
      ...registerFilters,
      pendingOnMe: queryFlag,
    }),
    list: (deps, actor, filter) => listComplaints(deps.db, actor, filter),
    columns: [
      { header: '查询编号', value: (r) => r.trackingNumber, width: 24 },
      { header: '类别', value: (r) => zhLabel('category', r.category) },
      { header: '严重程度', value: (r) => zhLabel('severity', r.severity) },
      { header: '状态', value: (r) => zhLabel('status', r.status) },
      { header: '省份', value: (r) => zhPlace(r.provinceCode) },
      { header: '鉴定所/站编号', value: (r) => r.stationId },
      { header: '考评员编号', value: (r) => r.examinerId },
      { header: '截止时间', value: (r) => chinaTime(r.dueAt) },
      { header: '调查结论', value: (r) => zhLabel('finding', r.finding) },
      { header: '受理时间', value: (r) => chinaTime(r.createdAt) },
    ],
  }),
  ...caseReadRoutes(complaints, {
    roles: ['complaint_handler', 'supervisor', 'inspector'],
    state: complaintState,
    summary: 'One complaint with its live state (never the complainant identity)',
    timeline: "The complaint's timeline, including every identity reveal",
  }),
  route({
    method: 'get',
    path: '/v1/complaints/{id}/identity',
    summary: "The complainant's identity and contact (handlers and supervisors); every reveal is recorded on the case",
    roles: ['complaint_handler', 'supervisor'],
    handler: async ({ deps, actor, audit, params }) => {
      const record = await complaints.find(deps, actor, params.id);
      const sealed = await sealedContact(deps.db, record.id);
      if (!sealed) return { anonymous: true, contact: null };
      await revealRecorded(deps, {
        caseType: COMPLAINT_CASE,
        record,
        event: { action: 'identity_revealed', ...audit },
        send: (handle) => handle.executeUpdate(identityReveal, { args: [{ by: audit.actorId, role: audit.actorRole as Role, requestId: audit.requestId }] }),
        workflowId: complaintWorkflowId(record.id),
      });
      return { anonymous: false, contact: deps.sealer.unseal(sealed) };
    },
  }),
  ...caseActionRoutes(complaints, {
    bodies: complaintBodies,
    updates: complaintUpdates,
    toPayload,
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
