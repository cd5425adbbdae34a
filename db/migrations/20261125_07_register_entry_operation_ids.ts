import type { Knex } from 'knex';

const TABLES = ['conduct_records', 'training_records', 'checklist_templates'];

/**
 * Register entries and template versions written straight by the API carry the id the request's
 * Idempotency-Key reserved, unique, so a request retried after a crash records them once.
 */
export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.schema.alterTable(table, (t) => {
      t.string('operation_id', 40).nullable().unique();
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.schema.alterTable(table, (t) => {
      t.dropUnique(['operation_id']);
      t.dropColumn('operation_id');
    });
  }
}
