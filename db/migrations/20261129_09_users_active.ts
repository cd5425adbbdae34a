import type { Knex } from 'knex';

/** A person can be deactivated in the user register: from then on their tokens are refused, whatever they say. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.boolean('active').notNullable().defaultTo(true);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('active');
  });
}
