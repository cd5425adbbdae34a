import type { Knex } from 'knex';

/** The examiner register (考评员): identity, qualifications with their cycles, training, conduct, imports. */
export async function up(knex: Knex): Promise<void> {
  // Declared affiliations of a station's organisation: inspectors affiliated with them recuse (回避).
  await knex.schema.alterTable('stations', (t) => {
    t.json('affiliations').nullable();
  });
  await knex.schema.alterTable('examiners', (t) => {
    t.string('national_id', 18).nullable();
    t.string('email', 254).nullable();
  });
  await knex.schema.createTable('qualifications', (t) => {
    t.string('id', 40).primary();
    t.string('examiner_id', 64).notNullable().index();
    t.string('occupation_code', 16).notNullable().index();
    t.tinyint('level').notNullable();
    t.string('card_number', 40).nullable().unique();
    t.string('status', 24).notNullable().index();
    t.timestamp('issued_at', { precision: 3 }).nullable();
    t.timestamp('expires_at', { precision: 3 }).nullable().index();
    t.integer('cycle').notNullable();
    t.string('pending_action', 32).nullable();
    t.string('pending_role', 32).nullable();
    t.json('pending_user_ids').nullable();
    t.json('summary').notNullable();
    t.integer('version').notNullable();
    /** Set for qualifications loaded by a bulk import, whose cycles the import starts at a bounded rate. */
    t.string('import_id', 40).nullable().index();
    t.timestamp('created_at', { precision: 3 }).notNullable();
    t.timestamp('updated_at', { precision: 3 }).notNullable();
  });
  await knex.schema.createTable('training_records', (t) => {
    t.bigIncrements('id').primary();
    t.string('examiner_id', 64).notNullable().index();
    t.decimal('hours', 6, 1).notNullable();
    t.string('course', 200).notNullable();
    t.date('completed_on').notNullable();
    t.string('source', 64).notNullable();
  });
  await knex.schema.createTable('conduct_records', (t) => {
    t.bigIncrements('id').primary();
    t.string('examiner_id', 64).notNullable().index();
    t.string('kind', 16).notNullable();
    t.string('description', 2000).notNullable();
    t.string('source', 200).notNullable();
    t.string('recorded_by', 64).notNullable();
    t.timestamp('recorded_at', { precision: 3 }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['conduct_records', 'training_records', 'qualifications']) await knex.schema.dropTableIfExists(table);
  await knex.schema.alterTable('examiners', (t) => t.dropColumns('national_id', 'email'));
  await knex.schema.alterTable('stations', (t) => t.dropColumn('affiliations'));
}
