import type { Knex } from 'knex';

/**
 * Station applications whose licensing decision missed its statutory limit (法定办理时限): set by the workflow when the
 * limit runs out, so statistics can count them by place and period.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('station_applications', (t) => {
    t.boolean('statutory_limit_missed').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('station_applications', (t) => {
    t.dropColumn('statutory_limit_missed');
  });
}
