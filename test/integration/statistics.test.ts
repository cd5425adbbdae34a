import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStatisticsSchedule } from '../../activities/statistics';
import { quarterOf } from '../../domain/certificate';
import { statisticsScheduleId, type ReconciliationResult } from '../../workflows/statisticsReconciliation.messages';
import { licenseStation, qualifyExaminer } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';
import { candidate, day, sessionApi } from '../support/sessions';
import { expectNoDrift } from '../support/statistics';

/**
 * The statistics summaries (issue 19) follow the registers in the transaction of each write: a session approved through
 * HTTP, its certificates issued, one revoked and one replaced, blank forms received, given to the station, printed on and
 * voided, each counted under its place, occupation, level and China day, with no drift from a recomputation. The nightly
 * reconciliation on its schedule finds a summary changed behind the triggers' back, reports it as its result and mails it.
 */
let h: Harness;
let stationId: number;
let stationCity: string;
const today = day(0);
const quarter = quarterOf(Date.now());
const DRIFT_MAILBOX = 'statistics-duty@appraisal.example.gov.cn';
const at = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();
const serial = (n: number) => `TJ${String(n).padStart(6, '0')}`;
const sessions = sessionApi(
  () => h,
  () => stationId,
);

async function ok(method: string, path: string, as: string, body: unknown = {}) {
  const res = await h.api(method, path, { as, body });
  expect(res.status, `${path} as ${as}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

/** The summaries' non-zero rows, as the figures read them. */
const daily = async (metrics: string[]) =>
  h
    .db('stat_daily')
    .whereIn('metric', metrics)
    .andWhere('value', '<>', 0)
    .orderBy(['metric', 'city_code'])
    .select('metric', 'province_code', 'city_code', 'occupation_code', 'level', h.db.raw("DATE_FORMAT(day, '%Y-%m-%d') AS day"), 'value');
const current = async (metrics: string[]) =>
  h
    .db('stat_current')
    .whereIn('metric', metrics)
    .andWhere('value', '<>', 0)
    .orderBy(['metric', 'city_code', 'k'])
    .select('metric', 'province_code', 'city_code', 'k', 'value');

beforeAll(async () => {
  h = await startHarness({
    session: { registerDaysAhead: 0, rosterLockBefore: 'PT0S', supervisionShare: 0, recheckShare: 0.5 },
    statistics: { driftMailbox: DRIFT_MAILBOX, reconcileAt: '02:30' },
  });
  stationId = await licenseStation(h);
  stationCity = (await h.db('stations').where({ id: stationId }).first('city_code')).city_code;
  for (const examiner of ['exam-1', 'insp-1']) await qualifyExaminer(h, examiner);
}, 240_000);

afterAll(async () => {
  await h?.temporal.schedule
    .getHandle(statisticsScheduleId(h.taskQueue))
    .delete()
    .catch(() => undefined);
  await h?.close();
});

describe('summaries kept by the writes', () => {
  it('count a session approved, its certificates issued, revoked and replaced, and blank forms through their life', async () => {
    const id = await sessions.registered({ date: today, startsAt: at(10), endsAt: at(12), examinerIds: ['exam-1', 'insp-1'], expectedCandidates: 4 });
    const added = await sessions.ok(id, 'candidates', 'admin-1', {
      candidates: [candidate(61, '陈晨'), candidate(62, '林琳'), candidate(63, '黄河'), candidate(64, '郭靖')],
    });
    const [chen, lin, huang, guo] = (added.candidates as Array<{ id: string }>).map((c) => c.id);
    // Registered and rostered sessions are not held yet: nothing counted.
    expect(await daily(['session_held'])).toEqual([]);
    await eventually(async () => (await sessions.live(id)).status === 'scoring', { timeoutMs: 60_000, intervalMs: 500 });
    await sessions.ok(id, 'scores', 'exam-1', {
      entries: [
        { candidateId: chen, theory: 82, practical: 75 },
        { candidateId: lin, theory: 66, practical: 90 },
        { candidateId: huang, absent: true },
        { candidateId: guo, theory: 55, practical: 71 },
      ],
    });
    await sessions.ok(id, 'practical-confirmations', 'insp-1', { candidateIds: [chen, lin, guo] });
    await sessions.ok(id, 'submission', 'admin-1');
    const sample = await eventually(async () => {
      const sampled = (await sessions.live(id)).recheck.sample as string[];
      return sampled.length ? sampled : undefined;
    });
    const scores = (await sessions.live(id)).scores as Record<string, { theory: number | null; practical: number | null }>;
    await sessions.ok(id, 'rechecks', 'rev-2', { entries: sample.map((c) => ({ candidateId: c, theory: scores[c].theory, practical: scores[c].practical })) });
    await sessions.ok(id, 'decision', 'rev-2', { outcome: 'approve', reasons: ['复核一致'] });
    const issued = await eventually(async () => {
      const rows: Array<{ number: string; holder_name: string }> = await h.db('certificates').where({ session_id: id }).select('number', 'holder_name');
      return rows.length === 2 ? Object.fromEntries(rows.map((r) => [r.holder_name, r.number])) : undefined;
    });

    await ok('POST', `/v1/certificates/${issued['陈晨']}/revocation`, 'sup-fs', { reason: '考生冒名顶替' });
    const { replacement } = await ok('POST', `/v1/certificates/${issued['林琳']}/replacement`, 'sup-fs', { reason: 'lost' });
    await ok('POST', '/v1/blank-forms/receipts', 'sup-gd', { provinceCode: '440000', firstSerial: serial(1), lastSerial: serial(10) });
    await ok('POST', `/v1/stations/${stationId}/blank-forms/distributions`, 'sup-gd', { quarter, count: 2 });
    await ok('POST', `/v1/certificates/${replacement.number}/print`, 'admin-1', { serial: serial(1) });
    await ok('POST', `/v1/blank-forms/${serial(2)}/void`, 'admin-1', { reason: '打印错位，证书作废' });

    // The session where it was held; the certificates where their station is; the revocation on today's China date.
    const site = { province_code: '440000', city_code: '440600', occupation_code: '6-18-01-01', level: 3, day: today };
    const station = { ...site, city_code: stationCity };
    const expectedDaily = [
      { metric: 'certificate_issued', ...station, value: 3 },
      { metric: 'certificate_revoked', ...station, value: 1 },
      { metric: 'session_candidates', ...site, value: 4 },
      { metric: 'session_held', ...site, value: 1 },
      { metric: 'session_passed', ...site, value: 2 },
    ];
    expect(await daily(['certificate_issued', 'certificate_revoked', 'session_candidates', 'session_held', 'session_passed'])).toEqual(expectedDaily);
    // Eight forms left in the province's stock (no city), one printed and one voided at the station, none in hand.
    const place = (city: string) => ({ province_code: '440000', city_code: city });
    expect(await current(['blank_forms', 'certificates_by_status'])).toEqual([
      { metric: 'blank_forms', ...place(''), k: 'province', value: 8 },
      { metric: 'blank_forms', ...place(stationCity), k: 'printed', value: 1 },
      { metric: 'blank_forms', ...place(stationCity), k: 'voided', value: 1 },
      { metric: 'certificates_by_status', ...place(stationCity), k: 'replaced', value: 1 },
      { metric: 'certificates_by_status', ...place(stationCity), k: 'revoked', value: 1 },
      { metric: 'certificates_by_status', ...place(stationCity), k: 'valid', value: 1 },
    ]);
    await expectNoDrift(h);
  }, 180_000);
});

describe('nightly reconciliation', () => {
  /** Runs the schedule's workflow now, as the night would, and answers its result. */
  async function reconcileNow(): Promise<{ workflowId: string; result: ReconciliationResult }> {
    const handle = await ensureStatisticsSchedule(h.temporal, { taskQueue: h.taskQueue, policy: h.config.policy.statistics });
    const before = (await handle.describe()).info.recentActions.length;
    await handle.trigger();
    const action = await eventually(async () => (await handle.describe()).info.recentActions[before]?.action);
    const run = h.temporal.workflow.getHandle(action.workflow.workflowId, action.workflow.firstExecutionRunId);
    return { workflowId: action.workflow.workflowId, result: (await run.result()) as ReconciliationResult };
  }

  it('runs every night at the policy time (China), and reports no drift and mails nobody when the summaries are exact', async () => {
    const schedule = await (await ensureStatisticsSchedule(h.temporal, { taskQueue: h.taskQueue, policy: h.config.policy.statistics })).describe();
    // 02:30 in China is 18:30 UTC.
    expect(schedule.spec.intervals).toEqual([{ every: 86_400_000, offset: (18 * 60 + 30) * 60_000 }]);
    expect(schedule.action).toMatchObject({ workflowType: 'statisticsReconciliation', taskQueue: h.taskQueue, args: [h.config.policy.statistics] });
    const { result } = await reconcileNow();
    expect(result).toEqual({ drift: [], more: false, mail: null });
    expect(h.mails.filter((m) => m.to.includes(DRIFT_MAILBOX))).toEqual([]);
  });

  it('finds a summary changed behind the triggers, reports it on the run and mails the duty mailbox once', async () => {
    const key = { metric: 'certificate_issued', day: today };
    await h.db('stat_daily').where(key).increment('value', 5);
    try {
      const { workflowId, result } = await reconcileNow();
      const [{ city_code: cityCode }] = await h.db('stat_daily').where(key).select('city_code');
      expect(result).toEqual({
        drift: [
          {
            metric: 'certificate_issued',
            key: { provinceCode: '440000', cityCode, occupationCode: '6-18-01-01', level: 3, day: today },
            summary: 8,
            recomputed: 3,
          },
        ],
        more: false,
        mail: 'sent',
      });
      const mails = h.mails.filter((m) => m.to.includes(DRIFT_MAILBOX));
      expect(mails).toHaveLength(1);
      expect(mails[0].subject).toBe('统计汇总与台账不一致 / Statistics summaries drifted from the registers');
      expect(mails[0].text).toContain(`certificate_issued 440000 / ${cityCode} / 6-18-01-01 / 3 / ${today}: 8 ≠ 3`);
      // Keyed by the run: the outbox holds that run's one message.
      expect(await h.db('outbox').where({ workflow_id: workflowId }).count({ n: '*' })).toEqual([{ n: 1 }]);
    } finally {
      await h.db('stat_daily').where(key).decrement('value', 5);
    }
    await expectNoDrift(h);
  });
});
