import type { Knex } from 'knex';
import { grantApplicationAccess } from '../grants';

/**
 * Rate-limit counters shared by every API process: per bucket (a limit's name and the client's address) the
 * requests counted in its current window and when that window ends. Housekeeping removes ended windows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limit_windows', (t) => {
    t.string('bucket', 120).primary();
    t.datetime('window_start', { precision: 3 }).notNullable();
    t.datetime('window_end', { precision: 3 }).notNullable().index();
    t.integer('hits').unsigned().notNullable();
  });
  await grantApplicationAccess(knex);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('rate_limit_windows');
}
