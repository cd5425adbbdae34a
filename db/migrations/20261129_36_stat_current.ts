import type { Knex } from 'knex';

/**
 * Statistics as they stand now (issue 19): per metric, place and `k` (a status), e.g. blank forms in a province's stock or
 * certificates still valid; kept up to date by triggers on the base tables (db/queries/statistics.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stat_current', (t) => {
    t.string('metric', 40).notNullable();
    t.specificType('province_code', 'CHAR(6)').notNullable();
    t.specificType('city_code', 'CHAR(6)').notNullable().defaultTo('');
    t.string('k', 40).notNullable();
    t.bigInteger('value').notNullable().defaultTo(0);
    t.primary(['metric', 'province_code', 'city_code', 'k']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('stat_current');
}
