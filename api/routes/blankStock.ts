import { ulid } from 'ulid';
import { z } from 'zod';
import { derivedUlid } from '../../activities/startOnce';
import {
  blankFormAtStationOf,
  blankFormReconciliation,
  blankFormsInStock,
  blankSerialSchema,
  distributeBlankForms,
  findStocktake,
  printOnBlankForm,
  provinceBlankStock,
  quarterSchema,
  receiveBlankForms,
  recordStocktake,
  requestBlankForms,
  voidBlankForm,
  type BlankSerial,
  type Reconciliation,
} from '../../db/queries/blankForms';
import { findCertificateFor } from '../../db/queries/certificates';
import { knownJurisdictions } from '../../db/queries/jurisdictions';
import { findStation, type StationRecord } from '../../db/queries/stations';
import { certificateNumberSchema, quarterOf } from '../../domain/certificate';
import { chinaDate } from '../../domain/chinaTime';
import { coversJurisdiction } from '../../domain/jurisdiction';
import type { Actor } from '../../domain/roles';
import { singleLine } from '../../domain/text';
import { complaintRecorded, complaintState, complaintWorkflow, complaintWorkflowId } from '../../workflows/complaint.messages';
import { startCase } from '../cases';
import { HttpError } from '../errors';
import { route, type ApiDeps } from '../routeSpec';
import { complaintIntake } from './complaints';
import { visibleStation } from './stations';

/**
 * Blank certificate stock (空白证书): a province's supervisors receive serial ranges and give forms to stations (up to
 * each station's approved passes of the quarter); the station's administrator asks for forms, prints certificates on
 * them, voids spoiled ones and counts what it holds; a count that does not match opens a complaint case by itself.
 */

const provinceCode = z.string().regex(/^\d{2}0000$/, 'a province is its 6-digit division code, e.g. 440000');

const fieldError = (status: number, field: string, code: string, message: string, limit?: number) =>
  new HttpError(status, status === 409 ? 'not_allowed' : 'invalid', message, [{ field, code, message, ...(limit === undefined ? {} : { limit }) }]);

/** The station, as its own administrator acts on it; anyone else's station is not there for them. */
async function ownStation(deps: ApiDeps, actor: Actor, id: string): Promise<StationRecord> {
  const station = await visibleStation(deps, actor, id);
  if (station.adminId !== actor.id) throw new HttpError(404, 'not_found', `no station ${id}`);
  return station;
}

/** A station the caller sees whose province they act for: the province's stock is theirs to give. */
async function provincialStation(deps: ApiDeps, actor: Actor, id: string): Promise<StationRecord> {
  const station = await visibleStation(deps, actor, id);
  if (!coversJurisdiction(actor.jurisdictions, station.provinceCode))
    throw new HttpError(403, 'forbidden', `only supervisors of province ${station.provinceCode} give out its blank forms`);
  return station;
}

/** A serial range as a body gives it: one series, in order, no longer than the policy allows (400 on `lastSerial`). */
function serialRange(deps: ApiDeps, first: BlankSerial, last: BlankSerial): { first: BlankSerial; last: BlankSerial } {
  if (first.series !== last.series)
    throw fieldError(400, 'lastSerial', 'series_mismatch', 'the first and last serials must share their letters and number of digits');
  if (last.seq < first.seq) throw fieldError(400, 'lastSerial', 'before_first', 'the last serial comes before the first');
  const max = deps.config.policy.certificate.blankRangeMax;
  if (last.seq - first.seq + 1 > max) throw fieldError(400, 'lastSerial', 'too_many', `a range holds at most ${max} serials`, max);
  return { first, last };
}

const quarterNow = () => quarterOf(Date.now());

const stocktakeBody = z.strictObject({
  quarter: quarterSchema,
  /** The serials counted in hand, or only how many. */
  inHand: z.union([z.array(blankSerialSchema), z.number().int().min(0)]),
});

/**
 * The complaint a stocktake that does not match opens (source: the system; no complainant; fraudulent appraisal):
 * its id derives from the stocktake's, so a retried stocktake finds the case it opened.
 */
async function openStocktakeComplaint(
  deps: ApiDeps,
  station: StationRecord,
  take: { id: string; quarter: string; counted: number; expected: number; missing: string[] | null; unexpected: string[] | null },
): Promise<string> {
  const id = derivedUlid(take.id, 'blank-stocktake');
  const list = (serials: string[]) => `${serials.slice(0, 50).join('、')}${serials.length > 50 ? ` 等 ${serials.length} 张` : ''}`;
  const description = [
    `系统发现鉴定所站 ${station.name}（${station.id}）${take.quarter} 空白证书盘点账实不符（自动立案）：账面库存 ${take.expected} 张，实盘 ${take.counted} 张`,
    take.missing?.length ? `账面有而未盘到：${list(take.missing)}` : null,
    take.unexpected?.length ? `盘到而不在账面库存：${list(take.unexpected)}` : null,
  ]
    .filter(Boolean)
    .join('；');
  const { input } = complaintIntake(deps, id, {
    kind: 'complaint',
    category: 'fraudulent_appraisal',
    stationId: station.id,
    happenedOn: chinaDate(Date.now()),
    description,
    evidence: '',
  });
  await startCase(deps, complaintWorkflow, { workflowId: complaintWorkflowId(id), args: [input] }, { recorded: complaintRecorded, state: complaintState });
  return id;
}

/** What the console's station page reads: the reconciliation, with the forms' fate by status. */
const stationView = (r: Reconciliation) => ({ ...r, forms: { printed: r.issued, voided: r.voided, in_stock: r.inStock } });

export const blankStockRoutes = [
  route({
    method: 'post',
    path: '/v1/blank-forms/receipts',
    summary:
      'A province receives a range of blank certificate forms into its stock (入库), by serial: refused whole (409 on firstSerial) when a serial of it was received before; at most policy certificate.blankRangeMax serials',
    roles: ['supervisor'],
    status: 201,
    body: z.strictObject({ provinceCode, firstSerial: blankSerialSchema, lastSerial: blankSerialSchema, batch: singleLine(1, 100).optional() }),
    // A province outside the caller's jurisdictions gets the answer of one that does not exist.
    authorize: async ({ deps, actor, body }) => {
      if (!coversJurisdiction(actor.jurisdictions, body.provinceCode) || !(await knownJurisdictions(deps.db, [body.provinceCode])).length)
        throw fieldError(400, 'provinceCode', 'no_such_province', `no province ${body.provinceCode}`);
    },
    handler: async ({ deps, body, audit, resourceId }) => {
      const { first, last } = serialRange(deps, body.firstSerial, body.lastSerial);
      return receiveBlankForms(deps.db, {
        receiptId: resourceId ?? ulid(),
        provinceCode: body.provinceCode,
        first,
        last,
        batch: body.batch ?? null,
        by: audit,
      });
    },
  }),
  route({
    method: 'get',
    path: '/v1/blank-forms',
    summary: "A province's blank form stock: counts by status, the serial ranges still in stock, its receipts, requests and distributions",
    roles: ['supervisor'],
    query: z.object({ provinceCode }),
    handler: async ({ deps, actor, query }) => {
      if (!coversJurisdiction(actor.jurisdictions, query.provinceCode)) throw new HttpError(404, 'not_found', `no province ${query.provinceCode}`);
      return provinceBlankStock(deps.db, query.provinceCode);
    },
  }),
  route({
    method: 'get',
    path: '/v1/stations/{id}/blank-forms',
    summary:
      "A station's blank forms for a quarter (default: the current one), reconciled: received = issued (printed on) + voided + in stock, the approved passes and what it may still be given, its requests and stocktakes",
    roles: ['station_admin', 'supervisor', 'reviewer'],
    query: z.object({ quarter: quarterSchema.optional() }),
    handler: async ({ deps, actor, params, query }) =>
      stationView(await blankFormReconciliation(deps.db, (await visibleStation(deps, actor, params.id)).id, query.quarter ?? quarterNow())),
  }),
  route({
    method: 'post',
    path: '/v1/stations/{id}/blank-forms/requests',
    summary:
      'The station asks its province for blank forms for a quarter (申领; default: the current one): at most its approved passes of the quarter less the forms it was given (409 on count)',
    roles: ['station_admin'],
    status: 201,
    body: z.strictObject({ quarter: quarterSchema.optional(), count: z.number().int().min(1) }),
    authorize: ({ deps, actor, params }) => ownStation(deps, actor, params.id),
    handler: async ({ deps, body, audit, target: station }) =>
      requestBlankForms(deps.db, {
        stationId: station.id,
        provinceCode: station.provinceCode,
        quarter: body.quarter ?? quarterNow(),
        count: body.count,
        by: audit,
      }),
  }),
  route({
    method: 'post',
    path: '/v1/stations/{id}/blank-forms/distributions',
    summary:
      "A province's supervisor gives the station blank forms for a quarter (发放; default: the current one): the next `count` serials of the province's stock, or the range firstSerial..lastSerial, up to the station's approved passes of the quarter less the forms it was given (409)",
    roles: ['supervisor'],
    status: 201,
    body: z.strictObject({
      quarter: quarterSchema.optional(),
      count: z.number().int().min(1).optional(),
      firstSerial: blankSerialSchema.optional(),
      lastSerial: blankSerialSchema.optional(),
    }),
    authorize: ({ deps, actor, params }) => provincialStation(deps, actor, params.id),
    handler: async ({ deps, body, audit, resourceId, target: station }) => {
      if (station.status === 'revoked') throw new HttpError(409, 'not_allowed', 'the station is revoked: it may not be given blank forms');
      const range = body.firstSerial !== undefined || body.lastSerial !== undefined;
      if (range === (body.count !== undefined))
        throw fieldError(400, 'count', range ? 'count_or_range' : 'required', 'give either a count or a range firstSerial..lastSerial');
      if (range && !body.firstSerial) throw fieldError(400, 'firstSerial', 'required', 'a range needs its first serial');
      if (range && !body.lastSerial) throw fieldError(400, 'lastSerial', 'required', 'a range needs its last serial');
      const max = deps.config.policy.certificate.blankRangeMax;
      if ((body.count ?? 0) > max) throw fieldError(400, 'count', 'too_big', `at most ${max} forms at once`, max);
      return distributeBlankForms(deps.db, {
        distributionId: resourceId ?? ulid(),
        station,
        quarter: body.quarter ?? quarterNow(),
        take: range ? serialRange(deps, body.firstSerial!, body.lastSerial!) : { count: body.count! },
        by: audit,
      });
    },
  }),
  route({
    method: 'post',
    path: '/v1/certificates/{number}/print',
    summary:
      "The station prints a certificate on one of its blank forms in stock (打印): the form is used up and the certificate names its serial; a certificate printed once is refused (409 on number), a form not in the station's stock too (409 on serial)",
    roles: ['station_admin'],
    body: z.strictObject({ serial: blankSerialSchema }),
    // The certificate of a station the caller administers, or nothing (a malformed number included).
    authorize: async ({ deps, actor, params }) => {
      const number = certificateNumberSchema.safeParse(params.number);
      const certificate = number.success ? await findCertificateFor(deps.db, actor, number.data) : null;
      const station = certificate?.stationId ? await findStation(deps.db, certificate.stationId) : undefined;
      if (!certificate || station?.adminId !== actor.id) throw new HttpError(404, 'not_found', `no certificate ${params.number}`);
      return certificate;
    },
    handler: async ({ deps, body, audit, target: certificate }) => {
      if (certificate.status !== 'valid')
        throw fieldError(409, 'number', 'not_valid', `certificate ${certificate.number} is ${certificate.status}: it is not printed`);
      return printOnBlankForm(deps.db, { certificateNumber: certificate.number, stationId: certificate.stationId!, serial: body.serial.serial, by: audit });
    },
  }),
  route({
    method: 'post',
    path: '/v1/blank-forms/{serial}/void',
    summary: 'The station voids a spoiled blank form of its stock (作废) with the reason; one printed on or voided already is refused (409 on serial)',
    roles: ['station_admin'],
    body: z.strictObject({ reason: z.string().trim().min(2).max(2000) }),
    authorize: async ({ deps, actor, params }) => {
      const serial = blankSerialSchema.safeParse(params.serial);
      const form = serial.success ? await blankFormAtStationOf(deps.db, actor.id, serial.data.serial) : null;
      if (!form) throw new HttpError(404, 'not_found', `no blank form ${params.serial}`);
      return form;
    },
    handler: async ({ deps, body, audit, target: form }) =>
      voidBlankForm(deps.db, { serial: form.serial, stationId: form.stationId!, reason: body.reason, by: audit }),
  }),
  route({
    method: 'post',
    path: '/v1/stations/{id}/blank-forms/stocktakes',
    summary:
      "The station's stocktake of its blank forms for a quarter (盘点): the serials in hand, or how many, against the forms the register says it holds; a mismatch opens a complaint case (fraudulent appraisal, by the system) by itself, once however often the request is retried",
    roles: ['station_admin'],
    status: 201,
    body: stocktakeBody,
    authorize: ({ deps, actor, params }) => ownStation(deps, actor, params.id),
    handler: async ({ deps, body, audit, resourceId, target: station }) => {
      const max = deps.config.policy.certificate.blankRangeMax;
      if (Array.isArray(body.inHand) && body.inHand.length > max) throw fieldError(400, 'inHand', 'too_many', `at most ${max} serials`, max);
      const id = resourceId ?? ulid();
      // A retry finds its stocktake (and the case it opened) recorded: the register may have moved on since.
      const stocktake =
        (await findStocktake(deps.db, id)) ??
        (await (async () => {
          const held = await blankFormsInStock(deps.db, station.id, body.quarter);
          const counted = Array.isArray(body.inHand) ? new Set(body.inHand.map((s) => s.serial)) : null;
          const holds = new Set(held);
          const take = {
            id,
            stationId: station.id,
            quarter: body.quarter,
            counted: counted ? counted.size : (body.inHand as number),
            expected: held.length,
            missing: counted ? held.filter((s) => !counted.has(s)) : null,
            unexpected: counted ? [...counted].filter((s) => !holds.has(s)) : null,
          };
          const balanced = take.counted === take.expected && !take.missing?.length && !take.unexpected?.length;
          // The case first: the stocktake row never names a case that was not opened.
          const complaintId = balanced ? null : await openStocktakeComplaint(deps, station, take);
          return recordStocktake(deps.db, { ...take, balanced, complaintId }, audit);
        })());
      return { stocktake, reconciliation: stationView(await blankFormReconciliation(deps.db, station.id, body.quarter)) };
    },
  }),
];
