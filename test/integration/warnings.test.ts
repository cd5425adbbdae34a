import { randomUUID } from 'node:crypto';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWarningSchedule } from '../../activities/warnings';
import { connect } from '../../db/connect';
import type { ActionReport } from '../../domain/case';
import { chinaDate } from '../../domain/chinaTime';
import type { WarningPolicy } from '../../domain/policy';
import type { WarningRule } from '../../domain/warnings';
import { complaintWorkflowId } from '../../workflows/complaint.messages';
import { warningScheduleId, type EarlyWarningInput } from '../../workflows/earlyWarning.messages';
import { inspectionWorkflowId } from '../../workflows/inspection.messages';
import { licenseStation } from '../support/fixtures';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * Early warning (预警): each rule fires on facts made to trigger it (written straight into the registers the rule
 * counts), once however often and however concurrently it is evaluated, and not on facts just short of it; each
 * warning opens its case in its own process; a supervisor dismisses one with reasons.
 */
let h: Harness;
/** A station made to look dangerous, and one with the same kind of facts just short of every threshold. */
let risky: number;
let clean: number;
beforeAll(async () => {
  // Mass-incident risk: three complaints naming one session within an hour.
  h = await startHarness({ warning: { rules: { mass_incident: { window: 'PT1H', threshold: 3 } } } });
  risky = await licenseStation(h);
  clean = await licenseStation(h);
});
afterAll(async () => h?.close());

const input = (warning: WarningPolicy = h.config.policy.warning): EarlyWarningInput => ({
  warning,
  inspection: h.config.policy.inspection,
  complaint: h.config.policy.complaint,
});

/** One evaluation through the workflow the schedule starts, as a schedule's run would be. */
async function evaluate(policy?: WarningPolicy): Promise<{ raised: string[]; cases: Record<string, ActionReport> }> {
  return h.temporal.workflow.execute('earlyWarning', { taskQueue: h.taskQueue, workflowId: `early-warning-test-${randomUUID()}`, args: [input(policy)] });
}

const daysAgo = (n: number) => chinaDate(Date.now() - n * 86_400_000);
let seq = 0;

async function complaint(over: { stationId?: number; sessionId?: string }) {
  const id = ulid();
  await h.db('complaints').insert({
    id,
    tracking_number: `TW${Date.now().toString(36)}${++seq}`.slice(0, 24),
    secret_hash: 'x'.repeat(64),
    status: 'received',
    category: 'fraudulent_appraisal',
    province_code: '440000',
    station_id: over.stationId ?? null,
    anonymous: true,
    summary: JSON.stringify({ facts: [], finding: null, mergedInto: null, mergedComplaints: [], targets: over }),
    version: 1,
    created_at: new Date(),
    updated_at: new Date(),
  });
}

async function session(stationId: number, o: { date: string; candidates: number; passed: number; status?: string }): Promise<string> {
  const id = ulid();
  await h.db('appraisal_sessions').insert({
    id,
    station_id: stationId,
    occupation_code: '6-18-01-01',
    level: 3,
    session_date: o.date,
    province_code: '440000',
    city_code: '440600',
    address: '实训楼2号车间',
    expected_candidates: o.candidates,
    registered_by: 'admin-1',
    registered_at: new Date(),
    status: o.status ?? 'approved',
    candidates: o.candidates,
    passed: o.passed,
  });
  return id;
}

async function visitReport(sessionId: string, serious: number) {
  await h.db('events').insert({
    case_type: 'session',
    case_id: sessionId,
    seq: 1,
    action: 'visit_report_filed',
    actor_id: 'sup-1',
    actor_role: 'supervisor',
    at: new Date(),
    data: JSON.stringify({ candidatesPresent: 20, irregularities: serious + 1, serious }),
  });
}

async function stocktake(stationId: number, balanced: boolean) {
  await h.db('blank_form_stocktakes').insert({
    id: ulid(),
    station_id: stationId,
    quarter: '2026Q4',
    counted: balanced ? 5 : 4,
    expected: 5,
    balanced,
    at: new Date(),
    recorded_by: 'admin-1',
  });
}

async function violation(examinerId: string) {
  await h.db('conduct_records').insert({
    examiner_id: examinerId,
    kind: 'violation',
    description: '考评过程中擅自离岗',
    source: 'test',
    recorded_by: 'sup-1',
    recorded_at: new Date(),
  });
}

const warningsOf = (rule: WarningRule) => h.db('warnings').where({ rule }).orderBy('created_at');
let crowdedSession: string;

describe('early warning', () => {
  it('raises nothing on facts short of every threshold, and nothing from a rule turned off', async () => {
    for (let i = 0; i < 2; i++) await complaint({ stationId: clean });
    await session(clean, { date: daysAgo(200), candidates: 40, passed: 20 });
    await session(clean, { date: daysAgo(1), candidates: 30, passed: 16 });
    await visitReport(await session(clean, { date: daysAgo(0), candidates: 10, passed: 0, status: 'scoring' }), 0);
    await stocktake(clean, true);
    await violation('exam-2');
    const quiet = await session(clean, { date: daysAgo(0), candidates: 10, passed: 0, status: 'scoring' });
    for (let i = 0; i < 2; i++) await complaint({ sessionId: quiet });

    expect((await evaluate()).raised).toEqual([]);

    // The risky station's facts, with every rule turned off: still nothing.
    for (let i = 0; i < 3; i++) await complaint({ stationId: risky });
    await session(risky, { date: daysAgo(200), candidates: 40, passed: 20 });
    await session(risky, { date: daysAgo(2), candidates: 30, passed: 30 });
    await visitReport(await session(risky, { date: daysAgo(0), candidates: 12, passed: 0, status: 'scoring' }), 1);
    await stocktake(risky, false);
    for (let i = 0; i < 2; i++) await violation('exam-1');
    crowdedSession = await session(risky, { date: daysAgo(0), candidates: 25, passed: 0, status: 'scoring' });
    for (let i = 0; i < 3; i++) await complaint({ sessionId: crowdedSession });

    const rules = Object.fromEntries(Object.entries(h.config.policy.warning.rules).map(([k, r]) => [k, { ...r, enabled: false }]));
    expect((await evaluate({ ...h.config.policy.warning, rules: rules as WarningPolicy['rules'] })).raised).toEqual([]);
    expect(await h.db('warnings').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('each rule fires once on its subject, however many evaluations run at once or again', async () => {
    const runs = await Promise.all([evaluate(), evaluate(), evaluate()]);
    expect(runs.flatMap((r) => r.raised)).toHaveLength(6);
    expect((await evaluate()).raised).toEqual([]);

    const rows = await h.db('warnings').select('rule', 'subject_type', 'subject_id', 'province_code', 'city_code');
    expect(rows.map((r) => [r.rule, r.subject_type, r.subject_id]).sort()).toEqual(
      [
        ['blank_stock_mismatch', 'station', String(risky)],
        ['complaints_per_station', 'station', String(risky)],
        ['examiner_violations', 'examiner', 'exam-1'],
        ['mass_incident', 'session', crowdedSession],
        ['pass_rate_above_history', 'station', String(risky)],
        ['serious_irregularity', 'station', String(risky)],
      ].sort(),
    );
    expect(rows.every((r) => r.province_code === '440000' && r.city_code === '440600')).toBe(true);

    const [passRate] = await warningsOf('pass_rate_above_history');
    expect(passRate.figures).toMatchObject({ candidates: 30, passed: 30, passRate: 1, historyCandidates: 40, historyRate: 0.5, margin: 0.3 });
    // Against the other stations of its province over the same window too: the clean station's 16 of 30.
    expect(passRate.figures).toMatchObject({
      provinceCode: '440000',
      provinceCandidates: 30,
      provincePassed: 16,
      provinceRate: 0.5333,
      provinceMargin: 0.3,
      exceeds: ['history', 'province'],
    });
    const [complaints] = await warningsOf('complaints_per_station');
    expect(complaints.figures).toMatchObject({ complaints: 3, threshold: 3, window: 'P30D' });
  });

  it('a station warning opens one ad-hoc inspection of the station in the inspection process', async () => {
    const cases = new Set<string>();
    for (const rule of ['complaints_per_station', 'pass_rate_above_history', 'serious_irregularity', 'blank_stock_mismatch'] as const) {
      const [w] = await warningsOf(rule);
      expect(w.case_type, rule).toBe('inspection');
      const { status } = await h.temporal.workflow.getHandle(inspectionWorkflowId(w.case_id)).describe();
      expect(status.name).toBe('RUNNING');
      const inspection = await eventually(async () => (await h.api('GET', `/v1/inspections/${w.case_id}`, { as: 'sup-gd' })).body?.record ?? undefined);
      expect(inspection).toMatchObject({ kind: 'ad_hoc', stationId: risky });
      expect((await h.temporal.workflow.count(`WorkflowId = '${inspectionWorkflowId(w.case_id)}'`)).count).toBe(1);
      cases.add(w.case_id);
    }
    expect(cases.size).toBe(4);
  });

  it('the mass-incident risk opens a complaint on the emergency path (critical); the examiner rule a complaint naming the examiner', async () => {
    const [mass] = await warningsOf('mass_incident');
    expect(mass.case_type).toBe('complaint');
    const emergency = await eventually(async () => (await h.db('complaints').where({ id: mass.case_id }).first()) ?? undefined, {
      until: (c) => c.severity === 'critical',
    });
    expect(emergency).toMatchObject({ severity: 'critical', station_id: risky });
    const timeline = await h.db('events').where({ case_type: 'complaint', case_id: mass.case_id }).pluck('action');
    expect(timeline).toContain('emergency_escalation');
    expect((await h.temporal.workflow.count(`WorkflowId = '${complaintWorkflowId(mass.case_id)}'`)).count).toBe(1);

    const [examiner] = await warningsOf('examiner_violations');
    const named = await eventually(async () => (await h.db('complaints').where({ id: examiner.case_id }).first()) ?? undefined);
    expect(named).toMatchObject({ examiner_id: 'exam-1', category: 'examiner_misconduct' });
  });

  it('lists and shows warnings in the jurisdiction only; a supervisor dismisses an open one with reasons, once', async () => {
    const list = await h.api('GET', '/v1/warnings?status=open&place=440600', { as: 'sup-gd' });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(6);
    expect((await h.api('GET', '/v1/warnings', { as: 'sup-gz' })).body.items).toEqual([]);
    expect((await h.api('GET', '/v1/warnings?place=440600', { as: 'sup-gz' })).status).toBe(404);

    const [w] = await warningsOf('complaints_per_station');
    expect((await h.api('GET', `/v1/warnings/${w.id}`, { as: 'sup-gz' })).status).toBe(404);
    const page = await h.api('GET', `/v1/warnings/${w.id}`, { as: 'sup-gd' });
    expect(page.body).toMatchObject({
      rule: 'complaints_per_station',
      status: 'open',
      caseLink: `#/cases/inspection/${w.case_id}`,
      figures: { complaints: 3 },
    });
    expect(page.body.timeline.map((e: { action: string }) => e.action)).toEqual(['warning_raised', 'case_opened']);

    expect((await h.api('POST', `/v1/warnings/${w.id}/dismissal`, { as: 'sup-gz', body: { reasons: ['已核实'] } })).status).toBe(404);
    expect((await h.api('POST', `/v1/warnings/${w.id}/dismissal`, { as: 'sup-gd', body: { reasons: [] } })).status).toBe(400);
    const dismissed = await h.api('POST', `/v1/warnings/${w.id}/dismissal`, { as: 'sup-gd', body: { reasons: ['投诉已合并核查，属同一事项'] } });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body).toMatchObject({ status: 'dismissed', dismissedBy: 'sup-gd', dismissalReasons: ['投诉已合并核查，属同一事项'] });
    expect(dismissed.body.timeline.at(-1)).toMatchObject({ action: 'warning_dismissed', actorId: 'sup-gd', data: { reasons: ['投诉已合并核查，属同一事项'] } });
    const again = await h.api('POST', `/v1/warnings/${w.id}/dismissal`, { as: 'sup-gd', body: { reasons: ['再次'] } });
    expect(again.status).toBe(409);
    expect((await h.api('GET', '/v1/warnings?status=dismissed', { as: 'sup-gd' })).body.items.map((x: { id: string }) => x.id)).toEqual([w.id]);
    // Its inspection goes on in its own process.
    expect((await h.temporal.workflow.getHandle(inspectionWorkflowId(w.case_id)).describe()).status.name).toBe('RUNNING');
  });

  it('a warning whose case could not be opened gets it at the next evaluation, once, and holds up no other', async () => {
    const stuck = await licenseStation(h);
    for (let i = 0; i < 3; i++) await complaint({ stationId: stuck });
    // Recording the case fails for this station's warning, after its inspection has started: the case exists, the warning does not say so.
    const owner = connect(h.ownerUrl);
    await owner.raw(
      `CREATE TRIGGER test_case_fault BEFORE UPDATE ON warnings FOR EACH ROW BEGIN IF NEW.subject_id = '${stuck}' AND NEW.case_id IS NOT NULL THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected fault'; END IF; END`,
    );
    const stuckWarning = async () => (await h.db('warnings').where({ rule: 'complaints_per_station', subject_id: String(stuck) }))[0];
    let id: string;
    try {
      const first = await evaluate();
      id = (await stuckWarning()).id;
      expect(first.raised).toEqual([id]);
      expect(first.cases[id]).toMatchObject({ applied: false, reason: expect.stringContaining('the next evaluation tries again') });
      expect((await stuckWarning()).case_id).toBeNull();

      // A warning raised later is not held up by the one still failing before it.
      const other = await licenseStation(h);
      for (let i = 0; i < 3; i++) await complaint({ stationId: other });
      const second = await evaluate();
      const [otherWarning] = await h.db('warnings').where({ rule: 'complaints_per_station', subject_id: String(other) });
      expect(second.raised).toEqual([otherWarning.id]);
      expect(second.cases[id].applied).toBe(false);
      expect(second.cases[otherWarning.id].applied).toBe(true);
      expect(otherWarning.case_id).toBe(`W${otherWarning.id}-S${other}`);
    } finally {
      await owner.raw('DROP TRIGGER IF EXISTS test_case_fault');
      await owner.destroy();
    }

    const third = await evaluate();
    expect(third.raised).toEqual([]);
    expect(third.cases[id].applied).toBe(true);
    const w = await stuckWarning();
    expect(w.case_id).toBe(`W${id}-S${stuck}`);
    // One warning, one inspection process and one case_opened entry, however many evaluations tried.
    expect(
      await h
        .db('warnings')
        .where({ rule: 'complaints_per_station', subject_id: String(stuck) })
        .count({ n: '*' })
        .first(),
    ).toEqual({ n: 1 });
    expect((await h.temporal.workflow.getHandle(inspectionWorkflowId(w.case_id)).describe()).status.name).toBe('RUNNING');
    expect(await eventually(async () => (await h.temporal.workflow.count(`WorkflowId = '${inspectionWorkflowId(w.case_id)}'`)).count)).toBe(1);
    const timeline = await h.api('GET', `/v1/warnings/${id}`, { as: 'sup-gd' });
    expect(timeline.body.timeline.map((e: { action: string }) => e.action)).toEqual(['warning_raised', 'case_opened']);
    const inspection = await eventually(async () => (await h.api('GET', `/v1/inspections/${w.case_id}`, { as: 'sup-gd' })).body?.record ?? undefined);
    expect(inspection).toMatchObject({ kind: 'ad_hoc', stationId: stuck });
  });

  it('every worker at start leaves one schedule evaluating the rules every policy interval', async () => {
    await Promise.all([
      ensureWarningSchedule(h.temporal, { taskQueue: h.taskQueue, input: input() }),
      ensureWarningSchedule(h.temporal, { taskQueue: h.taskQueue, input: input() }),
    ]);
    const handle = h.temporal.schedule.getHandle(warningScheduleId(h.taskQueue));
    try {
      const described = await handle.describe();
      expect(described.spec.intervals?.[0].every).toBe(3_600_000);
      expect(described.action.workflowType).toBe('earlyWarning');
    } finally {
      await handle.delete();
    }
  });
});
