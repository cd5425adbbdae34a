import type { Knex } from 'knex';

/**
 * The certificate register (证书台账): one row per certificate ever issued here or imported from before, found by
 * number for public verification. The holder's identity number only masked and as its keyed hash (the sealed number
 * is in candidate_identities). A session's certificate is unique per (session, candidate), so issuing twice cannot.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('certificates', (t) => {
    t.string('number', 16).primary();
    t.string('holder_name', 100).notNullable();
    t.string('holder_masked_id', 18).notNullable();
    t.string('holder_id_hash', 64).notNullable().index();
    t.string('occupation_code', 16).notNullable();
    t.tinyint('level').notNullable();
    t.string('session_id', 40).nullable();
    t.string('candidate_id', 40).nullable();
    t.integer('station_id').nullable();
    // The jurisdiction that issued it (a province's code), and the quarter of issue for the quarterly counts.
    t.string('issuer_code', 12).notNullable();
    t.date('issued_on').notNullable();
    t.string('quarter', 6).notNullable();
    t.string('source', 12).notNullable();
    t.string('blank_serial', 24).nullable().unique();
    t.string('status', 12).notNullable().defaultTo('valid');
    t.datetime('revoked_at', { precision: 3 }).nullable();
    t.text('revoked_reason').nullable();
    t.string('revoked_by', 64).nullable();
    t.string('revoked_case', 80).nullable();
    t.string('replaces', 16).nullable();
    t.string('replaced_by', 16).nullable();
    t.datetime('created_at', { precision: 3 }).notNullable();
    t.unique(['session_id', 'candidate_id']);
    t.index(['station_id', 'occupation_code', 'quarter']);
    // The revocation feed pages through revoked numbers by time.
    t.index(['revoked_at', 'number']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('certificates');
}
