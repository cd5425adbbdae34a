import type { Knex } from 'knex';

/** Users and roles, station applications, stations and their licensed scope, the case event log and the mail outbox. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.string('id', 64).primary();
    t.string('name', 100).notNullable();
    t.string('email', 254).notNullable();
    t.string('organisation', 200).notNullable();
    t.json('affiliations').notNullable();
    t.integer('station_id').unsigned().nullable();
    t.timestamp('created_at', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
  });
  await knex.schema.createTable('user_roles', (t) => {
    t.string('user_id', 64).notNullable().references('users.id').onDelete('CASCADE');
    t.string('role', 32).notNullable();
    t.primary(['user_id', 'role']);
    t.index(['role']);
  });
  await knex.schema.createTable('station_applications', (t) => {
    t.string('id', 40).primary();
    t.string('workflow_id', 80).notNullable().unique();
    t.string('applicant_id', 64).notNullable().index();
    t.string('organisation', 200).notNullable();
    t.string('station_name', 200).notNullable();
    t.string('province_code', 6).notNullable();
    t.string('city_code', 6).notNullable();
    t.string('status', 32).notNullable().index();
    t.string('pending_action', 32).nullable();
    t.string('pending_role', 32).nullable().index();
    t.json('pending_user_ids').nullable();
    t.timestamp('due_at', { precision: 3 }).nullable();
    t.integer('escalation_level').notNullable().defaultTo(0);
    t.string('reviewer_id', 64).nullable().index();
    t.json('assessor_ids').nullable();
    t.string('decided_by', 64).nullable();
    t.decimal('on_site_total', 5, 2).nullable();
    t.string('licence_number', 40).nullable();
    t.integer('station_id').unsigned().nullable();
    t.json('application').notNullable();
    t.json('outcome').nullable();
    t.integer('version').notNullable();
    t.timestamp('submitted_at', { precision: 3 }).notNullable();
    t.timestamp('updated_at', { precision: 3 }).notNullable();
    t.index(['province_code', 'status']);
  });
  await knex.schema.createTable('stations', (t) => {
    // Readable station numbers; the licence number is derived from it.
    t.increments('id').primary();
    t.string('application_id', 40).notNullable().unique();
    t.string('licence_number', 40).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('organisation', 200).notNullable();
    t.string('credit_code', 18).notNullable();
    t.string('province_code', 6).notNullable();
    t.string('city_code', 6).notNullable();
    t.string('address', 500).notNullable();
    t.string('status', 16).notNullable();
    t.string('admin_id', 64).notNullable();
    t.timestamp('licensed_at', { precision: 3 }).notNullable();
    t.timestamp('valid_until', { precision: 3 }).notNullable();
    t.index(['province_code', 'status']);
  });
  await knex.schema.createTable('station_scopes', (t) => {
    t.integer('station_id').unsigned().notNullable().references('stations.id').onDelete('CASCADE');
    t.string('occupation_code', 16).notNullable();
    t.tinyint('highest_level').notNullable();
    t.primary(['station_id', 'occupation_code']);
    t.index(['occupation_code']);
  });
  // Append-only: (case, seq) is unique so a retried activity never records an event twice.
  await knex.schema.createTable('events', (t) => {
    t.bigIncrements('id').primary();
    t.string('case_type', 32).notNullable();
    t.string('case_id', 40).notNullable();
    t.integer('seq').notNullable();
    t.string('action', 64).notNullable();
    t.string('actor_id', 64).notNullable();
    t.string('actor_role', 32).notNullable();
    t.timestamp('at', { precision: 3 }).notNullable();
    t.json('data').nullable();
    t.string('request_id', 64).nullable();
    t.unique(['case_type', 'case_id', 'seq']);
  });
  // One row per (workflow, step): the send happens at most once per step.
  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id').primary();
    t.string('workflow_id', 120).notNullable();
    t.string('step_key', 120).notNullable();
    t.json('recipients').notNullable();
    t.string('subject', 300).notNullable();
    t.text('body').notNullable();
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.string('message_id', 200).notNullable();
    t.timestamp('created_at', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
    t.timestamp('sent_at', { precision: 3 }).nullable();
    t.unique(['workflow_id', 'step_key']);
    t.index(['status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['outbox', 'events', 'station_scopes', 'stations', 'station_applications', 'user_roles', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}
