import { ulid } from 'ulid';
import { z } from 'zod';
import { chinaDate } from '../../domain/chinaTime';
import { singleLine } from '../../domain/text';
import { CHECKLIST_TEMPLATE_CASE, ROUTINE_TEMPLATE_ID, latestTemplate, publishTemplate } from '../../db/queries/checklistTemplates';
import { findCampaign, listCampaigns } from '../../db/queries/campaigns';
import { caseTimeline } from '../../db/queries/events';
import { withNamedLocks } from '../../db/queries/locks';
import { busyExaminers, listSessions, sessionExaminers } from '../../db/queries/sessions';
import { STATION_CASE, findStation, listStations, stationForInspection, type StationRecord } from '../../db/queries/stations';
import type { UserRow } from '../../db/queries/users';
import { RATINGS, checklistItemsSchema } from '../../domain/checklist';
import { NATIONAL, coversJurisdiction, jurisdictionCode, onJurisdictionLine, outsideJurisdiction } from '../../domain/jurisdiction';
import { sessionSchema } from '../../domain/programme';
import { recusalReason } from '../../domain/recusal';
import { registrationRefusal, sessionSpan } from '../../domain/session';
import type { StationSnapshot } from '../../domain/inspection';
import type { Actor } from '../../domain/roles';
import { campaignProgress, campaignRecorded, campaignWorkflowId, campaignWorkflow } from '../../workflows/campaign.messages';
import { sessionRecorded, sessionState, sessionWorkflow, sessionWorkflowId } from '../../workflows/session.messages';
import { decideDemonstration, programmeState, registerSession, stationWorkflowId } from '../../workflows/stationProgramme.messages';
import { HttpError } from '../errors';
import { chinaTime, registerQuery, registerRoutes, registerFilters } from '../registers';
import { zhLabel, zhPlace } from '../registerLabels';
import { registeredPeople, startCase, timelineRoute } from '../cases';
import { route, type ApiDeps } from '../routeSpec';

/** Stations and their programme, the session register, campaigns and checklist templates. */

const stationFilter = z.object({
  ...registerFilters,
  rating: z.enum(RATINGS).optional(),
});

/** A station admin sees only their own station; the other roles see every station. */
export async function visibleStation(deps: ApiDeps, actor: Actor, id: string): Promise<StationRecord> {
  const stationId = z.coerce.number().int().positive().safeParse(id);
  const ownOnly = isStationAdminOnly(actor);
  // Officials see the stations inside their jurisdictions; a station's administrator their own.
  const station = stationId.success ? await findStation(deps.db, stationId.data, ownOnly ? undefined : (actor.jurisdictions ?? [])) : undefined;
  if (!station || (ownOnly && station.adminId !== actor.id)) throw new HttpError(404, 'not_found', `no station ${id}`);
  return station;
}

const isStationAdminOnly = (actor: Actor) => actor.roles.every((r) => r === 'station_admin');

const programme = (deps: ApiDeps, stationId: number) => deps.temporal.workflow.getHandle(stationWorkflowId(stationId));

/** Another request holds a lock on one of the people this one names (db/queries/locks.ts): retry shortly. */
export const busyRetry = (field: string) => () =>
  new HttpError(
    409,
    'busy_retry',
    'another request for the same people is being answered; retry shortly',
    [{ field, code: 'busy_retry', message: 'retry shortly' }],
    {
      'Retry-After': '2',
    },
  );

/** The date in China (UTC+8), where sessions are held and their days counted. */

/**
 * Why a person may not be a station's quality supervisor (质量督导员), or null: they must hold the role, act
 * where the station is, and neither run it nor belong to its organisation or the ones it declared (回避).
 */
export function qualitySupervisorRefusal(person: UserRow, station: StationSnapshot): { status: number; code: string; reason: string } | null {
  if (!person.roles.includes('quality_supervisor'))
    return { status: 400, code: 'not_quality_supervisor', reason: `${person.name} (${person.id}) is not a quality supervisor (质量督导员)` };
  const outside = outsideJurisdiction([person], station);
  if (outside) return { status: 409, code: 'outside_jurisdiction', reason: outside };
  if (person.id === station.adminId || person.stationId === station.id)
    return { status: 409, code: 'recusal', reason: `recusal (回避): ${person.name} (${person.id}) administers this station` };
  const recusal = recusalReason(person, [station.organisation, ...station.affiliations]);
  return recusal ? { status: 409, code: 'recusal', reason: `recusal (回避): ${recusal}` } : null;
}

/**
 * Checklist templates belong to regions: the nation's (CN) and each province's or city's own versions,
 * which that place's stations' inspections use instead of the national ones.
 */
const templateJurisdiction = jurisdictionCode.refine((code) => !code.startsWith('IND:'), 'checklist templates belong to CN, a province or a city');
const noTemplate = (id: string) => new HttpError(404, 'not_found', `no checklist template ${id}`);

/**
 * Where a caller stands for checklist templates: an official's jurisdictions, and a station administrator's
 * station's city. They read the templates of the places they cover and of those above them.
 */
async function templateReader(deps: ApiDeps, actor: Actor): Promise<string[]> {
  const stations = actor.roles.includes('station_admin') ? (await listStations(deps.db, { adminId: actor.id, limit: 100 })).items : [];
  return [...(actor.jurisdictions ?? []), ...stations.map((s) => s.cityCode)];
}

export const stationRoutes = [
  ...registerRoutes({
    path: '/v1/stations',
    file: 'stations',
    title: '鉴定所站台账',
    summary:
      'Stations with status, rating and next inspection due (a station admin sees only their own): filters, search by number, name, organisation or licence number, a total, cursor pagination, by number or by next inspection due',
    roles: ['supervisor', 'station_admin', 'inspector', 'reviewer'],
    query: registerQuery.extend({ ...stationFilter.shape, status: z.enum(['active', 'suspended', 'lapsed', 'revoked']).optional() }),
    list: (deps, actor, query) =>
      listStations(deps.db, { ...query, ...(isStationAdminOnly(actor) ? { adminId: actor.id } : { within: actor.jurisdictions ?? [] }) }),
    columns: [
      { header: '编号', value: (s) => s.id, width: 10 },
      { header: '名称', value: (s) => s.name, width: 36 },
      { header: '许可证号', value: (s) => s.licenceNumber, width: 20 },
      { header: '单位', value: (s) => s.organisation, width: 30 },
      { header: '省份', value: (s) => zhPlace(s.provinceCode) },
      { header: '城市', value: (s) => zhPlace(s.cityCode) },
      { header: '状态', value: (s) => zhLabel('status', s.status) },
      { header: '评级', value: (s) => s.rating },
      { header: '下次检查', value: (s) => chinaTime(s.nextInspectionDueAt) },
      { header: '许可有效期至', value: (s) => chinaTime(s.validUntil) },
      { header: '示范站', value: (s) => zhLabel('demonstration', s.demonstration) },
    ],
  }),
  route({
    method: 'get',
    path: '/v1/stations/{id}',
    summary: 'A station: licence, scope, status, rating, next inspection due, and its live programme',
    roles: ['station_admin', 'supervisor', 'reviewer', 'inspector'],
    handler: async ({ deps, actor, params }) => {
      const station = await visibleStation(deps, actor, params.id);
      const live =
        station.status === 'revoked'
          ? null
          : await programme(deps, station.id)
              .query(programmeState)
              .catch(() => null);
      return { ...station, programme: live };
    },
  }),
  timelineRoute({
    path: '/v1/stations',
    summary: "The station programme's events: inspections, sanctions, sessions, demonstration decisions",
    roles: ['station_admin', 'supervisor'],
    caseType: STATION_CASE,
    find: visibleStation,
  }),
  route({
    method: 'post',
    path: '/v1/stations/{id}/sessions',
    summary:
      "Register an appraisal session (鉴定场次) before holding it, and start it as a case (its roster, supervision and results): refused too late, with too few examiners or one already at another session at an overlapping time, out of scope, cross-region, after the licence's validity, while suspended, or with an examiner not qualified for the occupation at the session's level",
    roles: ['station_admin'],
    body: sessionSchema.strict(),
    status: 201,
    handler: async ({ deps, actor, params, body, resourceId }) => {
      const station = await visibleStation(deps, actor, params.id);
      if (station.status === 'revoked') throw new HttpError(409, 'not_allowed', 'the station is revoked: it may not register appraisal sessions');
      const { policy } = deps.config;
      const sessionId = resourceId ?? ulid();
      // The check and the register row its update writes (before the update answers) hold each examiner's lock, so
      // two registrations sharing an examiner at overlapping times cannot both pass it.
      const examiners = await withNamedLocks(deps.db, 'examiner', body.examinerIds, busyRetry('examinerIds'), async () => {
        // A retry of this registration finds its own session registered: it is not another one the examiners sit at.
        const busyExaminerIds = await busyExaminers(deps.db, body.examinerIds, sessionSpan(body), sessionId);
        const refusal = registrationRefusal(body, { busyExaminerIds }, policy.session, chinaDate(Date.now()));
        if (refusal) throw refusal;
        const people = await registeredPeople(deps, [...new Set(body.examinerIds)], 'examinerIds');
        const facts = {
          licence: { number: station.licenceNumber, validUntil: station.validUntil },
          examiners: await sessionExaminers(deps.db, body.examinerIds, body.occupationCode),
        };
        // The programme's refusals and its register row; a retry's update (same id) is answered without acting again.
        await programme(deps, station.id).executeUpdate(registerSession, {
          args: [{ actor, sessionId, session: body, facts }],
          updateId: `session:${sessionId}`,
        });
        return people;
      });
      const [{ snapshot }, live] = await Promise.all([
        stationForInspection(deps.db, station.id).then((s) => s!),
        programme(deps, station.id).query(programmeState),
      ]);
      const view = await startCase(
        deps,
        sessionWorkflow,
        {
          workflowId: sessionWorkflowId(sessionId),
          args: [
            {
              id: sessionId,
              station: snapshot,
              session: body,
              examiners,
              registeredBy: actor,
              stationRisk: { rating: live.ratings.at(-1) ?? null, openRectifications: live.openRectifications.length },
              policy: policy.session,
              complaintPolicy: policy.complaint,
              inspectionPolicy: policy.inspection,
            },
          ],
        },
        { recorded: sessionRecorded, state: sessionState },
      );
      return { ...view, sessionId };
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
    body: z.strictObject({ name: singleLine(3, 200), filter: stationFilter.strict(), batchSize: z.number().int().min(1).max(500).default(100) }),
    handler: async ({ deps, actor, body, resourceId }) => {
      const id = resourceId ?? ulid();
      const progress = await startCase(
        deps,
        campaignWorkflow,
        {
          workflowId: campaignWorkflowId(id),
          args: [
            {
              id,
              name: body.name,
              filter: { ...body.filter, within: actor.jurisdictions ?? [] },
              templateId: ROUTINE_TEMPLATE_ID,
              policy: deps.config.policy.inspection,
              startedBy: actor,
              batchSize: body.batchSize,
            },
          ],
        },
        { recorded: campaignRecorded, state: campaignProgress },
      );
      return { id, progress };
    },
  }),
  ...registerRoutes({
    path: '/v1/campaigns',
    file: 'campaigns',
    title: '专项检查台账',
    summary:
      "Campaigns launched within the caller's jurisdictions, newest first: by status, the filter's place and occupation, launch window; search by id or name; a total, cursor pagination",
    roles: ['supervisor'],
    query: registerQuery.omit({ dueFrom: true, dueBefore: true, overdue: true, sort: true }).extend({
      status: z.enum(['running', 'completed']).optional(),
      ...registerFilters,
    }),
    list: (deps, actor, query) => listCampaigns(deps.db, actor.jurisdictions ?? [], query),
    columns: [
      { header: '编号', value: (c) => c.id, width: 28 },
      { header: '名称', value: (c) => c.name, width: 36 },
      { header: '状态', value: (c) => zhLabel('status', c.status) },
      { header: '省份', value: (c) => zhPlace(c.filter?.provinceCode) },
      { header: '城市', value: (c) => zhPlace(c.filter?.cityCode) },
      { header: '职业代码', value: (c) => c.filter?.occupationCode ?? '' },
      { header: '评级', value: (c) => c.filter?.rating ?? '' },
      { header: '已匹配', value: (c) => c.matched },
      { header: '已启动', value: (c) => c.started },
      { header: '发起人', value: (c) => c.createdBy },
      { header: '发起时间', value: (c) => chinaTime(c.createdAt) },
    ],
  }),
  route({
    method: 'get',
    path: '/v1/campaigns/{id}',
    summary: "A campaign's progress: stations matched and inspections started",
    roles: ['supervisor'],
    handler: async ({ deps, actor, params }) => {
      // Only where it was launched: a campaign outside the caller's jurisdictions is as unknown as a missing one.
      const record = await findCampaign(deps.db, params.id, actor.jurisdictions ?? []);
      if (!record) throw new HttpError(404, 'not_found', `no campaign ${params.id}`);
      const live =
        record.status === 'completed'
          ? null
          : await deps.temporal.workflow
              .getHandle(campaignWorkflowId(record.id))
              .query(campaignProgress)
              .catch(() => null);
      return { ...record, live };
    },
  }),
  route({
    method: 'get',
    path: '/v1/checklist-templates/{id}',
    summary: "The version of a checklist template that applies in a jurisdiction (default CN): the place's own, else its province's, else the national one",
    roles: ['supervisor', 'inspector', 'station_admin'],
    query: z.object({ jurisdiction: templateJurisdiction.default(NATIONAL) }),
    handler: async ({ deps, actor, params, query }) => {
      const readable = query.jurisdiction === NATIONAL || onJurisdictionLine(await templateReader(deps, actor), query.jurisdiction);
      const template = readable ? await latestTemplate(deps.db, params.id, query.jurisdiction) : undefined;
      if (!template) throw noTemplate(params.id);
      return template;
    },
  }),
  route({
    method: 'get',
    path: '/v1/checklist-templates/{id}/timeline',
    summary: 'Who published each version of a checklist template, and when',
    roles: ['supervisor'],
    handler: async ({ deps, actor, params }) => {
      const reader = await templateReader(deps, actor);
      // Versions published before templates had jurisdictions were national.
      const readable = (e: { data?: Record<string, unknown> }) => onJurisdictionLine(reader, (e.data?.jurisdiction as string | undefined) ?? NATIONAL);
      return { items: (await caseTimeline(deps.db, CHECKLIST_TEMPLATE_CASE, params.id)).filter(readable) };
    },
  }),
  route({
    method: 'post',
    path: '/v1/checklist-templates/{id}/versions',
    summary:
      'Publish a new version of a checklist template for a jurisdiction the caller covers (default CN: national supervisors only); running inspections keep theirs',
    roles: ['supervisor'],
    status: 201,
    body: z.strictObject({ items: checklistItemsSchema, jurisdiction: templateJurisdiction.default(NATIONAL) }),
    authorize: async ({ actor, params, body }) => {
      if (!/^[a-z0-9-]{1,64}$/.test(params.id))
        throw new HttpError(400, 'invalid', 'bad template id', [{ field: 'id', code: 'invalid_format', message: 'lower-case letters, digits and dashes' }]);
      const codes = actor.jurisdictions ?? [];
      if (coversJurisdiction(codes, body.jurisdiction)) return;
      // A level above the caller's (the national one for a city) is theirs to read, not to change; any other is not theirs to see.
      if (!onJurisdictionLine(codes, body.jurisdiction)) throw noTemplate(params.id);
      const message =
        body.jurisdiction === NATIONAL
          ? 'only national supervisors publish national checklist versions; publish your own with `jurisdiction`'
          : `only supervisors covering ${body.jurisdiction} publish its checklist versions`;
      throw new HttpError(403, 'forbidden', message, [{ field: 'jurisdiction', code: 'outside_jurisdiction', message }]);
    },
    handler: async ({ deps, params, body, audit, resourceId }) =>
      publishTemplate(deps.db, params.id, body.items, audit, { jurisdiction: body.jurisdiction, operationId: resourceId }),
  }),
];
