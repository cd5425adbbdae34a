import type { Knex } from 'knex';
import { dropSummaryTriggers, rebuildSummaries, removeSummaries, replaceSummaryTriggers } from '../queries/statistics';

/**
 * Sessions held, their candidates, passes, quality supervision and fraud signals per day: triggers on appraisal_sessions
 * keep them in stat_daily in the transaction of each write; the rows already there are counted once, after the triggers.
 */
/** CREATE TRIGGER commits implicitly: the rebuild opens its own transaction rather than run in the migration's. */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await replaceSummaryTriggers(knex, 'appraisal_sessions');
  await rebuildSummaries(knex, 'appraisal_sessions');
}

export async function down(knex: Knex): Promise<void> {
  await dropSummaryTriggers(knex, 'appraisal_sessions');
  await removeSummaries(knex, 'appraisal_sessions');
}
