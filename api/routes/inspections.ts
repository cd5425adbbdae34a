import { ulid } from 'ulid';
import { z } from 'zod';
import { ROUTINE_TEMPLATE_ID, latestTemplate, templateVersion } from '../../db/queries/checklistTemplates';
import { inactiveExaminers } from '../../db/queries/examiners';
import { INSPECTION_CASE, findInspection, listInspections, type InspectionRecord } from '../../db/queries/inspections';
import { stationForInspection } from '../../db/queries/stations';
import { usersWithRole } from '../../db/queries/users';
import { INSPECTION_STATUSES, isInspectionFinal, teamRefusals, type InspectionActionType, type InspectionStatus } from '../../domain/inspection';
import {
  inspectionRecorded,
  inspectionState,
  inspectionUpdates,
  inspectionWorkflowId,
  type InspectionPayload,
  inspectionWorkflow,
} from '../../workflows/inspection.messages';
import { pdfResponse } from '../documents/pdf';
import { rectificationNotice, rectificationNoticePdf } from '../documents/rectificationNotice';
import { HttpError } from '../errors';
import { chinaTime, queryFlag, registerQuery, registerRoutes, registerFilters } from '../registers';
import { zhLabel } from '../registerLabels';
import { caseActionRoutes, caseReadRoutes, registeredPeople, startCase, visibleCase, type CaseKind } from '../cases';
import { route, type ApiDeps } from '../routeSpec';

/** Inspections: ad-hoc start, lists, one case, and one POST per action. */

const reasons = z.array(z.string().trim().min(1).max(2000)).max(50).default([]);
const scores = z.record(z.string().min(1).max(64), z.number().min(0).max(100));
const inspectionId = z.string().regex(/^[A-Za-z0-9-]{1,80}$/, 'must be an inspection id');

const listQuery = registerQuery.extend({
  status: z.enum(INSPECTION_STATUSES).optional(),
  stationId: z.coerce.number().int().positive().optional(),
  ...registerFilters,
  campaignId: z.string().max(40).optional(),
  pendingOnMe: queryFlag,
});

export const inspectionBodies = {
  assignTeam: z.strictObject({ inspectorIds: z.array(z.string().min(1).max(64)).min(1).max(20), leadId: z.string().min(1).max(64) }),
  acknowledge: z.strictObject({}),
  submitScores: z.strictObject({ scores, notes: z.string().max(20_000).default('') }),
  submitReport: z.strictObject({ summary: z.string().trim().min(1).max(20_000) }),
  review: z.strictObject({ outcome: z.enum(['pass', 'rectify']), reasons, items: z.array(z.string().min(1).max(64)).max(300).optional() }),
  submitRectification: z.strictObject({ report: z.string().trim().min(1).max(20_000) }),
  verify: z.strictObject({ scores, notes: z.string().max(20_000).default('') }),
  decideSanction: z.strictObject({ reasons }),
};

const inspections: CaseKind<InspectionRecord> = {
  basePath: '/v1/inspections',
  caseType: INSPECTION_CASE,
  find: visibleCase(inspectionId, findInspection, 'inspection'),
  workflowId: inspectionWorkflowId,
  ended: (r) => (isInspectionFinal(r.status as InspectionStatus) ? `the inspection is already ${r.status}` : null),
};

const toPayload: { [T in InspectionActionType]: (deps: ApiDeps, body: z.infer<(typeof inspectionBodies)[T]>) => Promise<InspectionPayload<T>> } = {
  assignTeam: async (deps, body) => {
    const team = await registeredPeople(deps, body.inspectorIds, 'inspectorIds');
    return { team, leadId: body.leadId, inactiveIds: await inactiveExaminers(deps.db, body.inspectorIds) };
  },
  acknowledge: async () => ({}),
  submitScores: async (_d, body) => body,
  submitReport: async (_d, body) => body,
  review: async (_d, body) => body,
  submitRectification: async (_d, body) => body,
  verify: async (_d, body) => body,
  decideSanction: async (_d, body) => body,
};

export const inspectionRoutes = [
  route({
    method: 'post',
    path: '/v1/inspections',
    summary: 'Start an ad-hoc or follow-up inspection of a station',
    roles: ['supervisor'],
    status: 201,
    body: z.strictObject({
      stationId: z.number().int().positive(),
      kind: z.enum(['ad_hoc', 'follow_up']).default('ad_hoc'),
      reason: z.string().trim().min(1).max(2000),
    }),
    authorize: async ({ deps, actor, body }) => {
      const station = await stationForInspection(deps.db, body.stationId, actor.jurisdictions ?? []);
      if (!station)
        throw new HttpError(400, 'invalid', `no station ${body.stationId}`, [{ field: 'stationId', code: 'no_such_station', message: 'no such station' }]);
      return station;
    },
    handler: async ({ deps, actor, body, resourceId, target }) => {
      const station = target;
      if (station.status === 'revoked') throw new HttpError(409, 'not_allowed', `station ${body.stationId} is revoked`);
      const template = (await latestTemplate(deps.db, ROUTINE_TEMPLATE_ID, station.snapshot.cityCode))!;
      const id = resourceId ?? ulid();
      return startCase(
        deps,
        inspectionWorkflow,
        {
          workflowId: inspectionWorkflowId(id),
          args: [
            {
              id,
              kind: body.kind,
              station: station.snapshot,
              template,
              previousTeamIds: station.lastTeamIds,
              policy: deps.config.policy.inspection,
              startedBy: actor,
              reason: body.reason,
            },
          ],
        },
        { recorded: inspectionRecorded, state: inspectionState },
      );
    },
  }),
  ...registerRoutes({
    path: '/v1/inspections',
    file: 'inspections',
    title: '检查台账',
    summary:
      'Inspections visible to the caller (newest first, or by due date): status, station, place, occupation, campaign, created and due windows, overdue, waiting on me; search by id, station name or licence number; a total, cursor pagination',
    roles: ['supervisor', 'inspector', 'station_admin'],
    query: listQuery,
    list: (deps, actor, filter) => listInspections(deps.db, actor, filter),
    columns: [
      { header: '检查编号', value: (r) => r.id, width: 30 },
      { header: '鉴定所/站编号', value: (r) => r.stationId },
      { header: '类型', value: (r) => zhLabel('kind', r.kind) },
      { header: '状态', value: (r) => zhLabel('status', r.status) },
      { header: '待办事项', value: (r) => zhLabel('action', r.pending?.action) },
      { header: '截止时间', value: (r) => chinaTime(r.pending?.dueAt) },
      { header: '总分', value: (r) => r.total },
      { header: '评级', value: (r) => r.rating },
      { header: '结果', value: (r) => zhLabel('outcome', r.outcome) },
      { header: '创建时间', value: (r) => chinaTime(r.createdAt) },
    ],
  }),
  ...caseReadRoutes(inspections, {
    roles: ['supervisor', 'inspector', 'station_admin'],
    state: inspectionState,
    summary: 'One inspection: the stored record, the checklist of the template version it uses, and, while it runs, its live state',
    timeline: 'The inspection timeline',
    // The items' texts and maxima outlive the case: a closed inspection's scores and timeline still name them.
    more: async (deps, record) => ({ checklist: (await templateVersion(deps.db, record.template.id, record.template.version))?.items ?? [] }),
  }),
  route({
    method: 'get',
    path: '/v1/inspections/{id}/rectification-notice.pdf',
    summary: 'The rectification notice (整改通知书) of the latest order as a printable PDF (409 while there is none)',
    roles: ['supervisor', 'inspector', 'station_admin'],
    handler: async ({ deps, actor, params }) => {
      const record = await inspections.find(deps, actor, params.id);
      return pdfResponse(await rectificationNoticePdf(await rectificationNotice(deps, record)), `rectification-notice-${record.id}.pdf`);
    },
  }),
  route({
    method: 'get',
    path: '/v1/inspections/{id}/eligible-inspectors',
    summary: 'Inspectors who may serve on this inspection, and why the others may not (recusal, rotation, qualification)',
    roles: ['supervisor'],
    handler: async ({ deps, actor, params }) => {
      const record = await inspections.find(deps, actor, params.id);
      const live = await deps.temporal.workflow.getHandle(inspectionWorkflowId(record.id)).query(inspectionState);
      const inspectors = await usersWithRole(deps.db, 'inspector');
      const inactive = await inactiveExaminers(
        deps.db,
        inspectors.map((p) => p.id),
      );
      const rows = inspectors.map((p) => ({ id: p.id, name: p.name, organisation: p.organisation, refusals: teamRefusals(live, [p], inactive) }));
      return { eligible: rows.filter((r) => r.refusals.length === 0), ineligible: rows.filter((r) => r.refusals.length > 0) };
    },
  }),
  ...caseActionRoutes(inspections, {
    bodies: inspectionBodies,
    updates: inspectionUpdates,
    toPayload,
    routes: [
      { type: 'assignTeam', path: 'team', summary: 'Assign the team (at least two inspectors, one lead)', roles: ['supervisor'] },
      { type: 'acknowledge', path: 'acknowledge', summary: 'A team member acknowledges the assignment', roles: ['inspector'] },
      { type: 'submitScores', path: 'scores', summary: "A team member's item scores and evidence notes against the checklist", roles: ['inspector'] },
      { type: 'submitReport', path: 'report', summary: "The lead's report", roles: ['inspector'] },
      { type: 'review', path: 'review', summary: 'Supervisor review: pass, or a rectification order', roles: ['supervisor'] },
      { type: 'submitRectification', path: 'rectification', summary: "The station's rectification report", roles: ['station_admin'] },
      { type: 'verify', path: 'verification', summary: "The lead's verification of the rectified items", roles: ['inspector'] },
      { type: 'decideSanction', path: 'sanction', summary: 'Decide the proposed rung of the sanctions ladder', roles: ['supervisor'] },
    ],
  }),
];
