import type { Knex } from 'knex';

/** Idempotency-Key bookkeeping: the first response to a (caller, key) is kept and replayed. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('idempotency_keys', (t) => {
    t.string('caller', 80).notNullable();
    t.string('idem_key', 200).notNullable();
    t.string('request_hash', 64).notNullable();
    /** The id reserved for what the request creates, so a retry after a crash creates the same thing. */
    t.string('resource_id', 40).notNullable();
    t.string('claim', 40).notNullable();
    t.timestamp('claimed_at', { precision: 3 }).notNullable();
    t.smallint('status_code').nullable();
    t.json('response').nullable();
    t.primary(['caller', 'idem_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('idempotency_keys');
}
