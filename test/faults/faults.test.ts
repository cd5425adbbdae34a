import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { parseJson } from '../../db/queries/users';
import { isComplaintFinal, type ComplaintStatus } from '../../domain/complaint';
import { FINAL_INSPECTION_STATUSES, type InspectionStatus } from '../../domain/inspection';
import { FINAL_QUALIFICATION_STATUSES, type QualificationStatus } from '../../domain/qualification';
import { FINAL_STATUSES, type ApplicationStatus } from '../../domain/stationApproval';
import { checklistScores, goodScores } from '../support/fixtures';
import { eventually, type ApiResponse } from '../support/harness';
import { waitFor } from './support/processes';
import { startSystem, type System } from './support/system';

/**
 * Fault injection (`npm run test:faults`): with cases in flight in all four processes, the worker is
 * killed mid-activity, the Temporal dev server restarted, MariaDB stopped for 20 s and the SMTP server
 * made to refuse, with one address refused for good. Every case must still reach its end state, with no
 * row, event or mail twice, and the mail to the refused address recorded as failed, not retried forever.
 * Each fault prints one line with what was observed before and after it.
 */
const BAD_ADDRESS = 'no-such-mailbox@mail.example';
const COMPLAINANT = { name: 'Lu Xin', email: 'lu.xin@mail.example' };
const DB_OUTAGE_MS = 20_000;
const SMTP_REFUSAL_MS = 15_000;

let sys: System;
beforeAll(async () => {
  sys = await startSystem({
    // Q1 runs its whole cycle (two reminders, then lapse) on timers while the faults happen.
    qualification: { validity: 'PT90S', reminderOffsets: ['PT60S', 'PT30S'] },
    complaint: { appealWindow: 'PT10S' },
  });
  sys.smtp.faults.rejected.add(BAD_ADDRESS);
}, 300_000);
afterEach(({ task }) => {
  // The worker runs in a process of its own: its output is the first place to look when a step fails.
  if (task.result?.state === 'fail') console.log(`worker output (last 6000 characters):\n${sys.workerLog().slice(-6000)}`);
});
afterAll(async () => sys?.close());

/** The four processes: each case's table, workflow id prefix, and the statuses it ends in. */
const PROCESSES = {
  station_applications: { workflow: 'station-application', final: (s: string) => FINAL_STATUSES.includes(s as ApplicationStatus) },
  inspections: { workflow: 'inspection', final: (s: string) => FINAL_INSPECTION_STATUSES.includes(s as InspectionStatus) },
  qualifications: { workflow: 'qualification', final: (s: string) => FINAL_QUALIFICATION_STATUSES.includes(s as QualificationStatus) },
  complaints: { workflow: 'complaint', final: (s: string) => isComplaintFinal(s as ComplaintStatus) },
};
type Process = keyof typeof PROCESSES;

/** The cases driven through the faults, by name: A station applications, I the inspection, Q qualifications, C complaints. */
const cases = new Map<string, { process: Process; id: string }>();
const id = (name: string) => cases.get(name)!.id;
/** Licensed before the faults: the station the inspection and the complaints are about. */
let stationId: number;

let requests = 0;
/**
 * A POST as a well-behaved client: one Idempotency-Key for the action, retried while the API answers
 * 503 (as its Retry-After asks) or 409 in_progress; anything else ends the wait and is checked.
 */
async function post(path: string, as: string | null, body: unknown, { status = 200, key = `faults-${++requests}` }: { status?: number; key?: string } = {}) {
  const res = await eventually(
    async () => {
      const r = await sys.api('POST', path, { as, body, headers: { 'idempotency-key': key } });
      return r.status === 503 || r.body?.error?.code === 'in_progress' ? undefined : r;
    },
    { timeoutMs: 120_000, intervalMs: 1000 },
  );
  expect(res.status, `POST ${path} as ${as}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

const application = (name: string, step: string, as: string, body: unknown, opts?: { key?: string }) =>
  post(`/v1/station-applications/${id(name)}/${step}`, as, body, opts);
const inspection = (step: string, as: string, body: unknown = {}, opts?: { key?: string }) => post(`/v1/inspections/${id('I1')}/${step}`, as, body, opts);
const qualification = (name: string, step: string, as: string, body: unknown) => post(`/v1/qualifications/${id(name)}/${step}`, as, body);
const complaint = (name: string, step: string, as: string, body: unknown) => post(`/v1/complaints/${id(name)}/${step}`, as, body);

async function fileApplication(name: string, as: string, body: unknown, key?: string): Promise<void> {
  cases.set(name, { process: 'station_applications', id: (await post('/v1/station-applications', as, body, { status: 201, key })).id });
}

async function fileComplaint(name: string, contact: { name: string; email: string }): Promise<void> {
  const filed = await post(
    '/v1/public/complaints',
    null,
    { category: 'other', stationId, happenedOn: '2026-11-01', description: 'Candidates were told the answers before the practical test.', contact },
    { status: 201 },
  );
  const complaintId = await eventually(
    async () => (await sys.db('complaints').where({ tracking_number: filed.trackingNumber }).first('id'))?.id as string | undefined,
  );
  cases.set(name, { process: 'complaints', id: complaintId });
}

async function applyForQualification(name: string, examinerId: string, occupationCode: string): Promise<void> {
  const applied = await post(
    '/v1/qualifications',
    examinerId,
    { occupationCode, level: 3, trainingHours: 48, examScore: 82, nationalId: '44010619850301123X' },
    { status: 201 },
  );
  cases.set(name, { process: 'qualifications', id: applied.id });
}

const status = async (name: string) =>
  (
    await sys
      .db(cases.get(name)!.process)
      .where({ id: id(name) })
      .first('status')
  )?.status as string | undefined;
const reaches = (name: string, expected: string, timeoutMs = 60_000) =>
  eventually(async () => (await status(name)) === expected, { timeoutMs, intervalMs: 500 });

/** Each case's status, as "A1 in_review"; fails unless a case of every process is still open, so each fault meets all four in flight. */
async function inFlightInAllFour(): Promise<string> {
  const open = new Set<Process>();
  const seen: string[] = [];
  for (const [name, c] of cases) {
    const s = (await status(name))!;
    if (!PROCESSES[c.process].final(s)) open.add(c.process);
    seen.push(`${name} ${s}`);
  }
  expect([...open].sort(), seen.join(', ')).toEqual(Object.keys(PROCESSES).sort());
  return seen.join(', ');
}

interface Observation {
  cases: string;
  events: number;
  outbox: { rows: number; sent: number; failed: number; pending: number };
  mails: number;
}

/** What a fault is judged by: the cases' statuses, events, outbox rows by status, and mails the SMTP server accepted. */
async function observe(): Promise<Observation> {
  const count = async (table: string) => Number((await sys.db(table).count({ n: '*' }).first())?.n);
  const rows: Array<{ status: string; n: number }> = await sys.db('outbox').select('status').count({ n: '*' }).groupBy('status');
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  const statuses: string[] = [];
  for (const name of cases.keys()) statuses.push(`${name} ${await status(name)}`);
  return {
    cases: statuses.join(', '),
    events: await count('events'),
    outbox: { rows: await count('outbox'), sent: byStatus.sent ?? 0, failed: byStatus.failed ?? 0, pending: byStatus.pending ?? 0 },
    mails: sys.smtp.mails.length,
  };
}

function report(fault: string, before: Observation, after: Observation, seen: string): void {
  const o = after.outbox;
  console.log(
    `[fault] ${fault}: ${seen}. Cases before: ${before.cases}; after: ${after.cases}. Events ${before.events}→${after.events}, ` +
      `outbox rows ${before.outbox.rows}→${o.rows} (sent ${o.sent}, failed ${o.failed}, pending ${o.pending}), mails received ${before.mails}→${after.mails}.`,
  );
}

/** Every mail step has come to rest: nothing pending in the outbox, and as many mails arrived as were sent (duplicates are judged at the end). */
async function mailSettled(timeoutMs = 90_000): Promise<void> {
  await eventually(
    async () => {
      const o = (await observe()).outbox;
      return o.pending === 0 && sys.smtp.mails.length >= o.sent;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** What the API must answer while MySQL is down: 503 with Retry-After and a JSON error, never a 500. */
function expectUnavailable(label: string, res: ApiResponse) {
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(503);
  expect(res.headers.get('retry-after'), label).toBe('5');
  expect(res.body?.error?.code, label).toBe('unavailable');
}

describe('faults with cases in flight in all four processes', () => {
  it('starts cases in station approval, inspections, examiner qualification and complaints', async () => {
    await fileApplication('A0', 'admin-1', example);
    await application('A0', 'reviewer', 'sup-1', { reviewerId: 'rev-2' });
    await application('A0', 'review', 'rev-2', { outcome: 'pass' });
    await application('A0', 'assessors', 'sup-1', { assessorIds: ['insp-1', 'insp-2'] });
    await application('A0', 'assessments', 'insp-1', { scores: goodScores });
    await application('A0', 'assessments', 'insp-2', { scores: goodScores });
    await application('A0', 'decision', 'sup-2', { outcome: 'approve' });
    stationId = await eventually(
      async () =>
        ((
          await sys
            .db('station_applications')
            .where({ id: id('A0') })
            .first('station_id')
        )?.station_id as number | null) ?? undefined,
    );
    await eventually(async () => (await sys.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body.programme ?? undefined);

    await fileApplication('A1', 'admin-2', { ...example, stationName: '珠江职业技能鉴定站' });
    cases.set('I1', {
      process: 'inspections',
      id: (await post('/v1/inspections', 'sup-1', { stationId, reason: 'fault suite spot check' }, { status: 201 })).id,
    });
    await applyForQualification('Q1', 'exam-1', '4-07-10-01');
    await qualification('Q1', 'admission-decision', 'rev-2', { outcome: 'approve' });
    await applyForQualification('Q2', 'exam-2', '4-07-11-01');
    await fileComplaint('C1', COMPLAINANT);
    await mailSettled();
  });

  it('kill -9 of the worker while it sends a mail: the mail goes out once after the restart', async () => {
    await inFlightInAllFour();
    const before = await observe();
    const { smtp, worker } = sys;
    const reviewer = 'sun.hao@osta.example';
    smtp.faults.holding = true;
    await application('A1', 'reviewer', 'sup-1', { reviewerId: 'rev-2' });
    await waitFor('the reviewer mail in flight', async () => smtp.held().some((m) => m.to.includes(reviewer)));
    const inFlight = smtp.held().find((m) => m.to.includes(reviewer))!;
    const killedAt = Date.now();
    await worker.kill('SIGKILL');
    // The server never confirmed the message, so it was not delivered; the outbox row is claimed but not sent.
    // Every message the dead worker had in flight is dropped with its connection (other steps may have been sending too);
    // only then stop holding, or a release would accept a message whose sender is gone.
    await waitFor('the server to see the sender gone', async () => smtp.dropped.some((m) => m.messageId === inFlight.messageId) && smtp.held().length === 0);
    smtp.release();
    expect((await sys.db('outbox').where({ message_id: inFlight.messageId }).first('status'))?.status).toBe('pending');

    await worker.start();
    // Temporal retries the activity once its start-to-close timeout (30 s) shows the attempt lost.
    await eventually(async () => (await sys.db('outbox').where({ message_id: inFlight.messageId }).first('status'))?.status === 'sent', {
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    const resentAfter = Math.round((Date.now() - killedAt) / 1000);
    await mailSettled();
    expect(smtp.mails.filter((m) => m.messageId === inFlight.messageId)).toHaveLength(1);
    expect(await status('A1')).toBe('in_review');
    report(
      'worker killed (SIGKILL) while sending a mail, then restarted',
      before,
      await observe(),
      `the in-flight mail "${inFlight.subject}" was dropped unconfirmed by the SMTP server, its outbox row stayed pending, and it was delivered once ${resentAfter} s after the kill`,
    );
  });

  it('stop and restart of the Temporal dev server (SQLite file): cases go on where they were', async () => {
    await inspection('team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
    await inspection('acknowledge', 'insp-1');
    await inspection('acknowledge', 'insp-2');
    await qualification('Q2', 'admission-decision', 'rev-2', { outcome: 'approve' });
    // Suspended, the cycle's clock stands still: Q2 stays in flight until it is revoked.
    await qualification('Q2', 'suspension', 'sup-1', { until: new Date(Date.now() + 86_400_000).toISOString(), reasons: ['complaint under investigation'] });
    await complaint('C1', 'triage', 'handler-1', { category: 'other', severity: 'normal', stationId });
    await mailSettled();
    await inFlightInAllFour();
    const before = await observe();

    await sys.temporalServer.stop();
    const reviewKey = 'faults-a1-review';
    const whileDown = [
      await sys.api('GET', '/v1/station-applications', { as: 'sup-1' }),
      await sys.api('GET', `/v1/station-applications/${id('A1')}`, { as: 'sup-1' }),
      await sys.api('POST', `/v1/station-applications/${id('A1')}/review`, {
        as: 'rev-2',
        body: { outcome: 'pass' },
        headers: { 'idempotency-key': reviewKey },
      }),
    ];
    for (const res of whileDown) {
      expect(res.status).not.toBe(500);
      if (res.status === 503) expect(res.headers.get('retry-after')).toBe('5');
    }
    expect(whileDown[2].status).toBe(503);
    await sys.temporalServer.start();

    // The same request again, as a client does after a 503: it acts once.
    expect((await application('A1', 'review', 'rev-2', { outcome: 'pass' }, { key: reviewKey })).status).toBe('awaiting_assessors');
    await mailSettled();
    expect(sys.worker.alive()).toBe(true);
    report(
      'Temporal dev server stopped and started again on the same SQLite file',
      before,
      await observe(),
      `while it was down the API answered ${whileDown.map((r) => r.status).join('/')} (list from MySQL / read / update); the update, retried with its Idempotency-Key after the restart, applied once; the worker reconnected by itself`,
    );
  });

  it('MariaDB stopped for 20 s: the API answers 503 with Retry-After meanwhile, and everything resumes', async () => {
    await inspection('scores', 'insp-1', { scores: checklistScores() });
    await inspection('scores', 'insp-2', { scores: checklistScores() });
    await complaint('C1', 'investigator', 'handler-1', { investigatorId: 'insp-2' });
    await mailSettled();
    await inFlightInAllFour();
    const before = await observe();

    // A mail in flight when the database goes: the SMTP server accepts it only once MariaDB is down, so
    // the worker cannot record it as sent and its activity fails; the retry must not send it again.
    const { smtp } = sys;
    smtp.faults.holding = true;
    await application('A1', 'assessors', 'sup-1', { assessorIds: ['insp-1', 'insp-2'] });
    await waitFor('the assessors mail in flight', async () => smtp.held().some((m) => m.to.includes('chen.gang@gzvc.example')));
    const inFlight = smtp.held().find((m) => m.to.includes('chen.gang@gzvc.example'))!;

    const createKey = 'faults-a2-create';
    const reportKey = 'faults-inspection-report';
    const a2 = { ...example, stationName: '佛山南区职业技能鉴定站' };
    await sys.mariadb.stop();
    const stoppedAt = Date.now();
    smtp.release();
    let answered = 0;
    while (Date.now() - stoppedAt < DB_OUTAGE_MS) {
      for (const [label, res] of [
        ['GET /readyz', await sys.api('GET', '/readyz')],
        ['GET list', await sys.api('GET', '/v1/station-applications', { as: 'sup-1' })],
        ['GET complaint', await sys.api('GET', `/v1/complaints/${id('C1')}`, { as: 'handler-1' })],
        ['POST create', await sys.api('POST', '/v1/station-applications', { as: 'admin-1', body: a2, headers: { 'idempotency-key': createKey } })],
        [
          'POST action',
          await sys.api('POST', `/v1/inspections/${id('I1')}/report`, {
            as: 'insp-1',
            body: { summary: 'all items pass' },
            headers: { 'idempotency-key': reportKey },
          }),
        ],
      ] as const) {
        expectUnavailable(label, res);
        answered += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await sys.mariadb.start();
    const outage = Math.round((Date.now() - stoppedAt) / 1000);

    // The create and the action retried with their keys: one case, one report.
    await fileApplication('A2', 'admin-1', a2, createKey);
    expect((await post('/v1/station-applications', 'admin-1', a2, { status: 201, key: createKey })).id).toBe(id('A2'));
    expect((await inspection('report', 'insp-1', { summary: 'all items pass' }, { key: reportKey })).status).toBe('awaiting_review');
    await eventually(async () => (await sys.db('outbox').where({ message_id: inFlight.messageId }).first('status'))?.status === 'sent', {
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    await mailSettled();
    expect(smtp.mails.filter((m) => m.messageId === inFlight.messageId)).toHaveLength(1);
    expect(sys.worker.alive()).toBe(true);
    report(
      `MariaDB stopped for ${outage} s and started again`,
      before,
      await observe(),
      `all ${answered} API calls during the outage (readyz, list, read, create, action) answered 503 with Retry-After: 5 and a JSON error, none 500; the create and the action, retried with their Idempotency-Keys, made one case (A2) and one report; the mail "${inFlight.subject}", accepted by the SMTP server just after MariaDB stopped, was recorded as sent after the outage and not sent again; the worker rode it out`,
    );
  });

  it('SMTP refusing for a while, and a permanent 5xx for one address: mail waits, then goes once; the bad address fails for good', async () => {
    await application('A1', 'assessments', 'insp-1', { scores: goodScores });
    await application('A1', 'assessments', 'insp-2', { scores: goodScores });
    await application('A2', 'withdraw', 'admin-1', { reason: 'applying for another site instead' });
    await mailSettled();
    await inFlightInAllFour();
    const before = await observe();

    const { smtp } = sys;
    smtp.faults.refusing = true;
    const refusedAt = Date.now();
    await fileComplaint('C2', { name: 'Anonymous Parent', email: BAD_ADDRESS });
    await application('A1', 'decision', 'sup-2', { outcome: 'approve' });
    await inspection('review', 'sup-1', { outcome: 'pass' });
    await qualification('Q2', 'revocation', 'sup-2', { reasons: ['fraudulent appraisal substantiated'] });
    await complaint('C1', 'finding', 'insp-2', { finding: 'unsubstantiated', reasons: ['no candidate confirmed the claim'] });
    // Mail is held back, not lost: each of these steps' messages waits in the outbox, tried and refused.
    const mailing = ['C2', 'A1', 'I1', 'Q2', 'C1'].map((name) => `${PROCESSES[cases.get(name)!.process].workflow}:${id(name)}`);
    const waiting = await eventually(async () => {
      const rows = await sys.db('outbox').where({ status: 'pending' }).where('attempts', '>', 0);
      return mailing.every((workflowId) => rows.some((r) => r.workflow_id === workflowId)) ? rows : undefined;
    });
    expect(waiting.every((r) => /421/.test(r.last_error))).toBe(true);
    const mailsWhileRefusing = smtp.mails.length;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, SMTP_REFUSAL_MS - (Date.now() - refusedAt))));
    expect(smtp.mails.length).toBe(mailsWhileRefusing);
    smtp.faults.refusing = false;

    await mailSettled(120_000);
    const bad = await sys.db('outbox').whereRaw('JSON_CONTAINS(recipients, ?)', [JSON.stringify(BAD_ADDRESS)]);
    expect(bad.map((r) => r.status)).toEqual(['failed']);
    expect(bad[0].last_error).toMatch(/550/);
    report(
      `SMTP server refusing (421) for ${SMTP_REFUSAL_MS / 1000} s, ${BAD_ADDRESS} refused with 550 throughout`,
      before,
      await observe(),
      `${waiting.length} mails waited in the outbox (none arrived while refusing) and went out once each afterwards; the mail to the bad address is 'failed' after ${bad[0].attempts} attempts (${bad[0].attempts - 1} refused with 421, then one 550)`,
    );
  });

  it('every case reaches its end state, with no duplicate row, event or mail', async () => {
    await complaint('C2', 'triage', 'handler-1', { category: 'other', severity: 'normal', stationId });
    await complaint('C2', 'investigator', 'handler-1', { investigatorId: 'insp-5' });
    await complaint('C2', 'finding', 'insp-5', { finding: 'unsubstantiated', reasons: ['the exam papers were sealed'] });

    const ends = { A0: 'approved', A1: 'approved', A2: 'withdrawn', I1: 'closed', Q1: 'lapsed', Q2: 'revoked', C1: 'final', C2: 'final' };
    for (const [name, end] of Object.entries(ends)) await reaches(name, end, 180_000);
    for (const [name, c] of cases) {
      await eventually(
        async () => (await sys.temporal.workflow.getHandle(`${PROCESSES[c.process].workflow}:${id(name)}`).describe()).status.name === 'COMPLETED',
      );
    }
    await mailSettled();

    // Rows: one per case, one station per approval (the demo register's imported qualifications aside).
    const count = async (table: string) => Number((await sys.db(table).count({ n: '*' }).first())?.n);
    expect({
      station_applications: await count('station_applications'),
      stations: await count('stations'),
      inspections: await count('inspections'),
      qualifications: Number((await sys.db('qualifications').whereNull('import_id').count({ n: '*' }).first())?.n),
      complaints: await count('complaints'),
    }).toEqual({ station_applications: 3, stations: 2, inspections: 1, qualifications: 2, complaints: 2 });

    // Events: each timeline exactly as its steps made it, nothing twice and nothing else.
    const otherStationId = (
      await sys
        .db('station_applications')
        .where({ id: id('A1') })
        .first('station_id')
    )?.station_id as number;
    const timelines: Record<string, string[]> = {};
    for (const e of await sys.db('events').whereNot('case_type', 'examiner_import').orderBy(['case_type', 'case_id', 'seq']))
      (timelines[`${e.case_type}:${e.case_id}`] ??= []).push(e.action);
    const approval = [
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
    ];
    const complaintClosed = [
      'received',
      'triaged',
      'checks_completed',
      'investigator_assigned',
      'finding_unsubstantiated',
      'investigation_closed',
      'appeal_window_closed',
    ];
    expect(timelines).toEqual({
      'checklist_template:station-routine': ['template_published'],
      [`station_application:${id('A0')}`]: approval,
      [`station_application:${id('A1')}`]: approval,
      [`station_application:${id('A2')}`]: ['submitted', 'completeness_passed', 'withdrawn'],
      // Each licensed station's programme watches its licence from its start (licence_tracked).
      [`station:${stationId}`]: ['licence_tracked', 'inspection_concluded'],
      [`station:${otherStationId}`]: ['licence_tracked'],
      [`inspection:${id('I1')}`]: [
        'created',
        'team_assigned',
        'acknowledged',
        'acknowledged',
        'fieldwork_started',
        'scores_submitted',
        'scores_submitted',
        'scored',
        'report_submitted',
        'review_pass',
      ],
      [`qualification:${id('Q1')}`]: ['admission_applied', 'admitted', 'renewal_reminder', 'renewal_reminder', 'lapsed'],
      [`qualification:${id('Q2')}`]: ['admission_applied', 'admitted', 'suspended', 'revoked'],
      [`complaint:${id('C1')}`]: complaintClosed,
      [`complaint:${id('C2')}`]: complaintClosed,
    });

    // Mails: each sent outbox row arrived exactly once, and nothing else arrived.
    const outbox = await sys.db('outbox').select('message_id', 'status', 'recipients', 'subject', 'attempts');
    const sent = outbox.filter((r) => r.status === 'sent');
    const received = sys.smtp.mails.map((m) => m.messageId);
    expect(new Set(received).size).toBe(received.length);
    expect([...received].sort()).toEqual(sent.map((r) => r.message_id).sort());
    const byRecipientAndSubject = (pairs: Array<[string[], string]>) => pairs.flatMap(([to, subject]) => to.map((address) => `${address} | ${subject}`)).sort();
    expect(byRecipientAndSubject(sys.smtp.mails.map((m) => [m.to, m.subject]))).toEqual(
      byRecipientAndSubject(sent.map((r) => [parseJson<string[]>(r.recipients)!, r.subject])),
    );

    // The refused address: both its mails failed, each refused once with 550 and never tried again.
    const failed = outbox.filter((r) => r.status === 'failed');
    expect(failed.map((r) => parseJson<string[]>(r.recipients))).toEqual([[BAD_ADDRESS], [BAD_ADDRESS]]);
    expect(sys.smtp.recipientAttempts.filter((a) => a.address === BAD_ADDRESS)).toEqual([
      { address: BAD_ADDRESS, code: 550 },
      { address: BAD_ADDRESS, code: 550 },
    ]);
    console.log(
      `[fault] end: ${Object.entries(ends)
        .map(([name, end]) => `${name} ${end}`)
        .join(', ')} (every workflow completed); ` +
        `${Object.values(timelines).flat().length} events, none twice; ${outbox.length} outbox rows (${sent.length} sent, ${failed.length} failed, attempts of the failed: ${failed.map((r) => r.attempts).join(', ')}); ` +
        `${received.length} mails received, each Message-ID once`,
    );
  });
});
