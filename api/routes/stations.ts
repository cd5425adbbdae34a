import { ulid } from 'ulid';
import { z } from 'zod';
import { CHECKLIST_TEMPLATE_CASE, ROUTINE_TEMPLATE_ID, latestTemplate, publishTemplate } from '../../db/queries/checklistTemplates';
import { findCampaign } from '../../db/queries/campaigns';
import { caseTimeline } from '../../db/queries/events';
import { notActiveExaminers } from '../../db/queries/examiners';
import { listSessions } from '../../db/queries/sessions';
import { STATION_CASE, findStation, listStations, type StationRecord } from '../../db/queries/stations';
import { findUser } from '../../db/queries/users';
import { RATINGS, checklistItemsSchema } from '../../domain/checklist';
import { sessionSchema } from '../../domain/programme';
import type { Actor } from '../../domain/roles';
import { campaign } from '../../workflows/campaign';
import { campaignProgress, campaignRecorded, campaignWorkflowId } from '../../workflows/campaign.messages';
import { decideDemonstration, dispatchQualitySupervisor, programmeState, registerSession, stationWorkflowId } from '../../workflows/stationProgramme.messages';
import { HttpError } from '../errors';
import { route, startCase, type ApiDeps } from '../routeSpec';

/** Stations and their programme, the session register, campaigns and checklist templates. */

const stationFilter = z.object({
  provinceCode: z.string().regex(/^\d{6}$/).optional(),
  cityCode: z.string().regex(/^\d{6}$/).optional(),
  occupationCode: z.string().regex(/^\d-\d{2}-\d{2}-\d{2}$/).optional(),
  rating: z.enum(RATINGS).optional(),
});

/** A station admin sees only their own station; the other roles see every station. */
async function visibleStation(deps: ApiDeps, actor: Actor, id: string): Promise<StationRecord> {
  const stationId = z.coerce.number().int().positive().safeParse(id);
  const ownOnly = isStationAdminOnly(actor);
  // Officials see the stations inside their jurisdictions; a station's administrator their own.
  const station = stationId.success ? await findStation(deps.db, stationId.data, ownOnly ? undefined : actor.jurisdictions ?? []) : undefined;
  if (!station || (ownOnly && station.adminId !== actor.id)) throw new HttpError(404, 'not_found', `no station ${id}`);
  return station;
}

const isStationAdminOnly = (actor: Actor) => actor.roles.every((r) => r === 'station_admin');

const programme = (deps: ApiDeps, stationId: number) => deps.temporal.workflow.getHandle(stationWorkflowId(stationId));

export const stationRoutes = [
  route({
    method: 'get',
    path: '/v1/stations',
    summary: 'Stations with status, rating and next inspection due (a station admin sees only their own)',
    roles: ['supervisor', 'station_admin', 'inspector', 'reviewer'],
    query: stationFilter.extend({
      status: z.enum(['active', 'suspended', 'revoked']).optional(),
      dueBefore: z.iso.datetime().optional(),
      cursor: z.coerce.number().int().positive().optional(),
      limit: z.coerce.number().int().min(1).max(100).default(20),
    }),
    handler: async ({ deps, actor, query }) => listStations(deps.db, { ...query, ...(isStationAdminOnly(actor) ? { adminId: actor.id } : { within: actor.jurisdictions ?? [] }) }),
  }),
  route({
    method: 'get',
    path: '/v1/stations/{id}',
    summary: 'A station: licence, scope, status, rating, next inspection due, and its live programme',
    roles: ['station_admin', 'supervisor', 'reviewer', 'inspector'],
    handler: async ({ deps, actor, params }) => {
      const station = await visibleStation(deps, actor, params.id);
      const live = station.status === 'revoked' ? null : await programme(deps, station.id).query(programmeState).catch(() => null);
      return { ...station, programme: live };
    },
  }),
  route({
    method: 'get',
    path: '/v1/stations/{id}/timeline',
    summary: "The station programme's events: inspections, sanctions, sessions, demonstration decisions",
    roles: ['station_admin', 'supervisor'],
    handler: async ({ deps, actor, params }) => ({ items: await caseTimeline(deps.db, STATION_CASE, String((await visibleStation(deps, actor, params.id)).id)) }),
  }),
  route({
    method: 'post',
    path: '/v1/stations/{id}/sessions',
    summary: 'Register an appraisal session (鉴定场次) before holding it; refused out of scope, cross-region, while suspended, or with an inactive examiner',
    roles: ['station_admin'],
    body: sessionSchema.strict(),
    status: 201,
    handler: async ({ deps, actor, params, body, resourceId }) => {
      const station = await visibleStation(deps, actor, params.id);
      if (station.status === 'revoked') throw new HttpError(409, 'not_allowed', 'the station is revoked: it may not register appraisal sessions');
      const sessionId = resourceId ?? ulid();
      const inactiveExaminerIds = await notActiveExaminers(deps.db, body.examinerIds);
      return programme(deps, station.id).executeUpdate(registerSession, { args: [{ actor, sessionId, session: body, inactiveExaminerIds }], updateId: `session:${sessionId}` });
    },
  }),
  route({
    method: 'get',
    path: '/v1/stations/{id}/sessions',
    summary: "The station's registered appraisal sessions",
    roles: ['station_admin', 'supervisor'],
    handler: async ({ deps, actor, params }) => ({ items: await listSessions(deps.db, (await visibleStation(deps, actor, params.id)).id) }),
  }),
  route({
    method: 'post',
    path: '/v1/stations/{id}/sessions/{sessionId}/quality-supervisor',
    summary: 'Dispatch a quality supervisor (质量督导员) to a session',
    roles: ['supervisor'],
    body: z.strictObject({ qualitySupervisorId: z.string().min(1).max(64) }),
    handler: async ({ deps, actor, params, body, operationId }) => {
      const station = await visibleStation(deps, actor, params.id);
      if (!(await listSessions(deps.db, station.id)).some((s) => s.id === params.sessionId)) throw new HttpError(404, 'not_found', `no session ${params.sessionId}`);
      if (!(await findUser(deps.db, body.qualitySupervisorId))) throw new HttpError(400, 'invalid', 'unknown user', [{ field: 'qualitySupervisorId', message: 'unknown user' }]);
      return programme(deps, station.id).executeUpdate(dispatchQualitySupervisor, { args: [{ actor, sessionId: params.sessionId, qualitySupervisorId: body.qualitySupervisorId }], updateId: `qs:${operationId}` });
    },
  }),
  route({
    method: 'post',
    path: '/v1/stations/{id}/demonstration',
    summary: 'Confirm or decline a demonstration-station (示范站) candidate',
    roles: ['supervisor'],
    body: z.strictObject({ confirm: z.boolean(), reasons: z.array(z.string().trim().min(1).max(2000)).max(20).default([]) }),
    handler: async ({ deps, actor, params, body, operationId }) => {
      const station = await visibleStation(deps, actor, params.id);
      return programme(deps, station.id).executeUpdate(decideDemonstration, { args: [{ actor, ...body }], updateId: `demo:${operationId}` });
    },
  }),
  route({
    method: 'post',
    path: '/v1/campaigns',
    summary: 'Launch a special inspection campaign (专项检查) over a station filter',
    roles: ['supervisor'],
    status: 201,
    body: z.strictObject({ name: z.string().trim().min(3).max(200), filter: stationFilter.strict(), batchSize: z.number().int().min(1).max(500).default(100) }),
    handler: async ({ deps, actor, body, resourceId }) => {
      const id = resourceId ?? ulid();
      const progress = await startCase(
        deps,
        campaign,
        {
          workflowId: campaignWorkflowId(id),
          args: [{ id, name: body.name, filter: { ...body.filter, within: actor.jurisdictions ?? [] }, templateId: ROUTINE_TEMPLATE_ID, policy: deps.config.policy.inspection, startedBy: actor, batchSize: body.batchSize }],
        },
        { recorded: campaignRecorded, state: campaignProgress },
      );
      return { id, progress };
    },
  }),
  route({
    method: 'get',
    path: '/v1/campaigns/{id}',
    summary: "A campaign's progress: stations matched and inspections started",
    roles: ['supervisor'],
    handler: async ({ deps, params }) => {
      const record = await findCampaign(deps.db, params.id);
      if (!record) throw new HttpError(404, 'not_found', `no campaign ${params.id}`);
      const live = record.status === 'completed' ? null : await deps.temporal.workflow.getHandle(campaignWorkflowId(record.id)).query(campaignProgress).catch(() => null);
      return { ...record, live };
    },
  }),
  route({
    method: 'get',
    path: '/v1/checklist-templates/{id}',
    summary: 'The latest version of a checklist template',
    roles: ['supervisor', 'inspector', 'station_admin'],
    handler: async ({ deps, params }) => {
      const template = await latestTemplate(deps.db, params.id);
      if (!template) throw new HttpError(404, 'not_found', `no checklist template ${params.id}`);
      return template;
    },
  }),
  route({
    method: 'get',
    path: '/v1/checklist-templates/{id}/timeline',
    summary: 'Who published each version of a checklist template, and when',
    roles: ['supervisor'],
    handler: async ({ deps, params }) => ({ items: await caseTimeline(deps.db, CHECKLIST_TEMPLATE_CASE, params.id) }),
  }),
  route({
    method: 'post',
    path: '/v1/checklist-templates/{id}/versions',
    summary: 'Publish a new version of a checklist template; running inspections keep theirs',
    roles: ['supervisor'],
    status: 201,
    body: z.strictObject({ items: checklistItemsSchema }),
    handler: async ({ deps, params, body, audit, resourceId }) => {
      if (!/^[a-z0-9-]{1,64}$/.test(params.id)) throw new HttpError(400, 'invalid', 'bad template id', [{ field: 'id', message: 'lower-case letters, digits and dashes' }]);
      return publishTemplate(deps.db, params.id, body.items, audit, resourceId);
    },
  }),
];
