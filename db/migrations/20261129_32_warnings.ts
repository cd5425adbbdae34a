import type { Knex } from 'knex';

/**
 * Early warnings (预警): one row per rule firing, unique per rule, subject and window start, so evaluations that overlap
 * or retry record it once; the figures that triggered it, the case it opened and a supervisor's dismissal. The place
 * (the subject station's, or the examiner's registration) is kept for jurisdiction and the list's filter.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('warnings', (t) => {
    t.string('id', 40).primary();
    t.string('rule', 40).notNullable();
    t.string('subject_type', 16).notNullable();
    t.string('subject_id', 64).notNullable();
    t.datetime('window_start', { precision: 3 }).notNullable();
    t.datetime('window_end', { precision: 3 }).notNullable();
    t.string('province_code', 6).nullable();
    t.string('city_code', 6).nullable();
    t.json('figures').notNullable();
    t.string('case_type', 16).nullable();
    t.string('case_id', 64).nullable();
    t.string('status', 16).notNullable();
    t.string('dismissed_by', 64).nullable();
    t.json('dismissal_reasons').nullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.unique(['rule', 'subject_type', 'subject_id', 'window_start']);
    t.index(['status', 'created_at']);
    t.index(['province_code', 'city_code', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('warnings');
}
