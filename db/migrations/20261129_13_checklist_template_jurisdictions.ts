import type { Knex } from 'knex';

/**
 * Each checklist template version belongs to a jurisdiction: the versions published so far are national (CN);
 * a province or city may publish its own, which its stations' inspections use instead.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('checklist_templates', (t) => {
    t.string('jurisdiction_code', 40).notNullable().defaultTo('CN');
    t.index(['id', 'jurisdiction_code', 'version']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('checklist_templates', (t) => {
    t.dropIndex(['id', 'jurisdiction_code', 'version']);
    t.dropColumn('jurisdiction_code');
  });
}
