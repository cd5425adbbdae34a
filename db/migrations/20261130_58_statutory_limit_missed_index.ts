import type { Knex } from 'knex';

/** Counting missed statutory limits by place reads the index alone (few applications, but every statistics page asks). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('station_applications', (t) => {
    t.index(['statutory_limit_missed', 'province_code', 'city_code'], 'station_applications_statutory_missed_place');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('station_applications', (t) => {
    t.dropIndex(['statutory_limit_missed', 'province_code', 'city_code'], 'station_applications_statutory_missed_place');
  });
}
