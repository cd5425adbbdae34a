import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { waitFor } from '../faults/support/processes';
import { goodScores, licenseStation } from '../support/fixtures';
import { eventually, startHarness, type ApiResponse, type Harness } from '../support/harness';

/**
 * The production engine's history service killed (SIGKILL) with cases open in three processes and requests in flight,
 * then started again: every case reaches its end, with no row, event or mail twice. Runs under `npm run test:engine`
 * (scripts/test-engine.sh), which starts the engine's services as separate processes and names their directory.
 */
const engineDir = process.env.TEMPORAL_ENGINE_DIR;
const historyPidFile = () => path.join(engineDir!, 'history.pid');

/** Running, not a zombie: a killed service is reaped by whatever adopted it, possibly late. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

let h: Harness;
beforeAll(async () => {
  if (!engineDir) throw new Error('TEMPORAL_ENGINE_DIR is not set: run this through `npm run test:engine`');
  h = await startHarness({
    // Q1's whole cycle (two reminders, then lapse) runs on the history service's timers, across the kill.
    qualification: { validity: 'PT75S', reminderOffsets: ['PT50S', 'PT25S'] },
    complaint: { appealWindow: 'PT10S', intakeRate: { max: 1000, window: 'PT1H' } },
  });
});
afterAll(async () => h?.close());

let requests = 0;
/** A POST as a well-behaved client: one Idempotency-Key per action, retried while the API answers 503 or in_progress. */
async function post(urlPath: string, as: string | null, body: unknown, { status = 200, key = `engine-${++requests}` } = {}) {
  const res = await eventually(
    async () => {
      const r = await h.api('POST', urlPath, { as, body, headers: { 'idempotency-key': key } });
      return r.status === 503 || r.body?.error?.code === 'in_progress' ? undefined : r;
    },
    { timeoutMs: 180_000, intervalMs: 1000 },
  );
  expect(res.status, `POST ${urlPath} as ${as}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

const complaintBody = (stationId: number, n: number) => ({
  category: 'other',
  stationId,
  happenedOn: '2026-11-01',
  description: `Candidates were told the answers before the practical test (report ${n}).`,
  contact: { name: `Complainant ${n}`, email: `complainant-${n}@mail.example` },
});

async function fileComplaint(stationId: number, n: number, key?: string): Promise<string> {
  const filed = await post('/v1/public/complaints', null, complaintBody(stationId, n), { status: 201, key });
  return eventually(async () => (await h.db('complaints').where({ tracking_number: filed.trackingNumber }).first('id'))?.id as string | undefined);
}

const statusOf = async (table: string, id: string) => (await h.db(table).where({ id }).first('status'))?.status as string | undefined;

describe('production engine: kill -9 of the history service with cases open', () => {
  let stationId: number;
  let a1: string;
  let q1: string;
  const complaints: string[] = [];

  it('kills the history service mid-flight, restarts it, and every case completes once', async () => {
    // Before: a licensed station, and cases open in station approval, examiner qualification and complaints.
    stationId = await licenseStation(h);
    a1 = (await post('/v1/station-applications', 'admin-2', { ...example, stationName: '珠江职业技能鉴定站' }, { status: 201 })).id;
    await post(`/v1/station-applications/${a1}/reviewer`, 'sup-1', { reviewerId: 'rev-2' });
    q1 = (
      await post(
        '/v1/qualifications',
        'exam-1',
        { occupationCode: '4-07-10-01', level: 3, trainingHours: 48, examScore: 82, nationalId: '44010619850301123X' },
        { status: 201 },
      )
    ).id;
    await post(`/v1/qualifications/${q1}/admission-decision`, 'rev-2', { outcome: 'approve' });
    for (const n of [1, 2, 3]) complaints.push(await fileComplaint(stationId, n));
    await post(`/v1/complaints/${complaints[0]}/triage`, 'handler-1', { category: 'other', severity: 'normal', stationId });

    // In flight as the service dies: three new complaints and a step of A1, each retried with its key until answered.
    const inFlight = Promise.all([
      ...[4, 5, 6].map((n) => fileComplaint(stationId, n, `engine-complaint-${n}`)),
      post(`/v1/station-applications/${a1}/review`, 'rev-2', { outcome: 'pass' }, { key: 'engine-a1-review' }),
    ]);
    // Awaited after the restart; should a step before that fail, the test's failure is the one to report.
    inFlight.catch(() => undefined);
    const pid = Number(readFileSync(historyPidFile(), 'utf8'));
    expect(running(pid), 'the history service runs before the kill').toBe(true);
    process.kill(pid, 'SIGKILL');
    await waitFor('the history service to be gone', async () => !running(pid));

    // While it is down, the API answers a state change 503 (retry later), never 500, and the register (MySQL) still lists.
    const whileDown: ApiResponse[] = [
      await h.api('POST', `/v1/complaints/${complaints[1]}/triage`, {
        as: 'handler-1',
        body: { category: 'other', severity: 'normal', stationId },
        headers: { 'idempotency-key': 'engine-c2-triage' },
      }),
      await h.api('GET', '/v1/complaints', { as: 'handler-1' }),
      await h.api('GET', `/v1/complaints/${complaints[1]}`, { as: 'handler-1' }),
    ];
    expect(whileDown[0].status).toBe(503);
    expect(whileDown[0].headers.get('retry-after')).toBe('5');
    expect(whileDown[1].status).toBe(200);
    expect(whileDown[1].body.items.map((c: { id: string }) => c.id)).toEqual(expect.arrayContaining(complaints.slice(0, 3)));
    expect(whileDown[2].status).not.toBe(500);

    execFileSync('bash', [path.join(engineDir!, 'start-service.sh'), 'history']);
    const restarted = Number(readFileSync(historyPidFile(), 'utf8'));
    expect(restarted).not.toBe(pid);
    const filedMeanwhile = (await inFlight).slice(0, 3) as string[];
    complaints.push(...filedMeanwhile);
    await post(`/v1/complaints/${complaints[1]}/triage`, 'handler-1', { category: 'other', severity: 'normal', stationId }, { key: 'engine-c2-triage' });

    // After: every case driven to its end.
    await post(`/v1/station-applications/${a1}/assessors`, 'sup-1', { assessorIds: ['insp-1', 'insp-2'] });
    await post(`/v1/station-applications/${a1}/assessments`, 'insp-1', { scores: goodScores });
    await post(`/v1/station-applications/${a1}/assessments`, 'insp-2', { scores: goodScores });
    await post(`/v1/station-applications/${a1}/decision`, 'sup-2', { outcome: 'approve' });
    for (const [i, id] of complaints.entries()) {
      if (i > 1) await post(`/v1/complaints/${id}/triage`, 'handler-1', { category: 'other', severity: 'normal', stationId });
      await post(`/v1/complaints/${id}/investigator`, 'handler-1', { investigatorId: 'insp-2' });
      await post(`/v1/complaints/${id}/finding`, 'insp-2', { finding: 'unsubstantiated', reasons: ['no candidate confirmed the claim'] });
    }
    const ends: Array<[string, string, string, string]> = [
      ['station_applications', a1, 'approved', `station-application:${a1}`],
      ['qualifications', q1, 'lapsed', `qualification:${q1}`],
      ...complaints.map((id): [string, string, string, string] => ['complaints', id, 'final', `complaint:${id}`]),
    ];
    for (const [table, id, end, workflowId] of ends) {
      await eventually(async () => (await statusOf(table, id)) === end, { timeoutMs: 180_000, intervalMs: 500 });
      await eventually(async () => (await h.temporal.workflow.getHandle(workflowId).describe()).status.name === 'COMPLETED');
    }

    // Rows: one per case.
    const count = async (table: string) => Number((await h.db(table).count({ n: '*' }).first())?.n);
    expect({
      station_applications: await count('station_applications'),
      stations: await count('stations'),
      qualifications: Number((await h.db('qualifications').whereNull('import_id').count({ n: '*' }).first())?.n),
      complaints: await count('complaints'),
    }).toEqual({ station_applications: 2, stations: 2, qualifications: 1, complaints: 6 });

    // Events: each open case's timeline exactly as its steps made it, nothing twice.
    const timeline = async (caseType: string, id: string) =>
      (await h.db('events').where({ case_type: caseType, case_id: id }).orderBy('seq').select('action')).map((e) => e.action as string);
    expect(await timeline('station_application', a1)).toEqual([
      'submitted',
      'completeness_passed',
      'reviewer_assigned',
      'review_pass',
      'assessors_assigned',
      'assessment_submitted',
      'assessment_submitted',
      'on_site_scored',
      'decision_approve',
      'licence_issued',
    ]);
    expect(await timeline('qualification', q1)).toEqual(['admission_applied', 'admitted', 'renewal_reminder', 'renewal_reminder', 'lapsed']);
    for (const id of complaints)
      expect(await timeline('complaint', id)).toEqual([
        'received',
        'triaged',
        'checks_completed',
        'investigator_assigned',
        'finding_unsubstantiated',
        'investigation_closed',
        'appeal_window_closed',
      ]);

    // Mails: each sent outbox row arrived exactly once, nothing else arrived, nothing is left pending.
    await eventually(async () => Number((await h.db('outbox').where({ status: 'pending' }).count({ n: '*' }).first())?.n) === 0, { timeoutMs: 90_000 });
    const sent = await h.db('outbox').where({ status: 'sent' }).select('message_id');
    await eventually(async () => h.mails.length >= sent.length, { timeoutMs: 60_000 });
    const received = h.mails.map((m) => m.messageId);
    expect(received.length).toBeGreaterThan(0);
    expect(new Set(received).size).toBe(received.length);
    expect([...received].sort()).toEqual(sent.map((r) => r.message_id as string).sort());
    console.log(
      `[engine] history service (pid ${pid}) killed with SIGKILL and restarted (pid ${restarted}): while down the API answered ` +
        `${whileDown.map((r) => r.status).join('/')} (state change / register / case view); ${ends.length} cases completed ` +
        `(${ends.map(([, , end]) => end).join(', ')}), ${received.length} mails each received once`,
    );
  });
});
