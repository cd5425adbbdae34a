import { ulid } from 'ulid';
import { z } from 'zod';
import { industryOccupations } from '../../db/queries/jurisdictions';
import { CASE_TYPE, findApplication, listApplications, type ApplicationRecord } from '../../db/queries/stationApplications';
import { usersWithRole } from '../../db/queries/users';
import { calendarInForce } from '../../db/queries/calendars';
import { clockFigures, elapsedMs, type ClockFigures, type StatutoryClock } from '../../domain/statutoryClock';
import { workingDaysBetween } from '../../domain/workingDays';
import { ON_SITE_ITEMS } from '../../domain/policy';
import { recusalReason } from '../../domain/recusal';
import {
  isFinal,
  requiredConcurrences,
  scopeSchema,
  stationApplicationSchema,
  STATUSES,
  type ActionType,
  type ApplicationStatus,
} from '../../domain/stationApproval';
import {
  stationApplicationWorkflowId,
  stationApprovalState,
  stationApprovalUpdates,
  submissionRecorded,
  type ActionPayload,
  stationApprovalWorkflow,
  statutoryExtension,
} from '../../workflows/stationApproval.messages';
import { decisionPdf, licensingDecision } from '../documents/decision';
import { pdfResponse } from '../documents/pdf';
import { chinaTime, queryFlag, registerQuery, registerRoutes, registerFilters } from '../registers';
import { zhLabel, zhPlace } from '../registerLabels';
import { caseActionRoutes, caseReadRoutes, registeredPeople, startCase, visibleCase, type CaseKind } from '../cases';
import { route, type ApiDeps } from '../routeSpec';

/** Station approval (鉴定所/站 审批): create, list, read, and one POST per action. */

const reasons = z.array(z.string().trim().min(1).max(2000)).max(50).default([]);
const id = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an application id');

const listQuery = registerQuery.extend({
  status: z.enum(STATUSES).optional(),
  ...registerFilters,
  pendingOnMe: queryFlag,
});

export const actionBodies = {
  resubmit: z.strictObject({ application: stationApplicationSchema.strict() }),
  withdraw: z.strictObject({ reason: z.string().trim().min(1).max(2000) }),
  assignReviewer: z.strictObject({ reviewerId: z.string().min(1).max(64) }),
  review: z.strictObject({ outcome: z.enum(['pass', 'return', 'reject']), reasons }),
  assignAssessors: z.strictObject({ assessorIds: z.array(z.string().min(1).max(64)).min(1).max(20) }),
  submitAssessment: z.strictObject({
    scores: z.strictObject(
      Object.fromEntries(ON_SITE_ITEMS.map((item) => [item, z.number().min(0).max(100)])) as Record<(typeof ON_SITE_ITEMS)[number], z.ZodNumber>,
    ),
    notes: z.string().max(10_000).default(''),
  }),
  concur: z.strictObject({ outcome: z.enum(['concur', 'object']), reasons }),
  decide: z.strictObject({ outcome: z.enum(['approve', 'approve_reduced', 'reject']), reasons, scope: scopeSchema.optional() }),
};

/** The application the caller may see, and its workflow (the eligible-reviewers list finds it the same way). */
export const applications: CaseKind<ApplicationRecord> = {
  basePath: '/v1/station-applications',
  caseType: CASE_TYPE,
  find: visibleCase(id, findApplication, 'station application'),
  workflowId: stationApplicationWorkflowId,
  ended: (r) => (isFinal(r.status as ApplicationStatus) ? `the application is already ${r.status}` : null),
};

/**
 * The statutory clock as a reader sees it now: time used (the current run up to now) and left, in working days counted
 * by the calendar in force for the station's province (or, under a seconds-scale policy, in milliseconds).
 */
async function statutoryFigures(deps: ApiDeps, record: ApplicationRecord): Promise<ClockFigures | null> {
  const clock = (record.outcome as { statutory?: StatutoryClock | null } | null)?.statutory;
  if (!clock) return null;
  if (clock.unit === 'ms') return clockFigures(clock, new Date().toISOString(), elapsedMs);
  const calendar = await calendarInForce(deps.db, record.provinceCode);
  return clockFigures(clock, new Date().toISOString(), (from, to) => workingDaysBetween(calendar, from, to));
}

/** Turns a request body into the workflow's action payload (resolving people from the register). */
const toPayload: { [T in ActionType]: (deps: ApiDeps, body: z.infer<(typeof actionBodies)[T]>) => Promise<ActionPayload<T>> } = {
  resubmit: async (_d, body) => body,
  withdraw: async (_d, body) => body,
  assignReviewer: async (deps, body) => ({ reviewer: (await registeredPeople(deps, [body.reviewerId], 'reviewerId'))[0] }),
  review: async (_d, body) => body,
  assignAssessors: async (deps, body) => ({ assessors: await registeredPeople(deps, body.assessorIds, 'assessorIds') }),
  submitAssessment: async (_d, body) => body,
  concur: async (_d, body) => body,
  decide: async (_d, body) => body,
};

export const stationApplicationRoutes = [
  route({
    method: 'post',
    path: '/v1/station-applications',
    summary: 'File an application for an appraisal station licence',
    roles: ['station_admin'],
    body: stationApplicationSchema.strict(),
    status: 201,
    handler: async ({ deps, actor, body, requestId, resourceId }) => {
      const applicationId = resourceId ?? ulid();
      const concurrences = requiredConcurrences(body.scope, deps.config.policy.stationApproval.concurrenceOccupations, await industryOccupations(deps.db));
      return startCase(
        deps,
        stationApprovalWorkflow,
        {
          workflowId: stationApplicationWorkflowId(applicationId),
          args: [
            {
              id: applicationId,
              applicantId: actor.id,
              application: body,
              policy: deps.config.policy.stationApproval,
              programmePolicy: deps.config.policy.programme,
              inspectionPolicy: deps.config.policy.inspection,
              concurrences,
              requestId,
            },
          ],
        },
        { recorded: submissionRecorded, state: stationApprovalState },
      );
    },
  }),
  ...registerRoutes({
    path: '/v1/station-applications',
    file: 'station-applications',
    title: '鉴定所站审批台账',
    summary:
      'The applications visible to the caller (newest first, or by due date): filters, search by application id, station or organisation name or licence number, a total, cursor pagination',
    roles: ['station_admin', 'supervisor', 'reviewer', 'inspector'],
    query: listQuery,
    list: (deps, actor, filter) => listApplications(deps.db, actor, filter),
    columns: [
      { header: '申请编号', value: (r) => r.id, width: 28 },
      { header: '站名', value: (r) => r.stationName, width: 36 },
      { header: '申请单位', value: (r) => r.organisation, width: 30 },
      { header: '省份', value: (r) => zhPlace(r.provinceCode) },
      { header: '城市', value: (r) => zhPlace(r.cityCode) },
      { header: '状态', value: (r) => zhLabel('status', r.status) },
      { header: '待办事项', value: (r) => zhLabel('action', r.pending?.action) },
      { header: '截止时间', value: (r) => chinaTime(r.pending?.dueAt) },
      { header: '许可证号', value: (r) => r.licenceNumber, width: 20 },
      { header: '提交时间', value: (r) => chinaTime(r.submittedAt) },
    ],
  }),
  ...caseReadRoutes(applications, {
    roles: ['station_admin', 'supervisor', 'reviewer', 'inspector'],
    state: stationApprovalState,
    summary: 'One application: the stored record, while the case runs its live state, and its statutory time used and left',
    more: async (deps, record) => ({ statutory: await statutoryFigures(deps, record) }),
    timeline: 'The case timeline: every action and system step with actor, role, time and request id',
  }),
  route({
    method: 'get',
    path: '/v1/station-applications/{id}/decision.pdf',
    summary: 'The licensing decision (许可决定书) as a printable PDF, once the application is approved or rejected (409 before)',
    roles: ['station_admin', 'supervisor'],
    handler: async ({ deps, actor, params }) => {
      const record = await applications.find(deps, actor, params.id);
      return pdfResponse(await decisionPdf(await licensingDecision(deps, record)), `decision-${record.id}.pdf`);
    },
  }),
  route({
    method: 'get',
    path: '/v1/station-applications/{id}/eligible-assessors',
    summary: 'Inspectors who may assess this station on site, and why others must recuse (回避)',
    roles: ['supervisor'],
    handler: async ({ deps, actor, params }) => {
      const record = await applications.find(deps, actor, params.id);
      const app = stationApplicationSchema.parse(record.application);
      const organisations = [app.organisation.name, ...app.declaredAffiliations];
      const inspectors = await usersWithRole(deps.db, 'inspector');
      const rows = inspectors.map((p) => ({ id: p.id, name: p.name, organisation: p.organisation, recusal: recusalReason(p, organisations) }));
      return { eligible: rows.filter((r) => !r.recusal), recused: rows.filter((r) => r.recusal) };
    },
  }),
  ...caseActionRoutes(applications, {
    bodies: actionBodies,
    updates: stationApprovalUpdates,
    toPayload,
    routes: [
      { type: 'resubmit', path: 'resubmit', summary: 'Resubmit a completed or corrected application', roles: ['station_admin'] },
      { type: 'withdraw', path: 'withdraw', summary: 'Withdraw the application before the decision', roles: ['station_admin'] },
      { type: 'assignReviewer', path: 'reviewer', summary: 'Assign the document reviewer', roles: ['supervisor'] },
      { type: 'review', path: 'review', summary: 'Pass, return or reject after document review', roles: ['reviewer'] },
      { type: 'assignAssessors', path: 'assessors', summary: 'Assign at least two recusal-checked on-site assessors', roles: ['supervisor'] },
      { type: 'submitAssessment', path: 'assessments', summary: "Submit one assessor's on-site scores", roles: ['inspector'] },
      {
        type: 'concur',
        path: 'concurrence',
        summary: "The industry authority's concurrence with (or objection to) licensing its occupations",
        roles: ['supervisor'],
      },
      { type: 'decide', path: 'decision', summary: 'Final decision: approve, approve with reduced scope, or reject', roles: ['supervisor'] },
    ],
  }),
  // Not a step of the case: its own update, which resolves the new due time before recording the extension.
  ...caseActionRoutes(applications, {
    bodies: { extendStatutoryLimit: z.strictObject({ reasons }) },
    updates: { extendStatutoryLimit: statutoryExtension },
    toPayload: { extendStatutoryLimit: async (_d, body) => body },
    routes: [
      {
        type: 'extendStatutoryLimit',
        path: 'statutory-extension',
        summary: 'Extend the statutory limit of the decision once (by the policy extension, 10 working days), with reasons; mailed to the applicant',
        roles: ['supervisor'],
      },
    ],
  }),
];
