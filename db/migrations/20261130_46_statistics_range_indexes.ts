import type { Knex } from 'knex';

/**
 * The stations' counts relative to now that no trigger can keep (licences expiring within the horizon, stations due or
 * overdue for inspection: db/queries/figures.ts rangeCount) read an index range: each index leads with the time and
 * covers the columns the count filters and groups by, so the count never reads the table's rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('stations', (t) => {
    t.index(['valid_until', 'status', 'province_code', 'city_code'], 'stations_licence_expiry_place_index');
    t.index(['next_inspection_due_at', 'status', 'province_code', 'city_code'], 'stations_inspection_due_place_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('stations', (t) => {
    t.dropIndex([], 'stations_inspection_due_place_index');
    t.dropIndex([], 'stations_licence_expiry_place_index');
  });
}
