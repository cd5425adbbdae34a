import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { eventually, startHarness, type Harness } from '../support/harness';
import { checklistScores, goodScores, licenseStation } from '../support/fixtures';

const DAY = 86_400_000;

/**
 * Lists agree with cases: after every step, the list row (what the inbox sorts by) shows the pending
 * step, who holds it and its due time exactly as the case's live state does.
 */
let h: Harness;
beforeAll(async () => {
  // Each step its own period, so a due time left over from another step shows.
  h = await startHarness({
    stationApproval: {
      deadlines: {
        resubmission: 'P29D',
        assignReviewer: 'P3D',
        documentReview: 'P10D',
        assignAssessors: 'P5D',
        onSiteAssessment: 'P20D',
        finalDecision: 'P6D',
      },
    },
    inspection: {
      deadlines: {
        assignTeam: 'P5D',
        acknowledge: 'PT3S',
        fieldwork: 'P14D',
        report: 'P4D',
        review: 'P7D',
        rectification: 'PT5S',
        verification: 'P10D',
        sanctionDecision: 'P3D',
      },
    },
    complaint: {
      triage: 'P2D',
      assignInvestigator: 'P4D',
      sla: { normal: 'P30D', serious: 'P15D', critical: 'P3D' },
      reminderBefore: 'P3D',
      extension: 'P7D',
      appealWindow: 'PT60S',
    },
  });
});
afterAll(async () => h?.close());

interface PendingLike {
  action: string;
  role: string;
  userIds: string[];
  dueAt?: string | null;
  escalationLevel?: number;
}

const held = (p: PendingLike | null | undefined) =>
  p ? { action: p.action, role: p.role, userIds: [...p.userIds].sort(), dueAt: p.dueAt ?? null, escalationLevel: p.escalationLevel ?? 0 } : null;

/**
 * The case's list row against its live state, once the row is written for the state's version (a step
 * the process takes by itself is written right after it; a person's step before the answer).
 */
async function expectRowAgrees(kind: 'station-applications' | 'inspections' | 'complaints', id: string, step: string) {
  const { live, row } = await eventually(
    async () => {
      const one = (await h.api('GET', `/v1/${kind}/${id}`, { as: 'sup-1' })).body;
      const row = (await h.api('GET', `/v1/${kind}?limit=100`, { as: 'sup-1' })).body.items.find((r: { id: string }) => r.id === id);
      return row && (one.live === null || row.version === one.live.version) ? { live: one.live, row } : undefined;
    },
    { timeoutMs: 10_000 },
  );
  expect(held(row.pending), `after ${step}: the row of ${kind} ${id} at version ${row.version}`).toEqual(held(live?.pending));
  // Every waiting step here has a policy deadline: neither shows it missing.
  if (live?.pending) expect(live.pending.dueAt, `after ${step}: the due time`).toEqual(expect.any(String));
  return { live, row };
}

describe('lists agree with cases', () => {
  it('station application: every step, including a return to the applicant and the resubmission', async () => {
    const created = await h.api('POST', '/v1/station-applications', { as: 'admin-1', body: example });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    await expectRowAgrees('station-applications', id, 'submission');
    const steps: Array<[string, string, unknown]> = [
      ['reviewer', 'sup-1', { reviewerId: 'rev-2' }],
      ['review', 'rev-2', { outcome: 'return', reasons: ['site certificate is expired'] }],
      ['resubmit', 'admin-1', { application: example }],
      ['review', 'rev-2', { outcome: 'pass' }],
      ['assessors', 'sup-1', { assessorIds: ['insp-1', 'insp-2'] }],
      ['assessments', 'insp-1', { scores: goodScores }],
      ['assessments', 'insp-2', { scores: goodScores }],
      ['decision', 'sup-2', { outcome: 'approve' }],
    ];
    for (const [path, as, body] of steps) {
      const res = await h.api('POST', `/v1/station-applications/${id}/${path}`, { as, body });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
      const { live } = await expectRowAgrees('station-applications', id, `${path} (${res.body.status})`);
      // The returned application waits on the applicant, by the applicant's deadline, not the reviewer's.
      if (res.body.status === 'returned') {
        expect(live.pending).toMatchObject({ action: 'resubmit', userIds: ['admin-1'] });
        // Counted from the return itself, not from the statutory clock's stop recorded just after it.
        const returned = live.timeline.findLast(
          (e: { action: string; statusAfter?: string }) => e.statusAfter === 'returned' && e.action !== 'statutory_clock_stopped',
        );
        expect(Date.parse(live.pending.dueAt) - Date.parse(returned.at)).toBe(29 * DAY);
      }
    }
  });

  it('inspection: every step, including a missed acknowledgement, a rectification the station misses and the sanction after it', async () => {
    const stationId = await licenseStation(h);
    const started = await h.api('POST', '/v1/inspections', { as: 'sup-1', body: { stationId, reason: 'spot check' } });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as string;
    await expectRowAgrees('inspections', id, 'start');
    const act = async (path: string, as: string, body: unknown = {}) => {
      const res = await h.api('POST', `/v1/inspections/${id}/${path}`, { as, body });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
      await expectRowAgrees('inspections', id, `${path} by ${as} (${res.body.status})`);
    };
    await act('team', 'sup-1', { inspectorIds: ['insp-1', 'insp-2'], leadId: 'insp-1' });
    // Nobody acknowledges within 3 s: the step escalates, and the row shows it overdue with its next due time.
    await eventually(async () => (await h.api('GET', `/v1/inspections/${id}`, { as: 'sup-1' })).body.live.pending.escalationLevel >= 1);
    const { row: overdue } = await expectRowAgrees('inspections', id, 'the missed acknowledgement');
    expect(overdue.pending.escalationLevel).toBeGreaterThanOrEqual(1);
    expect((await h.api('GET', '/v1/inspections?overdue=true', { as: 'sup-1' })).body.items.map((r: { id: string }) => r.id)).toContain(id);
    await act('acknowledge', 'insp-1');
    await act('acknowledge', 'insp-2');
    await act('scores', 'insp-1', { scores: checklistScores({ 'org.records': 1 }) });
    await act('scores', 'insp-2', { scores: checklistScores({ 'org.records': 1 }) });
    await act('report', 'insp-1', { summary: 'candidate files missing' });
    await act('review', 'sup-1', { outcome: 'rectify', reasons: ['candidate files missing'] });

    // Nobody reports within 5 s: the process proposes a warning to the supervisors by itself.
    await eventually(async () => (await h.api('GET', `/v1/inspections/${id}`, { as: 'sup-1' })).body.live?.status === 'awaiting_sanction');
    const { live } = await expectRowAgrees('inspections', id, 'the missed rectification');
    expect(live.pending).toMatchObject({ action: 'decideSanction', role: 'supervisor' });

    await act('sanction', 'sup-1', { reasons: ['rectification not reported'] });
    await act('rectification', 'admin-1', { report: 'files reconstructed and audited' });
    await act('verification', 'insp-1', { scores: { 'org.records': 9 } });
  });

  it('complaint: received, triaged, investigator assigned, extended, finding, closed; then an appeal to its final finding', async () => {
    const stationId = await licenseStation(h);
    const filed = await h.api('POST', '/v1/public/complaints', {
      body: {
        category: 'examiner_misconduct',
        stationId,
        happenedOn: '2026-11-01',
        description: 'The examiner left the room during the practical test.',
        contact: { name: 'Lu Xin', email: 'lu.xin@mail.example' },
      },
    });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const { trackingNumber, secret } = filed.body as { trackingNumber: string; secret: string };
    const id = await eventually(async () => (await h.db('complaints').where({ tracking_number: trackingNumber }).first('id'))?.id as string | undefined);
    /** The time from the entry that began the step to the due time the case shows, in days. */
    const period = (live: { pending: { dueAt: string }; timeline: Array<{ action: string; at: string }> }, action: string) =>
      (Date.parse(live.pending.dueAt) - Date.parse(live.timeline.filter((e) => e.action === action).at(-1)!.at)) / DAY;

    const received = (await expectRowAgrees('complaints', id, 'filing')).live;
    expect(received.pending).toMatchObject({ action: 'triage', role: 'complaint_handler' });
    expect(period(received, 'received')).toBe(2);

    const act = async (path: string, as: string, body: unknown) => {
      const res = await h.api('POST', `/v1/complaints/${id}/${path}`, { as, body });
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
      return (await expectRowAgrees('complaints', id, `${path} by ${as} (${res.body.status})`)).live;
    };
    const triaged = await act('triage', 'handler-1', { category: 'examiner_misconduct', severity: 'serious', stationId });
    expect(triaged.pending).toMatchObject({ action: 'assignInvestigator', role: 'complaint_handler' });
    expect(period(triaged, 'triaged')).toBe(4);

    // The investigation's SLA (serious: 15 days) starts with the assignment, in the write that records it.
    const assigned = await act('investigator', 'handler-1', { investigatorId: 'insp-2' });
    expect(assigned.pending).toMatchObject({ action: 'submitFinding', role: 'inspector', userIds: ['insp-2'] });
    expect(period(assigned, 'investigator_assigned')).toBe(15);
    const extended = await act('extension', 'sup-1', { reasons: ['witnesses abroad until next month'] });
    expect(period(extended, 'investigator_assigned')).toBe(22);

    const closed = await act('finding', 'insp-2', { finding: 'unsubstantiated', reasons: ['no witness confirmed it'], actions: [] });
    expect(closed.status).toBe('closed');
    expect(closed.pending).toBeNull();

    await eventually(
      async () => (await h.api('GET', `/v1/public/complaints/${trackingNumber}`, { headers: { 'x-complaint-secret': secret } })).body.appealOpen === true,
    );
    const appealed = await h.api('POST', `/v1/public/complaints/${trackingNumber}/appeal`, {
      headers: { 'x-complaint-secret': secret },
      body: { reason: 'two witnesses saw it' },
    });
    expect(appealed.status, JSON.stringify(appealed.body)).toBe(200);
    const reopened = (await expectRowAgrees('complaints', id, 'the appeal')).live;
    expect(reopened.pending).toMatchObject({ action: 'assignInvestigator', role: 'complaint_handler' });
    expect(period(reopened, 'appealed')).toBe(4);

    const reassigned = await act('investigator', 'handler-1', { investigatorId: 'insp-5' });
    expect(reassigned.pending).toMatchObject({ action: 'submitFinding', userIds: ['insp-5'] });
    expect(period(reassigned, 'investigator_assigned')).toBe(15);
    const final = await act('finding', 'insp-5', { finding: 'unsubstantiated', reasons: ['the witnesses did not confirm it'], actions: [] });
    expect(final.status).toBe('final');
  });

  it('station: the licensed station shows its next inspection due, in its record and in the list, from its programme start', async () => {
    const stationId = await licenseStation(h);
    const { nextDueAt } = (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body.programme;
    expect(nextDueAt).toEqual(expect.any(String));
    // The programme's first write: no later change of it comes first (the next is due in six months).
    const shown = await eventually(
      async () => {
        const one = (await h.api('GET', `/v1/stations/${stationId}`, { as: 'sup-1' })).body;
        const row = (await h.api('GET', '/v1/stations?limit=100', { as: 'sup-1' })).body.items.find((r: { id: number }) => r.id === stationId);
        return one.nextInspectionDueAt && row?.nextInspectionDueAt ? { one, row } : undefined;
      },
      { timeoutMs: 5_000 },
    );
    expect(shown.one.nextInspectionDueAt).toBe(nextDueAt);
    expect(shown.row.nextInspectionDueAt).toBe(nextDueAt);
    // Its start and the licence it watches (licence_tracked): nothing else yet.
    expect(shown.one.programme.version).toBe(1);
    expect(shown.one.programme.timeline.map((e: { action: string }) => e.action)).toEqual(['licence_tracked']);
  });
});
