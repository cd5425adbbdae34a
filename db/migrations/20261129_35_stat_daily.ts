import type { Knex } from 'knex';

/**
 * Statistics counted per China day (issue 19): one row per metric, place, occupation, level and day, kept up to date by
 * triggers on the base tables (db/queries/statistics.ts) so that figures for any period are sums over `day`, never scans.
 * '' and 0 stand for an unknown city, no occupation, no level (the key must not hold NULLs).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stat_daily', (t) => {
    t.string('metric', 40).notNullable();
    t.specificType('province_code', 'CHAR(6)').notNullable();
    t.specificType('city_code', 'CHAR(6)').notNullable().defaultTo('');
    t.string('occupation_code', 16).notNullable().defaultTo('');
    t.tinyint('level').notNullable().defaultTo(0);
    t.date('day').notNullable();
    t.bigInteger('value').notNullable().defaultTo(0);
    t.primary(['metric', 'province_code', 'city_code', 'occupation_code', 'level', 'day']);
    // A period's figures for the whole nation or by occupation: one metric over a range of days.
    t.index(['metric', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('stat_daily');
}
