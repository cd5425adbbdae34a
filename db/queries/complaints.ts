import type { Db } from '../connect';
import { stationIdsWithin, withinJurisdiction } from './jurisdictions';
import type { CaseSave } from '../../domain/case';
import { complaintPendingOn, type ComplaintState, type ComplaintStatus } from '../../domain/complaint';
import { scopeOf } from '../../domain/jurisdiction';
import type { Actor } from '../../domain/roles';
import { appendEvents, saveCaseSnapshot } from './events';
import { containing, overdueAt, registerPage, type RegisterFilter, type RegisterPage } from './registers';
import { parseJson } from './users';

export const COMPLAINT_CASE = 'complaint';

export type ComplaintSave = CaseSave<Omit<ComplaintState, 'timeline'>> & {
  secretHash: string;
  sealedContact: string | null;
  provinceCode: string | null;
  appealUntil: string | null;
};

/**
 * The case's row, its new entries and (once) the complainant's sealed contact, in one transaction: written by the workflow's
 * saves, and first by the public intake (the same first save, so whichever comes second changes nothing).
 */
export async function saveComplaintSnapshot(db: Db, save: ComplaintSave): Promise<void> {
  const { case: s, events, sealedContact } = save;
  const contact = sealedContact
    ? async (trx: Db) => void (await trx('complaint_contacts').insert({ complaint_id: s.id, sealed: sealedContact }).onConflict('complaint_id').ignore())
    : undefined;
  await saveCaseSnapshot(
    db,
    { table: 'complaints', caseType: COMPLAINT_CASE, id: s.id, version: s.version, timeline: events, row: complaintRow(save) },
    contact,
  );
}

/**
 * The public intake's write of a case's first save (the same save as the workflow's first): the row, its first entry and
 * the sealed contact, each only where none is yet, in one transaction of inserts alone. Whichever of this and the
 * workflow's own first save comes second changes nothing, and a later save (a higher version) is never undone.
 */
export async function insertFirstComplaintSave(db: Db, save: ComplaintSave): Promise<void> {
  const { case: s, events, sealedContact } = save;
  await db.transaction(async (trx) => {
    await trx('complaints')
      .insert({ id: s.id, version: s.version, ...complaintRow(save) })
      .onConflict('id')
      .ignore();
    await appendEvents(trx, COMPLAINT_CASE, s.id, events);
    if (sealedContact) await trx('complaint_contacts').insert({ complaint_id: s.id, sealed: sealedContact }).onConflict('complaint_id').ignore();
  });
}

/** The columns a save writes (besides id and version). */
export function complaintRow(save: ComplaintSave): Record<string, unknown> {
  const { case: s, createdAt, updatedAt, ...extra } = save;
  return {
    tracking_number: s.trackingNumber,
    secret_hash: extra.secretHash,
    status: s.status,
    category: s.category,
    severity: s.severity ?? null,
    province_code: extra.provinceCode,
    station_id: s.targets.stationId ?? null,
    examiner_id: s.targets.examinerId ?? null,
    investigator_id: s.investigator?.id ?? null,
    pending_role: extra.pending?.role ?? null,
    due_at: extra.deadline ? new Date(extra.deadline.dueAt) : null,
    escalation_level: extra.deadline?.escalationLevel ?? 0,
    finding: s.finding?.finding ?? null,
    sla_met: s.slaMet ?? null,
    closed_at: s.finding ? new Date(s.finding.at) : null,
    anonymous: s.anonymous,
    appeal_until: extra.appealUntil ? new Date(extra.appealUntil) : null,
    summary: JSON.stringify({
      facts: s.facts,
      finding: s.finding ?? null,
      mergedInto: s.mergedInto ?? null,
      mergedComplaints: s.mergedComplaints,
      targets: s.targets,
    }),
    created_at: new Date(createdAt),
    updated_at: new Date(updatedAt),
  };
}

/**
 * Supervisors' statistics, by SQL over the case rows (indexed by status, category, severity, region and
 * due time): open cases by category, severity, region and escalation level; SLA compliance per month;
 * overdue cases; substantiated rate per station.
 */
/** The figures over the complaints the actor may see (their jurisdictions), never beyond. */
export async function complaintStatistics(db: Db, actor: Actor) {
  const visible = () => {
    const q = db('complaints');
    visibleTo(q, actor);
    return q;
  };
  const open = () => visible().whereNotIn('status', ['closed', 'final', 'merged']);
  type Rows = Array<Record<string, any>>;
  const [byCategory, bySeverity, byRegion, byLevel, compliance, overdue, perStation] = (await Promise.all([
    open().clone().groupBy('category').select('category').count({ n: '*' }),
    open().clone().groupBy('severity').select('severity').count({ n: '*' }),
    open().clone().groupBy('province_code').select('province_code').count({ n: '*' }),
    open().clone().groupBy('escalation_level').select('escalation_level').count({ n: '*' }),
    visible()
      .whereNotNull('sla_met')
      .groupByRaw("DATE_FORMAT(closed_at, '%Y-%m')")
      .select(db.raw("DATE_FORMAT(closed_at, '%Y-%m') as period"))
      .count({ closed: '*' })
      .sum({ onTime: db.raw('CASE WHEN sla_met THEN 1 ELSE 0 END') }),
    open().clone().where('escalation_level', '>', 0).count({ n: '*' }),
    visible()
      .whereNotNull('station_id')
      .whereNotNull('finding')
      .groupBy('station_id')
      .select('station_id')
      .count({ findings: '*' })
      .sum({ substantiated: db.raw("CASE WHEN finding IN ('substantiated', 'partly_substantiated') THEN 1 ELSE 0 END") }),
  ])) as Rows[];
  const n = (v: unknown) => Number(v ?? 0);
  return {
    open: {
      byCategory: Object.fromEntries(byCategory.map((r) => [r.category, n(r.n)])),
      bySeverity: Object.fromEntries(bySeverity.map((r) => [r.severity ?? 'untriaged', n(r.n)])),
      byRegion: Object.fromEntries(byRegion.map((r) => [r.province_code ?? 'unknown', n(r.n)])),
      byEscalationLevel: Object.fromEntries(byLevel.map((r) => [String(r.escalation_level), n(r.n)])),
    },
    slaCompliance: compliance.map((r) => ({
      period: r.period as string,
      closed: n(r.closed),
      onTime: n(r.onTime),
      rate: n(r.closed) ? n(r.onTime) / n(r.closed) : null,
    })),
    overdue: n(overdue[0]?.n),
    substantiatedRateByStation: perStation.map((r) => ({
      stationId: r.station_id as number,
      findings: n(r.findings),
      substantiated: n(r.substantiated),
      rate: n(r.substantiated) / n(r.findings),
    })),
  };
}

export async function sealedContact(db: Db, complaintId: string): Promise<string | null> {
  return (await db('complaint_contacts').where({ complaint_id: complaintId }).first('sealed'))?.sealed ?? null;
}

export async function complaintByTracking(db: Db, trackingNumber: string) {
  const row = await db('complaints').where({ tracking_number: trackingNumber }).first('id', 'secret_hash', 'status', 'appeal_until');
  return row
    ? {
        id: row.id as string,
        secretHash: row.secret_hash as string,
        status: row.status as string,
        appealUntil: row.appeal_until ? new Date(row.appeal_until).toISOString() : null,
      }
    : undefined;
}

/**
 * Handlers and supervisors see the complaints about stations in their jurisdictions (a complaint naming
 * no station, by its province), the nation's every complaint; an investigator those assigned to them.
 */
function visibleTo(q: ReturnType<Db>, actor: Actor): void {
  const staff = actor.roles.includes('supervisor') || actor.roles.includes('complaint_handler');
  // No condition at all for the nation's staff: an OR over a subquery made MariaDB test every row of the table (the
  // register's count walked all of them), and it hid a complaint naming a station number the register does not hold.
  if (staff && scopeOf(actor.jurisdictions).national) return;
  q.where((w) => {
    w.where('complaints.investigator_id', actor.id);
    if (actor.roles.includes('supervisor') || actor.roles.includes('complaint_handler')) {
      w.orWhereIn('complaints.station_id', (sub) => stationIdsWithin(sub, actor.jurisdictions));
      w.orWhere((unplaced) =>
        unplaced.whereNull('complaints.station_id').andWhere((r) => withinJurisdiction(r, actor.jurisdictions, { province: 'complaints.province_code' })),
      );
    }
  });
}

export interface ComplaintFilter extends RegisterFilter {
  status?: string;
  category?: string;
  severity?: string;
  provinceCode?: string;
  cityCode?: string;
  occupationCode?: string;
  pendingOnMe?: boolean;
}

/**
 * The register of complaints the actor may see: by status, category, severity, place (a city through the named
 * station), an occupation of the named station's scope, created and due windows, overdue, waiting on them; searched
 * by tracking number or complaint id.
 */
export async function listComplaints(db: Db, actor: Actor, f: ComplaintFilter): Promise<RegisterPage<ComplaintRecord>> {
  const q = db('complaints');
  visibleTo(q, actor);
  if (f.status) q.where('status', f.status);
  if (f.category) q.where('category', f.category);
  if (f.severity) q.where('severity', f.severity);
  if (f.provinceCode) q.where('province_code', f.provinceCode);
  if (f.cityCode) q.whereIn('complaints.station_id', (sub) => sub.select('id').from('stations').where('city_code', f.cityCode!));
  if (f.occupationCode)
    q.whereIn('complaints.station_id', (sub) => sub.select('station_id').from('station_scopes').where('occupation_code', f.occupationCode!));
  if (f.overdue) overdueAt(q, { due: 'due_at', escalation: 'escalation_level' });
  if (f.pendingOnMe) {
    // An investigator's step waits on that investigator; a handler's step on every handler.
    q.where((w) =>
      w.where({ pending_role: 'inspector', investigator_id: actor.id }).orWhere((o) =>
        o.whereIn(
          'pending_role',
          actor.roles.filter((r) => r !== 'inspector'),
        ),
      ),
    );
  }
  if (f.q) {
    const search = f.q;
    q.where((w) => w.where('tracking_number', 'like', containing(search)).orWhere('id', search));
  }
  return registerPage(q, { id: 'id', idOrder: 'desc', created: 'created_at', due: 'due_at' }, f, toRecord);
}

export async function findComplaint(db: Db, actor: Actor, id: string) {
  const q = db('complaints').where({ id });
  visibleTo(q, actor);
  const row = await q.first();
  return row ? toRecord(row) : undefined;
}

export type ComplaintRecord = ReturnType<typeof toRecord>;

/** The case as staff see it: never the complainant's identity (that is a separate, recorded reveal). */
function toRecord(r: Record<string, any>) {
  // The pending step as written with the row: its holder follows from the status and investigator, its due time from the row.
  const pending = r.pending_role
    ? complaintPendingOn({ status: r.status as ComplaintStatus, investigator: r.investigator_id ? { id: r.investigator_id as string } : undefined })
    : null;
  return {
    id: r.id as string,
    trackingNumber: r.tracking_number as string,
    status: r.status as string,
    category: r.category as string,
    severity: r.severity as string | null,
    provinceCode: r.province_code as string | null,
    stationId: r.station_id as number | null,
    examinerId: r.examiner_id as string | null,
    investigatorId: r.investigator_id as string | null,
    dueAt: r.due_at ? new Date(r.due_at).toISOString() : null,
    escalationLevel: r.escalation_level as number,
    pending: pending && { ...pending, dueAt: r.due_at ? new Date(r.due_at).toISOString() : null, escalationLevel: r.escalation_level as number },
    version: r.version as number,
    finding: r.finding as string | null,
    anonymous: Boolean(r.anonymous),
    summary: parseJson<Record<string, unknown>>(r.summary),
    createdAt: new Date(r.created_at).toISOString(),
  };
}
