import { insertCertificates, type NewCertificate } from '../../db/queries/certificates';
import { composeCertificateNumber, quarterOf } from '../../domain/certificate';
import { chinaDate } from '../../domain/chinaTime';
import type { Harness } from './harness';

/**
 * A station's register as its sessions leave it, written straight into the tables: an approved session of today (its
 * passes allow blank forms for the quarter) and valid certificates of the station, in Guangdong.
 */

/** The station's approved session today, as its workflow leaves it: `passed` of 4 candidates passed. */
export async function seedApprovedSession(h: Harness, stationId: number, passed: number): Promise<void> {
  const id = `01SEED${String(Date.now()).slice(-8)}${Math.random().toString(36).slice(2, 8).toUpperCase()}`.slice(0, 26);
  const today = chinaDate(Date.now());
  await h.db('appraisal_sessions').insert({
    id,
    station_id: stationId,
    occupation_code: '6-18-01-01',
    level: 3,
    session_date: today,
    province_code: '440000',
    city_code: '440600',
    address: '实训楼2号车间',
    expected_candidates: 4,
    registered_by: 'admin-1',
    registered_at: new Date(),
    status: 'approved',
    candidates: 4,
    passed,
  });
  await h.db('session_candidates').insert(
    [0, 1, 2, 3].map((i) => ({
      session_id: id,
      candidate_id: `c${i}`,
      name: `考生${i}`,
      masked_id: '4406**********001X',
      id_hash: `hash-${id}-${i}`,
      occupation_code: '6-18-01-01',
      level: 3,
      session_date: today,
      passed: i < passed,
    })),
  );
}

/** A Guangdong number of 2026 with a right check character; the level is its seventh digit. */
export const certificateNumber = (sequence: number, level = 4) => composeCertificateNumber({ provinceCode: '44', year: 2026, level, sequence });

/** The number with its eleventh digit changed: the check character no longer fits (a typo). */
export const mistyped = (n: string) => `${n.slice(0, 10)}${(Number(n[10]) + 1) % 10}${n.slice(11)}`;

/** A certificate of a Guangdong station as the register holds it, issued today; `over` for what a test is about. */
export function fixtureCertificate(number: string, holderName: string, stationId: number | null, over: Partial<NewCertificate> = {}): NewCertificate {
  return {
    number,
    holderName,
    holderMaskedId: '4406**********1234',
    holderIdHash: `holder-of-${number}`,
    occupationCode: '6-18-01-01',
    level: Number(number[6]),
    sessionId: null,
    candidateId: null,
    stationId,
    issuerCode: '440000',
    issuedOn: chinaDate(Date.now()),
    quarter: quarterOf(Date.now()),
    source: 'session',
    replaces: null,
    ...over,
  };
}

/** Puts certificates in the register (straight into MySQL: what a test is not about). */
export async function registerCertificates(h: Harness, certificates: NewCertificate[]): Promise<void> {
  await insertCertificates(h.db, certificates);
}

let certificateSeq = 0;

/** A valid certificate of the station (issued today by Guangdong, holder 张三明) in the register; its number. */
export async function seedCertificate(h: Harness, stationId: number): Promise<string> {
  const number = composeCertificateNumber({ provinceCode: '44', year: Number(quarterOf(Date.now()).slice(0, 4)), level: 3, sequence: ++certificateSeq });
  await registerCertificates(h, [fixtureCertificate(number, '张三明', stationId)]);
  return number;
}
