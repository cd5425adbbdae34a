import type { Knex } from 'knex';

/**
 * Each legacy certificate import (已发证书数据入网) as a record: who imported, for which province, when it started
 * and finished, and its counts by reason, so the answer stays small and the rejected rows are a download.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('certificate_imports', (t) => {
    t.string('id', 40).primary();
    t.string('imported_by', 64).notNullable();
    /** The importer's jurisdictions at the time: officials covering them may read the report. */
    t.json('jurisdictions').notNullable();
    t.datetime('started_at', { precision: 3 }).notNullable();
    /** Null while the file is being read (or after an interrupted one). */
    t.datetime('finished_at', { precision: 3 }).nullable();
    t.integer('total').notNullable().defaultTo(0);
    t.integer('imported').notNullable().defaultTo(0);
    t.integer('rejected').notNullable().defaultTo(0);
    t.json('by_reason').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('certificate_imports');
}
