import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { mintToken } from '../../api/auth';
import { connect } from '../../db/connect';
import { complaintRow } from '../../db/queries/complaints';
import { caseTimeline } from '../../db/queries/events';
import { intakeSchema } from '../../domain/complaint';
import { publicComplaintRoutes, publicIntake } from '../../api/routes/complaints';
import type { ApiDeps } from '../../api/routeSpec';
import { createSealer } from '../../platform/sealing';
import { createSigner } from '../../platform/signing';
import { complaintWorkflow, complaintWorkflowId } from '../../workflows/complaint.messages';
import { eventually, startHarness, type Harness } from '../support/harness';

/**
 * Public intake (issue 21): the API starts the case's workflow, writes its first row and entry itself, then answers; the
 * workflow's first save writes the same, and writes it alone when the API's write fails.
 */
let h: Harness;
let deps: ApiDeps;
beforeAll(async () => {
  h = await startHarness();
  deps = { db: h.db, temporal: h.temporal, config: h.config, sealer: createSealer(h.config.sealingKey), signer: createSigner(h.config.certificateSigningKeys) };
});
afterAll(async () => h?.close());

const intake = (n: number) => ({
  category: 'examiner_misconduct',
  happenedOn: '2026-11-01',
  description: `Intake ${n}: the examiner left the room during the practical part.`,
  contact: { name: 'Zhao Lei', email: `zhao.lei.${n}@mail.example` },
});
const row = async (id: string) => {
  const { id: _id, version, ...columns } = await h.db('complaints').where({ id }).first();
  return { version, columns };
};
/** Once the workflow's own first save (a saveComplaint activity) has completed. */
const firstSaveDone = (id: string) =>
  eventually(async () => {
    const { events } = await h.temporal.workflow.getHandle(complaintWorkflowId(id)).fetchHistory();
    return (events ?? []).some((e) => e.activityTaskCompletedEventAttributes) || undefined;
  });

describe('public complaint intake', () => {
  it('answers once the case is written: the status page, the register and the case read right after the answer find it', async () => {
    const filed = await h.api('POST', '/v1/public/complaints', { body: intake(1) });
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const { trackingNumber, secret } = filed.body;
    // No waiting: each read comes straight after the answer.
    const status = await h.api('GET', `/v1/public/complaints/${trackingNumber}`, { headers: { 'x-complaint-secret': secret } });
    expect(status.status, JSON.stringify(status.body)).toBe(200);
    expect(status.body).toMatchObject({ trackingNumber, status: 'received', category: 'examiner_misconduct', outcome: null });
    const register = await h.api('GET', `/v1/complaints?q=${trackingNumber}`, { as: 'handler-1' });
    expect(register.body.items.map((i: { trackingNumber: string }) => i.trackingNumber)).toEqual([trackingNumber]);
    const [{ id, pending }] = register.body.items;
    expect(pending).toMatchObject({ action: 'triage', role: 'complaint_handler' });
    const one = await h.api('GET', `/v1/complaints/${id}`, { as: 'handler-1' });
    expect(one.status).toBe(200);
    expect([one.body.record.status, one.body.live.status, one.body.live.timeline.map((e: { action: string }) => e.action)]).toEqual([
      'received',
      'received',
      ['received'],
    ]);
    // The complainant's contact was written with the case, sealed.
    expect(await h.db('complaint_contacts').where({ complaint_id: id }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it("writes what the workflow's first save writes, so that save changes nothing", async () => {
    const filed = await h.api('POST', '/v1/public/complaints', { body: intake(2) });
    expect(filed.status).toBe(201);
    const { id } = await h.db('complaints').where({ tracking_number: filed.body.trackingNumber }).first('id');
    const written = { row: await row(id), timeline: await caseTimeline(h.db, 'complaint', id) };
    await firstSaveDone(id);
    expect({ row: await row(id), timeline: await caseTimeline(h.db, 'complaint', id) }).toEqual(written);
    // The case as the workflow holds it is the one written: its entry and its due time.
    const live = await h.temporal.workflow.getHandle(complaintWorkflowId(id)).query<{ timeline: unknown[]; pending: { dueAt: string } }>('state');
    expect(live.timeline).toEqual(written.timeline);
    expect(new Date(live.pending.dueAt)).toEqual(written.row.columns.due_at);

    // A case the workflow writes alone (started as the API starts it, no write of the API's) gets the same row.
    const alone = publicIntake(deps, ulid(), intakeSchema.parse(intake(3)));
    await h.temporal.workflow.start(complaintWorkflow, { workflowId: complaintWorkflowId(alone.input.id), taskQueue: h.taskQueue, args: [alone.input] });
    const byWorkflow = await eventually(async () => (await h.db('complaints').where({ id: alone.input.id }).first()) && row(alone.input.id));
    const expected = complaintRow(alone.firstSave);
    expect(byWorkflow).toEqual({ version: 1, columns: { ...expected, anonymous: 0, summary: JSON.parse(expected.summary as string) } });
  });

  it("still records the complaint when the API's own write fails: the workflow writes it", async () => {
    const broken = connect('mysql://nobody@127.0.0.1:1/nothing');
    const handler = publicComplaintRoutes.find((r) => r.method === 'post' && r.path === '/v1/public/complaints')!.handler;
    const resourceId = ulid();
    try {
      await expect(handler({ deps: { ...deps, db: broken }, body: intakeSchema.parse(intake(4)), resourceId } as never)).rejects.toThrow();
    } finally {
      await broken.destroy();
    }
    const recorded = await eventually(async () => (await h.db('complaints').where({ id: resourceId }).first()) && row(resourceId));
    expect(recorded.version).toBe(1);
    expect((await caseTimeline(h.db, 'complaint', resourceId)).map((e) => e.action)).toEqual(['received']);
    // A retry under the same key (the same id) answers the same case, credentials and all.
    const again = (await handler({ deps, body: intakeSchema.parse(intake(4)), resourceId } as never)) as { trackingNumber: string };
    expect(again.trackingNumber).toBe(recorded.columns.tracking_number);
    expect(await h.db('complaints').where({ tracking_number: again.trackingNumber }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });
});

describe('the staff register behind a verified token', () => {
  it('stops taking a token once it has expired, though it was verified before', async () => {
    const token = await mintToken(h.config, 'handler-1', '2s');
    const list = async () => (await fetch(`${h.baseUrl}/v1/complaints?limit=1`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await list()).toBe(200);
    expect(await list()).toBe(200);
    await eventually(async () => (await list()) === 401, { timeoutMs: 6000, intervalMs: 250 });
  });
});
