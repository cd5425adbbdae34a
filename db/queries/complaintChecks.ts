import type { Db } from '../connect';
import type { CheckFact, Targets } from '../../domain/complaint';
import { crossRegion, type SessionRegion } from '../../domain/programme';
import type { FraudSignal } from '../../domain/session';
import { examinerStatus } from './examiners';
import { STATION_PLACE, withinJurisdiction } from './jurisdictions';
import { parseJson } from './users';

const region = (row: { province_code: string; city_code: string }) => ({ provinceCode: row.province_code, cityCode: row.city_code });

/**
 * The automatic checks on what a complaint names: a session outside the station's licensed scope
 * (超范围) or region (跨地区: province or city, by `sessionRegion`) or carrying fraud signals (虚假鉴定线索) from its
 * submitted results, a station not active, an examiner not active.
 * Current register state is what is checked; the facts are dated by the case timeline.
 */
export async function complaintFacts(db: Db, targets: Targets, sessionRegion: SessionRegion): Promise<{ facts: CheckFact[]; provinceCode: string | null }> {
  const facts: CheckFact[] = [];
  const session = targets.sessionId ? await db('appraisal_sessions').where({ id: targets.sessionId }).first() : undefined;
  const stationId = targets.stationId ?? session?.station_id;
  const station = stationId ? await db('stations').where({ id: stationId }).first() : undefined;
  if (session && station) {
    const scope = await db('station_scopes').where({ station_id: station.id, occupation_code: session.occupation_code }).first();
    const outOfScope = !scope || session.level < scope.highest_level;
    facts.push({
      check: 'out_of_scope',
      result: outOfScope,
      detail: outOfScope
        ? `session ${session.id}: ${session.occupation_code} level ${session.level} is outside the licence`
        : `session ${session.id} is within the licence`,
    });
    // The rule registration applies, so what registration would refuse is flagged here.
    const outside = crossRegion(region(station), region(session), sessionRegion);
    facts.push({
      check: 'cross_region',
      result: outside !== null,
      detail: `session ${session.id}: ${outside ?? `the site is within the station's ${sessionRegion}`}`,
    });
  }
  if (session) {
    // The signals the session recorded when its results were submitted (none before), serious ones marked.
    const signals = parseJson<FraudSignal[]>(session.signals) ?? [];
    facts.push({
      check: 'fraud_signals',
      result: signals.length > 0,
      detail: signals.length
        ? `session ${session.id}: fraud signals ${signals.map((x) => (x.serious ? `${x.rule} (serious)` : x.rule)).join(', ')}`
        : `session ${session.id}: no fraud signals recorded`,
    });
  }
  if (station) facts.push({ check: 'station_not_active', result: station.status !== 'active', detail: `station ${station.id} is ${station.status}` });
  if (targets.examinerId) {
    const examiner = await db('examiners').where({ id: targets.examinerId }).first(examinerStatus(db));
    facts.push({
      check: 'examiner_not_active',
      result: examiner?.status !== 'active',
      detail: `examiner ${targets.examinerId} is ${examiner?.status ?? 'not registered'}`,
    });
  }
  return { facts, provinceCode: station?.province_code ?? null };
}

/** Whether a session is held by a station inside `within` (an official's jurisdictions). */
export async function sessionWithin(db: Db, sessionId: string, within: string[]): Promise<boolean> {
  const q = db('appraisal_sessions').join('stations', 'stations.id', 'appraisal_sessions.station_id').where('appraisal_sessions.id', sessionId);
  withinJurisdiction(q, within, STATION_PLACE);
  return Boolean(await q.first('appraisal_sessions.id'));
}
