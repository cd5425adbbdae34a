import type { Knex } from 'knex';

/** Idempotency keys and callers compare byte for byte: `Key-A` and `key-a` are two requests, as HTTP clients mean them. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'ALTER TABLE idempotency_keys MODIFY caller VARCHAR(80) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, MODIFY idem_key VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE idempotency_keys MODIFY caller VARCHAR(80) NOT NULL, MODIFY idem_key VARCHAR(200) NOT NULL');
}
