import type { Knex } from 'knex';

/**
 * Periodic inspections: the station's programme columns, versioned checklist templates, inspections,
 * campaigns, the appraisal session register and the examiner register it checks against.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('stations', (t) => {
    t.timestamp('next_inspection_due_at', { precision: 3 }).nullable().index();
    t.string('rating', 1).nullable().index();
    t.string('demonstration', 16).notNullable().defaultTo('none');
    t.json('last_team_ids').nullable();
    t.integer('programme_version').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('checklist_templates', (t) => {
    t.string('id', 64).notNullable();
    t.integer('version').notNullable();
    t.json('items').notNullable();
    t.string('created_by', 64).notNullable();
    t.timestamp('created_at', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
    t.primary(['id', 'version']);
  });
  await knex.schema.createTable('inspections', (t) => {
    t.string('id', 80).primary();
    t.integer('station_id').unsigned().notNullable().index();
    t.string('kind', 16).notNullable();
    t.string('campaign_id', 40).nullable().index();
    t.string('template_id', 64).notNullable();
    t.integer('template_version').notNullable();
    t.string('province_code', 6).notNullable();
    t.string('status', 32).notNullable().index();
    t.string('pending_action', 32).nullable();
    t.string('pending_role', 32).nullable();
    t.json('pending_user_ids').nullable();
    t.timestamp('due_at', { precision: 3 }).nullable().index();
    t.integer('escalation_level').notNullable().defaultTo(0);
    t.json('team_ids').notNullable();
    t.string('lead_id', 64).nullable();
    t.decimal('total', 5, 2).nullable();
    t.string('rating', 1).nullable();
    t.string('outcome', 16).nullable();
    t.json('summary').notNullable();
    t.integer('version').notNullable();
    t.timestamp('created_at', { precision: 3 }).notNullable();
    t.timestamp('updated_at', { precision: 3 }).notNullable();
  });
  await knex.schema.createTable('campaigns', (t) => {
    t.string('id', 40).primary();
    t.string('name', 200).notNullable();
    t.json('filter').notNullable();
    t.string('status', 16).notNullable();
    t.integer('matched').notNullable().defaultTo(0);
    t.integer('started').notNullable().defaultTo(0);
    t.string('created_by', 64).notNullable();
    t.timestamp('created_at', { precision: 3 }).notNullable();
    t.timestamp('updated_at', { precision: 3 }).notNullable();
  });
  await knex.schema.createTable('appraisal_sessions', (t) => {
    t.string('id', 40).primary();
    t.integer('station_id').unsigned().notNullable().index();
    t.string('occupation_code', 16).notNullable();
    t.tinyint('level').notNullable();
    t.date('session_date').notNullable();
    t.string('province_code', 6).notNullable();
    t.string('city_code', 6).notNullable();
    t.string('address', 500).notNullable();
    t.integer('expected_candidates').notNullable();
    t.string('quality_supervisor_id', 64).nullable();
    t.string('registered_by', 64).notNullable();
    t.timestamp('registered_at', { precision: 3 }).notNullable();
  });
  await knex.schema.createTable('appraisal_session_examiners', (t) => {
    t.string('session_id', 40).notNullable().references('appraisal_sessions.id').onDelete('CASCADE');
    t.string('examiner_id', 64).notNullable().index();
    t.primary(['session_id', 'examiner_id']);
  });
  // The examiner register as far as eligibility needs it; the qualification process (its own issue) writes it.
  await knex.schema.createTable('examiners', (t) => {
    t.string('id', 64).primary();
    t.string('name', 100).notNullable();
    t.string('organisation', 200).notNullable();
    t.string('status', 16).notNullable().index();
    t.timestamp('updated_at', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['examiners', 'appraisal_session_examiners', 'appraisal_sessions', 'campaigns', 'inspections', 'checklist_templates']) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.schema.alterTable('stations', (t) => {
    t.dropIndex(['next_inspection_due_at']);
    t.dropIndex(['rating']);
    t.dropColumns('next_inspection_due_at', 'rating', 'demonstration', 'last_team_ids', 'programme_version');
  });
}
