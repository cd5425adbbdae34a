import type { Knex } from 'knex';

/**
 * Where an examiner known only to the register (loaded by an import, not a user) is registered: a province or city
 * division code. Officials of that place see them as they see the examiners among their users.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('examiners', (t) => {
    t.string('region_code', 6).nullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('examiners', (t) => {
    t.dropIndex(['region_code']);
    t.dropColumn('region_code');
  });
}
