import type { Knex } from 'knex';
import { dropSummaryTriggers, rebuildSummaries, removeSummaries, replaceSummaryTriggers } from '../queries/statistics';

/**
 * Examiners' violations per day (stat_daily), where the examiner is registered: triggers on conduct_records keep them
 * in the transaction of each write; the records already there are counted once, after the triggers.
 */
/** CREATE TRIGGER commits implicitly: the rebuild opens its own transaction rather than run in the migration's. */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await replaceSummaryTriggers(knex, 'conduct_records');
  await rebuildSummaries(knex, 'conduct_records');
}

export async function down(knex: Knex): Promise<void> {
  await dropSummaryTriggers(knex, 'conduct_records');
  await removeSummaries(knex, 'conduct_records');
}
