import type { Knex } from 'knex';

/**
 * The rostered candidates of each session (实名制花名册) with their results, as the session's workflow writes them:
 * the identity number only masked and as its keyed hash, which finds the same person on another session the same
 * day (the overlap rule) and among recent passes of the same occupation and level (the repeat-pass signal).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('session_candidates', (t) => {
    t.string('session_id', 40).notNullable().references('appraisal_sessions.id').onDelete('CASCADE');
    t.string('candidate_id', 40).notNullable();
    t.string('name', 100).notNullable();
    t.string('masked_id', 18).notNullable();
    t.string('id_hash', 64).notNullable();
    t.string('occupation_code', 16).notNullable();
    t.tinyint('level').notNullable();
    t.string('organisation', 200).nullable();
    t.date('session_date').notNullable();
    t.boolean('absent').nullable();
    t.double('theory').nullable();
    t.double('practical').nullable();
    t.boolean('passed').notNullable().defaultTo(false);
    t.primary(['session_id', 'candidate_id']);
    t.index(['id_hash', 'session_date']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('session_candidates');
}
