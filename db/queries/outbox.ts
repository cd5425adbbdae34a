import type { Db } from '../connect';

/** The mail outbox: one row per (workflow, step), whatever the retries. */
export interface OutboxMessage {
  workflowId: string;
  stepKey: string;
  recipients: string[];
  subject: string;
  body: string;
  messageId: string;
}

export type OutboxStatus = 'pending' | 'sent' | 'failed';

/** Records the message unless this step already has one; returns the row as stored. */
export async function claimOutboxMessage(db: Db, m: OutboxMessage): Promise<{ id: number; status: OutboxStatus }> {
  const [insertedId] = await db('outbox')
    .insert({
      workflow_id: m.workflowId,
      step_key: m.stepKey,
      recipients: JSON.stringify(m.recipients),
      subject: m.subject,
      body: m.body,
      status: 'pending',
      message_id: m.messageId,
    })
    .onConflict(['workflow_id', 'step_key'])
    .ignore();
  // A new row is this attempt's, pending; only a step seen before needs reading back (one query less per mail).
  if (insertedId) return { id: insertedId, status: 'pending' };
  const row = await db('outbox').where({ workflow_id: m.workflowId, step_key: m.stepKey }).first('id', 'status');
  return { id: row.id, status: row.status };
}

export async function markOutbox(db: Db, id: number, status: OutboxStatus, error?: string): Promise<void> {
  await db('outbox')
    .where({ id })
    .update({
      status,
      attempts: db.raw('attempts + 1'),
      last_error: error ?? null,
      ...(status === 'sent' ? { sent_at: new Date() } : {}),
    });
}
