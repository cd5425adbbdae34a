import type { Knex } from 'knex';

/**
 * An ended session keeps its whole record (issue 17): once its workflow has ended, and its history is gone after
 * retention, the register row is all a supervisor can read. The workflow's every save writes, beside the status, the
 * quality supervisor's visit report, the re-check, the hold's release and the review; each candidate's row, beside the
 * scores, who entered them and who confirmed the practical score. Sessions saved before keep NULL until their next save.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('appraisal_sessions', (t) => {
    t.json('visit_report').nullable();
    t.json('recheck').nullable();
    t.json('hold_released').nullable();
    t.json('review').nullable();
  });
  await knex.schema.alterTable('session_candidates', (t) => {
    t.string('entered_by', 64).nullable();
    t.string('confirmed_by', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('session_candidates', (t) => t.dropColumns('entered_by', 'confirmed_by'));
  await knex.schema.alterTable('appraisal_sessions', (t) => t.dropColumns('visit_report', 'recheck', 'hold_released', 'review'));
}
