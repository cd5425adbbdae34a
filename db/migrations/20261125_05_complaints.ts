import type { Knex } from 'knex';

/** Complaints (质量投诉): the case row, and the complainant's identity kept apart and encrypted. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('complaints', (t) => {
    t.string('id', 40).primary();
    t.string('tracking_number', 24).notNullable().unique();
    t.string('secret_hash', 64).notNullable();
    t.string('status', 16).notNullable();
    t.string('category', 32).notNullable();
    t.string('severity', 16).nullable();
    t.string('province_code', 6).nullable();
    t.integer('station_id').unsigned().nullable().index();
    t.string('examiner_id', 64).nullable().index();
    t.string('investigator_id', 64).nullable().index();
    t.string('pending_role', 32).nullable();
    t.timestamp('due_at', { precision: 3 }).nullable();
    t.integer('escalation_level').notNullable().defaultTo(0);
    t.string('finding', 24).nullable();
    t.boolean('sla_met').nullable();
    t.timestamp('closed_at', { precision: 3 }).nullable();
    t.boolean('anonymous').notNullable();
    t.timestamp('appeal_until', { precision: 3 }).nullable();
    t.json('summary').notNullable();
    t.integer('version').notNullable();
    t.timestamp('created_at', { precision: 3 }).notNullable();
    t.timestamp('updated_at', { precision: 3 }).notNullable();
    // Statistics and lists: open cases by category, severity and region; overdue by due time.
    t.index(['status', 'category', 'severity']);
    t.index(['province_code', 'status']);
    t.index(['status', 'due_at']);
  });
  // Certificates found invalid by a complaint finding; the public can check a number.
  await knex.schema.createTable('invalid_certificates', (t) => {
    t.string('certificate_number', 64).primary();
    t.string('complaint_id', 40).notNullable();
    t.json('reasons').notNullable();
    t.timestamp('invalidated_at', { precision: 3 }).notNullable();
  });
  await knex.schema.createTable('complaint_contacts', (t) => {
    t.string('complaint_id', 40).primary().references('complaints.id').onDelete('CASCADE');
    /** AES-256-GCM with a key from the environment: iv, tag and ciphertext, base64. */
    t.text('sealed').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('complaint_contacts');
  await knex.schema.dropTableIfExists('invalid_certificates');
  await knex.schema.dropTableIfExists('complaints');
}
