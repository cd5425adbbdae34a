import { z } from 'zod';
import type { Db } from '../connect';
import { Refusal } from '../../domain/errors';
import { appendAuditEvent, caseTimeline, type AuditActor, type CaseEvent } from './events';
import { setCertificateBlankSerial } from './certificates';

/**
 * Blank certificate forms (空白证书): a province receives serial ranges into its stock, gives forms to a station for a
 * quarter (never more than the station's approved passes of that quarter), the station prints certificates on them or
 * voids spoiled ones, and counts what it holds. Every change is on the audit trail of the province's or the
 * station's stock (case type `blank_form`, ids `province:<code>` and `station:<id>`), never on the station's own
 * timeline, which its programme numbers.
 */
export const BLANK_FORM_CASE = 'blank_form';
export const provinceStockTrail = (provinceCode: string) => `province:${provinceCode}`;
export const stationStockTrail = (stationId: number) => `station:${stationId}`;

export const BLANK_FORM_STATUSES = ['province', 'station', 'printed', 'voided'] as const;
export type BlankFormStatus = (typeof BLANK_FORM_STATUSES)[number];

/** Rows per INSERT of a receipt: well under the server's packet size, few round trips for a large range. */
const INSERT_BATCH = 5000;

/**
 * A form's serial as printed on it: up to four letters, then 4 to 15 digits (15 keep the number exact in JavaScript).
 * Its series is the letters and the digits' width, so A0001 and A00001 are different series, as on paper.
 */
export interface BlankSerial {
  serial: string;
  series: string;
  seq: number;
}

const SERIAL = /^([A-Z]{0,4})(\d{4,15})$/;

export const blankSerialSchema = z
  .string()
  .max(40)
  .transform((v) => v.replace(/[\s-]/g, '').toUpperCase())
  .refine((v) => SERIAL.test(v), { message: 'a blank form serial is up to 4 letters and 4 to 15 digits', params: { code: 'format' } })
  .transform(parseSerial);

function parseSerial(serial: string): BlankSerial {
  const [, prefix, digits] = SERIAL.exec(serial)!;
  return { serial, series: `${prefix}${digits.length}`, seq: Number(digits) };
}

function serialAt(first: BlankSerial, seq: number): string {
  const digits = first.serial.length - first.series.replace(/\d+$/, '').length;
  return `${first.serial.slice(0, first.serial.length - digits)}${String(seq).padStart(digits, '0')}`;
}

/** A quarter as the API takes it (2026Q4). */
export const quarterSchema = z.string().regex(/^\d{4}Q[1-4]$/, 'a quarter is written like 2026Q4');

/** The first and last China dates of a quarter. */
function quarterDays(quarter: string): [string, string] {
  const year = quarter.slice(0, 4);
  const q = Number(quarter[5]);
  const lastDay = ['03-31', '06-30', '09-30', '12-31'][q - 1];
  return [`${year}-${String(q * 3 - 2).padStart(2, '0')}-01`, `${year}-${lastDay}`];
}

export interface SerialRange {
  first: string;
  last: string;
  count: number;
}

/** Consecutive serials as ranges (gaps and islands), in serial order. */
async function rangesOf(db: Db, where: (q: ReturnType<Db>) => void, limit = 200): Promise<SerialRange[]> {
  const numbered = db('blank_forms').select('series', 'serial', db.raw('seq - ROW_NUMBER() OVER (PARTITION BY series ORDER BY seq) AS island'));
  where(numbered);
  const rows = await db
    .from(numbered.as('n'))
    .select('series')
    .min({ first: 'serial' })
    .max({ last: 'serial' })
    .count({ count: '*' })
    .groupBy('series', 'island')
    .orderBy([{ column: 'series' }, { column: 'first' }])
    .limit(limit);
  return rows.map((r) => ({ first: String(r.first), last: String(r.last), count: Number(r.count) }));
}

const refuse = (field: string, code: string, message: string) => new Refusal('NotAllowed', message, field, code);

export interface Receipt {
  receiptId: string;
  provinceCode: string;
  firstSerial: string;
  lastSerial: string;
  count: number;
  batch: string | null;
}

/**
 * A province receives a serial range into its stock, refused whole (409 on `firstSerial`) when any serial of it is
 * already known. The range is locked while it is checked and written, so two overlapping receipts cannot both land.
 * A retried receipt (the same id) answers with what the first wrote.
 */
export async function receiveBlankForms(
  db: Db,
  r: { receiptId: string; provinceCode: string; first: BlankSerial; last: BlankSerial; batch: string | null; by: AuditActor },
): Promise<Receipt> {
  const receipt: Receipt = {
    receiptId: r.receiptId,
    provinceCode: r.provinceCode,
    firstSerial: r.first.serial,
    lastSerial: r.last.serial,
    count: r.last.seq - r.first.seq + 1,
    batch: r.batch,
  };
  if (await db('blank_forms').where({ receipt_id: r.receiptId }).first()) return receipt;
  await db.transaction(async (trx) => {
    const known = await trx('blank_forms')
      .where({ series: r.first.series })
      .whereBetween('seq', [r.first.seq, r.last.seq])
      .orderBy('seq')
      .forUpdate()
      .first('serial');
    if (known) throw refuse('firstSerial', 'overlap', `serial ${known.serial} of this range was received before`);
    const at = new Date();
    for (let start = r.first.seq; start <= r.last.seq; start += INSERT_BATCH) {
      const rows = [];
      for (let seq = start; seq <= Math.min(r.last.seq, start + INSERT_BATCH - 1); seq++) {
        rows.push({
          serial: serialAt(r.first, seq),
          series: r.first.series,
          seq,
          province_code: r.provinceCode,
          receipt_id: r.receiptId,
          batch: r.batch,
          status: 'province',
          updated_at: at,
        });
      }
      await trx('blank_forms').insert(rows);
    }
    await appendAuditEvent(trx, BLANK_FORM_CASE, provinceStockTrail(r.provinceCode), { ...r.by, action: 'blank_forms_received', data: { ...receipt } });
  });
  return receipt;
}

/** Passes of the station's sessions held in the quarter whose results were approved: the most forms it may be given. */
async function approvedPasses(db: Db, stationId: number, quarter: string): Promise<number> {
  const row = await db('session_candidates as sc')
    .join('appraisal_sessions as s', 's.id', 'sc.session_id')
    .where({ 's.station_id': stationId, 's.status': 'approved', 'sc.passed': true })
    .whereBetween('s.session_date', quarterDays(quarter))
    .count({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

/** Forms given to the station for the quarter, whatever became of them; `lock` holds the station's quarter until commit. */
async function formsGiven(db: Db, stationId: number, quarter: string, lock = false): Promise<number> {
  const q = db('blank_forms').where({ station_id: stationId, quarter }).count({ n: '*' });
  // A locking read of the station's quarter in the index: a concurrent distribution to it waits or deadlocks (409), never both pass the cap.
  if (lock) void q.forUpdate();
  return Number((await q.first())?.n ?? 0);
}

/** How many more forms the station may still be given for the quarter. */
export async function blankFormAllowance(db: Db, stationId: number, quarter: string): Promise<{ approvedPasses: number; given: number; allowance: number }> {
  const [passes, given] = await Promise.all([approvedPasses(db, stationId, quarter), formsGiven(db, stationId, quarter)]);
  return { approvedPasses: passes, given, allowance: Math.max(0, passes - given) };
}

/** A station asks its province for forms for a quarter (申领), within what it may still be given; on both stocks' trails. */
export async function requestBlankForms(
  db: Db,
  r: { stationId: number; provinceCode: string; quarter: string; count: number; by: AuditActor },
): Promise<{ stationId: number; quarter: string; count: number; allowance: number }> {
  const { allowance } = await blankFormAllowance(db, r.stationId, r.quarter);
  if (r.count > allowance)
    throw refuse(
      'count',
      'over_allowance',
      `the station may be given at most ${allowance} more forms for ${r.quarter} (its approved passes less the forms it has)`,
    );
  const request = { stationId: r.stationId, quarter: r.quarter, count: r.count, allowance };
  await db.transaction(async (trx) => {
    await appendAuditEvent(trx, BLANK_FORM_CASE, stationStockTrail(r.stationId), { ...r.by, action: 'blank_forms_requested', data: request });
    await appendAuditEvent(trx, BLANK_FORM_CASE, provinceStockTrail(r.provinceCode), { ...r.by, action: 'blank_forms_requested', data: request });
  });
  return request;
}

export interface Distribution {
  distributionId: string;
  stationId: number;
  quarter: string;
  count: number;
  ranges: SerialRange[];
}

/**
 * Gives forms of the station's province's stock to the station for a quarter (发放): the next `count` in serial order,
 * or a given range that must lie wholly in the stock (409 on `firstSerial`). Never more than the station's approved
 * passes of the quarter less what it was given already (409 on the field that asked). A retry (the same id) answers
 * with the forms the first gave.
 */
export async function distributeBlankForms(
  db: Db,
  d: {
    distributionId: string;
    station: { id: number; provinceCode: string };
    quarter: string;
    take: { count: number } | { first: BlankSerial; last: BlankSerial };
    by: AuditActor;
  },
): Promise<Distribution> {
  const ofThis = (q: ReturnType<Db>) => void q.where({ distribution_id: d.distributionId });
  const answer = async (trx: Db, count: number) => ({
    distributionId: d.distributionId,
    stationId: d.station.id,
    quarter: d.quarter,
    count,
    ranges: await rangesOf(trx, ofThis),
  });
  const done = await db('blank_forms').where({ distribution_id: d.distributionId }).count({ n: '*' }).first();
  if (Number(done?.n ?? 0) > 0) return answer(db, Number(done!.n));
  const count = 'count' in d.take ? d.take.count : d.take.last.seq - d.take.first.seq + 1;
  const field = 'count' in d.take ? 'count' : 'lastSerial';
  return db.transaction(async (trx) => {
    const given = await formsGiven(trx, d.station.id, d.quarter, true);
    const allowance = (await approvedPasses(trx, d.station.id, d.quarter)) - given;
    if (count > allowance)
      throw refuse(
        field,
        'over_allowance',
        `the station may be given at most ${Math.max(0, allowance)} more forms for ${d.quarter} (its approved passes less the forms it has)`,
      );
    const taking = trx('blank_forms').where({ province_code: d.station.provinceCode, status: 'province' });
    if ('count' in d.take) void taking.orderBy([{ column: 'series' }, { column: 'seq' }]).limit(count);
    else void taking.where({ series: d.take.first.series }).whereBetween('seq', [d.take.first.seq, d.take.last.seq]);
    const taken = await taking.update({
      status: 'station',
      station_id: d.station.id,
      quarter: d.quarter,
      distribution_id: d.distributionId,
      updated_at: new Date(),
    });
    // Short: the whole change rolls back.
    if (taken < count) {
      if ('count' in d.take) throw refuse('count', 'insufficient_stock', `the province's stock holds fewer than ${count} forms`);
      throw refuse('firstSerial', 'not_in_stock', `not every serial from ${d.take.first.serial} to ${d.take.last.serial} is in the province's stock`);
    }
    const distribution = await answer(trx, count);
    const data = { ...distribution, ranges: distribution.ranges.slice(0, 20) };
    await appendAuditEvent(trx, BLANK_FORM_CASE, stationStockTrail(d.station.id), { ...d.by, action: 'blank_forms_distributed', data });
    await appendAuditEvent(trx, BLANK_FORM_CASE, provinceStockTrail(d.station.provinceCode), { ...d.by, action: 'blank_forms_distributed', data });
    return distribution;
  });
}

export interface BlankForm {
  serial: string;
  provinceCode: string;
  stationId: number | null;
  quarter: string | null;
  status: BlankFormStatus;
  certificateNumber: string | null;
  voidReason: string | null;
  voidedBy: string | null;
  updatedAt: string;
}

function formFromRow(r: Record<string, any>): BlankForm {
  return {
    serial: r.serial,
    provinceCode: r.province_code,
    stationId: r.station_id ?? null,
    quarter: r.quarter ?? null,
    status: r.status,
    certificateNumber: r.certificate_number ?? null,
    voidReason: r.void_reason ?? null,
    voidedBy: r.voided_by ?? null,
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/** A form at one of the stations the person administers, or null (the API answers 404 for both). */
export async function blankFormAtStationOf(db: Db, adminId: string, serial: string): Promise<BlankForm | null> {
  const row = await db('blank_forms')
    .join('stations', 'stations.id', 'blank_forms.station_id')
    .where({ 'blank_forms.serial': serial, 'stations.admin_id': adminId })
    .first('blank_forms.*');
  return row ? formFromRow(row) : null;
}

/**
 * Prints a certificate on a form the certificate's station holds (打印): the form becomes `printed` and the
 * certificate names its serial, once. A certificate printed before is refused (409 on `number`), unless this is
 * the same print retried; a form not in the station's stock is refused (409 on `serial`).
 */
export async function printOnBlankForm(db: Db, p: { certificateNumber: string; stationId: number; serial: string; by: AuditActor }): Promise<BlankForm> {
  return db.transaction(async (trx) => {
    const certificate = await trx('certificates').where({ number: p.certificateNumber }).forUpdate().first('blank_serial');
    const row = await trx('blank_forms').where({ serial: p.serial }).forUpdate().first();
    if (certificate?.blank_serial === p.serial && row?.certificate_number === p.certificateNumber) return formFromRow(row);
    if (certificate?.blank_serial)
      throw refuse('number', 'already_printed', `certificate ${p.certificateNumber} was printed on form ${certificate.blank_serial}`);
    if (!row || row.station_id !== p.stationId || row.status !== 'station')
      throw refuse('serial', 'not_in_stock', `form ${p.serial} is not in the stock of the certificate's station`);
    const at = new Date();
    await trx('blank_forms').where({ serial: p.serial }).update({ status: 'printed', certificate_number: p.certificateNumber, updated_at: at });
    if (!(await setCertificateBlankSerial(trx, p.certificateNumber, p.serial)))
      throw refuse('number', 'already_printed', `certificate ${p.certificateNumber} was printed already`);
    const data = { serial: p.serial, certificateNumber: p.certificateNumber, quarter: row.quarter };
    await appendAuditEvent(trx, BLANK_FORM_CASE, stationStockTrail(p.stationId), { ...p.by, action: 'blank_form_printed', data });
    await appendAuditEvent(trx, 'certificate', p.certificateNumber, { ...p.by, action: 'certificate_printed', data });
    return formFromRow({ ...row, status: 'printed', certificate_number: p.certificateNumber, updated_at: at });
  });
}

/** Voids a spoiled form of the station's stock (作废) with the reason; one printed on or voided already is refused (409 on `serial`). */
export async function voidBlankForm(db: Db, v: { serial: string; stationId: number; reason: string; by: AuditActor }): Promise<BlankForm> {
  return db.transaction(async (trx) => {
    const row = await trx('blank_forms').where({ serial: v.serial, station_id: v.stationId }).forUpdate().first();
    if (!row || row.status !== 'station')
      throw refuse('serial', 'not_in_stock', `form ${v.serial} is ${row?.status ?? 'unknown'}: only a form in stock can be voided`);
    const changes = { status: 'voided', void_reason: v.reason, voided_by: v.by.actorId, updated_at: new Date() };
    await trx('blank_forms').where({ serial: v.serial }).update(changes);
    await appendAuditEvent(trx, BLANK_FORM_CASE, stationStockTrail(v.stationId), {
      ...v.by,
      action: 'blank_form_voided',
      data: { serial: v.serial, quarter: row.quarter, reason: v.reason },
    });
    return formFromRow({ ...row, ...changes });
  });
}

/** The serials the register says the station holds for the quarter (given, neither printed on nor voided). */
export async function blankFormsInStock(db: Db, stationId: number, quarter: string): Promise<string[]> {
  return db('blank_forms').where({ station_id: stationId, quarter, status: 'station' }).orderBy(['series', 'seq']).pluck('serial');
}

export interface Stocktake {
  id: string;
  stationId: number;
  quarter: string;
  counted: number;
  expected: number;
  balanced: boolean;
  /** Held by the register but not reported, and reported but not held (when the station listed its serials). */
  missing: string[] | null;
  unexpected: string[] | null;
  complaintId: string | null;
  at: string;
  by: string;
}

const json = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'string' ? (JSON.parse(v) as string[]) : (v as string[]));

function stocktakeFromRow(r: Record<string, any>): Stocktake {
  return {
    id: r.id,
    stationId: r.station_id,
    quarter: r.quarter,
    counted: r.counted,
    expected: r.expected,
    balanced: Boolean(r.balanced),
    missing: json(r.missing),
    unexpected: json(r.unexpected),
    complaintId: r.complaint_id ?? null,
    at: new Date(r.at).toISOString(),
    by: r.recorded_by,
  };
}

export async function findStocktake(db: Db, id: string): Promise<Stocktake | null> {
  const row = await db('blank_form_stocktakes').where({ id }).first();
  return row ? stocktakeFromRow(row) : null;
}

/** Records a stocktake once, with its entry on the station's trail; a retry with the same id changes nothing. */
export async function recordStocktake(db: Db, s: Omit<Stocktake, 'at' | 'by'>, by: AuditActor): Promise<Stocktake> {
  try {
    await db.transaction(async (trx) => {
      await trx('blank_form_stocktakes').insert({
        id: s.id,
        station_id: s.stationId,
        quarter: s.quarter,
        counted: s.counted,
        expected: s.expected,
        balanced: s.balanced,
        missing: s.missing ? JSON.stringify(s.missing) : null,
        unexpected: s.unexpected ? JSON.stringify(s.unexpected) : null,
        complaint_id: s.complaintId,
        at: new Date(),
        recorded_by: by.actorId,
      });
      await appendAuditEvent(trx, BLANK_FORM_CASE, stationStockTrail(s.stationId), {
        ...by,
        action: 'blank_forms_stocktaken',
        data: { stocktakeId: s.id, quarter: s.quarter, counted: s.counted, expected: s.expected, balanced: s.balanced, complaintId: s.complaintId },
      });
    });
  } catch (error) {
    // The same stocktake recorded by a concurrent retry: theirs stands, with its one trail entry.
    if ((error as { code?: string }).code !== 'ER_DUP_ENTRY') throw error;
  }
  return (await findStocktake(db, s.id))!;
}

/** How many of the forms `where` selects are in each status. */
async function countsByStatus(db: Db, where: Record<string, unknown>): Promise<Record<BlankFormStatus, number>> {
  const rows: Array<{ status: string; n: number | string }> = await db('blank_forms').where(where).select('status').count({ n: '*' }).groupBy('status');
  return Object.fromEntries(BLANK_FORM_STATUSES.map((s) => [s, Number(rows.find((r) => r.status === s)?.n ?? 0)])) as Record<BlankFormStatus, number>;
}

export interface Reconciliation {
  stationId: number;
  quarter: string;
  approvedPasses: number;
  /** Forms given to the station for the quarter; issued: certificates printed on them; the rest voided or in stock. */
  received: number;
  issued: number;
  voided: number;
  inStock: number;
  /** received = issued + voided + in stock, and the last stocktake (if any) found what the register holds. */
  balanced: boolean;
  allowance: number;
  inStockRanges: SerialRange[];
  requests: CaseEvent[];
  stocktakes: Stocktake[];
}

/** The station's blank forms for a quarter, reconciled (对账): what it was given against what became of each form. */
export async function blankFormReconciliation(db: Db, stationId: number, quarter: string): Promise<Reconciliation> {
  const [counts, issuedRow, passes, ranges, trail, stocktakes] = await Promise.all([
    countsByStatus(db, { station_id: stationId, quarter }),
    db('blank_forms')
      .join('certificates', 'certificates.blank_serial', 'blank_forms.serial')
      .where({ 'blank_forms.station_id': stationId, 'blank_forms.quarter': quarter })
      .count({ n: '*' })
      .first(),
    approvedPasses(db, stationId, quarter),
    rangesOf(db, (q) => void q.where({ station_id: stationId, quarter, status: 'station' })),
    caseTimeline(db, BLANK_FORM_CASE, stationStockTrail(stationId)),
    db('blank_form_stocktakes').where({ station_id: stationId, quarter }).orderBy('at', 'desc').limit(20),
  ]);
  const received = counts.station + counts.printed + counts.voided;
  const issued = Number(issuedRow?.n ?? 0);
  const [voided, inStock] = [counts.voided, counts.station];
  const takes = stocktakes.map(stocktakeFromRow);
  return {
    stationId,
    quarter,
    approvedPasses: passes,
    received,
    issued,
    voided,
    inStock,
    balanced: received === issued + voided + inStock && (takes[0]?.balanced ?? true),
    allowance: Math.max(0, passes - received),
    inStockRanges: ranges,
    requests: trail.filter((e) => e.action === 'blank_forms_requested' && e.data?.quarter === quarter),
    stocktakes: takes,
  };
}

/** A province's stock: counts by status, the ranges still in stock, and its trail (receipts, requests, distributions). */
export async function provinceBlankStock(db: Db, provinceCode: string) {
  const [byStatus, ranges, trail] = await Promise.all([
    countsByStatus(db, { province_code: provinceCode }),
    rangesOf(db, (q) => void q.where({ province_code: provinceCode, status: 'province' })),
    caseTimeline(db, BLANK_FORM_CASE, provinceStockTrail(provinceCode)),
  ]);
  return {
    provinceCode,
    received: Object.values(byStatus).reduce((a, b) => a + b, 0),
    inStock: byStatus.province,
    distributed: byStatus.station + byStatus.printed + byStatus.voided,
    byStatus,
    inStockRanges: ranges,
    timeline: trail.slice(-200),
  };
}
