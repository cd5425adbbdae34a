import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import example from '../../db/seeds/station-application.example.json';
import { eventually, startHarness, type Harness } from '../support/harness';
import { checklistScores, goodScores, licenseStation } from '../support/fixtures';

/**
 * Lists agree with cases: after every step, the list row (what the inbox sorts by) shows the pending
 * step, who holds it and its due time exactly as the case's live state does.
 */
let h: Harness;
beforeAll(async () => {
  // Each step its own period, so a due time left over from another step shows.
  h = await startHarness({
    stationApproval: { deadlines: { resubmission: 'P29D', assignReviewer: 'P3D', documentReview: 'P10D', assignAssessors: 'P5D', onSiteAssessment: 'P20D', finalDecision: 'P6D' } },
    inspection: { deadlines: { assignTeam: 'P5D', acknowledge: 'PT3S', fieldwork: 'P14D', report: 'P4D', review: 'P7D', rectification: 'PT5S', verification: 'P10D', sanctionDecision: 'P3D' } },
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
async function expectRowAgrees(kind: 'station-applications' | 'inspections', id: string, step: string) {
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
        expect(Date.parse(live.pending.dueAt) - Date.parse(live.timeline.at(-1).at)).toBe(29 * 86_400_000);
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
});
