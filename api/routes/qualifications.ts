import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { ulid } from 'ulid';
import { z } from 'zod';
import { singleLine } from '../../domain/text';
import { industryOccupations } from '../../db/queries/jurisdictions';
import {
  QUALIFICATION_CASE,
  EXAMINER_CASE,
  addConduct,
  addTraining,
  coversExaminer,
  examinerRecord,
  existingCardNumbers,
  findImport,
  importRejections,
  importSummary,
  knownPeople,
  liveQualificationPairs,
  findQualification,
  recordImport,
  listExaminers,
  listQualifications,
  violationsSince,
  type QualificationRecord,
} from '../../db/queries/qualifications';
import { sessionsConducted } from '../../db/queries/sessions';
import { findUser } from '../../db/queries/users';
import { csvFile } from '../../domain/csv';
import { IMPORT_COLUMNS, coversImport, importScope, judgeImport, parseImport } from '../../domain/examinerImport';
import { QUALIFICATION_STATUSES, admissionSchema, isQualificationFinal, type QualificationActionType } from '../../domain/qualification';
import type { Actor } from '../../domain/roles';
import { examinerImportWorkflow, examinerImportWorkflowId } from '../../workflows/examinerImport.messages';
import {
  qualificationRecorded,
  qualificationState,
  qualificationUpdates,
  qualificationWorkflowId,
  type QualificationPayload,
  qualificationWorkflow,
} from '../../workflows/qualification.messages';
import { HttpError } from '../errors';
import { chinaTime, queryFlag, registerQuery, registerRoutes, registerFilters } from '../registers';
import { zhLabel, zhPlace } from '../registerLabels';
import { caseActionRoutes, caseReadRoutes, startCase, timelineRoute, visibleCase, type CaseKind } from '../cases';
import { route, type ApiDeps } from '../routeSpec';

/** Examiner qualification (考评员): admission, renewal, suspension, revocation, the register, bulk import. */

const reasons = z.array(z.string().trim().min(1).max(2000)).max(50).default([]);
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const qualificationId = z.string().regex(ULID, 'must be a qualification id');
/** The import's answer holds this many rejected rows; the report (a CSV download) holds them all. */
const ANSWERED_REJECTIONS = 100;

export const qualificationBodies = {
  decideAdmission: z.strictObject({ outcome: z.enum(['approve', 'reject']), reasons }),
  submitRenewal: z.strictObject({ trainingHours: z.number().min(0).max(10_000), notes: z.string().max(10_000).default('') }),
  decideRenewal: z.strictObject({ outcome: z.enum(['approve', 'return', 'reject']), reasons }),
  suspend: z.strictObject({ until: z.iso.datetime(), reasons }),
  revoke: z.strictObject({ reasons }),
};

const qualifications: CaseKind<QualificationRecord> = {
  basePath: '/v1/qualifications',
  caseType: QUALIFICATION_CASE,
  find: visibleCase(qualificationId, findQualification, 'qualification'),
  workflowId: qualificationWorkflowId,
  ended: (r) => (isQualificationFinal(r.status) ? `the qualification is ${r.status}` : null),
};

const noExaminer = (id: string) => new HttpError(404, 'not_found', `no examiner ${id}`);

/** An examiner sees their own register entry; reviewers and supervisors those they cover. Others get 404, as for an unknown id. */
async function visibleExaminer(deps: ApiDeps, actor: Actor, id: string) {
  const record = await examinerRecord(deps.db, actor, id);
  if (!record) throw noExaminer(id);
  return record;
}

/** The renewal's evidence: training hours as declared, sessions and violations from the registers for the period. */
const toPayload: {
  [T in QualificationActionType]: (
    deps: ApiDeps,
    body: z.infer<(typeof qualificationBodies)[T]>,
    record: QualificationRecord,
  ) => Promise<QualificationPayload<T>>;
} = {
  decideAdmission: async (_d, body) => body,
  submitRenewal: async (deps, body, record) => {
    const live = await deps.temporal.workflow.getHandle(qualificationWorkflowId(record.id)).query(qualificationState);
    const since = live.cycleStartedAt ?? live.issuedAt!;
    const [sessions, violations] = await Promise.all([
      sessionsConducted(deps.db, record.examinerId, since.slice(0, 10), new Date().toISOString().slice(0, 10)),
      violationsSince(deps.db, record.examinerId, since),
    ]);
    return { trainingHours: body.trainingHours, sessionsConducted: sessions, violations, notes: body.notes };
  },
  decideRenewal: async (_d, body) => body,
  suspend: async (_d, body) => body,
  revoke: async (_d, body) => body,
};

export const qualificationRoutes = [
  route({
    method: 'post',
    path: '/v1/qualifications',
    summary: 'Apply for admission (准入) as an examiner: occupation, level, training completed, exam score',
    roles: ['examiner'],
    status: 201,
    body: admissionSchema.extend({ nationalId: z.string().regex(/^\d{17}[\dX]$/, 'must be an 18-character resident identity number') }).strict(),
    handler: async ({ deps, actor, body, resourceId }) => {
      const user = await findUser(deps.db, actor.id);
      if (!user) throw new HttpError(403, 'forbidden', 'the caller is not in the user register');
      const id = resourceId ?? ulid();
      const { nationalId, trainingHours, examScore, ...rest } = body;
      return startCase(
        deps,
        qualificationWorkflow,
        {
          workflowId: qualificationWorkflowId(id),
          args: [
            {
              id,
              examiner: { id: user.id, name: user.name, email: user.email, organisation: user.organisation },
              nationalId,
              ...rest,
              admission: { trainingHours, examScore },
              policy: deps.config.policy.qualification,
              startedBy: actor,
            },
          ],
        },
        { recorded: qualificationRecorded, state: qualificationState },
      );
    },
  }),
  ...registerRoutes({
    path: '/v1/qualifications',
    file: 'qualifications',
    title: '考评员资格台账',
    summary:
      'Qualifications (an examiner sees their own), newest first or by expiry: status, occupation, where the examiner is registered, issued and expiry windows, waiting on me; search by id, card number, examiner id or name; a total, cursor pagination',
    roles: ['examiner', 'reviewer', 'supervisor'],
    query: registerQuery.omit({ overdue: true }).extend({
      status: z.enum(QUALIFICATION_STATUSES).optional(),
      ...registerFilters,
      expiresBefore: z.iso.datetime().optional(),
      pendingOnMe: queryFlag,
    }),
    list: (deps, actor, filter) => listQualifications(deps.db, actor, filter),
    columns: [
      { header: '资格编号', value: (r) => r.id, width: 28 },
      { header: '考评员编号', value: (r) => r.examinerId },
      { header: '职业代码', value: (r) => r.occupationCode },
      { header: '等级', value: (r) => r.level },
      { header: '证卡编号', value: (r) => r.cardNumber, width: 28 },
      { header: '状态', value: (r) => zhLabel('status', r.status) },
      { header: '待办事项', value: (r) => zhLabel('action', r.pending?.action) },
      { header: '发证时间', value: (r) => chinaTime(r.issuedAt) },
      { header: '有效期至', value: (r) => chinaTime(r.expiresAt) },
    ],
  }),
  ...caseReadRoutes(qualifications, {
    roles: ['examiner', 'reviewer', 'supervisor'],
    state: qualificationState,
    summary: 'One qualification with its live cycle',
    timeline: "The qualification's timeline",
  }),
  ...caseActionRoutes(qualifications, {
    bodies: qualificationBodies,
    updates: qualificationUpdates,
    toPayload,
    routes: [
      { type: 'decideAdmission', path: 'admission-decision', summary: 'Approve (minimums met) or reject an admission', roles: ['reviewer'] },
      {
        type: 'submitRenewal',
        path: 'renewal',
        summary: 'Submit the renewal: training hours; sessions and violations are taken from the registers',
        roles: ['examiner'],
      },
      {
        type: 'decideRenewal',
        path: 'renewal-decision',
        summary: 'Approve, return or reject a renewal (a supervisor co-approves after violations)',
        roles: ['reviewer', 'supervisor'],
      },
      { type: 'suspend', path: 'suspension', summary: 'Suspend until a date (lifts itself)', roles: ['supervisor'] },
      { type: 'revoke', path: 'revocation', summary: 'Revoke with reasons', roles: ['supervisor'] },
    ],
  }),
  ...registerRoutes({
    path: '/v1/examiners',
    file: 'examiners',
    title: '考评员台账',
    summary:
      'The examiner register as the caller may see it (an examiner their own entry): status, where registered, occupation held; search by id or name; a total, cursor pagination in id order',
    roles: ['examiner', 'reviewer', 'supervisor'],
    query: registerQuery.pick({ q: true, cursor: true, limit: true }).extend({
      status: z.enum(['active', 'suspended', 'lapsed', 'revoked']).optional(),
      ...registerFilters,
    }),
    list: (deps, actor, filter) => listExaminers(deps.db, actor, filter),
    columns: [
      { header: '考评员编号', value: (r) => r.id },
      { header: '姓名', value: (r) => r.name },
      { header: '单位', value: (r) => r.organisation, width: 30 },
      { header: '状态', value: (r) => zhLabel('status', r.status) },
      { header: '登记地区', value: (r) => zhPlace(r.regionCode) },
      { header: '暂停至', value: (r) => chinaTime(r.suspendedUntil) },
    ],
  }),
  route({
    method: 'get',
    path: '/v1/examiners/{id}',
    summary: "An examiner's register entry: masked national id, qualifications, training, sessions conducted, conduct",
    roles: ['examiner', 'reviewer', 'supervisor'],
    handler: async ({ deps, actor, params }) => visibleExaminer(deps, actor, params.id),
  }),
  timelineRoute({
    path: '/v1/examiners',
    summary: "The register's audit entries for an examiner: conduct and training recorded, by whom and when",
    roles: ['examiner', 'reviewer', 'supervisor'],
    caseType: EXAMINER_CASE,
    find: visibleExaminer,
  }),
  route({
    method: 'post',
    path: '/v1/examiners/{id}/conduct',
    summary: 'Record a commendation or a violation, with its source',
    roles: ['supervisor'],
    status: 201,
    body: z.strictObject({ kind: z.enum(['commendation', 'violation']), description: z.string().trim().min(3).max(2000), source: singleLine(2, 200) }),
    handler: async ({ deps, actor, params, body, audit, resourceId }) => {
      if (!(await coversExaminer(deps.db, actor, params.id))) throw noExaminer(params.id);
      await addConduct(deps.db, { examinerId: params.id, ...body }, audit, resourceId);
      return { recorded: true };
    },
  }),
  route({
    method: 'post',
    path: '/v1/examiners/{id}/training',
    summary: 'Log training hours (the examiner themself, or a supervisor)',
    roles: ['examiner', 'supervisor'],
    status: 201,
    body: z.strictObject({
      hours: z.number().positive().max(500),
      course: singleLine(2, 200),
      completedOn: z.iso.date().refine((d) => d >= '1000-01-01', 'must be 1000-01-01 or later (a DATE column holds no earlier day)'),
    }),
    handler: async ({ deps, actor, params, body, audit, resourceId }) => {
      // Their own, or as a supervisor covering them; a reviewer who is also an examiner logs only their own.
      const own = actor.id === params.id && (await examinerRecord(deps.db, actor, params.id)) !== undefined;
      if (!own && !(actor.roles.includes('supervisor') && (await coversExaminer(deps.db, actor, params.id)))) throw noExaminer(params.id);
      await addTraining(deps.db, { examinerId: params.id, ...body }, audit, resourceId);
      return { recorded: true };
    },
  }),
  route({
    method: 'post',
    path: '/v1/examiners/import',
    summary:
      'Bulk import examiners from CSV (text/csv): every row validated, valid rows imported together; the answer counts the rejected rows by reason and lists the first 100, the full report is a CSV download',
    roles: ['supervisor'],
    status: 201,
    body: z.string().min(1, 'a CSV body is required').max(5_000_000),
    handler: async ({ deps, actor, body, resourceId, audit }) => {
      const importId = resourceId ?? ulid();
      const parsed = parseImport(body);
      if ('error' in parsed) throw new HttpError(400, 'invalid', parsed.error, [{ field: '(body)', code: 'invalid_csv', message: parsed.error }]);
      const rows = parsed.lines.flatMap((l) => (l.row ? [l.row] : []));
      const examinerIds = [...new Set(rows.map((r) => r.examiner_id))];
      // Card numbers and qualifications are judged apart from this import's own, were it a retry.
      const [existingCards, existingPairs, known, industries] = await Promise.all([
        existingCardNumbers(
          deps.db,
          rows.map((r) => r.card_number),
          importId,
        ),
        liveQualificationPairs(deps.db, examinerIds, importId),
        knownPeople(deps.db, actor.jurisdictions, examinerIds),
        industryOccupations(deps.db),
      ]);
      const { valid, rejected } = judgeImport(parsed.lines, { existingCards, existingPairs, known, scope: importScope(actor.jurisdictions, industries) });
      await recordImport(deps.db, {
        id: importId,
        by: audit,
        jurisdictions: actor.jurisdictions ?? [],
        valid: valid.map((row) => ({ ...row, qualificationId: ulid() })),
        rejected,
      });
      // From the record, so a retry answers as the first attempt did.
      const summary = await importSummary(deps.db, importId, ANSWERED_REJECTIONS);
      if (summary.imported) {
        await deps.temporal.workflow
          .start(examinerImportWorkflow, {
            workflowId: examinerImportWorkflowId(importId),
            taskQueue: deps.config.taskQueue,
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            args: [{ importId, policy: deps.config.policy.qualification, startedBy: actor }],
          })
          // A retry after the import workflow has finished: its cycles are started already.
          .catch((error) => {
            if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
          });
      }
      return { importId, ...summary, rejectionReport: summary.rejectedCount ? `/v1/examiners/imports/${importId}/rejections.csv` : null };
    },
  }),
  route({
    method: 'get',
    path: '/v1/examiners/imports/{id}/rejections.csv',
    summary: "An import's rejected rows (CSV): line, reasons, errors and the row as sent, formula cells neutralised",
    roles: ['supervisor'],
    handler: async ({ deps, actor, params }) => {
      const record = ULID.test(params.id) ? await findImport(deps.db, params.id) : undefined;
      if (!record || (record.importedBy !== actor.id && !coversImport(actor.jurisdictions, record.jurisdictions)))
        throw new HttpError(404, 'not_found', `no import ${params.id}`);
      const rows = await importRejections(deps.db, record.id);
      const csv = csvFile([
        ['line', 'reasons', 'errors', ...IMPORT_COLUMNS],
        ...rows.map((r) => [String(r.line), r.reasons.join('; '), r.errors.join('; '), ...IMPORT_COLUMNS.map((c) => r.cells[c] ?? '')]),
      ]);
      // A fetch Response carries its own headers through Koa: the route answers a download, not JSON.
      return new Response(csv, {
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="examiner-import-${record.id}-rejections.csv"` },
      });
    },
  }),
];
