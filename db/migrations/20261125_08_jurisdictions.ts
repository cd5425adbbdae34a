import type { Knex } from 'knex';
import { grantApplicationAccess } from '../grants';

/**
 * Jurisdictions (管辖): the national level, provinces and cities by division code, and industry
 * authorities beside them with the occupations they hold; the jurisdictions each official acts in.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('jurisdictions', (t) => {
    t.string('code', 40).primary();
    t.string('kind', 16).notNullable();
    t.string('parent_code', 40).nullable().references('jurisdictions.code');
    t.string('name', 200).notNullable();
  });
  await knex.schema.createTable('industry_occupations', (t) => {
    t.string('jurisdiction_code', 40).notNullable().references('jurisdictions.code').onDelete('CASCADE');
    t.string('occupation_prefix', 20).notNullable();
    t.primary(['jurisdiction_code', 'occupation_prefix']);
  });
  await knex.schema.createTable('user_jurisdictions', (t) => {
    t.string('user_id', 64).notNullable().references('users.id').onDelete('CASCADE');
    t.string('code', 40).notNullable();
    t.primary(['user_id', 'code']);
    t.index(['code']);
  });
  await grantApplicationAccess(knex);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['user_jurisdictions', 'industry_occupations', 'jurisdictions']) await knex.schema.dropTableIfExists(table);
}
