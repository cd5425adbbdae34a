import type { Knex } from 'knex';

/**
 * A suspension recorded on the examiner register itself (a complaint finding's), whether or not the examiner has a
 * qualification cycle to suspend: the register reads them as suspended while this date is ahead, so it lifts itself.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('examiners', (t) => {
    t.datetime('suspended_until', { precision: 3 }).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('examiners', (t) => {
    t.dropColumn('suspended_until');
  });
}
