import type { Knex } from 'knex';

/** Housekeeping removes keys by age, a bounded batch at a time: an index on the claim time keeps each batch a range read. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.index(['claimed_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.dropIndex(['claimed_at']);
  });
}
