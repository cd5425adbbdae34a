import type { Knex } from 'knex';

/**
 * Candidates' resident identity numbers, sealed (AES-256-GCM under the sealing key) and kept apart from cases as
 * complainants' contacts are: one row per person, found by the keyed hash that cases and rosters carry instead.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('candidate_identities', (t) => {
    t.string('id_hash', 64).primary();
    t.text('sealed').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('candidate_identities');
}
