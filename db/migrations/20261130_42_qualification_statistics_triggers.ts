import type { Knex } from 'knex';
import { dropSummaryTriggers, rebuildSummaries, removeSummaries, replaceSummaryTriggers } from '../queries/statistics';

/**
 * Examiner qualifications by status, where the examiner is registered, in stat_current: triggers on qualifications keep
 * them in the transaction of each write; the qualifications already there are counted once, after the triggers.
 */
/** CREATE TRIGGER commits implicitly: the rebuild opens its own transaction rather than run in the migration's. */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await replaceSummaryTriggers(knex, 'qualifications');
  await rebuildSummaries(knex, 'qualifications');
}

export async function down(knex: Knex): Promise<void> {
  await dropSummaryTriggers(knex, 'qualifications');
  await removeSummaries(knex, 'qualifications');
}
