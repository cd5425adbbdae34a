import type { Db } from '../connect';
import { chinaDate } from '../../domain/chinaTime';
import { composeCertificateNumber, quarterOf, quarterSpan, type CertificateStatus, type ReplacementReason } from '../../domain/certificate';
import { notAllowed } from '../../domain/errors';
import { OCCUPATIONS } from '../../domain/occupations';
import type { Actor } from '../../domain/roles';
import { appendAuditEvent, type AuditActor } from './events';
import { stationIdsWithin, withinJurisdiction } from './jurisdictions';
import { containing } from './registers';
import { SESSION_CASE } from './sessions';

/** One certificate of the register (证书台账), as the API and the activities read it. */
export interface Certificate {
  number: string;
  holderName: string;
  holderMaskedId: string;
  holderIdHash: string;
  occupationCode: string;
  level: number;
  sessionId: string | null;
  candidateId: string | null;
  stationId: number | null;
  issuerCode: string;
  issuedOn: string;
  quarter: string;
  source: 'session' | 'legacy' | 'replacement';
  blankSerial: string | null;
  status: CertificateStatus;
  revokedAt: string | null;
  revokedReason: string | null;
  revokedBy: string | null;
  revokedCase: string | null;
  replaces: string | null;
  replacedBy: string | null;
}

export type NewCertificate = Omit<Certificate, 'status' | 'revokedAt' | 'revokedReason' | 'revokedBy' | 'revokedCase' | 'replacedBy' | 'blankSerial'> & {
  blankSerial?: string | null;
};

// DATE columns come back as UTC midnight (the connection's zone is UTC).
const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v));

export function certificateFromRow(r: Record<string, any>): Certificate {
  return {
    number: r.number,
    holderName: r.holder_name,
    holderMaskedId: r.holder_masked_id,
    holderIdHash: r.holder_id_hash,
    occupationCode: r.occupation_code,
    level: Number(r.level),
    sessionId: r.session_id ?? null,
    candidateId: r.candidate_id ?? null,
    stationId: r.station_id ?? null,
    issuerCode: r.issuer_code,
    issuedOn: day(r.issued_on),
    quarter: r.quarter,
    source: r.source,
    blankSerial: r.blank_serial ?? null,
    status: r.status,
    revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    revokedReason: r.revoked_reason ?? null,
    revokedBy: r.revoked_by ?? null,
    revokedCase: r.revoked_case ?? null,
    replaces: r.replaces ?? null,
    replacedBy: r.replaced_by ?? null,
  };
}

export function certificateRow(c: NewCertificate, createdAt: Date): Record<string, unknown> {
  return {
    number: c.number,
    holder_name: c.holderName,
    holder_masked_id: c.holderMaskedId,
    holder_id_hash: c.holderIdHash,
    occupation_code: c.occupationCode,
    level: c.level,
    session_id: c.sessionId,
    candidate_id: c.candidateId,
    station_id: c.stationId,
    issuer_code: c.issuerCode,
    issued_on: c.issuedOn,
    quarter: c.quarter,
    source: c.source,
    blank_serial: c.blankSerial ?? null,
    replaces: c.replaces,
    created_at: createdAt,
  };
}

/** Inserts new certificates in one statement; a number already present is left as it is (a retry inserts nothing). */
export async function insertCertificates(db: Db, certificates: NewCertificate[]): Promise<void> {
  if (certificates.length === 0) return;
  const at = new Date();
  await db('certificates')
    .insert(certificates.map((c) => certificateRow(c, at)))
    .onConflict('number')
    .ignore();
}

export async function findCertificate(db: Db, number: string): Promise<Certificate | null> {
  const row = await db('certificates').where({ number }).first();
  return row ? certificateFromRow(row) : null;
}

/**
 * Who sees a certificate in the register: supervisors and reviewers whose jurisdiction holds its station (an imported
 * one without a station: its issuing province), and the station's administrator. Everyone else: as if it did not exist.
 */
export function certificatesVisibleTo(query: ReturnType<Db>, actor: Actor): void {
  query.where((q) => {
    q.whereRaw('1 = 0');
    if (actor.roles.includes('supervisor') || actor.roles.includes('reviewer')) {
      q.orWhereIn('certificates.station_id', (sub) => stationIdsWithin(sub, actor.jurisdictions));
      q.orWhere((w) => {
        w.whereNull('certificates.station_id');
        withinJurisdiction(w, actor.jurisdictions, { province: 'certificates.issuer_code' });
      });
    }
    if (actor.roles.includes('station_admin')) q.orWhereIn('certificates.station_id', (sub) => sub.select('id').from('stations').where('admin_id', actor.id));
  });
}

/** A certificate the actor may see, or null (the API answers 404 for both). */
export async function findCertificateFor(db: Db, actor: Actor, number: string): Promise<Certificate | null> {
  const query = db('certificates').where('certificates.number', number).select('certificates.*');
  certificatesVisibleTo(query, actor);
  const row = await query.first();
  return row ? certificateFromRow(row) : null;
}

/** Audit entries of the register: case_type `certificate`, case_id the number. */
export const CERTIFICATE_CASE = 'certificate';

/** A certificate as staff read it: the holder's name in full, the identity number only masked, names of its occupation and station. */
export type CertificateView = Omit<Certificate, 'holderIdHash' | 'candidateId'> & { occupationName: string | null; stationName: string | null };

function certificateView(r: Record<string, any>): CertificateView {
  const { holderIdHash: _hash, candidateId: _candidate, ...c } = certificateFromRow(r);
  return { ...c, occupationName: OCCUPATIONS.find((o) => o.code === c.occupationCode)?.name ?? null, stationName: r.station_name ?? null };
}

/** The register as the actor may see it, with station names. */
function visibleRegister(db: Db, actor: Actor) {
  const query = db('certificates').leftJoin('stations', 'stations.id', 'certificates.station_id').select('certificates.*', 'stations.name as station_name');
  certificatesVisibleTo(query, actor);
  return query;
}

export async function findCertificateViewFor(db: Db, actor: Actor, number: string): Promise<CertificateView | null> {
  const row = await visibleRegister(db, actor).where('certificates.number', number).first();
  return row ? certificateView(row) : null;
}

export interface CertificateFilter {
  number?: string;
  holderName?: string;
  sessionId?: string;
  stationId?: number;
  status?: CertificateStatus;
  occupationCode?: string;
  level?: number;
  issuedFrom?: string;
  issuedTo?: string;
  page: number;
  pageSize: number;
}

/** The register (证书台账) the actor may see, newest issue first, a page at a time with the count of all that match. */
export async function listCertificates(
  db: Db,
  actor: Actor,
  f: CertificateFilter,
): Promise<{ items: CertificateView[]; total: number; page: number; pageSize: number }> {
  const base = visibleRegister(db, actor);
  if (f.number) base.where('certificates.number', f.number);
  if (f.holderName) base.where('certificates.holder_name', 'like', containing(f.holderName));
  if (f.sessionId) base.where('certificates.session_id', f.sessionId);
  if (f.stationId) base.where('certificates.station_id', f.stationId);
  if (f.status) base.where('certificates.status', f.status);
  if (f.occupationCode) base.where('certificates.occupation_code', f.occupationCode);
  if (f.level) base.where('certificates.level', f.level);
  if (f.issuedFrom) base.where('certificates.issued_on', '>=', f.issuedFrom);
  if (f.issuedTo) base.where('certificates.issued_on', '<=', f.issuedTo);
  const [rows, counted] = await Promise.all([
    base
      .clone()
      .orderBy('certificates.issued_on', 'desc')
      .orderBy('certificates.number', 'desc')
      .offset((f.page - 1) * f.pageSize)
      .limit(f.pageSize),
    base.clone().clearSelect().count({ n: '*' }).first(),
  ]);
  return { items: rows.map(certificateView), total: Number(counted?.n ?? 0), page: f.page, pageSize: f.pageSize };
}

/** A session's certificates, for its page. */
export async function sessionCertificates(db: Db, sessionId: string): Promise<Array<Pick<Certificate, 'number' | 'candidateId' | 'holderName' | 'status'>>> {
  const rows = await db('certificates').where({ session_id: sessionId }).orderBy('number').select('number', 'candidate_id', 'holder_name', 'status');
  return rows.map((r) => ({ number: r.number, candidateId: r.candidate_id ?? null, holderName: r.holder_name, status: r.status }));
}

/**
 * The next `count` numbers of an issuing province, year and level, inside the caller's transaction. The sequence row
 * is bumped first, which takes its write lock at once (a read lock first would let two issuers deadlock on the
 * upgrade): concurrent issuers queue, never share a number, and a rolled-back issue gives its numbers back.
 */
async function allocateNumbers(trx: Db, key: { provinceCode: string; year: number; level: number }, count: number): Promise<string[]> {
  const where = { province_code: key.provinceCode, year: key.year, level: key.level };
  const numbers: string[] = [];
  while (numbers.length < count) {
    const wanted = count - numbers.length;
    const bump = () => trx('certificate_sequences').where(where).increment('next_sequence', wanted);
    if (!(await bump())) {
      await trx('certificate_sequences')
        .insert({ ...where, next_sequence: 1 })
        .onConflict(['province_code', 'year', 'level'])
        .ignore();
      await bump();
    }
    const row = await trx('certificate_sequences').where(where).first('next_sequence');
    const first = Number(row.next_sequence) - wanted;
    const drawn = Array.from({ length: wanted }, (_, i) => composeCertificateNumber({ ...key, sequence: first + i }));
    // Numbers imported from before may lie ahead of the sequence: those are passed over, never issued twice.
    const taken = new Set<string>(await trx('certificates').whereIn('number', drawn).pluck('number'));
    numbers.push(...drawn.filter((n) => !taken.has(n)));
  }
  return numbers;
}

export type SessionIssue = { issued: true; numbers: string[]; added: number } | { issued: false; reason: string };

/**
 * One certificate per passing candidate of an approved session, in one transaction: those who have one already are
 * skipped (unique per session and candidate, and the session row is locked, so a retry or a second worker issues
 * nothing more). Numbers are of the station's province and the year of approval; the quarter is the approval's. The
 * quarterly count (certificates of a station, occupation and quarter never more than the passes its sessions approved
 * in that quarter) is checked before commit: beyond it nothing is issued and the reason is answered.
 * `numbers`: all the session's certificates, so a retried call answers as the first did.
 */
export async function issueSessionCertificates(db: Db, sessionId: string): Promise<SessionIssue> {
  return db
    .transaction<SessionIssue>(
      async (trx) => {
        // Issuers of one session queue on its row (the station's is only read).
        const session = await trx('appraisal_sessions').where({ id: sessionId }).forUpdate().first('status', 'station_id');
        if (!session) return { issued: false, reason: `no session ${sessionId}` };
        if (session.status !== 'approved') return { issued: false, reason: `the session is ${session.status}, not approved` };
        const { province_code: issuerCode } = await trx('stations').where({ id: session.station_id }).first('province_code');
        const approval = await trx('events')
          .where({ case_type: SESSION_CASE, case_id: sessionId, action: 'results_approved' })
          .orderBy('seq', 'desc')
          .first('at');
        if (!approval) return { issued: false, reason: 'the approval is not on the trail' };
        const approvedAt = new Date(approval.at).toISOString();
        const quarter = quarterOf(approvedAt);
        const issuedOn = chinaDate(approvedAt);
        const had = new Set<string>(await trx('certificates').where({ session_id: sessionId }).whereNotNull('candidate_id').pluck('candidate_id'));
        const due = (await trx('session_candidates').where({ session_id: sessionId, passed: true }).orderBy('candidate_id')).filter(
          (c) => !had.has(c.candidate_id),
        );
        const fresh: NewCertificate[] = [];
        for (const level of [...new Set(due.map((c) => Number(c.level)))]) {
          const ofLevel = due.filter((c) => Number(c.level) === level);
          const key = { provinceCode: String(issuerCode).slice(0, 2), year: Number(issuedOn.slice(0, 4)), level };
          const numbers = await allocateNumbers(trx, key, ofLevel.length);
          ofLevel.forEach((c, i) =>
            fresh.push({
              number: numbers[i],
              holderName: c.name,
              holderMaskedId: c.masked_id,
              holderIdHash: c.id_hash,
              occupationCode: c.occupation_code,
              level,
              sessionId,
              candidateId: c.candidate_id,
              stationId: session.station_id,
              issuerCode,
              issuedOn,
              quarter,
              source: 'session',
              replaces: null,
            }),
          );
        }
        await insertCertificates(trx, fresh);
        for (const occupationCode of [...new Set(fresh.map((c) => c.occupationCode))]) {
          const over = await quarterlyExcess(trx, { stationId: session.station_id, occupationCode, quarter });
          if (over) {
            // Thrown to roll back what was inserted; answered below as a refusal.
            throw new QuarterlyCountExceeded(`${occupationCode} ${quarter}: ${over.issued} certificates for ${over.passes} approved passes`);
          }
        }
        for (const c of fresh)
          await appendAuditEvent(trx, CERTIFICATE_CASE, c.number, { actorId: 'system', actorRole: 'system', action: 'issued', data: { sessionId } });
        const numbers: string[] = await trx('certificates').where({ session_id: sessionId }).whereNotNull('candidate_id').orderBy('number').pluck('number');
        return { issued: true, numbers, added: fresh.length };
      },
      { isolationLevel: 'read committed' },
    )
    .catch((error: unknown): SessionIssue => {
      if (error instanceof QuarterlyCountExceeded) return { issued: false, reason: `quarterly count exceeded (${error.message})` };
      throw error;
    });
}

class QuarterlyCountExceeded extends Error {}

/** Certificates issued from sessions for a station, occupation and quarter beyond the passes its sessions approved in it, or null. */
async function quarterlyExcess(trx: Db, k: { stationId: number; occupationCode: string; quarter: string }): Promise<{ issued: number; passes: number } | null> {
  const { from, before } = quarterSpan(k.quarter);
  const [issued, passes] = await Promise.all([
    trx('certificates').where({ station_id: k.stationId, occupation_code: k.occupationCode, quarter: k.quarter, source: 'session' }).count({ n: '*' }).first(),
    trx('session_candidates as c')
      .join('appraisal_sessions as s', 's.id', 'c.session_id')
      .where({ 's.station_id': k.stationId, 's.status': 'approved', 'c.passed': true, 'c.occupation_code': k.occupationCode })
      .whereExists((e) =>
        e
          .from('events')
          .where({ case_type: SESSION_CASE, action: 'results_approved' })
          .whereRaw('events.case_id = s.id')
          .where('events.at', '>=', new Date(from))
          .where('events.at', '<', new Date(before)),
      )
      .count({ n: '*' })
      .first(),
  ]);
  const counts = { issued: Number(issued?.n ?? 0), passes: Number(passes?.n ?? 0) };
  return counts.issued > counts.passes ? counts : null;
}

/** A certificate locked for a change, refused (409) unless valid. */
async function lockValid(trx: Db, number: string): Promise<Certificate | null> {
  const row = await trx('certificates').where({ number }).forUpdate().first();
  if (!row) return null;
  const c = certificateFromRow(row);
  if (c.status !== 'valid') throw notAllowed(`certificate ${number} is ${c.status}: only a valid certificate can be revoked or replaced`);
  return c;
}

export interface Revocation {
  reason: string;
  /** The case that caused it (`complaint:<id>`), if any. */
  revokedCase?: string | null;
  audit: AuditActor;
}

/** Revokes a valid certificate (409 otherwise; null if there is none), with its audit entry. */
export async function revokeCertificate(db: Db, number: string, r: Revocation): Promise<Certificate | null> {
  return db.transaction(async (trx) => {
    if (!(await lockValid(trx, number))) return null;
    const at = new Date();
    await trx('certificates')
      .where({ number })
      .update({ status: 'revoked', revoked_at: at, revoked_by: r.audit.actorId, revoked_reason: r.reason, revoked_case: r.revokedCase ?? null });
    await appendAuditEvent(trx, CERTIFICATE_CASE, number, {
      ...r.audit,
      action: 'revoked',
      statusBefore: 'valid',
      statusAfter: 'revoked',
      data: { reason: r.reason, ...(r.revokedCase ? { case: r.revokedCase } : {}) },
    });
    return certificateFromRow(await trx('certificates').where({ number }).first());
  });
}

/**
 * A replacement (补发/换发) for a lost or damaged certificate, in one transaction: a new number of the same issuing
 * province and level in this year, for the same holder, occupation and station; the old one marked replaced by it.
 * The session keeps both; only the first carries the candidate (one session certificate per candidate).
 */
export async function replaceCertificate(
  db: Db,
  number: string,
  r: { reason: ReplacementReason; note?: string; audit: AuditActor },
): Promise<{ old: Certificate; replacement: Certificate } | null> {
  return db.transaction(async (trx) => {
    const old = await lockValid(trx, number);
    if (!old) return null;
    const now = new Date().toISOString();
    const issuedOn = chinaDate(now);
    const [fresh] = await allocateNumbers(trx, { provinceCode: old.issuerCode.slice(0, 2), year: Number(issuedOn.slice(0, 4)), level: old.level }, 1);
    await insertCertificates(trx, [
      {
        number: fresh,
        holderName: old.holderName,
        holderMaskedId: old.holderMaskedId,
        holderIdHash: old.holderIdHash,
        occupationCode: old.occupationCode,
        level: old.level,
        sessionId: old.sessionId,
        candidateId: null,
        stationId: old.stationId,
        issuerCode: old.issuerCode,
        issuedOn,
        quarter: quarterOf(now),
        source: 'replacement',
        replaces: number,
      },
    ]);
    await trx('certificates').where({ number }).update({ status: 'replaced', replaced_by: fresh });
    const data = { reason: r.reason, ...(r.note ? { note: r.note } : {}) };
    await appendAuditEvent(trx, CERTIFICATE_CASE, number, {
      ...r.audit,
      action: 'replaced',
      statusBefore: 'valid',
      statusAfter: 'replaced',
      data: { ...data, replacedBy: fresh },
    });
    await appendAuditEvent(trx, CERTIFICATE_CASE, fresh, { ...r.audit, action: 'issued', statusAfter: 'valid', data: { ...data, replaces: number } });
    const [a, b] = await Promise.all([trx('certificates').where({ number }).first(), trx('certificates').where({ number: fresh }).first()]);
    return { old: certificateFromRow(a), replacement: certificateFromRow(b) };
  });
}

/** A certificate with the names its public answer and its document show: its station's and its issuing jurisdiction's. */
export interface NamedCertificate extends Certificate {
  stationName: string | null;
  issuerName: string | null;
}

/**
 * One certificate by number with those names, for public verification and the electronic certificate: one statement
 * reading each table by its primary key (benchmarked against the same query on a raw mysql2 pool).
 */
export async function findNamedCertificate(db: Db, number: string): Promise<NamedCertificate | null> {
  const row = await db('certificates')
    .leftJoin('stations', 'stations.id', 'certificates.station_id')
    .leftJoin('jurisdictions', 'jurisdictions.code', 'certificates.issuer_code')
    .where('certificates.number', number)
    .first('certificates.*', 'stations.name as station_name', 'jurisdictions.name as issuer_name');
  return row ? { ...certificateFromRow(row), stationName: row.station_name ?? null, issuerName: row.issuer_name ?? null } : null;
}

/** The certificates of the given numbers (an employer's batch check), by number; unknown numbers are absent. */
export async function findCertificatesByNumbers(db: Db, numbers: string[]): Promise<Map<string, Certificate>> {
  if (numbers.length === 0) return new Map();
  const rows = await db('certificates').whereIn('number', [...new Set(numbers)]);
  return new Map(rows.map((r: Record<string, unknown>) => [r.number as string, certificateFromRow(r)]));
}

/** Where a page of the revocation feed ends: the last (revoked_at, number) served. */
export interface RevocationCursor {
  revokedAt: string;
  number: string;
}

/**
 * Revoked certificates in the order they were revoked (ties by number), from `since` and after `after`, through the
 * (revoked_at, number) index: a page costs the same however deep into the feed it is.
 */
export async function revokedCertificatesPage(
  db: Db,
  options: { since: Date | null; after: RevocationCursor | null; limit: number },
): Promise<Array<{ number: string; revokedAt: string }>> {
  const query = db('certificates')
    .select('number', 'revoked_at')
    .whereNotNull('revoked_at')
    .orderBy([{ column: 'revoked_at' }, { column: 'number' }])
    .limit(options.limit);
  if (options.since) query.where('revoked_at', '>=', options.since);
  const after = options.after;
  if (after)
    query.where((q) => {
      const at = new Date(after.revokedAt);
      q.where('revoked_at', '>', at).orWhere((w) => w.where('revoked_at', at).andWhere('number', '>', after.number));
    });
  const rows: Array<{ number: string; revoked_at: Date }> = await query;
  return rows.map((r) => ({ number: r.number, revokedAt: new Date(r.revoked_at).toISOString() }));
}

/** Records the blank form a certificate was printed on, once: false when it names one already. */
export async function setCertificateBlankSerial(db: Db, number: string, serial: string): Promise<boolean> {
  return (await db('certificates').where({ number }).whereNull('blank_serial').update({ blank_serial: serial })) === 1;
}
