import type { Knex } from 'knex';

/**
 * The working-day calendar (工作日历), one row per publication of a year: the national calendar (scope 'national') or a
 * province's own extra days off (scope: its code). A correction is a new row, never an update, so every due time ever
 * computed can name the publication it used (its id is the calendar version) and the history of a year stays readable.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('calendar_versions', (t) => {
    t.increments('id').primary();
    t.string('scope', 8).notNullable();
    t.smallint('year').notNullable();
    t.json('holidays').notNullable();
    t.json('workdays').notNullable();
    t.string('published_by', 64).notNullable();
    t.string('reason', 500).notNullable();
    t.datetime('published_at', { precision: 3 }).notNullable();
    t.index(['scope', 'year', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('calendar_versions');
}
