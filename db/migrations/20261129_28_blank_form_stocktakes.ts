import type { Knex } from 'knex';

/**
 * A station's stocktake (盘点) of its blank forms for a quarter: what it counted against the forms the register says
 * it holds. A mismatch opens a complaint case by itself; the case's id is kept here.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('blank_form_stocktakes', (t) => {
    t.string('id', 40).primary();
    t.integer('station_id').notNullable();
    t.string('quarter', 6).notNullable();
    t.integer('counted').notNullable();
    t.integer('expected').notNullable();
    t.boolean('balanced').notNullable();
    // The serials the register holds but the station did not report, and those it reported but does not hold (when it listed them).
    t.json('missing').nullable();
    t.json('unexpected').nullable();
    t.string('complaint_id', 40).nullable();
    t.datetime('at', { precision: 3 }).notNullable();
    t.string('recorded_by', 64).notNullable();
    t.index(['station_id', 'quarter', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('blank_form_stocktakes');
}
