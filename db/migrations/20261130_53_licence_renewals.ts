import type { Knex } from 'knex';

/**
 * Station licence renewals (续期申请): one row per station and licence validity (`<station>-<validUntil day>`), written
 * by its workflow at the version it reached; who must act and by when, for the lists and the inbox; the filing and the
 * record shown to the decider, and the decision, as JSON.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('licence_renewals', (t) => {
    t.string('id', 40).primary();
    t.integer('version').notNullable();
    t.integer('station_id').unsigned().notNullable().references('stations.id');
    t.string('station_name', 200).notNullable();
    t.string('licence_number', 40).notNullable();
    t.datetime('valid_until', { precision: 3 }).notNullable();
    t.string('status', 24).notNullable();
    t.string('filed_by', 64).notNullable();
    t.string('pending_action', 32).nullable();
    t.string('pending_role', 32).nullable();
    t.json('pending_user_ids').nullable();
    t.datetime('due_at', { precision: 3 }).nullable();
    t.integer('escalation_level').notNullable().defaultTo(0);
    t.datetime('new_valid_until', { precision: 3 }).nullable();
    t.string('decided_by', 64).nullable();
    t.json('summary').notNullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.datetime('updated_at', { precision: 3 }).notNullable();
    t.index(['station_id', 'created_at']);
    t.index(['status', 'due_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('licence_renewals');
}
