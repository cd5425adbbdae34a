import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';
import { DEMO_EXAMINERS } from '../../db/seeds/demo';

/** The seeded world as a new user finds it: every examiner's status in the register has a qualification cycle behind it. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

describe('the demo world', () => {
  it('has every seeded examiner in the register with qualifications whose cycles run (or ran) in Temporal', async () => {
    const registered = await h.db('examiners').pluck('id');
    expect([...registered].sort()).toEqual(DEMO_EXAMINERS.map((e) => e.id).sort());
    for (const id of registered) {
      const examiner = (await h.api('GET', `/v1/examiners/${id}`, { as: 'sup-1' })).body;
      expect(examiner.qualifications.length, id).toBeGreaterThan(0);
      for (const q of examiner.qualifications) {
        const cycle = await h.temporal.workflow.getHandle(`qualification:${q.id}`).describe();
        expect(['RUNNING', 'COMPLETED'], `${id} ${q.id}`).toContain(cycle.status.name);
        // The register shows what the cycle holds: a running cycle's live status, or the end a completed one reached.
        const live = (await h.api('GET', `/v1/qualifications/${q.id}`, { as: 'sup-1' })).body.live;
        if (cycle.status.name === 'RUNNING') expect(live.status, `${id} ${q.id}`).toBe(q.status);
        else expect(['lapsed', 'revoked'], `${id} ${q.id}`).toContain(q.status);
      }
    }
  });

  it('reaches each status through the process: valid cards active, an expired card lapsed by its cycle, a suspension recorded as a finding records it', async () => {
    const status = async (id: string) => (await h.api('GET', `/v1/examiners/${id}`, { as: 'sup-1' })).body;
    const timeline = async (qualificationId: string) =>
      (await h.api('GET', `/v1/qualifications/${qualificationId}/timeline`, { as: 'sup-1' })).body.items.map((e: { action: string }) => e.action);

    for (const id of ['exam-1', 'exam-2', 'insp-1']) expect((await status(id)).status, id).toBe('active');

    const lapsed = await status('exam-3');
    expect(lapsed).toMatchObject({ status: 'lapsed', qualifications: [expect.objectContaining({ status: 'lapsed' })] });
    expect(await timeline(lapsed.qualifications[0].id)).toEqual(['imported', 'lapsed']);

    const suspended = await status('exam-4');
    expect(suspended).toMatchObject({
      status: 'suspended',
      suspendedUntil: expect.any(String),
      qualifications: [expect.objectContaining({ status: 'suspended' })],
    });
    expect(await timeline(suspended.qualifications[0].id)).toEqual(['imported', 'suspended']);
    expect((await h.api('GET', '/v1/examiners/exam-4/timeline', { as: 'sup-1' })).body.items.map((e: { action: string }) => e.action)).toEqual([
      'examiner_suspended',
    ]);
  });
});
