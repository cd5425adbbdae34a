import type { Knex } from 'knex';
import type { Db } from '../connect';
import type { CaseSave } from '../../domain/case';
import { ELIGIBLE_STATUSES, FINAL_QUALIFICATION_STATUSES, type QualificationState, type QualificationStatus } from '../../domain/qualification';
import { countByReason, type ImportColumn, type KnownPerson, type RejectedRow, type ValidRow } from '../../domain/examinerImport';
import type { Actor } from '../../domain/roles';
import { appendAuditEvent, saveCaseSnapshot, type AuditActor } from './events';
import { EXAMINER_CASE, examinerStatus, whereExaminerStatus } from './examiners';
import { examinersRegisteredWithin, occupationInIndustries, withinJurisdiction, type Place } from './jurisdictions';
import { containing, pendingOn, registerPage, type RegisterFilter, type RegisterPage } from './registers';
import { parseJson } from './users';

type Query = Knex.QueryBuilder;

export const QUALIFICATION_CASE = 'qualification';
export { EXAMINER_CASE } from './examiners';
export const EXAMINER_IMPORT_CASE = 'examiner_import';

/**
 * The examiner's status follows their qualifications: active while any is usable, else suspended,
 * revoked or lapsed. Every eligibility check (teams, sessions) reads it, so a change shows at once.
 */
export function examinerStatusOf(statuses: QualificationStatus[]): 'active' | 'suspended' | 'revoked' | 'lapsed' {
  if (statuses.some((s) => ELIGIBLE_STATUSES.includes(s))) return 'active';
  if (statuses.includes('suspended')) return 'suspended';
  if (statuses.includes('revoked')) return 'revoked';
  return 'lapsed';
}

/** The examiner's qualifications still in force or under way (not lapsed, revoked or rejected). */
export async function liveQualificationIds(db: Db, examinerId: string): Promise<string[]> {
  return (await db('qualifications')
    .where({ examiner_id: examinerId })
    .whereNotIn('status', FINAL_QUALIFICATION_STATUSES)
    .orderBy('id')
    .pluck('id')) as string[];
}

/** Writes the qualification row and events, then the examiner's register row and derived status. */
export type QualificationSave = CaseSave<Omit<QualificationState, 'timeline'>> & { nationalId?: string };

export async function saveQualificationSnapshot(db: Db, { case: s, pending, nationalId, createdAt, updatedAt, events }: QualificationSave): Promise<void> {
  await saveCaseSnapshot(
    db,
    {
      table: 'qualifications',
      caseType: QUALIFICATION_CASE,
      id: s.id,
      version: s.version,
      timeline: events,
      row: {
        examiner_id: s.examiner.id,
        occupation_code: s.occupationCode,
        level: s.level,
        card_number: s.cardNumber ?? null,
        status: s.status,
        issued_at: s.issuedAt ? new Date(s.issuedAt) : null,
        expires_at: s.expiresAt ? new Date(s.expiresAt) : null,
        cycle: s.cycle,
        pending_action: pending?.action ?? null,
        pending_role: pending?.role ?? null,
        pending_user_ids: pending ? JSON.stringify(pending.userIds) : null,
        summary: JSON.stringify({
          admission: s.admission ?? null,
          renewal: s.renewal ?? null,
          renewalRejected: s.renewalRejected ?? null,
          suspension: s.suspension ?? null,
          remindersSent: s.remindersSent,
          endReason: s.endReason ?? null,
        }),
        created_at: new Date(createdAt),
        updated_at: new Date(updatedAt),
      },
    },
    async (trx) => {
      // In the same transaction: no reader sees the qualification changed and the examiner not yet.
      const statuses = (await trx('qualifications').where({ examiner_id: s.examiner.id }).select('status')).map((r) => r.status as QualificationStatus);
      await trx('examiners')
        .insert({
          id: s.examiner.id,
          name: s.examiner.name,
          organisation: s.examiner.organisation,
          email: s.examiner.email,
          national_id: nationalId ?? null,
          status: examinerStatusOf(statuses),
          updated_at: new Date(),
        })
        .onConflict('id')
        .merge({ status: examinerStatusOf(statuses), email: s.examiner.email, updated_at: new Date(), ...(nationalId ? { national_id: nationalId } : {}) });
    },
  );
}

export interface QualificationFilter extends RegisterFilter {
  status?: string;
  occupationCode?: string;
  expiresBefore?: string;
  examinerId?: string;
  /** Where the examiner is registered: a province covers its cities. */
  provinceCode?: string;
  cityCode?: string;
  pendingOnMe?: boolean;
}

/**
 * An examiner belongs to the jurisdiction where they are registered (the one that qualified them), and a
 * qualification also to the industry of its occupation.
 */
const QUALIFICATION_PLACE: Place = { industry: occupationInIndustries('qualifications.occupation_code') };

const isStaff = (actor: Actor) => actor.roles.includes('supervisor') || actor.roles.includes('reviewer');

/**
 * Keeps to the examiners (their id in `column`) registered inside the jurisdictions: a user by their jurisdictions,
 * an examiner known only to the register by the region their import gave.
 */
function registeredWithin(q: Query, column: string, jurisdictions: readonly string[] | undefined): void {
  q.where((w) =>
    w
      .whereIn(column, (sub) => examinersRegisteredWithin(sub, jurisdictions))
      .orWhereIn(column, (sub) => {
        sub.select('registered.id').from('examiners as registered');
        withinJurisdiction(sub, jurisdictions, { city: 'registered.region_code', province: sub.client.raw("CONCAT(LEFT(registered.region_code, 2), '0000')") });
      }),
  );
}

/** The qualifications inside the jurisdictions: their examiner registered there, or their occupation the industry's. */
function qualificationsWithin(q: Query, jurisdictions: readonly string[] | undefined): void {
  q.where((w) =>
    w.where((j) => withinJurisdiction(j, jurisdictions, QUALIFICATION_PLACE)).orWhere((r) => registeredWithin(r, 'qualifications.examiner_id', jurisdictions)),
  );
}

/** Reviewers and supervisors see the qualifications in their jurisdictions; an examiner only their own. */
function visibleTo(q: Query, actor: Actor): void {
  q.where((w) => {
    w.where('qualifications.examiner_id', actor.id);
    if (isStaff(actor)) w.orWhere((s) => qualificationsWithin(s, actor.jurisdictions));
  });
}

/**
 * The register of qualifications the actor may see: by status, occupation, where the examiner is registered, issued
 * (created) and expiry (due) windows, waiting on them; searched by qualification id, card number, examiner id or name.
 */
export async function listQualifications(db: Db, actor: Actor, f: QualificationFilter): Promise<RegisterPage<QualificationRecord>> {
  const q = db('qualifications');
  visibleTo(q, actor);
  if (f.status) q.where('status', f.status);
  if (f.occupationCode) q.where('occupation_code', f.occupationCode);
  if (f.expiresBefore) q.where('expires_at', '<', new Date(f.expiresBefore));
  if (f.examinerId) q.where('examiner_id', f.examinerId);
  for (const place of [f.provinceCode, f.cityCode]) if (place) q.where((w) => registeredWithin(w, 'qualifications.examiner_id', [place]));
  if (f.pendingOnMe) pendingOn(q, actor);
  if (f.q) {
    const search = f.q;
    q.where((w) =>
      w
        .where('qualifications.id', search)
        .orWhere('card_number', 'like', containing(search))
        .orWhere('examiner_id', search)
        .orWhereIn('examiner_id', (sub) => sub.select('id').from('examiners').where('name', 'like', containing(search))),
    );
  }
  return registerPage(q, { id: 'qualifications.id', idOrder: 'desc', created: 'created_at', due: 'expires_at' }, f, toRecord);
}

export async function findQualification(db: Db, actor: Actor, id: string) {
  const q = db('qualifications').where({ id });
  visibleTo(q, actor);
  const row = await q.first();
  return row ? toRecord(row) : undefined;
}

export type QualificationRecord = ReturnType<typeof toRecord>;

function toRecord(r: Record<string, any>) {
  return {
    id: r.id as string,
    examinerId: r.examiner_id as string,
    occupationCode: r.occupation_code as string,
    level: r.level as number,
    cardNumber: r.card_number as string | null,
    status: r.status as QualificationStatus,
    issuedAt: r.issued_at ? new Date(r.issued_at).toISOString() : null,
    expiresAt: r.expires_at ? new Date(r.expires_at).toISOString() : null,
    cycle: r.cycle as number,
    pending: r.pending_action ? { action: r.pending_action, role: r.pending_role, userIds: parseJson<string[]>(r.pending_user_ids) ?? [] } : null,
    summary: parseJson<Record<string, unknown>>(r.summary),
    version: r.version as number,
  };
}

/** Violations on an examiner's conduct record since a time: more than the policy's number needs a supervisor at renewal. */
export async function violationsSince(db: Db, examinerId: string, since: string): Promise<number> {
  const row = await db('conduct_records')
    .where({ examiner_id: examinerId, kind: 'violation' })
    .where('recorded_at', '>=', new Date(since))
    .count({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

/** `operationId`: the id a request's Idempotency-Key reserved; an entry already recorded under it is not recorded again. */
export async function addConduct(
  db: Db,
  c: { examinerId: string; kind: 'commendation' | 'violation'; description: string; source: string },
  by: AuditActor,
  operationId?: string,
): Promise<void> {
  await db.transaction(async (trx) => {
    if (operationId && (await trx('conduct_records').where({ operation_id: operationId }).first('id'))) return;
    await trx('conduct_records').insert({
      examiner_id: c.examinerId,
      kind: c.kind,
      description: c.description,
      source: c.source,
      recorded_by: by.actorId,
      recorded_at: new Date(),
      operation_id: operationId ?? null,
    });
    await appendAuditEvent(trx, EXAMINER_CASE, c.examinerId, { ...by, action: `${c.kind}_recorded`, data: { description: c.description, source: c.source } });
  });
}

export async function addTraining(
  db: Db,
  t: { examinerId: string; hours: number; course: string; completedOn: string },
  by: AuditActor,
  operationId?: string,
): Promise<void> {
  await db.transaction(async (trx) => {
    if (operationId && (await trx('training_records').where({ operation_id: operationId }).first('id'))) return;
    await trx('training_records').insert({
      examiner_id: t.examinerId,
      hours: t.hours,
      course: t.course,
      completed_on: t.completedOn,
      source: by.actorId,
      operation_id: operationId ?? null,
    });
    await appendAuditEvent(trx, EXAMINER_CASE, t.examinerId, {
      ...by,
      action: 'training_recorded',
      data: { hours: t.hours, course: t.course, completedOn: t.completedOn },
    });
  });
}

/**
 * Whether a reviewer or supervisor covers an examiner of the register: registered inside their jurisdictions, or
 * holding a qualification they see. (An examiner's own entry is theirs by right, not by this.)
 */
export async function coversExaminer(db: Db, actor: Actor, id: string): Promise<boolean> {
  if (!isStaff(actor)) return false;
  const row = await db('examiners')
    .where('examiners.id', id)
    .where((w) => examinersCovered(w, actor.jurisdictions))
    .first('examiners.id');
  return row !== undefined;
}

/** The register entries inside the jurisdictions: registered there, or holding a qualification there. */
function examinersCovered(w: Query, jurisdictions: readonly string[] | undefined): void {
  registeredWithin(w, 'examiners.id', jurisdictions);
  w.orWhereExists((sub) => {
    sub.select(1).from('qualifications').whereRaw('qualifications.examiner_id = examiners.id');
    qualificationsWithin(sub, jurisdictions);
  });
}

export interface ExaminerFilter extends RegisterFilter {
  status?: string;
  /** Where the examiner is registered: a province covers its cities. */
  provinceCode?: string;
  cityCode?: string;
  /** Holding a qualification in the occupation. */
  occupationCode?: string;
}

/**
 * The examiner register (考评员台账) as `examinerRecord` lets the actor see it: their own entry, and those a reviewer
 * or supervisor covers; by status, where registered and occupation, searched by id or name, in id order.
 */
export async function listExaminers(db: Db, actor: Actor, f: ExaminerFilter) {
  const q = db('examiners').select('examiners.*', examinerStatus(db));
  q.where((w) => {
    w.where('examiners.id', actor.id);
    if (isStaff(actor)) w.orWhere((s) => examinersCovered(s, actor.jurisdictions));
  });
  if (f.status) whereExaminerStatus(q, f.status);
  for (const place of [f.provinceCode, f.cityCode]) if (place) q.where((w) => registeredWithin(w, 'examiners.id', [place]));
  if (f.occupationCode)
    q.whereExists((sub) =>
      sub.select(1).from('qualifications').whereRaw('qualifications.examiner_id = examiners.id').where('qualifications.occupation_code', f.occupationCode!),
    );
  if (f.q) {
    const search = f.q;
    q.where((w) => w.where('examiners.id', search).orWhere('examiners.name', 'like', containing(search)));
  }
  return registerPage(q, { id: 'examiners.id', idOrder: 'asc' }, f, (r) => ({
    id: r.id as string,
    name: r.name as string,
    organisation: r.organisation as string,
    status: r.status as string,
    regionCode: r.region_code as string | null,
    suspendedUntil: r.suspended_until ? new Date(r.suspended_until).toISOString() : null,
  }));
}

/**
 * The register entry if the caller may see it (their own, or one they cover), as they may see it: the national id
 * masked, and only the qualifications they see.
 */
export async function examinerRecord(db: Db, actor: Actor, id: string) {
  if (actor.id !== id && !(await coversExaminer(db, actor, id))) return undefined;
  const row = await db('examiners').where({ id }).first('*', examinerStatus(db));
  if (!row) return undefined;
  const visible = db('qualifications').where({ examiner_id: id }).orderBy('id');
  visibleTo(visible, actor);
  const [qualifications, training, conduct, sessions] = await Promise.all([
    visible,
    db('training_records').where({ examiner_id: id }).orderBy('completed_on'),
    db('conduct_records').where({ examiner_id: id }).orderBy('recorded_at'),
    db('appraisal_session_examiners').where({ examiner_id: id }).count({ n: '*' }).first(),
  ]);
  return {
    id: row.id as string,
    name: row.name as string,
    organisation: row.organisation as string,
    nationalId: maskNationalId(row.national_id),
    status: row.status as string,
    /** A suspension recorded on the register (a complaint finding's), which holds until this time whatever the qualifications. */
    suspendedUntil: row.suspended_until ? new Date(row.suspended_until).toISOString() : null,
    qualifications: qualifications.map(toRecord),
    training: training.map((t) => ({
      hours: Number(t.hours),
      course: t.course,
      completedOn: new Date(t.completed_on).toISOString().slice(0, 10),
      source: t.source,
    })),
    sessionsConducted: Number(sessions?.n ?? 0),
    conduct: conduct.map((c) => ({ kind: c.kind, description: c.description, source: c.source, recordedAt: new Date(c.recorded_at).toISOString() })),
  };
}

/** 440106********1234: region prefix and last four only. */
export function maskNationalId(id: string | null): string | null {
  return id ? `${id.slice(0, 6)}${'*'.repeat(Math.max(0, id.length - 10))}${id.slice(-4)}` : null;
}

/** "examiner/occupation" of the live qualifications among the given examiners: a second one is refused. */
/** `exceptImport`: leave out the rows of one import, so a retried import is judged as it was the first time. */
export async function liveQualificationPairs(db: Db, examinerIds: string[], exceptImport?: string): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < examinerIds.length; i += 1000) {
    const rows = await notOfImport(db('qualifications'), exceptImport)
      .whereIn('examiner_id', examinerIds.slice(i, i + 1000))
      .whereNotIn('status', ['lapsed', 'revoked', 'rejected'])
      .select('examiner_id', 'occupation_code');
    for (const r of rows) found.add(`${r.examiner_id}/${r.occupation_code}`);
  }
  return found;
}

export async function existingCardNumbers(db: Db, cards: string[], exceptImport?: string): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < cards.length; i += 1000) {
    const rows = await notOfImport(db('qualifications'), exceptImport)
      .whereIn('card_number', cards.slice(i, i + 1000))
      .select('card_number');
    for (const r of rows) found.add(r.card_number);
  }
  return found;
}

function notOfImport(query: ReturnType<Db>, importId: string | undefined): ReturnType<Db> {
  return importId ? query.where((q) => q.whereNull('import_id').orWhereNot('import_id', importId)) : query;
}

/** Of the ids a file names, the people already known (examiners of the register, users) and whether each is registered inside the jurisdictions. */
export async function knownPeople(db: Db, jurisdictions: readonly string[] | undefined, ids: string[]): Promise<Map<string, KnownPerson>> {
  const known = new Map<string, KnownPerson>();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const [examiners, users, inside] = await Promise.all([
      db('examiners').whereIn('id', chunk).select('id', 'national_id', examinerStatus(db)),
      db('users').whereIn('id', chunk).pluck('id'),
      Promise.all(
        ['users', 'examiners'].map((table) =>
          db(table)
            .whereIn(`${table}.id`, chunk)
            .where((w) => registeredWithin(w, `${table}.id`, jurisdictions))
            .pluck(`${table}.id`),
        ),
      ),
    ]);
    const registered = new Set<string>(inside.flat());
    // A user who is no examiner yet has no national id in the register: no row can match them.
    for (const id of users as string[]) known.set(id, { nationalId: null, status: null, registeredWithin: registered.has(id) });
    for (const e of examiners) known.set(e.id, { nationalId: e.national_id ?? null, status: e.status, registeredWithin: registered.has(e.id) });
  }
  return known;
}

/**
 * Records an import in one transaction (nothing half-written): the import with its counts and rejected rows, its
 * audit entry, the examiners new to the register and the qualifications. An examiner already known is not written:
 * an import changes neither their identity nor their status. The cycles are started afterwards by the import workflow.
 */
export async function recordImport(
  db: Db,
  imp: { id: string; by: AuditActor; jurisdictions: string[]; valid: Array<ValidRow & { qualificationId: string }>; rejected: RejectedRow[] },
): Promise<void> {
  const at = new Date();
  await db.transaction(async (trx) => {
    // A retried import (the same Idempotency-Key, so the same id) finds its record in place.
    if (await trx('examiner_imports').where({ id: imp.id }).first('id')) return;
    const { valid, rejected } = imp;
    await trx('examiner_imports').insert({
      id: imp.id,
      imported_by: imp.by.actorId,
      jurisdictions: JSON.stringify(imp.jurisdictions),
      imported: valid.length,
      rejected: rejected.length,
      rejected_by_reason: JSON.stringify(countByReason(rejected)),
      created_at: at,
    });
    await appendAuditEvent(trx, EXAMINER_IMPORT_CASE, imp.id, {
      ...imp.by,
      action: 'examiners_imported',
      data: { qualifications: valid.length, examiners: new Set(valid.map((r) => r.examiner_id)).size, rejected: rejected.length },
    });
    const newExaminers = [
      ...new Map(
        valid
          .filter((r) => r.newExaminer)
          .map((r) => [
            r.examiner_id,
            {
              id: r.examiner_id,
              name: r.name,
              organisation: r.organisation,
              email: r.email,
              national_id: r.national_id,
              region_code: r.region_code,
              status: 'active',
              updated_at: at,
            },
          ]),
      ).values(),
    ];
    for (let i = 0; i < newExaminers.length; i += 500) await trx('examiners').insert(newExaminers.slice(i, i + 500));
    for (let i = 0; i < valid.length; i += 500) {
      await trx('qualifications').insert(
        valid.slice(i, i + 500).map((r) => ({
          id: r.qualificationId,
          examiner_id: r.examiner_id,
          occupation_code: r.occupation_code,
          level: r.level,
          card_number: r.card_number,
          status: 'active',
          issued_at: new Date(`${r.issued_on}T00:00:00Z`),
          expires_at: new Date(`${r.expires_on}T00:00:00Z`),
          cycle: 1,
          summary: JSON.stringify({ imported: imp.id }),
          version: 0,
          import_id: imp.id,
          created_at: at,
          updated_at: at,
        })),
      );
    }
    for (let i = 0; i < rejected.length; i += 500) {
      await trx('examiner_import_rejections').insert(
        rejected.slice(i, i + 500).map((r) => ({
          import_id: imp.id,
          line: r.line,
          reasons: JSON.stringify(r.reasons),
          errors: JSON.stringify(r.errors),
          cells: JSON.stringify(r.cells),
        })),
      );
    }
  });
}

/** What an import did: how many imported, how many rejected and why, and the first `first` rejected rows. */
export async function importSummary(db: Db, importId: string, first: number) {
  const [record, rows] = await Promise.all([
    db('examiner_imports').where({ id: importId }).first(),
    db('examiner_import_rejections').where({ import_id: importId }).orderBy('line').limit(first).select('line', 'reasons', 'errors'),
  ]);
  return {
    imported: Number(record.imported),
    rejectedCount: Number(record.rejected),
    rejectedByReason: parseJson<Record<string, number>>(record.rejected_by_reason) ?? {},
    rejected: rows.map((r) => ({ line: r.line as number, reasons: parseJson<string[]>(r.reasons) ?? [], errors: parseJson<string[]>(r.errors) ?? [] })),
  };
}

/** Who made an import, and in which jurisdictions. */
export async function findImport(db: Db, importId: string): Promise<{ id: string; importedBy: string; jurisdictions: string[] } | undefined> {
  const row = await db('examiner_imports').where({ id: importId }).first('id', 'imported_by', 'jurisdictions');
  return row && { id: row.id, importedBy: row.imported_by, jurisdictions: parseJson<string[]>(row.jurisdictions) ?? [] };
}

/** Every rejected row of an import, in line order, as sent. */
export async function importRejections(
  db: Db,
  importId: string,
): Promise<Array<Omit<RejectedRow, 'cells'> & { cells: Partial<Record<ImportColumn, string>> }>> {
  const rows = await db('examiner_import_rejections').where({ import_id: importId }).orderBy('line').select('line', 'reasons', 'errors', 'cells');
  return rows.map((r) => ({
    line: r.line,
    reasons: parseJson<string[]>(r.reasons) ?? [],
    errors: parseJson<string[]>(r.errors) ?? [],
    cells: parseJson<Partial<Record<ImportColumn, string>>>(r.cells) ?? {},
  }));
}

/** One page of an import's qualifications, in id order after a cursor, as their cycles need them. */
export async function importedQualificationsPage(db: Db, importId: string, afterId: string, limit: number) {
  const rows = await db('qualifications')
    .join('examiners', 'examiners.id', 'qualifications.examiner_id')
    .where('qualifications.import_id', importId)
    .where('qualifications.id', '>', afterId)
    .orderBy('qualifications.id')
    .limit(limit)
    .select('qualifications.*', 'examiners.name', 'examiners.email', 'examiners.organisation', 'examiners.national_id');
  return rows.map((r) => ({
    id: r.id as string,
    examiner: { id: r.examiner_id as string, name: r.name as string, email: r.email as string, organisation: r.organisation as string },
    nationalId: r.national_id as string,
    occupationCode: r.occupation_code as string,
    level: r.level as number,
    issued: { cardNumber: r.card_number as string, issuedAt: new Date(r.issued_at).toISOString(), expiresAt: new Date(r.expires_at).toISOString() },
  }));
}
