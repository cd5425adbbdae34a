import type { Knex } from 'knex';
import { grantApplicationAccess } from '../grants';

/**
 * Each examiner import as a record (who imported, in which jurisdictions, counts by reason) with its rejected rows,
 * so the answer stays small and the full rejection report is a download.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('examiner_imports', (t) => {
    t.string('id', 40).primary();
    t.string('imported_by', 64).notNullable();
    /** The importer's jurisdictions at the time: officials covering them may read the report. */
    t.json('jurisdictions').notNullable();
    t.integer('imported').notNullable();
    t.integer('rejected').notNullable();
    t.json('rejected_by_reason').notNullable();
    t.timestamp('created_at', { precision: 3 }).notNullable();
  });
  await knex.schema.createTable('examiner_import_rejections', (t) => {
    t.string('import_id', 40).notNullable().references('examiner_imports.id').onDelete('CASCADE');
    t.integer('line').notNullable();
    t.json('reasons').notNullable();
    t.json('errors').notNullable();
    /** The row's cells as sent (each cut to a bounded length), for the report. */
    t.json('cells').notNullable();
    t.primary(['import_id', 'line']);
  });
  await grantApplicationAccess(knex);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['examiner_import_rejections', 'examiner_imports']) await knex.schema.dropTableIfExists(table);
}
