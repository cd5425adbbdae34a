import type { Knex } from 'knex';

/** The early-warning rules count recent rows: complaints and conduct records by time, unbalanced stocktakes by time. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('complaints', (t) => t.index(['created_at', 'station_id']));
  await knex.schema.alterTable('conduct_records', (t) => t.index(['kind', 'recorded_at', 'examiner_id']));
  await knex.schema.alterTable('blank_form_stocktakes', (t) => t.index(['balanced', 'at']));
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('complaints', (t) => t.dropIndex(['created_at', 'station_id']));
  await knex.schema.alterTable('conduct_records', (t) => t.dropIndex(['kind', 'recorded_at', 'examiner_id']));
  await knex.schema.alterTable('blank_form_stocktakes', (t) => t.dropIndex(['balanced', 'at']));
}
