import type { Knex } from 'knex';

/**
 * A session's own times (issue 17): the overlap rules (no examiner, no candidate at two sessions at overlapping
 * times) compare [starts_at, ends_at), not the date. Without its own times a session takes its whole day in China
 * (UTC+8), as domain/session.ts sessionSpan says: existing rows are filled so by the columns' default, which also
 * serves rows written without times. Sessions that end after a new one begins are few (the upcoming ones), so the
 * index on the end leads.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE appraisal_sessions
    ADD COLUMN starts_at DATETIME(3) NOT NULL DEFAULT (TIMESTAMP(session_date) - INTERVAL 8 HOUR) AFTER session_date,
    ADD COLUMN ends_at DATETIME(3) NOT NULL DEFAULT (TIMESTAMP(session_date) + INTERVAL 16 HOUR) AFTER starts_at,
    ADD INDEX appraisal_sessions_ends_starts (ends_at, starts_at)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appraisal_sessions', (t) => {
    t.dropIndex(['ends_at', 'starts_at'], 'appraisal_sessions_ends_starts');
    t.dropColumns('starts_at', 'ends_at');
  });
}
